"""Super-resolution pairs (low resolution, high resolution), made exactly from the images.

The low-resolution input of a high-resolution image x (h, w, C) with scale factor s is its
**area (box) downsampling**: each s x s block of x is replaced by its mean,

    low[i, j, c] = 1/s^2 sum_{a, b < s} x[s i + a, s j + b, c],

computed in float64 from the float32 pixels and rounded once to float32 (`downsample`). The
filter has no parameters, so the pairs depend on nothing but the images; it is what
`tf.image.resize(..., method="area")` computes for an integer factor and what the SR models'
`downsample` computes in the graph (the same box mean in float32). Ledig et al. downsample with a
bicubic kernel (MATLAB imresize) instead; a box filter has no overshoot, so the inputs stay in
[0, 1].

- ``mnist_sr``, ``fashion_mnist_sr``: 7x7 -> 28x28 grey (s = 4), the images of MNIST /
  Fashion-MNIST (`zoo.data.images`) in their order: 60,000 train / 10,000 test pairs.
- ``photo_patches_sr``: 8x8 -> 32x32 **RGB** patches (s = 4) cut on a fixed grid from the colour
  photos that scikit-image and scikit-learn ship: train from `TRAIN_PHOTOS` (stride 16, the
  patches overlap by half), test from `TEST_PHOTOS` (stride 32, no overlap), so the test photos
  are held out whole. The photos are read from the installed packages, never downloaded.

Every set yields (low, high) float32 pairs in ``value_range`` (default [0, 1]): x is the input,
y the target, as `keras.Model.fit` takes them.

>>> from zoo.data import superres
>>> low, high = superres.arrays("mnist_sr", "test")      # (10000, 7, 7, 1), (10000, 28, 28, 1)
>>> np.array_equal(low, superres.downsample(high))
True
"""

import functools

import numpy as np

from zoo.data.images import image_arrays, scale

SCALE = 4
PATCH = 32  # side of a high-resolution photo patch
TRAIN_STRIDE, TEST_STRIDE = 16, 32
# (package, name) of each photo; the motorcycle is the left view of scikit-image's stereo pair.
TRAIN_PHOTOS = (("skimage", "astronaut"), ("skimage", "chelsea"), ("skimage", "rocket"),
                ("skimage", "stereo_motorcycle"), ("skimage", "immunohistochemistry"), ("sklearn", "china.jpg"))
TEST_PHOTOS = (("skimage", "coffee"), ("sklearn", "flower.jpg"))
#: dataset -> the image set its high-resolution images come from (None: the photos)
SOURCES = {"mnist_sr": "mnist", "fashion_mnist_sr": "fashion_mnist", "photo_patches_sr": None}
#: name -> (shape of the high-resolution image, description), merged into `zoo.data.DATASETS`
DATASETS = {
    "mnist_sr": ((28, 28, 1), "MNIST super-resolution pairs: 7x7 area-downsampled inputs, 28x28 targets "
                              "(x4), 60k train / 10k test"),
    "fashion_mnist_sr": ((28, 28, 1), "Fashion-MNIST super-resolution pairs: 7x7 area-downsampled inputs, "
                                      "28x28 targets (x4), 60k train / 10k test"),
    "photo_patches_sr": ((PATCH, PATCH, 3), "RGB photo patches for super-resolution: 8x8 area-downsampled inputs, "
                                            "32x32 targets (x4); scikit-image / scikit-learn photos, the test "
                                            "photos held out whole"),
}


def _check(name, split):
    if name not in DATASETS:
        raise ValueError(f"Unknown super-resolution dataset {name!r}; known: {sorted(DATASETS)}.")
    if split not in ("train", "test"):
        raise ValueError(f"Unknown split {split!r} for {name!r}; expected 'train' or 'test'.")


