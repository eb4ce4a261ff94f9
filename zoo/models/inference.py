"""Inference helpers shared by families: finding codes for given examples.

`project_codes` is GAN inversion (Zhu et al. 2016, Generative Visual Manipulation on the
Natural Image Manifold, iGAN): per example, the code whose generated example is nearest in
squared error, under an optional mask (find a code under constraints: only the observed
pixels count). `inpaint_by_projection` fills the hidden part of images from the projected
codes: the inpainting of families with a decoder from codes (GAN, VAE).
"""

import numpy as np
import keras

from zoo.models.base import check_int
from zoo.models.checks import check_mask
from zoo.progress import track


def project_codes(model, x, steps=150, seed=0, candidates=256, prior_weight=1e-3, learning_rate=0.05,
                  mask=None, network=None):
    """Codes (n, latent_dim) float32 whose `network` (default `model.sampler`, else `model.generator`) outputs are
    nearest to x.

    Starts from the nearest of `candidates` codes of `model.sample_codes(candidates, seed)`
    (same seed, same start), which avoids the poor local minima of a random start, then takes
    `steps` Adam steps on the codes. `prior_weight` x mean(c^2) keeps a code from drifting far
    outside the N(0, I) codes of training. `mask` (broadcastable to x, 1 = observed) restricts
    the squared error to observed values.
    """
    import tensorflow as tf

    x = model.check_data(x, "examples")
    steps = check_int(steps, "steps", 0)
    candidates = check_int(candidates, "candidates", 1)
    m = np.ones_like(x) if mask is None else np.broadcast_to(np.asarray(mask, np.float32), x.shape).copy()
    if not np.all(np.isfinite(m)):
        raise ValueError("mask contains NaN or infinite values.")
    pool = model.sample_codes(candidates, seed)
    flat_pool, flat_x, flat_m = (model.decode(pool).reshape(len(pool), -1), x.reshape(len(x), -1),
                                 m.reshape(len(x), -1))
    # masked squared distance of every candidate to every example (n_pool, n)
    dist = (flat_pool**2) @ flat_m.T - 2.0 * flat_pool @ (flat_x * flat_m).T
    z = keras.Variable(pool[dist.argmin(0)], name="codes")
    if steps == 0:
        return np.asarray(z.numpy(), np.float32)
    opt = keras.optimizers.Adam(learning_rate, beta_1=0.9)
    target, weight, g = tf.constant(x), tf.constant(m), network or getattr(model, "sampler", model.generator)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            out = g(z.value, training=False)
            err = tf.reduce_mean(tf.reshape(weight * tf.square(out - target), [tf.shape(target)[0], -1]), axis=1)
            # Summed over examples, so each code gets the gradient of its own example only.
            loss = tf.reduce_sum(err + prior_weight * tf.reduce_mean(tf.square(z.value), axis=1))
        opt.apply_gradients([(tape.gradient(loss, z.value), z)])

    for _ in track(range(steps), f"Finding the codes of {len(x):,} examples", unit="step"):
        step()
    return np.asarray(z.numpy(), np.float32)


def inpaint_by_projection(model, x, mask, seed=0, steps=150, network=None):
    """x with the values where `mask` == 0 replaced by those of the decoded code that best
    explains the known ones (`project_codes` under the mask), the known values kept exactly.

    Unlike a causal model's sampling, the code sees every known pixel, wherever it lies. One
    completion per image and seed: a different seed starts from other candidate codes.
    """
    x = model.check_data(x, "x")
    mask = check_mask(mask, x, model.data_shape)
    codes = project_codes(model, x, steps=steps, seed=seed, mask=mask, network=network)
    return np.where(mask > 0.5, x, model.decode(codes)).astype(np.float32)
