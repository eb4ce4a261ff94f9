"""Paired image-to-image sets (Isola et al. 2017's edges -> photo task), generated exactly from
the offline MNIST and Fashion-MNIST files.

- ``edges2digits``: the edge map of an MNIST digit -> the digit.
- ``edges2fashion``: the edge map of a Fashion-MNIST item -> the item.

The edge map is a fixed, deterministic function of the target image, so a pair depends on
nothing but the image it comes from: the Sobel gradient magnitude of the image in [0, 1]
(zero padding at the border, `scipy.ndimage.correlate1d` with the separable kernels
[-1, 0, 1] and [1, 2, 1]) thresholded at `THRESHOLD` = 2, half the response to a full 0 -> 1
step edge (4): 1 on an edge, 0 elsewhere. Pair i of a split is image i of that split of the
source set (60,000 train / 10,000 test pairs); held-out pairs come from the test split. The
only randomness is the order of the training batches (``load``'s ``seed``).

>>> from zoo.data import paired
>>> source, target = paired.arrays("edges2digits", "test", num_examples=4)   # float32 (4, 28, 28, 1) each
"""

import functools

import numpy as np

from zoo.data.images import image_arrays


def loader_options(batch_size, split, shuffle, drop_remainder):
    """(shuffle, drop_remainder) of a pair loader, each defaulting to "the train split"; ValueError unless
    batch_size is a positive int."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}.")
    train = split == "train"
    return (train if shuffle is None else bool(shuffle)), (train if drop_remainder is None else bool(drop_remainder))

#: name -> (image set the targets come from, description)
PAIRED = {
    "edges2digits": ("mnist", "edges of an MNIST digit -> the digit (Sobel magnitude >= 2, 60k train / 10k test "
                              "pairs)"),
    "edges2fashion": ("fashion_mnist", "edges of a Fashion-MNIST item -> the item (Sobel magnitude >= 2, 60k train "
                                       "/ 10k test pairs)"),
}
SHAPE = (28, 28, 1)  # of the source and of the target
THRESHOLD = 2.0  # half the Sobel magnitude of a full 0 -> 1 step edge
DERIVATIVE, SMOOTHING = (-1.0, 0.0, 1.0), (1.0, 2.0, 1.0)


def _check(name, split):
    if name not in PAIRED:
        raise ValueError(f"Unknown paired dataset {name!r}; known: {sorted(PAIRED)}.")
    if split not in ("train", "test"):
        raise ValueError(f"Unknown split {split!r} for {name!r}; expected 'train' or 'test'.")


def sobel_magnitude(images):
    """Sobel gradient magnitude float32 (n, H, W) of images (n, H, W) in [0, 1], each image on its
    own (zero padding outside it): sqrt(gx^2 + gy^2), gx the [-1, 0, 1] derivative along the
    columns smoothed by [1, 2, 1] along the rows, gy the transpose."""
    from scipy import ndimage

    x = np.asarray(images, np.float32)
    if x.ndim != 3:
        raise ValueError(f"images must have shape (n, H, W), got {x.shape}.")

    def filt(v, derivative_axis, smoothing_axis):
        v = ndimage.correlate1d(v, DERIVATIVE, axis=derivative_axis, mode="constant")
        return ndimage.correlate1d(v, SMOOTHING, axis=smoothing_axis, mode="constant")

    return np.hypot(filt(x, 2, 1), filt(x, 1, 2))


def edges(images, threshold=THRESHOLD):
    """Edge maps uint8 (n, H, W) of {0, 1}: `sobel_magnitude(images) >= threshold`. `images` are
    uint8 pixels (scaled by 1/255) or floats in [0, 1], (n, H, W).

    Example:
        e = edges(zoo.data.image_arrays("mnist", "test")[0][:8])
    """
    x = np.asarray(images)
    if x.dtype == np.uint8:
        x = x.astype(np.float32) / 255.0
    elif not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"images must be uint8 pixels or floats in [0, 1], got dtype {x.dtype}.")
    return (sobel_magnitude(x) >= threshold).astype(np.uint8)


@functools.lru_cache(maxsize=4)
def _pairs(name, split):
    images, classes = image_arrays(PAIRED[name][0], split)
    out = (edges(images), images, classes.astype(np.int32))
    for a in out:
        a.setflags(write=False)  # cached and shared: nobody may change them
    return out


def pairs(name, split="test", num_examples=None):
    """The first `num_examples` pairs of a split as compact numpy: (edge maps uint8 (n, 28, 28) of
    {0, 1}, target images uint8 (n, 28, 28), their classes int32 (n,)), read-only."""
    _check(name, split)
    src, tgt, classes = _pairs(name, split)
    if num_examples is not None:
        if isinstance(num_examples, bool) or not isinstance(num_examples, (int, np.integer)) or num_examples < 1:
            raise ValueError(f"num_examples must be a positive int, got {num_examples!r}.")
        src, tgt, classes = src[:num_examples], tgt[:num_examples], classes[:num_examples]
    return src, tgt, classes


def _scaled(x, value_range, peak):
    lo, hi = value_range
    return (x.astype(np.float32)[..., None] / peak) * (hi - lo) + lo


def arrays(name, split="train", value_range=(0.0, 1.0), num_examples=None):
    """A split as numpy (source float32 (n, 28, 28, 1) of {low, high}, target float32 (n, 28, 28, 1)
    in `value_range`); `classes(name, split)` gives the targets' class ids."""
    src, tgt, _ = pairs(name, split, num_examples)
    return _scaled(src, value_range, 1.0), _scaled(tgt, value_range, 255.0)


