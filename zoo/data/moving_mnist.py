"""Moving MNIST (Srivastava, Mansimov, Salakhutdinov 2015, Unsupervised Learning of Video
Representations using LSTMs, arXiv:1502.04681), generated exactly and seeded.

The recipe of the paper's `BouncingMNISTDataHandler`: two 28x28 MNIST digits in a 64x64 frame,
each starting at a uniform position of the unit box (x, y ~ U[0, 1)) with a uniform direction
(theta ~ U[0, 2 pi)), stepping 0.1 of the box a frame and bouncing off its edges (a coordinate
that reaches 0 or 1 is clamped there and its velocity flips); the box is scaled to the 64 - 28 =
36 free pixels, so a digit moves 3.6 pixels a frame, and the corner is truncated to whole pixels.
A step is taken before every frame, the first one included. Overlapping digits are combined by
their pixel-wise max. 20 frames: 10 to condition on, 10 to predict.

- Training sequences are a stream: every pass (iteration of the dataset, i.e. every epoch) draws
  fresh sequences from numpy ``default_rng([seed, pass])``, digits from the MNIST train split.
- The test set is 10,000 fixed sequences of MNIST test digits (seed `TEST_SEED`): sequence i
  depends on nothing but i, so the first k sequences are the same whatever is asked for.
- ``source="published"`` reads the paper's own test file ``mnist_test_seq.npy`` (20, 10000, 64, 64)
  uint8 from ``$ZOO_DATA_DIR``, else through ``keras.utils.get_file`` from `URL`.

>>> from zoo.data import moving_mnist
>>> moving_mnist.sequences("test", 0, 4).shape      # uint8 (4, 20, 64, 64)
"""

import os

import numpy as np

from zoo.data.images import DataNotAvailableError, data_dir, image_arrays

URL = "http://www.cs.toronto.edu/~nitish/unsupervised_video/mnist_test_seq.npy"
FILE = "mnist_test_seq.npy"
FRAMES, INPUT_FRAMES = 20, 10
SIZE, DIGIT, NUM_DIGITS = 64, 28, 2
STEP = 0.1  # of the unit box a frame: 0.1 * (SIZE - DIGIT) = 3.6 pixels
SHAPE = (FRAMES, SIZE, SIZE, 1)
TEST_SIZE = 10_000
TRAIN_SIZE = 10_000  # sequences a training pass draws (the paper's stream is endless)
TEST_SEED = 1
SOURCES = ("generated", "published")
CHUNK = 256  # sequences rendered at once


def unit_paths(rng, n, frames=FRAMES, step=STEP):
    """Positions float64 (n, frames, 2) as (y, x) in the unit box of n bouncing digits.

    Start (y, x) ~ U[0, 1)^2 and direction theta ~ U[0, 2 pi) from `rng` (one row of 3 uniforms
    per digit, so the first k paths do not depend on n); each frame takes a step of `step` along
    (sin theta, cos theta), then a coordinate <= 0 or >= 1 is clamped to the box and its velocity
    flips (the paper's handler, vectorised over digits: a loop over frames only).
    """
    u = rng.random((n, 3))
    pos, theta = u[:, :2], u[:, 2] * 2.0 * np.pi
    vel = np.stack([np.sin(theta), np.cos(theta)], axis=-1)
    out = np.empty((n, frames, 2))
    for t in range(frames):
        pos = pos + vel * step
        hit = (pos <= 0.0) | (pos >= 1.0)
        pos = np.clip(pos, 0.0, 1.0)
        vel = np.where(hit, -vel, vel)
        out[:, t] = pos
    return out


def trajectories(rng, n, frames=FRAMES, step=STEP, size=SIZE, digit=DIGIT):
    """Top-left corners int32 (n, frames, 2) as (row, column): `unit_paths` scaled to the
    ``size - digit`` free pixels and truncated, as in the paper."""
    return (unit_paths(rng, n, frames, step) * (size - digit)).astype(np.int32)