def downsample(x, factor=SCALE):
    """Area (box) downsampling of images (n, h, w, C) by an integer `factor`: the mean of every
    factor x factor block, in float64, returned as float32 (n, h / factor, w / factor, C).
    ValueError unless h and w are multiples of the factor."""
    x = np.asarray(x)
    factor = int(factor)
    if x.ndim != 4:
        raise ValueError(f"x must be images (n, h, w, C), got shape {x.shape}.")
    n, h, w, c = x.shape
    if factor < 1 or h % factor or w % factor:
        raise ValueError(f"The image side ({h}x{w}) must be a multiple of the factor {factor}.")
    blocks = x.astype(np.float64).reshape(n, h // factor, factor, w // factor, factor, c)
    return blocks.mean(axis=(2, 4)).astype(np.float32)


def _photo(package, name):
    """One photo as uint8 (h, w, 3), read from the installed package."""
    if package == "sklearn":
        from sklearn.datasets import load_sample_image

        return np.asarray(load_sample_image(name), np.uint8)
    import skimage.data

    img = getattr(skimage.data, name)()
    return np.asarray(img[0] if isinstance(img, tuple) else img, np.uint8)  # a stereo pair: the left view


def grid_patches(image, size=PATCH, stride=TRAIN_STRIDE):
    """The size x size patches of an image (h, w, C) whose corners lie on a grid of `stride`,
    row by row: (k, size, size, C)."""
    h, w = image.shape[:2]
    return np.stack([image[i: i + size, j: j + size] for i in range(0, h - size + 1, stride)
                     for j in range(0, w - size + 1, stride)])


@functools.lru_cache(maxsize=2)
def photo_patches(split="train"):
    """The high-resolution patches of one split as uint8 (n, 32, 32, 3): the photos of
    `TRAIN_PHOTOS` (stride 16) or `TEST_PHOTOS` (stride 32), in that order, each row by row."""
    _check("photo_patches_sr", split)
    photos, stride = (TRAIN_PHOTOS, TRAIN_STRIDE) if split == "train" else (TEST_PHOTOS, TEST_STRIDE)
    out = np.concatenate([grid_patches(_photo(*p), PATCH, stride) for p in photos])
    out.setflags(write=False)  # cached: callers get a read-only array
    return out


def high_resolution(name, split="train", num_examples=None):
    """The high-resolution images of a split (the first `num_examples`, default all) as float32
    (n, h, w, C) in [0, 1]."""
    _check(name, split)
    images = photo_patches(split) if SOURCES[name] is None else image_arrays(SOURCES[name], split)[0][..., None]
    return scale(images[:num_examples])


def arrays(name, split="train", value_range=(0.0, 1.0), num_examples=None):
    """A whole split as numpy (low float32 (n, h/4, w/4, C), high float32 (n, h, w, C)), both in
    ``value_range``; ``num_examples`` keeps the first n pairs.

    Example:
        low, high = zoo.data.arrays("photo_patches_sr", "test")    # (476, 8, 8, 3), (476, 32, 32, 3)
    """
    high = high_resolution(name, split, num_examples)
    low = downsample(high, SCALE)
    lo, hi = value_range
    if (lo, hi) != (0.0, 1.0):  # the box mean commutes with the affine map
        low, high = low * (hi - lo) + lo, high * (hi - lo) + lo
    return low.astype(np.float32), high.astype(np.float32)


def load(name, split="train", batch_size=128, shuffle=None, seed=0, drop_remainder=None, num_examples=None,
         with_labels=False, value_range=(0.0, 1.0)):
    """A batched `tf.data.Dataset` of (low, high) pairs; the arguments of `zoo.data.load`.

    with_labels must stay False: the high-resolution image already is each pair's target.
    """
    import tensorflow as tf

    _check(name, split)
    if with_labels:
        raise ValueError(f"{name} yields (low, high) pairs: the high-resolution image is the target, "
                         "there are no other labels (with_labels must be False).")
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}.")
    train = split == "train"
    shuffle = train if shuffle is None else shuffle
    drop_remainder = train if drop_remainder is None else drop_remainder
    low, high = arrays(name, split, value_range, num_examples)
    ds = tf.data.Dataset.from_tensor_slices((low, high))
    if shuffle:
        ds = ds.shuffle(len(low), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)
