"""Variational autoencoder (Kingma & Welling 2014, Auto-Encoding Variational Bayes,
arXiv:1312.6114; Rezende, Mohamed, Wierstra 2014), evaluated with the importance-weighted
bound of Burda, Grosse, Salakhutdinov 2016 (Importance Weighted Autoencoders, arXiv:1509.00519).

p(z) = N(0, I), p(x | z) = prod_i Bernoulli(x_i; sigmoid(decoder(z)_i)), and the encoder
gives q(z | x) = N(mean(x), diag(exp(log_var(x)))). Training maximises the ELBO
E_q[log p(x | z)] - KL(q(z | x) || p(z)) with the reparameterisation z = mean + sigma * eps,
the KL term in closed form, on dynamically binarized images (x ~ Bernoulli(pixels), drawn
afresh at every step). `log_likelihood` estimates log p(x) by importance sampling with
q as the proposal: log (1/k) sum_j p(x, z_j) / q(z_j | x), z_j ~ q(z | x).
"""

import math

import numpy as np
import keras
from keras import layers, ops

from zoo import losses as L
from zoo import capabilities as cap
from zoo.models.autoencoder import CodeModel, build_decoder, check_shape_args
from zoo.models.base import ZooModel, check_int
from zoo.models.inference import inpaint_by_projection
LOG_2PI = math.log(2 * math.pi)


# ----------------------------------------------------------------------------- builders
def build_gaussian_encoder(architecture="dense", input_shape=(28, 28, 1), latent_dim=32, units=(512, 256),
                           filters=(32, 64)):
    """Encoder of q(z | x): image -> [mean, log_var], each (latent_dim,).

    Dense: flatten -> Dense(u, ReLU) for u in units; conv: [Conv 3x3 stride 2 + ReLU] per
    entry of filters -> flatten. Then two linear heads.
    """
    x_in = keras.Input(tuple(input_shape), name="image")
    x = x_in
    if architecture == "dense":
        x = layers.Flatten()(x)
        for u in units:
            x = layers.Dense(u, activation="relu")(x)
    elif architecture == "conv":
        for f in filters:
            x = layers.Conv2D(f, 3, strides=2, padding="same", activation="relu")(x)
        x = layers.Flatten()(x)
    else:
        raise ValueError(f"Unknown architecture {architecture!r}; expected 'dense' or 'conv'.")
    mean = layers.Dense(latent_dim, name="mean")(x)
    log_var = layers.Dense(latent_dim, name="log_var")(x)
    return keras.Model(x_in, [mean, log_var], name="encoder")


def log_normal(z, mean, log_var):
    """log N(z; mean, diag(exp(log_var))) summed over the last axis."""
    return -0.5 * ops.sum(LOG_2PI + log_var + ops.square(z - mean) * ops.exp(-log_var), axis=-1)


