"""GAN family: the minimax game and its variants (Goodfellow et al. 2014).

One `keras.Model` whose `train_step` is the course's alternating SGD: ``n_critic``
(K) discriminator updates, each on a fresh slice of the real batch and fresh codes
c ~ N(0, I) with G fixed, then one generator update with D fixed. The loss variant
(minimax, non-saturating, least squares, Wasserstein), weight clipping (WGAN,
Arjovsky et al. 2017) and the gradient penalty (WGAN-GP, Gulrajani et al. 2017) are
constructor arguments. DCGAN builders follow Radford et al. 2016.
"""

import numpy as np
import keras
from keras import layers, ops

from zoo import losses as L
from zoo.layers import MinibatchDiscrimination
from zoo.models.common import safe_optimizer

MAX_GENERATE = 100_000  # one call; larger requests are almost always a typo


def _num_upsamplings(size):
    """How often a side can be halved while even and above 4 (28 -> 2, 32 -> 3, 64 -> 4)."""
    n = 0
    while size % 2 == 0 and size > 4:
        size //= 2
        n += 1
    if n == 0:
        raise ValueError(f"Image side {size} cannot be built by a DCGAN (needs an even side > 4).")
    return n


# ----------------------------------------------------------------------------- builders
def build_dcgan_generator(latent_dim=64, image_shape=(28, 28, 1), filters=64):
    """DCGAN generator: Dense -> [fractionally-strided conv + BN + ReLU] x n -> sigmoid.

    Args:
        latent_dim: size of the code c (default 64).
        image_shape: (H, W, C) of the output, H = W (default (28, 28, 1)).
        filters: channels of the last hidden layer; doubled per lower resolution (64).
    """
    h, w, ch = image_shape
    n = _num_upsamplings(h)
    base = h // 2**n
    c = keras.Input((latent_dim,), name="code")
    f = filters * 2 ** (n - 1)
    x = layers.Dense(base * (w // 2**n) * f, use_bias=False)(c)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.Reshape((base, w // 2**n, f))(x)
    for i in range(n - 1):
        f //= 2
        x = layers.Conv2DTranspose(f, 4, strides=2, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.ReLU()(x)
    # Sigmoid: images live in [0, 1], the range of the zoo's datasets.
    out = layers.Conv2DTranspose(ch, 4, strides=2, padding="same", activation="sigmoid")(x)
    return keras.Model(c, out, name="generator")


def build_dcgan_discriminator(image_shape=(28, 28, 1), filters=64, minibatch_kernels=0, minibatch_dim=5):
    """DCGAN discriminator: [strided conv + LeakyReLU(0.2)] x n -> Dense(1) logit/score.

    No batch norm, so the same critic serves the gradient penalty (WGAN-GP).
    `minibatch_kernels` > 0 adds minibatch discrimination before the last layer.
    """
    n = _num_upsamplings(image_shape[0])
    x_in = keras.Input(image_shape, name="image")
    x = x_in
    for i in range(n):
        x = layers.Conv2D(filters * 2**i, 4, strides=2, padding="same")(x)
        x = layers.LeakyReLU(0.2)(x)
    x = layers.Flatten()(x)
    if minibatch_kernels:
        x = MinibatchDiscrimination(minibatch_kernels, minibatch_dim)(x)
    out = layers.Dense(1, name="score")(x)
    return keras.Model(x_in, out, name="discriminator")


def build_mlp_generator(latent_dim=2, data_dim=2, units=128, depth=3):
    """MLP generator for low-dimensional data: depth x Dense(units, ReLU) -> linear."""
    c = keras.Input((latent_dim,), name="code")
    x = c
    for _ in range(depth):
        x = layers.Dense(units, activation="relu")(x)
    return keras.Model(c, layers.Dense(data_dim)(x), name="generator")


def build_mlp_discriminator(data_dim=2, units=128, depth=3, minibatch_kernels=0, minibatch_dim=5):
    """MLP discriminator: depth x Dense(units, LeakyReLU 0.2) [-> minibatch disc.] -> Dense(1)."""
    x_in = keras.Input((data_dim,), name="sample")
    x = x_in
    for _ in range(depth):
        x = layers.LeakyReLU(0.2)(layers.Dense(units)(x))
    if minibatch_kernels:
        x = MinibatchDiscrimination(minibatch_kernels, minibatch_dim)(x)
    return keras.Model(x_in, layers.Dense(1, name="score")(x), name="discriminator")


# ----------------------------------------------------------------------------- model
@keras.saving.register_keras_serializable(package="zoo")
class GAN(keras.Model):
    """Generator + discriminator trained by alternating SGD.

    Args:
        architecture: "dcgan" (images) or "mlp" (vectors) (default "dcgan").
        data_shape: shape of one example, e.g. [28, 28, 1] or [2] (default [28, 28, 1]).
        latent_dim: size of the code c ~ N(0, I) (default 64).
        g_filters, d_filters: DCGAN widths (default 64, 64).
        units, depth: MLP widths and depth (default 128, 3).
        loss: "minimax", "non-saturating", "least-squares" or "wasserstein"
            (default "non-saturating").
        n_critic: K, discriminator updates per generator update (default 1). One
            `fit` step consumes one batch and splits it into K slices, so pass
            batches of K x the per-update batch size.
        clip_value: tau; clip every critic weight to [-tau, tau] after each critic
            update (WGAN), or None (default).
        gp_weight: lambda of the gradient penalty (WGAN-GP), 0 disables (default 0).
        minibatch_kernels: B kernels of minibatch discrimination in D, 0 disables (default 0).
        minibatch_dim: C, dimension of each minibatch kernel (default 5).
        unrolled_steps: k; the generator's update backpropagates through k unrolled
            discriminator updates (Metz et al. 2016); 0 disables (default 0). The unrolled
            updates are differentiable steps on a copy of D's weights; D itself still takes
            only its own K updates per step.
        unroll_lr: None (default) unrolls D's own optimizer: for Adam, its moments, step
            count and current rate, as Metz et al. do; for SGD, its rate. A float makes the
            unrolled updates plain gradient steps of that size instead.
        seed: seed of the training noise (default 0).

    Example:
        g = GAN(loss="wasserstein", n_critic=5, clip_value=0.01)
        g.compile(d_optimizer=keras.optimizers.RMSprop(5e-5), g_optimizer=keras.optimizers.RMSprop(5e-5))
        g.fit(zoo.data.load("mnist", batch_size=5 * 64), epochs=1)
    """

    def __init__(
        self,
        architecture="dcgan",
        data_shape=(28, 28, 1),
        latent_dim=64,
        g_filters=64,
        d_filters=64,
        units=128,
        depth=3,
        loss="non-saturating",
        n_critic=1,
        clip_value=None,
        gp_weight=0.0,
        minibatch_kernels=0,
        minibatch_dim=5,
        unrolled_steps=0,
        unroll_lr=None,
        seed=0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        L.gan_losses(loss)  # validates the name
        if not isinstance(n_critic, int) or n_critic < 1:
            raise ValueError(f"n_critic must be an int >= 1, got {n_critic!r}.")
        if clip_value is not None and not clip_value > 0:
            raise ValueError(f"clip_value must be positive or None, got {clip_value!r}.")
        if gp_weight < 0:
            raise ValueError(f"gp_weight must be >= 0, got {gp_weight!r}.")
        self.architecture = architecture
        self.data_shape = tuple(int(s) for s in data_shape)
        self.latent_dim = int(latent_dim)
        self.g_filters, self.d_filters = int(g_filters), int(d_filters)
        self.units, self.depth = int(units), int(depth)
        self.loss_variant = loss
        self.n_critic = n_critic
        self.clip_value = None if clip_value is None else float(clip_value)
        self.gp_weight = float(gp_weight)
        if unrolled_steps < 0 or minibatch_kernels < 0:
            raise ValueError("unrolled_steps and minibatch_kernels must be >= 0.")
        if unrolled_steps and gp_weight:
            raise ValueError("unrolled_steps with a gradient penalty is not supported.")
        self.minibatch_kernels, self.minibatch_dim = int(minibatch_kernels), int(minibatch_dim)
        if unroll_lr is not None and not unroll_lr > 0:
            raise ValueError(f"unroll_lr must be positive or None, got {unroll_lr!r}.")
        self.unrolled_steps = int(unrolled_steps)
        self.unroll_lr = None if unroll_lr is None else float(unroll_lr)
        self.seed = int(seed)
        mbd = dict(minibatch_kernels=self.minibatch_kernels, minibatch_dim=self.minibatch_dim)
        if architecture == "dcgan":
            self.generator = build_dcgan_generator(self.latent_dim, self.data_shape, self.g_filters)
            self.discriminator = build_dcgan_discriminator(self.data_shape, self.d_filters, **mbd)
        elif architecture == "mlp":
            if len(self.data_shape) != 1:
                raise ValueError(f"The mlp architecture needs 1-d data, got {self.data_shape}.")
            dim = self.data_shape[0]
            self.generator = build_mlp_generator(self.latent_dim, dim, self.units, self.depth)
            self.discriminator = build_mlp_discriminator(dim, self.units, self.depth, **mbd)
        else:
            raise ValueError(f"Unknown architecture {architecture!r}; expected 'dcgan' or 'mlp'.")
        self.noise = keras.random.SeedGenerator(self.seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.w_tracker = keras.metrics.Mean(name="w_estimate")
        self.d_optimizer = self.g_optimizer = None
        self.built = True

    # --- config -------------------------------------------------------------------
    def get_config(self):
        return {
            "name": self.name,
            "architecture": self.architecture,
            "data_shape": list(self.data_shape),
            "latent_dim": self.latent_dim,
            "g_filters": self.g_filters,
            "d_filters": self.d_filters,
            "units": self.units,
            "depth": self.depth,
            "loss": self.loss_variant,
            "n_critic": self.n_critic,
            "clip_value": self.clip_value,
            "gp_weight": self.gp_weight,
            "minibatch_kernels": self.minibatch_kernels,
            "minibatch_dim": self.minibatch_dim,
            "unrolled_steps": self.unrolled_steps,
            "unroll_lr": self.unroll_lr,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def compile(self, d_optimizer=None, g_optimizer=None, jit_compile=False, **kwargs):
        """Set the two optimizers (default Adam(2e-4, beta_1=0.5) each, as in DCGAN).

        `jit_compile=True` runs the train step under XLA.
        """
        self.d_optimizer = d_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5)
        self.g_optimizer = g_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5)
        # Keras' own `optimizer` slot holds the critic's, so callbacks that read it see a real one.
        super().compile(optimizer=self.d_optimizer, jit_compile=jit_compile, **kwargs)
        # Build the optimizer state now so a checkpoint restores it before the first step.
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)
        self._gan_compile = {"jit_compile": bool(jit_compile)}

    def get_compile_config(self):
        if self.d_optimizer is None:
            return {}
        return {
            "d_optimizer": keras.optimizers.serialize(self.d_optimizer),
            "g_optimizer": keras.optimizers.serialize(self.g_optimizer),
            **getattr(self, "_gan_compile", {}),
        }

    def compile_from_config(self, config):
        config = {k: v for k, v in config.items() if k in ("d_optimizer", "g_optimizer", "jit_compile")}
        for key in ("d_optimizer", "g_optimizer"):
            if key in config:
                config[key] = safe_optimizer(config[key])
        self.compile(**config)

    @property
    def metrics(self):
        tracked = [self.d_loss_tracker, self.g_loss_tracker]
        return tracked + ([self.w_tracker] if self.loss_variant == "wasserstein" else [])

    # --- training -------------------------------------------------------------------
    def _check_batch(self, x):
        if tuple(x.shape[1:]) != self.data_shape:
            raise ValueError(
                f"{self.name} trains on batches of shape (batch, {', '.join(map(str, self.data_shape))}),"
                f" got {tuple(x.shape)}. zoo.data.load(...) yields the right layout."
            )
        if "float" not in keras.backend.standardize_dtype(x.dtype):
            raise ValueError(
                f"{self.name} expects float data (images scaled to [0, 1]), got dtype "
                f"{keras.backend.standardize_dtype(x.dtype)}."
            )

    def _codes(self, n):
        return keras.random.normal((n, self.latent_dim), seed=self.noise)

    def _d_step(self, real):
        import tensorflow as tf

        d_loss_fn = L.gan_losses(self.loss_variant)[0]
        n = ops.shape(real)[0]
        fake = self.generator(self._codes(n), training=True)  # G fixed: not differentiated
        d_vars = self.discriminator.trainable_variables
        with tf.GradientTape() as tape:
            # Real and fake go through D as separate batches: minibatch features compare an
            # example only with others of its own kind, as in Salimans et al.
            real_s = self.discriminator(real, training=True)
            fake_s = self.discriminator(fake, training=True)
            d_loss = d_loss_fn(real_s, fake_s)
            if self.gp_weight > 0:
                gp = L.gradient_penalty(self.discriminator, real, fake, seed=self.noise)
                d_loss = d_loss + self.gp_weight * gp
        self._apply_d(tape.gradient(d_loss, d_vars))
        return d_loss, L.wasserstein_estimate(real_s, fake_s)

    def _unrolled_critic(self, real, codes):
        """D's weights after `unrolled_steps` differentiable updates (Metz et al. 2016).

        Called inside the generator's tape, so the generator's gradient flows through every
        unrolled step (second-order terms included). The steps are those of D's own
        optimizer (`unroll_lr=None`): Adam continues from its current moments, step count
        and rate, with the second-moment normaliser held constant in the generator's
        gradient (its square root has no derivative where a moment is 0); SGD uses its
        rate. A float `unroll_lr` makes them plain gradient steps of that size. D's variables
        are not changed here; the gradient of the first step (on `real` and G(`codes`)) is
        returned for D's own update.
        """
        import tensorflow as tf

        d_loss_fn = L.gan_losses(self.loss_variant)[0]
        d = self.discriminator
        theta = [tf.identity(v.value) for v in d.trainable_variables]
        frozen = [tf.identity(v.value) for v in d.non_trainable_variables]
        step = self._unroll_update(d.trainable_variables)
        first = None
        for i in range(self.unrolled_steps):
            fake = self.generator(codes if i == 0 else self._codes(ops.shape(real)[0]), training=True)
            with tf.GradientTape() as inner:
                inner.watch(theta)
                real_s, _ = d.stateless_call(theta, frozen, real, training=True)
                fake_s, _ = d.stateless_call(theta, frozen, fake, training=True)
                loss = d_loss_fn(real_s, fake_s)
            grads = inner.gradient(loss, theta)
            if first is None:
                first = ([tf.stop_gradient(g) for g in grads], tf.stop_gradient(loss),
                         tf.stop_gradient(L.wasserstein_estimate(real_s, fake_s)))
            theta = step(theta, grads, i)
        return theta, frozen, first

    def _unroll_update(self, variables):
        """The differentiable update `step(theta, grads, i)` of the unrolled critic."""
        import tensorflow as tf

        opt = self.d_optimizer
        if self.unroll_lr is not None:
            return lambda theta, grads, i: [t - self.unroll_lr * g for t, g in zip(theta, grads)]
        if isinstance(opt, keras.optimizers.Adam) and not opt.amsgrad:
            b1, b2, eps = float(opt.beta_1), float(opt.beta_2), float(opt.epsilon)
            idx = [opt._get_variable_index(v) for v in variables]
            moments = {"m": [tf.identity(opt._momentums[j].value) for j in idx],
                       "v": [tf.identity(opt._velocities[j].value) for j in idx]}
            t0 = ops.cast(opt.iterations, "float32")
            lr = ops.cast(opt.learning_rate, "float32")

            def adam(theta, grads, i):
                t = t0 + float(i + 1)
                alpha = lr * ops.sqrt(1.0 - b2**t) / (1.0 - b1**t)
                moments["m"] = [m + (g - m) * (1.0 - b1) for m, g in zip(moments["m"], grads)]
                moments["v"] = [v + (tf.stop_gradient(g) ** 2 - v) * (1.0 - b2)
                                for v, g in zip(moments["v"], grads)]
                return [t_ - alpha * m / (ops.sqrt(v) + eps)
                        for t_, m, v in zip(theta, moments["m"], moments["v"])]

            return adam
        if type(opt) is keras.optimizers.SGD and not opt.momentum:
            lr = ops.cast(opt.learning_rate, "float32")
            return lambda theta, grads, i: [t - lr * g for t, g in zip(theta, grads)]
        raise ValueError(
            f"unroll_lr=None unrolls the discriminator's own optimizer, which must be Adam (without "
            f"amsgrad) or plain SGD; got {type(opt).__name__}. Pass a float unroll_lr for plain "
            f"gradient steps instead.")

    def _g_step(self, n, real=None, first_codes=None):
        import tensorflow as tf

        g_loss_fn = L.gan_losses(self.loss_variant)[1]
        g_vars = self.generator.trainable_variables
        codes = self._codes(n)
        first = None
        with tf.GradientTape() as tape:
            fake = self.generator(codes, training=True)
            if self.unrolled_steps:
                theta, frozen, first = self._unrolled_critic(real, first_codes)
                scores, _ = self.discriminator.stateless_call(theta, frozen, fake, training=True)
            else:
                scores = self.discriminator(fake, training=True)
            g_loss = g_loss_fn(scores)
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
        return g_loss, first

    def _apply_d(self, grads):
        d_vars = self.discriminator.trainable_variables
        self.d_optimizer.apply_gradients(zip(grads, d_vars))
        if self.clip_value is not None:
            for w in d_vars:
                w.assign(ops.clip(w, -self.clip_value, self.clip_value))

    def train_step(self, data):
        if self.d_optimizer is None:
            raise RuntimeError("Call compile(d_optimizer=..., g_optimizer=...) before fit().")
        x = data[0] if isinstance(data, (tuple, list)) else data
        self._check_batch(x)
        per = ops.shape(x)[0] // self.n_critic
        slices = [x[k * per : (k + 1) * per] for k in range(self.n_critic)]  # fresh real data per update
        if self.unrolled_steps:
            # Unrolled GAN: G's update looks k critic steps ahead of the current D; then D
            # takes the first of those steps (same data, applied with D's optimizer).
            codes = self._codes(per)
            g_loss, (grads, d_loss, w) = self._g_step(per, slices[0], codes)
            self._apply_d(grads)
            for real in slices[1:]:
                d_loss, w = self._d_step(real)
        else:
            for real in slices:  # K critic updates with G fixed, then one G update with D fixed
                d_loss, w = self._d_step(real)
            g_loss, _ = self._g_step(per)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        self.w_tracker.update_state(w)
        logs = {m.name: m.result() for m in self.metrics}  # running means over the epoch
        # This step's own values: the training curves, and the critic's Wasserstein estimate
        # as the course's stop indicator, are logged per step, not as running means.
        logs.update(d_loss_step=d_loss, g_loss_step=g_loss, w_estimate_step=w)
        return logs

    def test_step(self, data):
        x = data[0] if isinstance(data, (tuple, list)) else data
        self._check_batch(x)
        d_loss_fn, g_loss_fn = L.gan_losses(self.loss_variant)
        n = ops.shape(x)[0]
        fake = self.generator(self._codes(n), training=False)
        real_s, fake_s = self.discriminator(x), self.discriminator(fake)
        self.d_loss_tracker.update_state(d_loss_fn(real_s, fake_s))
        self.g_loss_tracker.update_state(g_loss_fn(fake_s))
        self.w_tracker.update_state(L.wasserstein_estimate(real_s, fake_s))
        return {m.name: m.result() for m in self.metrics}

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
    def call(self, codes, training=False):
        return self.generator(codes, training=training)

    def sample_codes(self, n, seed=None):
        """n codes c ~ N(0, I) as float32 numpy (n, latent_dim); same seed, same codes."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= MAX_GENERATE:
            raise ValueError(f"n must be an int in [1, {MAX_GENERATE}], got {n!r}.")
        return np.random.default_rng(seed).standard_normal((int(n), self.latent_dim)).astype(np.float32)

    def decode(self, codes, batch_size=512):
        """Generator output for codes (n, latent_dim), as float32 numpy."""
        codes = np.asarray(codes, np.float32)
        if codes.ndim != 2 or codes.shape[1] != self.latent_dim:
            raise ValueError(f"codes must have shape (n, {self.latent_dim}), got {codes.shape}.")
        if not np.all(np.isfinite(codes)):
            raise ValueError("codes contain NaN or infinite values.")
        out = [
            ops.convert_to_numpy(self.generator(codes[i : i + batch_size], training=False))
            for i in range(0, len(codes), batch_size)
        ]
        return np.concatenate(out).astype(np.float32)

    def generate(self, n, seed=None, batch_size=512):
        """n samples as float32 numpy; images are (n, H, W, C) in [0, 1].

        Example:
            x = zoo.load("dcgan-mnist").generate(64, seed=0)
        """
        return self.decode(self.sample_codes(n, seed), batch_size)

    def project(self, images, steps=150, seed=0, candidates=256, prior_weight=1e-3, learning_rate=0.05):
        """GAN inversion (Zhu et al. 2016, iGAN): per example, a code whose generated example is
        nearest in squared error.

        Starts from the nearest of `candidates` random codes (same seed, same start), which
        avoids the poor local minima of a random start, then takes `steps` Adam steps on the
        code. `prior_weight` x mean(c^2) keeps a code from drifting far outside the N(0, I)
        codes of training. Returns float32 numpy (n, latent_dim).

        Example:
            c = zoo.load("dcgan-mnist").project(x_test[:8])   # then .decode(c)
        """
        import tensorflow as tf

        x = np.asarray(images, np.float32)
        if tuple(x.shape[1:]) != self.data_shape or len(x) == 0:
            raise ValueError(f"examples must have shape (n, {', '.join(map(str, self.data_shape))}) with n >= 1, "
                             f"got {x.shape}.")
        if not np.all(np.isfinite(x)):
            raise ValueError("examples contain NaN or infinite values.")
        for name, value, low in (("steps", steps, 0), ("candidates", candidates, 1)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
                raise ValueError(f"{name} must be an int >= {low}, got {value!r}.")
        pool = self.sample_codes(candidates, seed)
        flat_pool, flat_x = self.decode(pool).reshape(len(pool), -1), x.reshape(len(x), -1)
        dist = (flat_pool**2).sum(1)[:, None] - 2.0 * flat_pool @ flat_x.T  # + |x|^2, the same per column
        z = keras.Variable(pool[dist.argmin(0)], name="codes")
        if steps == 0:
            return np.asarray(z.numpy(), np.float32)
        opt = keras.optimizers.Adam(learning_rate, beta_1=0.9)
        target, g = tf.constant(x), self.generator

        @tf.function
        def step():
            with tf.GradientTape() as tape:
                out = g(z.value, training=False)
                err = tf.reduce_mean(tf.reshape(tf.square(out - target), [tf.shape(target)[0], -1]), axis=1)
                # Summed over examples, so each code gets the gradient of its own example only.
                loss = tf.reduce_sum(err + prior_weight * tf.reduce_mean(tf.square(z.value), axis=1))
            opt.apply_gradients([(tape.gradient(loss, z.value), z)])

        for _ in range(int(steps)):
            step()
        return np.asarray(z.numpy(), np.float32)

    def interpolate(self, seed_a, seed_b, steps=8):
        """Samples along the straight line between the codes of two seeds."""
        a, b = self.sample_codes(1, seed_a), self.sample_codes(1, seed_b)
        t = np.linspace(0.0, 1.0, int(steps), dtype=np.float32)[:, None]
        return self.decode((1 - t) * a + t * b)


# ----------------------------------------------------------------------------- presets
PRESETS = {
    "dcgan-mnist": dict(architecture="dcgan", data_shape=[28, 28, 1], latent_dim=64,
                        g_filters=64, d_filters=64, loss="non-saturating"),
    "dcgan-celeba": dict(architecture="dcgan", data_shape=[64, 64, 3], latent_dim=100,
                         g_filters=64, d_filters=64, loss="non-saturating"),
    "tiny": dict(architecture="dcgan", data_shape=[8, 8, 1], latent_dim=8,
                 g_filters=4, d_filters=4),
    "tiny-mlp": dict(architecture="mlp", data_shape=[2], latent_dim=2, units=8, depth=2),
}
