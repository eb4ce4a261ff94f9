"""Denoising autoencoder (Vincent, Larochelle, Bengio, Manzagol 2008, Extracting and Composing
Robust Features with Denoising Autoencoders, ICML; Vincent et al. 2010, JMLR 11).

The encoder sees a corrupted copy x~ ~ C(x~ | x) of each training image and the decoder
must reconstruct the clean x, so the code has to capture the structure of the data
rather than copy pixels. Corruptions: additive Gaussian noise of standard deviation
``noise_level`` (clipped back to [0, 1], as the demo's noise slider does), or masking
noise that sets each pixel to 0 with probability ``noise_level``. A fresh corruption is
drawn at every step.
"""

import numpy as np
import keras
from keras import ops

from zoo import capabilities as cap
from zoo.models.autoencoder import Autoencoder

NOISES = ("gaussian", "masking")


def corrupt(x, noise, level, seed=None):
    """The corruption as a pure function of tensors: gaussian -> clip(x + level * N(0, 1), 0, 1);
    masking -> x * (u >= level), u ~ U[0, 1). `seed` is an int or a keras SeedGenerator."""
    if noise == "gaussian":
        return ops.clip(x + level * keras.random.normal(ops.shape(x), seed=seed), 0.0, 1.0)
    if noise == "masking":
        keep = ops.cast(keras.random.uniform(ops.shape(x), seed=seed) >= level, x.dtype)
        return x * keep
    raise ValueError(f"Unknown noise {noise!r}; expected one of {NOISES}.")


class DenoisingAutoencoder(Autoencoder):
    """An `Autoencoder` trained to map corrupted inputs back to clean ones.

    Args: those of `Autoencoder`, and
        noise: "gaussian" or "masking" (default "gaussian").
        noise_level: standard deviation of the Gaussian noise, or the masking probability
            (default 0.5).

    Example:
        dae = zoo.load("dae-mnist")
        noisy = dae.corrupt(x, seed=0)       # the training corruption, seeded
        clean = dae.denoise(noisy)           # (n, 28, 28, 1) in [0, 1]
    """

    CAPABILITIES = (*Autoencoder.CAPABILITIES, cap.Denoiser)

    def __init__(self, *args, noise="gaussian", noise_level=0.5, **kwargs):
        super().__init__(*args, **kwargs)
        if noise not in NOISES:
            raise ValueError(f"Unknown noise {noise!r}; expected one of {NOISES}.")
        if not (0.0 < noise_level and (noise == "gaussian" or noise_level < 1.0)):
            raise ValueError(f"noise_level must be > 0 (and < 1 for masking), got {noise_level!r}.")
        self.noise_type, self.noise_level = noise, float(noise_level)

    def corrupt_batch(self, x):
        return corrupt(x, self.noise_type, self.noise_level, seed=self.noise)

    def corrupt(self, x, seed=0):
        """The model's training corruption applied to images x in [0, 1]; same seed, same noise
        (numpy, float32, independent of the training noise)."""
        x = self.check_data(x)
        rng = np.random.default_rng(seed)
        if self.noise_type == "gaussian":
            return np.clip(x + self.noise_level * rng.standard_normal(x.shape, dtype=np.float32), 0, 1)
        return x * (rng.uniform(size=x.shape) >= self.noise_level).astype(np.float32)

    def denoise(self, x, batch_size=1000):
        """The clean images the model infers from noisy ones (its reconstruction of x)."""
        return self.reconstruct(x, batch_size)

