"""Stacked MNIST (Metz et al. 2017, Unrolled GANs; Srivastava et al. 2017, VEEGAN):
three MNIST digits drawn independently as the R, G, B channels of one 28x28x3 image,
so 10^3 = 1,000 modes, labelled 100 * d_R + 10 * d_G + d_B.
"""

import numpy as np

from zoo.data.images import mnist_arrays, scale

NUM_MODES = 1000


def stacked_labels(d0, d1, d2):
    """Mode id 100 * d0 + 10 * d1 + d2 of the digits of channels 0, 1, 2."""
    return 100 * np.asarray(d0, np.int64) + 10 * np.asarray(d1, np.int64) + np.asarray(d2, np.int64)


def stacked_mnist(n, seed=0, split="train", value_range=(0.0, 1.0)):
    """n Stacked MNIST images, exact given the seed.

    Args:
        n: number of images.
        seed: seed of the digit draws (default 0).
        split: MNIST split the digits come from, "train" or "test" (default "train").
        value_range: (low, high) of the pixels (default (0, 1)).

    Returns:
        (x float32 (n, 28, 28, 3), labels int64 (n,) in 0..999).

    Example:
        x, y = stacked_mnist(1000, seed=0)
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}.")
    digits, labels = mnist_arrays(split)
    idx = np.random.default_rng(seed).integers(0, len(digits), size=(int(n), 3))
    x = np.stack([digits[idx[:, c]] for c in range(3)], axis=-1)  # (n, 28, 28, 3) uint8
    y = stacked_labels(labels[idx[:, 0]], labels[idx[:, 1]], labels[idx[:, 2]])
    return scale(x, value_range), y
