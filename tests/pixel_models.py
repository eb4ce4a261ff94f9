"""Helpers shared by the tests of the autoregressive pixel models (PixelCNN, PixelRNN)."""

import numpy as np
import keras
import tensorflow as tf

from zoo import registry


def tiny_model(family, preset="tiny", seed=0, **overrides):
    """A compiled tiny `family` model from its TINY preset, seeded."""
    keras.utils.set_random_seed(seed)
    model = registry.FAMILIES[family](**{**registry.TINY[family][preset], **overrides})
    model.compile()
    return model


def all_binary_images(h, w):
    """Every binary (h, w, 1) image, (2 ** (h w), h, w, 1) float32."""
    bits = (np.arange(2 ** (h * w))[:, None] >> np.arange(h * w)) & 1
    return bits.reshape(-1, h, w, 1).astype(np.float32)


def input_gradient(model, i, j, n=8):
    """sum over n random grey inputs of |d logit(i, j) / d x|, (H, W)."""
    x = tf.constant(np.random.default_rng(0).uniform(size=(n, *model.data_shape)).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = tf.reduce_sum(model.network(x)[:, i, j, 0])
    return np.abs(tape.gradient(out, x).numpy()).sum(axis=(0, 3))


def logits_of(model, x):
    return model.network(tf.constant(x)).numpy().astype(np.float64)
