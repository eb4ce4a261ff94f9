"""The image sets in the keras.datasets layout (MNIST, Fashion-MNIST), offline first.

A leaf of `zoo.data`: ``$ZOO_DATA_DIR/<name>.npz`` when present, else `keras.datasets`
(cached in ``~/.keras/datasets``); `DataNotAvailableError` says what to do when neither works.
"""

import os

import numpy as np


def data_dir():
    """The offline data folder, ``$ZOO_DATA_DIR`` (None when unset)."""
    return os.environ.get("ZOO_DATA_DIR") or None


class DataNotAvailableError(FileNotFoundError):
    """A dataset that is neither in ``$ZOO_DATA_DIR`` nor downloadable from here."""


#: the image sets in the keras.datasets layout: name -> the keras.datasets module that downloads it
NPZ_SETS = {"mnist": "mnist", "fashion_mnist": "fashion_mnist"}


def _download(name):
    import keras

    try:
        return getattr(keras.datasets, NPZ_SETS[name]).load_data()
    except Exception as e:  # no network, a proxy, a partial download ...
        where = data_dir()
        have = (f"$ZOO_DATA_DIR={where} has no {name}.npz" if where
                else "ZOO_DATA_DIR is not set")
        raise DataNotAvailableError(
            f"{name} is not available offline ({have}) and the download through keras.datasets.{NPZ_SETS[name]} "
            f"failed ({type(e).__name__}: {str(e)[:200]}). Point ZOO_DATA_DIR at a folder that holds {name}.npz "
            "(the keras.datasets layout: x_train, y_train, x_test, y_test), or run once with internet access "
            "(downloads are cached in ~/.keras/datasets).") from None


def image_arrays(name="mnist", split="train"):
    """MNIST or Fashion-MNIST as numpy: (uint8 images (n, 28, 28), uint8 labels (n,)).

    Reads ``$ZOO_DATA_DIR/<name>.npz`` when it exists, else ``keras.datasets.<name>``
    (cached in ``~/.keras/datasets``); `DataNotAvailableError` says what to do when neither works.
    """
    if split not in ("train", "test"):
        raise ValueError(f"Unknown split {split!r} for {name!r}; expected 'train' or 'test'.")
    if name not in NPZ_SETS:
        raise ValueError(f"{name!r} is not an image set in the keras.datasets layout; known: {sorted(NPZ_SETS)}.")
    root = data_dir()
    path = os.path.join(root, f"{name}.npz") if root else None
    if path and os.path.exists(path):
        try:
            with np.load(path, allow_pickle=False) as f:
                x, y = f[f"x_{split}"], f[f"y_{split}"]
        except (KeyError, ValueError, OSError) as e:
            raise DataNotAvailableError(f"{path} is not a readable {name} file in the keras.datasets layout: "
                                        f"{e}") from None
    else:
        (xtr, ytr), (xte, yte) = _download(name)
        x, y = (xtr, ytr) if split == "train" else (xte, yte)
    if x.shape[1:] != (28, 28) or x.dtype != np.uint8 or len(x) != len(y):
        raise ValueError(f"{name} {split} split has an unexpected layout: {x.shape} {x.dtype}.")
    return x, y


def mnist_arrays(split="train"):
    """MNIST as numpy: (uint8 images (n, 28, 28), uint8 labels (n,)); see `image_arrays`."""
    return image_arrays("mnist", split)


def binarize(x, seed=0):
    """One stochastic binarization of images in [0, 1]: x_b = (u < x), u ~ U[0, 1) from numpy
    default_rng(seed), float32 0 / 1. The first n images of a split binarize the same whatever n
    (for (n, ...) arrays the draws run in row-major order). The zoo's binary test sets (the
    likelihood of vae-mnist and pixelcnn-mnist) use seed 0.

    Example:
        xb = zoo.data.binarize(zoo.data.arrays("mnist", "test")[0])
    """
    x = np.asarray(x)
    if x.dtype.kind not in "fiub":
        raise TypeError(f"x must be a numeric array of pixel values in [0, 1], got dtype {x.dtype}.")
    if x.size and not (np.all(np.isfinite(x)) and x.min() >= 0 and x.max() <= 1):
        raise ValueError("x must hold pixel values in [0, 1] (scaled images, no NaN); got values in "
                         f"[{np.nanmin(x):.3g}, {np.nanmax(x):.3g}]{' and NaN' if np.isnan(x).any() else ''}.")
    return (np.random.default_rng(seed).uniform(size=x.shape) < x).astype(np.float32)


def scale(x_uint8, value_range=(0.0, 1.0)):
    """Map uint8 pixels 0..255 linearly onto ``value_range`` as float32."""
    lo, hi = value_range
    return (np.asarray(x_uint8, np.float32) / 255.0) * (hi - lo) + lo
