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

import copy
import math

import numpy as np
import keras
from keras import layers, ops

from zoo import losses as L
from zoo.models.autoencoder import (batched, build_decoder, check_batch, check_codes, check_images,
                                    check_shape_args, line)
from zoo.models.common import safe_optimizer

MAX_GENERATE = 100_000  # one call; larger requests are almost always a typo
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
@keras.saving.register_keras_serializable(package="zoo")
class VAE(keras.Model):
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

    def __init__(self, architecture="dense", input_shape=(28, 28, 1), code_dim=32, units=(512, 256),
                 filters=(32, 64), decoder_units=None, binarize=True, kl_warmup_steps=0, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.image_shape, self.units, self.filters = check_shape_args(architecture, input_shape, code_dim,
                                                                      units, filters)
        if int(kl_warmup_steps) < 0:
            raise ValueError(f"kl_warmup_steps must be >= 0, got {kl_warmup_steps!r}.")
        self.data_shape = self.image_shape  # the name the demo and the GANs use
        self.architecture, self.code_dim = architecture, int(code_dim)
        self.binarize, self.kl_warmup_steps, self.seed = bool(binarize), int(kl_warmup_steps), int(seed)
        self.encoder = build_gaussian_encoder(architecture, self.image_shape, self.code_dim, self.units,
                                              self.filters)
        if decoder_units is not None:
            decoder_units = check_shape_args("dense", self.image_shape, code_dim, decoder_units, ())[1]
        self.decoder_units = decoder_units
        self.decoder = build_decoder(architecture, self.code_dim, self.image_shape, self.units, self.filters,
                                     "bernoulli", decoder_units)
        self.noise = keras.random.SeedGenerator(self.seed)
        self.trackers = [keras.metrics.Mean(name=n) for n in ("loss", "elbo", "reconstruction", "kl")]
        self.built = True

    @property
    def latent_dim(self):
        return self.code_dim

    # --- config -------------------------------------------------------------------
    def get_config(self):
        return {
            "name": self.name,
            "architecture": self.architecture,
            "input_shape": list(self.image_shape),
            "code_dim": self.code_dim,
            "units": list(self.units),
            "filters": list(self.filters),
            "decoder_units": None if self.decoder_units is None else list(self.decoder_units),
            "binarize": self.binarize,
            "kl_warmup_steps": self.kl_warmup_steps,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def compile(self, optimizer=None, jit_compile=False, **kwargs):
        """Set the optimizer (default Adam(1e-3)); the loss is the negative ELBO.
        `jit_compile=True` runs the train step under XLA."""
        self._vae_optimizer = optimizer or keras.optimizers.Adam(1e-3)
        super().compile(optimizer=self._vae_optimizer, jit_compile=jit_compile, **kwargs)
        self.optimizer.build(self.trainable_variables)
        self._vae_compile = {"jit_compile": bool(jit_compile)}

    def get_compile_config(self):
        if getattr(self, "_vae_optimizer", None) is None:
            return {}
        return {"optimizer": keras.optimizers.serialize(self.optimizer), **self._vae_compile}

    def compile_from_config(self, config):
        config = {k: v for k, v in config.items() if k in ("optimizer", "jit_compile")}
        if "optimizer" in config:
            config["optimizer"] = safe_optimizer(copy.deepcopy(config["optimizer"]))
        self.compile(**config)

    @property
    def metrics(self):
        return list(self.trackers)

    # --- losses and training ----------------------------------------------------------
    def decoder_logits(self, codes, training=False):
        """Pre-sigmoid outputs of the decoder (its layers but the last sigmoid)."""
        x = codes
        for layer in self.decoder.layers[1:-1]:
            x = layer(x, training=training)
        return x

    def elbo_terms(self, x, eps=None, training=False):
        """(reconstruction nats, KL nats) per image of binary x with one sample z = mean + sigma eps."""
        mean, log_var = self.encoder(x, training=training)
        if eps is None:
            eps = keras.random.normal(ops.shape(mean), seed=self.noise)
        z = mean + ops.exp(0.5 * log_var) * eps
        rec = L.bernoulli_reconstruction_loss(x, self.decoder_logits(z, training), per_example=True)
        return rec, L.gaussian_kl(mean, log_var, per_example=True)

    def _step_terms(self, x, training):
        if self.binarize:
            x = ops.cast(keras.random.uniform(ops.shape(x), seed=self.noise) < x, "float32")
        rec, kl = self.elbo_terms(x, training=training)
        rec, kl = ops.mean(rec), ops.mean(kl)
        beta = 1.0
        if training and self.kl_warmup_steps:
            step = ops.cast(self.optimizer.iterations, "float32")
            beta = ops.minimum(1.0, (step + 1.0) / self.kl_warmup_steps)
        return {"loss": rec + beta * kl, "elbo": -(rec + kl), "reconstruction": rec, "kl": kl}

    def _unpack(self, data):
        if self.optimizer is None:
            raise RuntimeError(f"Call compile() before fit() on {self.name}.")
        x = data[0] if isinstance(data, (tuple, list)) else data
        check_batch(self, x, self.image_shape)
        return x

    def train_step(self, data):
        import tensorflow as tf

        x = self._unpack(data)
        variables = self.trainable_variables
        with tf.GradientTape() as tape:
            terms = self._step_terms(x, training=True)
        self.optimizer.apply_gradients(zip(tape.gradient(terms["loss"], variables), variables))
        return self._track(terms)

    def test_step(self, data):
        return self._track(self._step_terms(self._unpack(data), training=False))

    def _track(self, terms):
        for m in self.trackers:
            m.update_state(terms[m.name])
        return {m.name: m.result() for m in self.trackers}

    # --- hub ------------------------------------------------------------------------
    def save_pretrained(self, directory, metrics=None):
        """Write config.json + model.weights.h5 to `directory` (see `zoo.save_pretrained`)."""
        from zoo.hub import save_pretrained

        return save_pretrained(self, directory, metrics=metrics)

    def push_to_hub(self, repo_id, **kwargs):
        """Upload to the Hugging Face Hub (see `zoo.push_to_hub`)."""
        from zoo.hub import push_to_hub

        return push_to_hub(self, repo_id, **kwargs)

    # --- inference ------------------------------------------------------------------
    def call(self, images, training=False):
        return self.decoder(self.encoder(images, training=training)[0], training=training)

    def code_encoder(self):
        """keras Model image -> posterior mean: the code of `encode`, for `zoo.manifold` (its
        Jacobian is that of the mean of q(z | x)). A method, built on each call: neither an
        attribute nor a property, so Keras' saving never walks into it."""
        return keras.Model(self.encoder.inputs, self.encoder.outputs[0], name="code_encoder")

    def encode(self, x, batch_size=1000):
        """Posterior means (n, code_dim) float32 of images in [0, 1] (grey images are fed as
        they are; training saw binarized ones). ``encoder(x)`` gives [mean, log_var]."""
        x = check_images(x, self.image_shape)
        return batched(lambda b: self.encoder(b, training=False)[0], x, batch_size).astype(np.float32)

    def decode(self, codes, batch_size=1000):
        """Pixel means (Bernoulli probabilities) in [0, 1] of codes (n, code_dim), float32."""
        codes = check_codes(codes, self.code_dim)
        return batched(lambda c: self.decoder(c, training=False), codes, batch_size).astype(np.float32)

    def reconstruct(self, x, batch_size=1000):
        """decode(encode(x)): pixel means at the posterior mean, in [0, 1]."""
        x = check_images(x, self.image_shape)
        return batched(lambda b: self(b, training=False), x, batch_size).astype(np.float32)

    def reconstruction_errors(self, x, batch_size=1000):
        """Per image at the posterior mean: {"mse": mean squared error per pixel, "bce": binary
        cross-entropy summed over pixels in nats (from the logits)}, float64 numpy."""
        x = check_images(x, self.image_shape)
        out = {"mse": [], "bce": []}
        for i in range(0, len(x), batch_size):
            b = x[i: i + batch_size]
            logits = self.decoder_logits(self.encoder(b, training=False)[0])
            rec = ops.convert_to_numpy(ops.sigmoid(logits))
            out["mse"].append(np.mean((rec - b).reshape(len(b), -1) ** 2, 1))
            out["bce"].append(ops.convert_to_numpy(L.bernoulli_reconstruction_loss(b, logits, per_example=True)))
        return {k: np.concatenate(v).astype(np.float64) for k, v in out.items()}

    def sample_codes(self, n, seed=None):
        """n codes z ~ N(0, I) as float32 numpy (n, code_dim); same seed, same codes, and the
        first k codes of a seed do not depend on n."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= MAX_GENERATE:
            raise ValueError(f"n must be an int in [1, {MAX_GENERATE}], got {n!r}.")
        return np.random.default_rng(seed).standard_normal((int(n), self.code_dim)).astype(np.float32)

    def generate(self, n, seed=None, batch_size=1000):
        """n samples (n, H, W, C) float32: the pixel means of p(x | z), z ~ N(0, I), in [0, 1].

        Example:
            x = zoo.load("vae-mnist").generate(64, seed=0)
        """
        return self.decode(self.sample_codes(n, seed), batch_size)

    def interpolate(self, a, b, steps=8):
        """Decoded images along the straight line from code a to code b: ints are seeds
        (the first code of `sample_codes(1, seed)`), arrays are images (their posterior mean)."""
        ends = []
        for end in (a, b):
            if isinstance(end, (int, np.integer)) and not isinstance(end, bool):
                ends.append(self.sample_codes(1, int(end))[0])
            else:
                ends.append(self.encode(np.asarray(end, np.float32).reshape((1, *self.image_shape)))[0])
        return self.decode(line(ends[0], ends[1], steps))

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

        x = check_images(x, self.image_shape)
        if not np.array_equal(x, np.round(x)):
            raise ValueError("log_likelihood needs binary images (0 or 1): the decoder is a Bernoulli "
                             "model. Binarize first, e.g. (rng.uniform(size=x.shape) < x).")
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            raise ValueError(f"k must be an int >= 1, got {k!r}.")
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

    def elbo(self, x, k=1, seed=0, batch_size=None):
        """Monte Carlo ELBO in nats per binary image, float64 (n,): mean of k log-weights
        log p(x, z_j) - log q(z_j | x); same noise as `log_likelihood` with the same k and seed."""
        return self.importance_weights_stats(x, k, seed, batch_size)[1]


# ----------------------------------------------------------------------------- presets
PRESETS = {
    "vae-mnist": dict(architecture="dense", input_shape=[28, 28, 1], code_dim=32, units=[512, 256],
                      binarize=True),
    "tiny": dict(architecture="dense", input_shape=[8, 8, 1], code_dim=2, units=[8], binarize=True),
    "tiny-conv": dict(architecture="conv", input_shape=[8, 8, 1], code_dim=2, filters=[4], binarize=True),
}
