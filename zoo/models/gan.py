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

from zoo import distribute
from zoo import losses as L
from zoo import capabilities as cap
from zoo.models import unrolled
from zoo.models.gan_networks import (build_dcgan_discriminator, build_dcgan_generator,  # noqa: F401
                                     build_metz_networks, build_mlp_discriminator, build_mlp_generator)
from zoo.models.base import ZooModel, check_int, check_shape, check_width
from zoo.models.inference import inpaint_by_projection, project_codes


# ----------------------------------------------------------------------------- model
class GAN(ZooModel):
    """Generator + discriminator trained by alternating SGD.

    Args:
        architecture: "dcgan" (images), "mlp" (vectors) or "mlp-metz" (Metz et al. 2017's 2D
            networks: `zoo.models.gan_networks.build_metz_networks`) (default "dcgan").
        data_shape: shape of one example, e.g. [28, 28, 1] or [2] (default [28, 28, 1]).
        latent_dim: size of the code c ~ N(0, I) (default 64).
        g_filters: DCGAN generator width (default 64).
        d_filters: DCGAN discriminator width (default 64).
        units: MLP width (default 128).
        depth: MLP depth (default 3; for "mlp-metz" G's depth, D has one hidden layer).
        loss: "minimax", "non-saturating", "least-squares" or "wasserstein"
            (default "non-saturating").
        n_critic: K, discriminator updates per generator update (default 1). One `fit` step
            consumes one batch and splits it into K slices, so pass batches of K x the
            per-update batch size.
        g_steps: generator updates after the K critic updates of a step, each on fresh codes
            (default 1). 2 is the DCGAN reference code's guard against D's loss going to zero
            (carpedm20/DCGAN-tensorflow, kept by the PacGAN authors' Stacked MNIST code).
        clip_value: tau; clip every critic weight to [-tau, tau] after each critic update
            (WGAN), or None (default).
        gp_weight: lambda of the gradient penalty (WGAN-GP), 0 disables (default 0).
        gp_one_sided: penalise only critic gradients steeper than 1, max(0, ||grad|| - 1)^2,
            instead of (||grad|| - 1)^2 (default False).
        minibatch_kernels: B kernels of minibatch discrimination in D, 0 disables (default 0).
        minibatch_dim: C, dimension of each minibatch kernel (default 5).
        unrolled_steps: k; G's update backpropagates through k unrolled D updates
            (`zoo.models.unrolled`); D itself still takes only its own K updates (default 0).
        unroll_lr: None (default) unrolls D's own optimizer (Adam or SGD); a float makes the
            unrolled updates plain gradient steps of that size.
        pack: m; PacGAN's packing (Lin et al. 2018): D scores m samples at once, concatenated
            on the channel (or feature) axis, all real or all fake, so a collapsed G's packs
            look unlike real ones. Batches must hold a multiple of m examples per critic
            update (default 1: no packing).
        d_dropout: share of each DCGAN discriminator block's activations dropped while training
            (default 0: none).
        d_spectral_norm: wrap every layer of the DCGAN discriminator with weights in spectral
            normalization (Miyato et al. 2018) (default False).
        d_blocks: strided conv blocks of the DCGAN discriminator, filters doubling per block
            (default 0: one per halving of the generator's side, 2 for 28x28; 3 adds a block
            at 4x4 with 4 x d_filters channels).
        d_batch_norm: batch norm after every discriminator conv but the first, as in Radford
            et al. (default False; refused with a gradient penalty).
        d_layer_norm: layer norm there instead, which the gradient penalty allows (Gulrajani et
            al. 2017) (default False).
        g_top_k: nu of top-k training (Sinha et al. 2020, "Top-k Training of GANs: Improving GAN
            Performance by Throwing Away Bad Samples"): G's loss is taken over only the k of each
            batch's samples that D scores as most real, k a fraction max(nu, gamma^(t / 1000)) of the
            batch after t G updates (default 1.0: every sample, off).
        g_top_k_decay: gamma, the kept fraction's decay per 1,000 G updates (about one MNIST epoch
            at batch 64; the paper decays 0.99 per epoch) (default 0.99).
        g_ema: beta of an exponential moving average of G's weights (Yazici et al. 2019,
            "The Unusual Effectiveness of Averaging in GAN Training"): after every G update
            `generator_ema` <- beta * `generator_ema` + (1 - beta) * `generator` (its batch-norm
            statistics too), and `generate`, `decode` and `call` use the average while
            training goes on with `generator`; 0 turns it off (default 0).
        seed: seed of the training noise (default 0).

    Example:
        g = GAN(loss="wasserstein", n_critic=5, clip_value=0.01)
        g.compile(d_optimizer=keras.optimizers.RMSprop(5e-5), g_optimizer=keras.optimizers.RMSprop(5e-5))
        g.fit(zoo.data.load("mnist", batch_size=5 * 64), epochs=1)
    """

    CAPABILITIES = (cap.Generator, cap.Interpolator, cap.Projector, cap.Inpainter)
    OPTIMIZERS = ("d_optimizer", "g_optimizer")
    ADDED_OPTIONS = {"gp_one_sided": False, "pack": 1, "g_ema": 0.0, "d_dropout": 0.0, "d_spectral_norm": False,
                     "g_steps": 1, "d_blocks": 0, "d_batch_norm": False,
                     "d_layer_norm": False, "g_top_k": 1.0, "g_top_k_decay": 0.99}

    def __init__(self, architecture="dcgan", data_shape=(28, 28, 1), latent_dim=64, g_filters=64, d_filters=64,
                 units=128, depth=3, loss="non-saturating", n_critic=1, clip_value=None, gp_weight=0.0,
                 gp_one_sided=False, minibatch_kernels=0, minibatch_dim=5, unrolled_steps=0, unroll_lr=None, pack=1,
                 g_ema=0.0, d_dropout=0.0, d_spectral_norm=False, g_steps=1, d_blocks=0, d_batch_norm=False, d_layer_norm=False,
                 g_top_k=1.0, g_top_k_decay=0.99, seed=0, **kwargs):
        super().__init__(**kwargs)
        L.gan_losses(loss)  # validates the name
        self.loss_variant = loss
        self.n_critic = check_int(n_critic, "n_critic", 1)
        self.g_steps = check_int(g_steps, "g_steps", 1, 16)
        if clip_value is not None and not clip_value > 0:
            raise ValueError(f"clip_value must be positive or None, got {clip_value!r}.")
        if not gp_weight >= 0:
            raise ValueError(f"gp_weight must be >= 0, got {gp_weight!r}.")
        if unroll_lr is not None and not unroll_lr > 0:
            raise ValueError(f"unroll_lr must be positive or None, got {unroll_lr!r}.")
        self.architecture = architecture
        self.data_shape = check_shape(data_shape, "data_shape", rank=(1, 3))
        self.latent_dim = check_width(latent_dim, "latent_dim")
        g_filters, d_filters, units = (check_width(v, k) for k, v in (("g_filters", g_filters),
                                                                       ("d_filters", d_filters), ("units", units)))
        depth = check_int(depth, "depth", 1, 64)
        self.clip_value = None if clip_value is None else float(clip_value)
        self.gp_weight = float(gp_weight)
        if not isinstance(gp_one_sided, bool):
            raise ValueError(f"gp_one_sided must be True or False, got {gp_one_sided!r}.")
        self.gp_one_sided = gp_one_sided
        self.unrolled_steps = check_int(unrolled_steps, "unrolled_steps", 0)
        if self.unrolled_steps and gp_weight:
            raise ValueError("unrolled_steps with a gradient penalty is not supported.")
        self.unroll_lr = None if unroll_lr is None else float(unroll_lr)
        self.pack = check_int(pack, "pack", 1, 64)
        if self.pack > 1 and self.unrolled_steps:
            raise ValueError("pack > 1 with unrolled_steps is not supported.")
        if self.g_steps > 1 and self.unrolled_steps:
            raise ValueError("g_steps > 1 with unrolled_steps is not supported.")
        mbd = dict(minibatch_kernels=check_int(minibatch_kernels, "minibatch_kernels", 0, 1024),
                   minibatch_dim=check_int(minibatch_dim, "minibatch_dim", 1, 1024))
        if isinstance(d_dropout, bool) or not isinstance(d_dropout, (int, float)) or not 0.0 <= d_dropout < 1.0:
            raise ValueError(f"d_dropout must be a number in [0, 1), got {d_dropout!r}.")
        if not isinstance(d_spectral_norm, bool):
            raise ValueError(f"d_spectral_norm must be True or False, got {d_spectral_norm!r}.")
        for k, v in (("d_batch_norm", d_batch_norm), ("d_layer_norm", d_layer_norm)):
            if not isinstance(v, bool):
                raise ValueError(f"{k} must be True or False, got {v!r}.")
        if d_batch_norm and d_layer_norm:
            raise ValueError("d_batch_norm and d_layer_norm exclude each other: choose one.")
        if d_batch_norm and gp_weight:
            raise ValueError("d_batch_norm with a gradient penalty is not supported: the penalty needs each "
                             "example's score to depend on that example alone.")
        d_blocks = check_int(d_blocks, "d_blocks", 0, 8)
        d_shape = dict(dropout=float(d_dropout), spectral_norm=d_spectral_norm, blocks=d_blocks,
                       batch_norm=d_batch_norm, layer_norm=d_layer_norm)
        if any(d_shape.values()) and architecture != "dcgan":
            raise ValueError("d_dropout, d_spectral_norm, d_blocks, d_batch_norm and d_layer_norm need the dcgan "
                             "architecture.")
        mbd.update({k: v for k, v in d_shape.items() if v})
        if isinstance(g_ema, bool) or not isinstance(g_ema, (int, float)) or not 0.0 <= g_ema < 1.0:
            raise ValueError(f"g_ema must be a number in [0, 1) (0: no average), got {g_ema!r}.")
        self.g_ema = float(g_ema)
        for k, v in (("g_top_k", g_top_k), ("g_top_k_decay", g_top_k_decay)):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0.0 < v <= 1.0:
                raise ValueError(f"{k} must be a number in (0, 1], got {v!r}.")
        self.g_top_k, self.g_top_k_decay = float(g_top_k), float(g_top_k_decay)
        self.generator, self.discriminator = self.build_networks(architecture, int(g_filters), int(d_filters),
                                                                 int(units), int(depth), mbd)
        self.generator_ema = None
        if self.g_ema:  # same layers, own weights, never trained: starts as G
            self.generator_ema = keras.models.clone_model(self.generator)
            self.generator_ema.trainable = False
            self.generator_ema.set_weights(self.generator.get_weights())
        self.noise = keras.random.SeedGenerator(int(seed))
        self.built = True

    def build_networks(self, architecture, g_filters, d_filters, units, depth, mbd):
        """(generator, discriminator) built from the constructor's arguments (`mbd`: the minibatch
        discrimination kwargs); a conditional family overrides it to condition both on labels."""
        packed = (*self.data_shape[:-1], self.data_shape[-1] * self.pack)  # D's input: m samples stacked
        if architecture == "dcgan":
            return (build_dcgan_generator(self.latent_dim, self.data_shape, g_filters),
                    build_dcgan_discriminator(packed, d_filters, **mbd))
        if architecture not in ("mlp", "mlp-metz"):
            raise ValueError(f"Unknown architecture {architecture!r}; expected 'dcgan', 'mlp' or 'mlp-metz'.")
        if len(self.data_shape) != 1:
            raise ValueError(f"The {architecture} architecture needs 1-d data, got {self.data_shape}.")
        dim = self.data_shape[0]
        if architecture == "mlp-metz":
            if mbd["minibatch_kernels"]:
                raise ValueError("minibatch_kernels is not supported by the mlp-metz architecture.")
            return build_metz_networks(self.latent_dim, dim, units, depth, packed[0])
        return (build_mlp_generator(self.latent_dim, dim, units, depth),
                build_mlp_discriminator(packed[0], units, depth, **mbd))

    def tracker_names(self):
        return ("d_loss", "g_loss") + (("w_estimate",) if self.loss_variant == "wasserstein" else ())

    @property
    def data_range(self):
        return (0.0, 1.0) if self.architecture == "dcgan" else None  # 2D mixture points are unbounded

    def default_optimizer(self, name):
        return keras.optimizers.Adam(2e-4, beta_1=0.5)  # DCGAN's

    def optimizer_variables(self, name):
        net = self.discriminator if name == "d_optimizer" else self.generator
        return net.trainable_variables

    # --- training -------------------------------------------------------------------
    def _codes(self, n):
        return keras.random.normal((n, self.latent_dim), seed=self.noise)

    def packed(self, x):
        """x (n, ...) as n / m packs of m consecutive examples concatenated on the last axis
        (`pack` = m); unchanged without packing."""
        m = self.pack
        if m == 1:
            return x
        shape = tuple(self.data_shape)
        x = ops.reshape(x, (-1, m, *shape))
        x = ops.moveaxis(x, 1, -2)  # (n / m, ..., m, channels): a pack's samples side by side per channel
        return ops.reshape(x, (-1, *shape[:-1], shape[-1] * m))

    def _d_step(self, real):
        import tensorflow as tf

        d_loss_fn = L.gan_losses(self.loss_variant)[0]
        fake = self.packed(self.generator(self._codes(ops.shape(real)[0]), training=True))  # G fixed
        real = self.packed(real)
        d_vars = self.discriminator.trainable_variables
        with tf.GradientTape() as tape:
            # Real and fake go through D as separate batches: minibatch features compare an
            # example only with others of its own kind, as in Salimans et al.
            real_s = self.discriminator(real, training=True)
            fake_s = self.discriminator(fake, training=True)
            d_loss = d_loss_fn(real_s, fake_s)
            if self.gp_weight > 0:
                d_loss = d_loss + self.gp_weight * L.gradient_penalty(self.discriminator, real, fake, seed=self.noise,
                                                                one_sided=self.gp_one_sided)
            share = distribute.scale_loss(d_loss)  # a replica's share: the optimizer sums the replicas'
        self._apply_d(tape.gradient(share, d_vars))
        return d_loss, L.wasserstein_estimate(real_s, fake_s)

    def _unrolled_critic(self, real, codes):
        return unrolled.unrolled_critic(self, real, codes)

    def _g_step(self, n, real=None, first_codes=None):
        import tensorflow as tf

        g_loss_fn = L.gan_losses(self.loss_variant)[1]
        g_vars = self.generator.trainable_variables
        first = None
        with tf.GradientTape() as tape:
            fake = self.generator(self._codes(n), training=True)
            if self.unrolled_steps:
                theta, frozen, first = self._unrolled_critic(real, first_codes)
                scores, _ = self.discriminator.stateless_call(theta, frozen, fake, training=True)
            else:
                scores = self.discriminator(self.packed(fake), training=True)
            g_loss = g_loss_fn(self.top_k(scores))
            share = distribute.scale_loss(g_loss)
        self.g_optimizer.apply_gradients(zip(tape.gradient(share, g_vars), g_vars))
        return g_loss, first

    def top_k_fraction(self):
        """The share of a batch's samples G's loss is taken over now: max(nu, gamma^(t / 1000)) after
        t G updates (`g_top_k`, `g_top_k_decay`); 1.0 without top-k training."""
        if self.g_top_k >= 1.0:
            return ops.convert_to_tensor(1.0)
        t = ops.cast(self.g_optimizer.iterations, "float32") / 1000.0
        return ops.maximum(self.g_top_k, ops.power(self.g_top_k_decay, t))

    def top_k(self, scores):
        """The k highest of D's `scores` (n, 1) of fake samples, k = ceil(`top_k_fraction` n)
        (all of them without top-k training)."""
        if self.g_top_k >= 1.0:
            return scores
        flat = ops.reshape(scores, (-1,))
        n = ops.cast(ops.shape(flat)[0], "float32")
        k = ops.cast(ops.maximum(1.0, ops.ceil(self.top_k_fraction() * n)), "int32")
        return ops.expand_dims(ops.top_k(flat, k, sorted=False)[0], -1)

    @property
    def sampler(self):
        """The network that makes samples: `generator_ema` when G's weights are averaged, else G."""
        return self.generator_ema if self.generator_ema is not None else self.generator

    def update_ema(self):
        """One step of the moving average of G's weights (after a G update; nothing without g_ema)."""
        if self.generator_ema is None:
            return
        beta = self.g_ema
        for avg, w in zip(self.generator_ema.weights, self.generator.weights):
            avg.assign(beta * avg + (1.0 - beta) * ops.cast(w, avg.dtype))

    def _apply_d(self, grads):
        d_vars = self.discriminator.trainable_variables
        self.d_optimizer.apply_gradients(zip(grads, d_vars))
        if self.clip_value is not None:
            for w in d_vars:
                w.assign(ops.clip(w, -self.clip_value, self.clip_value))

    def train_step(self, data):
        x, _ = self.unpack(data)
        per = ops.shape(x)[0] // self.n_critic
        if self.pack > 1 and isinstance(per, int) and per % self.pack:
            raise ValueError(f"pack={self.pack}: each critic update's batch ({per} examples: the batch / "
                             f"n_critic, per replica) must be a multiple of pack.")
        slices = [x[k * per: (k + 1) * per] for k in range(self.n_critic)]  # fresh real data per update
        if self.unrolled_steps:
            # G's update looks k critic steps ahead of the current D; then D takes the first of
            # those steps (same data, applied with D's optimizer).
            g_loss, (grads, d_loss, w) = self._g_step(per, slices[0], self._codes(per))
            self._apply_d(grads)
            for real in slices[1:]:
                d_loss, w = self._d_step(real)
        else:
            for real in slices:  # K critic updates with G fixed, then g_steps G updates with D fixed
                d_loss, w = self._d_step(real)
            for _ in range(self.g_steps - 1):
                self._g_step(per)
                self.update_ema()
            g_loss, _ = self._g_step(per)
        self.update_ema()
        logs = self.track({"d_loss": d_loss, "g_loss": g_loss, "w_estimate": w})  # running means
        # This step's own values: the training curves (and the critic's Wasserstein estimate, the
        # course's stop indicator) are logged per step, not as running means.
        logs.update(d_loss_step=d_loss, g_loss_step=g_loss)
        if self.loss_variant == "wasserstein":
            logs["w_estimate_step"] = w
        return logs

    def test_step(self, data):
        x, _ = self.unpack(data)
        d_loss_fn, g_loss_fn = L.gan_losses(self.loss_variant)
        fake = self.generator(self._codes(ops.shape(x)[0]), training=False)
        real_s, fake_s = self.discriminator(self.packed(x)), self.discriminator(self.packed(fake))
        return self.track({"d_loss": d_loss_fn(real_s, fake_s), "g_loss": g_loss_fn(fake_s),
                           "w_estimate": L.wasserstein_estimate(real_s, fake_s)})

    # --- inference ------------------------------------------------------------------
    def call(self, codes, training=False):
        return self.sampler(codes, training=training)

    def sample_codes(self, n, seed=None):
        """n codes c ~ N(0, I) as float32 numpy (n, latent_dim); same seed, same codes."""
        return self.normal_codes(n, self.latent_dim, seed)

    def decode(self, codes, batch_size=512):
        """Generator output for codes (n, latent_dim), as float32 numpy."""
        codes = self.check_codes(codes, self.latent_dim)
        self.check_count(len(codes), "len(codes)")
        return self.batched(lambda c: self.sampler(c, training=False), codes, batch_size).astype(np.float32)

    def generate(self, n, seed=None, batch_size=512):
        """n samples as float32 numpy; images are (n, H, W, C) in [0, 1].

        Example:
            x = zoo.load("dcgan-mnist").generate(64, seed=0)
        """
        return self.decode(self.sample_codes(n, seed), batch_size)

    def project(self, images, steps=150, seed=0, candidates=256, prior_weight=1e-3, learning_rate=0.05, mask=None):
        """GAN inversion: per example, a code whose generated example is nearest in squared error
        (over the observed values where `mask` == 1); see `zoo.models.inference.project_codes`.
        Returns float32 numpy (n, latent_dim).

        Example:
            c = zoo.load("dcgan-mnist").project(x_test[:8])   # then .decode(c)
        """
        return project_codes(self, images, steps, seed, candidates, prior_weight, learning_rate, mask)

    def inpaint(self, x, mask, seed=0, steps=150):
        """x with the values where mask == 0 taken from G(c), c the code that best explains the
        known values (`project` under the mask: finding a code under constraints); the known
        values are kept exactly. mask: x's shape or one example's, 1 = known.

        Example:
            mask = np.ones((28, 28)); mask[14:] = 0           # hide the lower half
            filled = zoo.load("dcgan-mnist").inpaint(x_test[:8], mask, seed=0)
        """
        return inpaint_by_projection(self, x, mask, seed, steps)

    def interpolate(self, seed_a, seed_b, steps=8):
        """Samples along the straight line between the codes of two seeds."""
        steps = check_int(steps, "steps", 2, 1000)
        a, b = self.sample_codes(1, seed_a), self.sample_codes(1, seed_b)
        t = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
        return self.decode((1 - t) * a + t * b)