# ----------------------------------------------------------------------------- model
class VAE(CodeModel, ZooModel):
    """Gaussian-latent, Bernoulli-pixel VAE trained on the ELBO.

    Args:
        architecture: "dense" (MLP encoder and decoder) or "conv" (default "dense").
        input_shape: (H, W, C) of one image in [0, 1] (default [28, 28, 1]).
        code_dim: latent size (default 32).
        units: hidden widths of the dense encoder; the decoder mirrors them (default [512, 256]).
        filters: channels of the conv encoder's strided convolutions (default [32, 64]).
        decoder_units: hidden widths of a dense decoder (for either architecture), or None for the
            mirror image of the encoder (default None).
        binarize: train on x ~ Bernoulli(pixels), drawn afresh every step (default True).
        kl_warmup_steps: the KL weight grows linearly from 0 to 1 over this many steps
            (Sonderby et al. 2016), 0 disables (default 0). The tracked ``elbo`` always
            uses weight 1.
        seed: seed of the training noise (binarization and eps) (default 0).

    `encoder` maps an image to [mean, log_var]; `decoder` maps a code to pixel means in
    [0, 1]. Trackers: ``loss``, ``elbo``, ``reconstruction`` and ``kl`` (nats per image).

    Example:
        vae = zoo.load("vae-mnist")
        x = vae.generate(16, seed=0)              # pixel means in [0, 1]
        vae.log_likelihood(binary_x, k=1000)      # nats per image, IWAE estimate
    """

    CAPABILITIES = (cap.Generator, cap.Encoder, cap.Interpolator, cap.Likelihood, cap.LowerBound, cap.Inpainter)
    TRACKERS = ("loss", "elbo", "reconstruction", "kl")
    output_type = "bernoulli"

    def __init__(self, architecture="dense", input_shape=(28, 28, 1), code_dim=32, units=(512, 256),
                 filters=(32, 64), decoder_units=None, binarize=True, kl_warmup_steps=0, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.image_shape, self.units, self.filters = check_shape_args(architecture, input_shape, code_dim,
                                                                      units, filters)
        self.architecture, self.code_dim = architecture, int(code_dim)
        self.binarize, self.kl_warmup_steps = bool(binarize), check_int(kl_warmup_steps, "kl_warmup_steps", 0)
        self.encoder = build_gaussian_encoder(architecture, self.image_shape, self.code_dim, self.units,
                                              self.filters)
        if decoder_units is not None:
            decoder_units = check_shape_args("dense", self.image_shape, code_dim, decoder_units, ())[1]
        self.decoder = build_decoder(architecture, self.code_dim, self.image_shape, self.units, self.filters,
                                     "bernoulli", decoder_units)
        self.noise = keras.random.SeedGenerator(int(seed))
        self.built = True

    @property
    def latent_dim(self):
        return self.code_dim

    def code_of(self, images, training=False):
        return self.encoder(images, training=training)[0]  # the posterior mean

    # --- losses and training ----------------------------------------------------------
    def elbo_terms(self, x, eps=None, training=False):
        """(reconstruction nats, KL nats) per image of binary x with one sample z = mean + sigma eps."""
        mean, log_var = self.encoder(x, training=training)
        if eps is None:
            eps = keras.random.normal(ops.shape(mean), seed=self.noise)
        z = mean + ops.exp(0.5 * log_var) * eps
        rec = L.bernoulli_reconstruction_loss(x, self.decoder_logits(z, training), per_example=True)
        return rec, L.gaussian_kl(mean, log_var, per_example=True)

    def compute_losses(self, x, training):
        if self.binarize:
            # "+ 0 * x" keeps a NaN pixel NaN (u < NaN is False: it would silently become 0, and
            # `fit` could not stop at it); for finite pixels it adds exactly 0.
            x = ops.cast(keras.random.uniform(ops.shape(x), seed=self.noise) < x, "float32") + 0.0 * x
        rec, kl = self.elbo_terms(x, training=training)
        rec, kl = ops.mean(rec), ops.mean(kl)
        beta = 1.0
        if training and self.kl_warmup_steps:
            step = ops.cast(self.optimizer.iterations, "float32")
            beta = ops.minimum(1.0, (step + 1.0) / self.kl_warmup_steps)
        return {"loss": rec + beta * kl, "elbo": -(rec + kl), "reconstruction": rec, "kl": kl}

    # --- inference ------------------------------------------------------------------
    def sample_codes(self, n, seed=None):
        """n codes z ~ N(0, I) as float32 numpy (n, code_dim); same seed, same codes, and the
        first k codes of a seed do not depend on n."""
        return self.normal_codes(n, self.code_dim, seed)

    def inpaint(self, x, mask, seed=0, steps=150):
        """x with the pixels where mask == 0 taken from the decoder's pixel means at the code
        that best explains the known pixels (GAN-style projection under the mask, started from
        the nearest of 256 prior codes; `zoo.models.inference.inpaint_by_projection`); the known
        pixels are kept exactly. mask: x's shape or one image's, 1 = known.

        Example:
            mask = np.ones((28, 28)); mask[14:] = 0
            filled = zoo.load("vae-mnist").inpaint(x_test[:8], mask, seed=0)
        """
        return inpaint_by_projection(self, x, mask, seed, steps, network=self.decoder)

    def generate(self, n, seed=None, batch_size=1000):
        """n samples (n, H, W, C) float32: the pixel means of p(x | z), z ~ N(0, I), in [0, 1].

        Example:
            x = zoo.load("vae-mnist").generate(64, seed=0)
        """
        return self.decode(self.sample_codes(n, seed), batch_size)

    def _end_code(self, end, name):
        """A seed (int) stands for the first code of `sample_codes(1, seed)`; an image for its
        posterior mean."""
        if isinstance(end, (int, np.integer)) and not isinstance(end, bool):
            return self.sample_codes(1, int(end))[0]
        return super()._end_code(end, name)

    # --- likelihood -----------------------------------------------------------------
    def _log_weights(self, x, eps):
        """log p(x, z_j) - log q(z_j | x) of images x (m, H, W, C) and noise eps (m, k, d)."""
        mean, log_var = self.encoder(x, training=False)
        m, k = ops.shape(eps)[0], ops.shape(eps)[1]
        z = mean[:, None] + ops.exp(0.5 * log_var)[:, None] * eps
        log_q = log_normal(z, mean[:, None], log_var[:, None])
        log_prior = -0.5 * ops.sum(LOG_2PI + ops.square(z), axis=-1)
        logits = self.decoder_logits(ops.reshape(z, (m * k, self.code_dim)))
        flat_x = ops.reshape(ops.repeat(x[:, None], k, axis=1), (m * k, -1))
        log_px = -L.bernoulli_reconstruction_loss(flat_x, logits, per_example=True)
        return ops.reshape(log_px, (m, k)) + log_prior - log_q

    def importance_weights_stats(self, x, k=1000, seed=0, batch_size=None):
        """(IWAE log p(x) estimate, mean log-weight = ELBO estimate) per image, float64 (n,) each.

        The noise of image i is the i-th (k, d) block of numpy default_rng(seed) normals,
        so results do not depend on `batch_size` (default: about 10,000 decoder calls at once).
        """
        import tensorflow as tf

        x = self.check_data(x)
        if not np.array_equal(x, np.round(x)):
            raise ValueError("log_likelihood needs binary images (0 or 1): the decoder is a Bernoulli "
                             "model. Binarize first, e.g. (rng.uniform(size=x.shape) < x).")
        k = check_int(k, "k", 1)
        seed = check_int(seed, "seed", 0)
        batch_size = batch_size or max(1, 10_000 // k)
        if not hasattr(self, "_log_weights_fn"):
            self._log_weights_fn = tf.function(self._log_weights, reduce_retracing=True, autograph=False)
        rng = np.random.default_rng(seed)
        ll, elbo = [], []
        for i in range(0, len(x), batch_size):
            b = x[i: i + batch_size]
            eps = rng.standard_normal((len(b), k, self.code_dim), dtype=np.float32)
            logw = self._log_weights_fn(tf.constant(b), tf.constant(eps)).numpy().astype(np.float64)
            top = logw.max(1, keepdims=True)
            ll.append(top[:, 0] + np.log(np.mean(np.exp(logw - top), 1)))
            elbo.append(logw.mean(1))
        return np.concatenate(ll), np.concatenate(elbo)

    def log_likelihood(self, x, k=1000, seed=0, batch_size=None):
        """IWAE estimate of log p(x) in nats per binary image, float64 (n,): logsumexp of k
        importance weights minus log k (a lower bound in expectation; tighter as k grows).

        Example:
            nll = -vae.log_likelihood(binary_test_images, k=1000, seed=0).mean()
        """
        return self.importance_weights_stats(x, k, seed, batch_size)[0]

    def likelihood_protocol(self, k=1000, seed=0):
        """How `log_likelihood(x, k, seed)` estimates log p(x), in words (for metric protocols)."""
        return (f"estimated by importance sampling with q(z|x) as proposal (IWAE bound, Burda et al. 2016), "
                f"k = {k:,} samples per image from numpy default_rng({seed})")

    def elbo(self, x, k=1, seed=0, batch_size=None):
        """Monte Carlo ELBO in nats per binary image, float64 (n,): mean of k log-weights
        log p(x, z_j) - log q(z_j | x); same noise as `log_likelihood` with the same k and seed."""
        return self.importance_weights_stats(x, k, seed, batch_size)[1]