def classes(name, split="test", num_examples=None):
    """Class ids int32 (n,) of the targets of a split (the digit, or the Fashion-MNIST class)."""
    return np.asarray(pairs(name, split, num_examples)[2])


def load(name, split="train", batch_size=128, shuffle=None, seed=0, drop_remainder=None, num_examples=None,
         with_labels=False, value_range=(0.0, 1.0)):
    """A paired set as a `tf.data.Dataset` of (source, target) float32 batches, (batch, 28, 28, 1) each.

    Keras reads a (source, target) element as (x, y): `fit` gets the target in place of a label, so
    `with_labels` must stay False (the classes of the targets come from `classes`).

    Args:
        name: "edges2digits" or "edges2fashion".
        split: "train" or "test" (default "train").
        batch_size: pairs per batch (default 128).
        shuffle: reshuffle every epoch from `seed` (default True for train, False for test).
        seed: shuffle seed (default 0).
        drop_remainder: drop a last, smaller batch (default True for train).
        num_examples: keep only the first n pairs (default all).
        with_labels: must be False (see above).
        value_range: (low, high) of the pixels (default (0, 1)).

    Example:
        ds = zoo.data.load("edges2digits", split="train", batch_size=64)
        model.fit(ds, epochs=1)
    """
    import tensorflow as tf

    _check(name, split)
    if with_labels:
        raise ValueError(f"{name!r} yields (source, target) pairs: the target takes the place of a label, so "
                         "with_labels must be False; the targets' classes are "
                         f"zoo.data.paired.classes({name!r}, split).")
    shuffle, drop_remainder = loader_options(batch_size, split, shuffle, drop_remainder)
    src, tgt, _ = pairs(name, split, num_examples)
    lo, hi = (float(v) for v in value_range)

    def scaled(s, t):  # uint8 in memory (a quarter of the bytes); TF scales each batch as `arrays` does
        s = tf.cast(s[..., None], tf.float32) * (hi - lo) + lo
        return s, tf.cast(t[..., None], tf.float32) / 255.0 * (hi - lo) + lo

    ds = tf.data.Dataset.from_tensor_slices((src, tgt))
    if shuffle:
        ds = ds.shuffle(len(src), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size, drop_remainder=drop_remainder).map(scaled)
    return ds.prefetch(tf.data.AUTOTUNE)
