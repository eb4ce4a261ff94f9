"""2D Gaussian mixtures of the mode-collapse literature (Metz et al. 2016; Lin et al. 2018).

- ``ring8``: 8 modes evenly spaced on the unit circle, std 0.01.
- ``grid25``: 25 modes at (-4 + 2i, -4 + 2j), i, j in 0..4, std 0.05.
- ``ring8_r2``: ``ring8`` at Metz et al.'s scale: 8 modes on a circle of radius 2, std 0.02
  (the data of their 2D experiment; their reference notebook spaces the angles with
  ``linspace(0, 2 pi, 8)``, which puts two of its 8 modes on one point: here the 8 are distinct).

Each example picks a mode uniformly; the sample is exact given the seed.
"""

import numpy as np

MIXTURES = ("ring8", "grid25", "ring8_r2")


def mixture_modes(name):
    """(means (m, 2) float32, std float) of a mixture."""
    if name in ("ring8", "ring8_r2"):
        radius = 1.0 if name == "ring8" else 2.0
        angles = 2 * np.pi * np.arange(8) / 8
        return radius * np.stack([np.cos(angles), np.sin(angles)], 1).astype(np.float32), 0.01 * radius
    if name == "grid25":
        ij = np.array([(i, j) for i in range(5) for j in range(5)], np.float32)
        return -4.0 + 2.0 * ij, 0.05
    raise ValueError(f"Unknown mixture {name!r}; expected one of {MIXTURES}.")


def sample_mixture(name, n, seed=0):
    """n samples (float32 (n, 2)) and their mode ids (int64 (n,)), exact for a seed."""
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}.")
    means, std = mixture_modes(name)
    rng = np.random.default_rng(seed)
    modes = rng.integers(0, len(means), size=n)
    x = means[modes] + std * rng.standard_normal((n, 2)).astype(np.float32)
    return x.astype(np.float32), modes