def draw(n, seed, num_images, num_digits=NUM_DIGITS, frames=FRAMES):
    """The random part of n sequences: (digit indices int64 (n, num_digits), corners int32
    (n, num_digits, frames, 2)). Digits walk concatenated permutations of the `num_images`
    images (each image used once before any is used again, as in the paper's handler). Digits and
    paths come from two streams spawned from `seed` (an int or a list of ints), so the first k
    sequences are the same whatever n is."""
    digit_rng, path_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    need = n * num_digits
    perms = [digit_rng.permutation(num_images) for _ in range(-(-need // num_images))]
    idx = np.concatenate(perms)[:need].reshape(n, num_digits)
    corners = trajectories(path_rng, n * num_digits, frames).reshape(n, num_digits, frames, 2)
    return idx, corners


def render(digits, corners, size=SIZE):
    """Frames uint8 (n, frames, size, size): each digit (n, num_digits, h, w) pasted at its corners
    (n, num_digits, frames, 2), overlaps combined by max. Vectorised over sequences and frames: the
    frames seen as a (read-write) array of all their h x w windows, one gather, max and scatter
    per digit (a digit's windows never overlap each other: one per frame)."""
    from numpy.lib.stride_tricks import as_strided

    n, num_digits, frames, _ = corners.shape
    h, w = digits.shape[-2:]
    out = np.zeros((n, frames, size, size), np.uint8)
    windows = as_strided(out, (n, frames, size - h + 1, size - w + 1, h, w), out.strides + out.strides[2:],
                         writeable=True)
    seq, frame = np.arange(n)[:, None], np.arange(frames)[None, :]
    for k in range(num_digits):
        rows, cols = corners[:, k, :, 0], corners[:, k, :, 1]
        windows[seq, frame, rows, cols] = np.maximum(windows[seq, frame, rows, cols], digits[:, k, None])
    return out


def _split_digits(split):
    images, labels = image_arrays("mnist", split)
    return images, labels


def _check_split(split):
    if split not in ("train", "test"):
        raise ValueError(f"Unknown split {split!r} for 'moving_mnist'; expected 'train' or 'test'.")


def _check_count(value, name, high=None):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1 or (high and value > high):
        raise ValueError(f"{name} must be an int in [1, {high or 'inf'}], got {value!r}.")
    return int(value)


class Sequences:
    """n seeded sequences of one MNIST split, rendered on demand: ``seqs[i:j]`` -> uint8 (j - i,
    20, 64, 64), ``seqs.take(indices)``; ``labels`` (n, 2) are the digits' classes."""

    def __init__(self, split, n, seed):
        _check_split(split)
        self.images, labels = _split_digits(split)
        self.idx, self.corners = draw(n, seed, len(self.images))
        self.labels = labels[self.idx].astype(np.int32)

    def __len__(self):
        return len(self.idx)

    def take(self, indices):
        indices = np.asarray(indices)
        return render(self.images[self.idx[indices]], self.corners[indices])

    def __getitem__(self, s):
        return self.take(np.arange(len(self))[s])


def test_set():
    """The fixed test set: 10,000 sequences of MNIST test digits, seed `TEST_SEED`."""
    return Sequences("test", TEST_SIZE, TEST_SEED)


def published_path(url=URL, cache_dir=None):
    """Path of the paper's test file: ``$ZOO_DATA_DIR/mnist_test_seq.npy`` when present, else
    `keras.utils.get_file` (downloads once into ``~/.keras/datasets``); `DataNotAvailableError`
    says what to do when neither works."""
    root = data_dir()
    if root and os.path.isfile(os.path.join(root, FILE)):
        return os.path.join(root, FILE)
    import keras

    try:
        return keras.utils.get_file(FILE, origin=url, cache_dir=cache_dir)
    except Exception as e:  # no network, a proxy, a partial download ...
        have = f"$ZOO_DATA_DIR={root} has no {FILE}" if root else "ZOO_DATA_DIR is not set"
        raise DataNotAvailableError(
            f"The published Moving MNIST test set is not available offline ({have}) and its download from {url} "
            f"failed ({type(e).__name__}: {str(e)[:200]}). Put {FILE} (uint8, shape (20, 10000, 64, 64)) in "
            "ZOO_DATA_DIR, or use source='generated' (the seeded test set of zoo.data.moving_mnist).") from None


def published(url=URL, cache_dir=None):
    """The paper's test file as a read-only uint8 array (10000, 20, 64, 64) (a memory map: frames are
    read when sliced); ValueError when the file does not have the published layout."""
    path = published_path(url, cache_dir)
    try:
        x = np.load(path, mmap_mode="r", allow_pickle=False)
    except (ValueError, OSError) as e:
        raise DataNotAvailableError(f"{path} is not a readable .npy file: {e}") from None
    if x.ndim != 4 or x.shape[0] != FRAMES or x.shape[2:] != (SIZE, SIZE) or x.dtype != np.uint8:
        raise ValueError(f"{path} must hold uint8 frames of shape (20, n, 64, 64), got {x.shape} {x.dtype}.")
    return x.transpose(1, 0, 2, 3)


def sequences(split="test", start=0, stop=None, seed=None, source="generated"):
    """Sequences [start, stop) of a split as uint8 (k, 20, 64, 64): the fixed test set (split "test",
    seed None), sequences drawn from `seed` (default 0 for train; stop defaults to `TRAIN_SIZE`), or
    the published file."""
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, got {source!r}.")
    if source == "published":
        if split != "test":
            raise ValueError("The published Moving MNIST file is a test set: use split='test'.")
        return np.asarray(published()[start:stop])
    if split == "test" and seed is None:
        return test_set()[start:stop]
    return Sequences(split, stop or TRAIN_SIZE, seed or 0)[start:stop]


def _as_float(x, value_range):
    lo, hi = value_range
    return (x.astype(np.float32)[..., None] / 255.0) * (hi - lo) + lo


def arrays(split="train", num_examples=None, seed=None, value_range=(0.0, 1.0), source="generated"):
    """A split as numpy: (x float32 (n, 20, 64, 64, 1) in ``value_range``, the digits' classes int32
    (n, 2); -1 for the published file, which has no labels). n defaults to 10,000 (3.3 GB as float32:
    ask for fewer, or iterate `load`). The test split is the fixed test set (its first n
    sequences); train draws n sequences from `seed` (default 0)."""
    _check_split(split)
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, got {source!r}.")
    if source == "published":
        x = sequences(split, 0, num_examples, source=source)
        return _as_float(x, value_range), np.full((len(x), NUM_DIGITS), -1, np.int32)
    n = _check_count(num_examples or TEST_SIZE, "num_examples", TEST_SIZE if split == "test" else None)
    seqs = test_set() if split == "test" else Sequences("train", n, 0 if seed is None else seed)
    return _as_float(seqs[:n], value_range), seqs.labels[:n]


def load(split="train", batch_size=16, shuffle=None, seed=0, drop_remainder=None, num_examples=None,
         with_labels=False, value_range=(0.0, 1.0), source="generated"):
    """Moving MNIST as a `tf.data.Dataset` of float32 batches (batch, 20, 64, 64, 1).

    Args:
        split: "train" (a stream: every iteration draws `num_examples` fresh sequences from
            ``default_rng([seed, pass])``) or "test" (the fixed 10,000 sequences) (default "train").
        batch_size: sequences per batch (default 16).
        shuffle: test only: visit the test sequences in a fresh order every pass, from (seed,
            pass); training draws are random anyway (default False).
        seed: seed of the training stream and of the test shuffle (default 0).
        drop_remainder: drop a last, smaller batch (default True for train).
        num_examples: sequences per pass (default 10,000; the test set has 10,000).
        with_labels: yield (x, digit classes (batch, 2)) pairs (default False).
        value_range: (low, high) of the pixels (default (0, 1)).
        source: "generated" or, for the test split, "published" (the paper's file) (default "generated").

    Example:
        ds = zoo.data.load("moving_mnist", split="train", batch_size=16)
        model.fit(ds, epochs=1)
    """
    import tensorflow as tf

    _check_split(split)
    batch_size = _check_count(batch_size, "batch_size")
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, got {source!r}.")
    if source == "published" and (split != "test" or with_labels):
        raise ValueError("source='published' is the paper's unlabelled test file: split='test', with_labels=False.")
    size = len(published()) if source == "published" else TEST_SIZE
    n = _check_count(num_examples or size, "num_examples", size if split == "test" else None)
    train = split == "train"
    drop_remainder = train if drop_remainder is None else bool(drop_remainder)
    shuffle = bool(shuffle) and not train
    batches = n // batch_size if drop_remainder else -(-n // batch_size)
    if batches < 1:
        raise ValueError(f"batch_size={batch_size} is larger than the {n} sequences of a pass.")
    passes = iter(range(2**62))
    fixed = {}

    def generate():
        p = next(passes)
        if train:  # a fresh pass
            seqs = Sequences("train", n, [int(seed), p])
        elif "test" not in fixed:
            fixed["test"] = published() if source == "published" else test_set()
        seqs = seqs if train else fixed["test"]
        order = np.random.default_rng([int(seed), p]).permutation(n) if shuffle else np.arange(n)
        for b in range(batches):
            i = order[b * batch_size: (b + 1) * batch_size]
            x = seqs.take(i) if isinstance(seqs, Sequences) else np.asarray(seqs[i])
            yield (x, seqs.labels[i]) if with_labels else x

    # uint8 frames cross from Python (a quarter of the bytes); TF scales them
    lo, hi = (float(v) for v in value_range)

    def scaled(x, *y):
        x = tf.cast(x[..., None], tf.float32) * ((hi - lo) / 255.0) + lo
        return (x, *y) if y else x

    x_spec = tf.TensorSpec((None, *SHAPE[:-1]), tf.uint8)
    spec = (x_spec, tf.TensorSpec((None, NUM_DIGITS), tf.int32)) if with_labels else x_spec
    ds = tf.data.Dataset.from_generator(generate, output_signature=spec).map(scaled)
    return ds.apply(tf.data.experimental.assert_cardinality(batches)).prefetch(2)
