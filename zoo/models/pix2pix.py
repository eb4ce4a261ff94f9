"""pix2pix: paired image-to-image translation with a conditional GAN (Isola, Zhu, Zhou, Efros
2017, Image-to-Image Translation with Conditional Adversarial Networks, arXiv:1611.07004).

G is a U-Net (an encoder-decoder whose mirrored layers are joined by skip connections, so
low-level structure such as the position of edges goes straight across); D is a PatchGAN that
sees the source and an output concatenated on channels and says real or fake for every
overlapping N x N patch (N = `patch_size(d_layers)`). G's loss is the non-saturating cGAN
term plus lambda times the L1 distance to the target (lambda = 100); ``adversarial=False``
is the paper's L1-only ablation (no D at all). Like the paper, the only noise of G is dropout,
kept on when translating; here it is drawn from an explicit seed (`Pix2Pix.translate`).
"""

import types

import numpy as np
import keras
from keras import layers, ops

from zoo import capabilities as cap
from zoo import distribute
from zoo import losses as L
from zoo.models.base import ZooModel, check_int, check_seed, check_shape, check_width

DIRECTIONS = ("a2b",)
# Batch norm's moving averages follow the batch statistics at PyTorch's pace (momentum 0.1 there),
# the authors' code: Keras' 0.99 lags the weights by hundreds of steps, and translate uses the averages.
BN_MOMENTUM = 0.9


@keras.saving.register_keras_serializable(package="zoo")
class NoiseDropout(layers.Dropout):
    """Dropout that stays on at inference: pix2pix's noise z (Isola et al. 2017, sec. 3.1), applied
    at training and at test time."""

    def call(self, inputs, training=False):
        return super().call(inputs, training=True)


# ----------------------------------------------------------------------------- losses
def l1_distance(target, output):
    """E|y - G(x)|: the mean absolute difference over every pixel of the batch."""
    return ops.mean(ops.abs(ops.cast(target, "float32") - ops.cast(output, "float32")))


def discriminator_loss(real_logits, fake_logits):
    """D's cGAN loss halved, as in the paper (slows D relative to G): (-E log D(x, y) -
    E log(1 - D(x, G(x)))) / 2, the means over every patch of the batch."""
    return 0.5 * L.non_saturating_discriminator_loss(real_logits, fake_logits)


def generator_loss(fake_logits, target, output, l1_weight=100.0):
    """(total, adversarial term, L1) of G: -E log D(x, G(x)) + lambda E|y - G(x)|; with
    `fake_logits` None (the L1-only ablation) the adversarial term is 0."""
    l1 = l1_distance(target, output)
    gan = ops.zeros((), "float32") if fake_logits is None else L.non_saturating_generator_loss(fake_logits)
    return gan + l1_weight * l1, gan, l1


# ----------------------------------------------------------------------------- builders
def patch_size(d_layers):
    """Side N of the patch each of D's outputs sees (its receptive field): 4 x 4 convolutions, the
    last two with stride 1, the `d_layers` before them with stride 2 (3 gives the paper's 70)."""
    n = 7
    for _ in range(d_layers):
        n = (n - 1) * 2 + 4
    return n


def build_unet_generator(image_shape=(28, 28, 1), target_channels=1, filters=64, max_filters=512, depth=5,
                         dropout=0.5, dropout_layers=3, seed=0):
    """U-Net G: `depth` x [4x4 conv, stride 2, BN (not the first), LeakyReLU 0.2] down to the
    bottleneck, then mirrored [4x4 transposed conv, stride 2, BN, NoiseDropout (the
    `dropout_layers` innermost), ReLU] each concatenated with the encoder's output of its
    resolution, and a last transposed conv with a sigmoid (outputs in [0, 1]). Level i has
    min(filters * 2^i, max_filters) channels. Sides that are not a multiple of 2^depth are
    zero-padded inside (28 -> 32 for depth 5) and cropped back."""
    h, w, _ = image_shape
    m = 2**depth
    ph, pw = -h % m, -w % m
    pad = ((ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2))
    x_in = keras.Input(tuple(image_shape), name="source")
    x = layers.ZeroPadding2D(pad)(x_in) if ph or pw else x_in
    skips = []
    for i in range(depth):
        x = layers.Conv2D(min(filters * 2**i, max_filters), 4, strides=2, padding="same", use_bias=i == 0)(x)
        x = batch_norm()(x) if i else x
        skips.append(layers.LeakyReLU(0.2)(x))
        x = skips[-1]
    for k, i in enumerate(reversed(range(depth - 1))):  # k-th block from the bottleneck, up to level i
        x = layers.Conv2DTranspose(min(filters * 2**i, max_filters), 4, strides=2, padding="same",
                                   use_bias=False)(x)
        x = batch_norm()(x)
        if dropout > 0 and k < dropout_layers:
            x = NoiseDropout(dropout, seed=None if seed is None else seed + k)(x)
        x = layers.Concatenate()([layers.ReLU()(x), skips[i]])
    x = layers.Conv2DTranspose(target_channels, 4, strides=2, padding="same", activation="sigmoid")(x)
    out = layers.Cropping2D(pad)(x) if ph or pw else x
    return keras.Model(x_in, out, name="generator")


def build_patch_discriminator(pair_shape=(28, 28, 2), filters=64, d_layers=3):
    """PatchGAN D on (source, image) pairs concatenated on channels: [4x4 conv, stride 2, BN (not the
    first), LeakyReLU 0.2] x d_layers, a stride-1 one with twice the channels, then a stride-1 conv
    to one logit per patch: (H / 2^d_layers, W / 2^d_layers, 1), each seeing `patch_size(d_layers)`^2
    pixels."""
    x_in = keras.Input(tuple(pair_shape), name="pair")
    x = x_in
    for i in range(d_layers + 1):
        x = layers.Conv2D(filters * 2**i, 4, strides=2 if i < d_layers else 1, padding="same", use_bias=i == 0)(x)
        x = batch_norm()(x) if i else x
        x = layers.LeakyReLU(0.2)(x)
    return keras.Model(x_in, layers.Conv2D(1, 4, padding="same", name="patch_logits")(x), name="discriminator")


def batch_norm():
    """BN at PyTorch's pace (momentum 0.9, the authors' code), over the global batch when built
    for several replicas (`zoo.distribute.sync_batch_norm`)."""
    return layers.BatchNormalization(momentum=BN_MOMENTUM, synchronized=distribute.sync_batch_norm())


# ----------------------------------------------------------------------------- model
class Pix2Pix(ZooModel):
    """U-Net generator + PatchGAN discriminator trained on (source, target) pairs.

    `fit` takes (source, target) batches, as `zoo.data.load("edges2digits")` yields them, or pairs
    stacked on channels (n, H, W, C_source + C_target): `data_shape`, the layout D sees. One step
    is the paper's alternation: one D update on the batch with G fixed, then one G update with D
    fixed (no D update without `adversarial`). Trackers: d_loss, g_loss, g_gan (the adversarial
    term) and l1.

    Args:
        image_shape: (H, W, C) of the source images (default (28, 28, 1)).
        target_channels: channels of the target images (default 1).
        filters: channels of G's first level, doubled per level (default 64).
        max_filters: cap on G's channels per level (default 512).
        depth: G's stride-2 levels; sides are padded to a multiple of 2^depth inside (default 5).
        dropout: rate of G's dropout, its noise, on at training and translation (default 0.5).
        dropout_layers: G's decoder blocks nearest the bottleneck that have dropout (default 3).
        d_filters: channels of D's first layer, doubled per layer (default 64).
        d_layers: D's stride-2 layers; D judges patches of `patch_size(d_layers)` pixels (default 3: 70).
        l1_weight: lambda of the L1 term (default 100.0).
        adversarial: False trains G on lambda * L1 alone, without D: the L1-only ablation (default True).
        seed: seed of the dropout masks drawn in training (default 0).

    Example:
        p = zoo.load("pix2pix-edges2digits")
        digits = p.translate(edges, seed=0)      # edges (n, 28, 28, 1) in [0, 1] -> (n, 28, 28, 1)
        p.fit(zoo.data.load("edges2digits", batch_size=32), epochs=1)
    """

    STEP_LOGS = True  # per-step losses: the card's training curves

    CAPABILITIES = (cap.Translator,)
    DIRECTIONS = DIRECTIONS  # what translate's direction may be (the demo offers these)
    # G first: Keras' `model.optimizer` (TensorBoard's step) is the first slot, and G steps in both variants.
    OPTIMIZERS = ("g_optimizer", "d_optimizer")

    def __init__(self, image_shape=(28, 28, 1), target_channels=1, filters=64, max_filters=512, depth=5, dropout=0.5,
                 dropout_layers=3, d_filters=64, d_layers=3, l1_weight=100.0, adversarial=True, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.image_shape = check_shape(image_shape, "image_shape", rank=3)
        self.target_channels = check_int(target_channels, "target_channels", 1, 64)
        depth, d_layers = check_int(depth, "depth", 1, 10), check_int(d_layers, "d_layers", 0, 8)
        if not (isinstance(dropout, (int, float)) and 0 <= dropout < 1):
            raise ValueError(f"dropout must be a rate in [0, 1), got {dropout!r}.")
        if not (isinstance(l1_weight, (int, float)) and l1_weight >= 0):
            raise ValueError(f"l1_weight must be a number >= 0, got {l1_weight!r}.")
        if not isinstance(adversarial, bool):
            raise ValueError(f"adversarial must be True or False, got {adversarial!r}.")
        if not adversarial and not l1_weight:
            raise ValueError("adversarial=False needs l1_weight > 0: G would have no loss at all.")
        self.l1_weight, self.adversarial = float(l1_weight), adversarial
        self.data_shape = (*self.image_shape[:2], self.image_shape[2] + self.target_channels)
        self.generator = build_unet_generator(self.image_shape, self.target_channels, check_width(filters, "filters"),
                                              check_width(max_filters, "max_filters"), depth, float(dropout),
                                              check_int(dropout_layers, "dropout_layers", 0, depth), check_seed(seed))
        self.discriminator = (build_patch_discriminator(self.data_shape, check_width(d_filters, "d_filters"), d_layers)
                              if adversarial else None)
        self._translate_fn = None
        self.built = True

    def tracker_names(self):
        return ("d_loss", "g_loss", "g_gan", "l1") if self.adversarial else ("g_loss", "l1")

    def default_optimizer(self, name):
        return keras.optimizers.Adam(2e-4, beta_1=0.5)  # the paper's

    def optimizer_variables(self, name):
        if name == "d_optimizer":
            return self.discriminator.trainable_variables if self.adversarial else []
        return self.generator.trainable_variables

    # --- data -----------------------------------------------------------------------
    def check_images(self, x, name="x", channels=None):
        """float32 numpy (n, H, W, C) in [0, 1] of this model's sources (C = `channels`, default the
        source's; (n, H, W) is accepted for C = 1); ValueError naming `name` otherwise."""
        view = types.SimpleNamespace(data_shape=(*self.image_shape[:2], channels or self.image_shape[2]),
                                     data_range=self.data_range)
        return ZooModel.check_data(view, x, name)

    def _pair(self, x, y):
        """(source, target) of a training batch: x and y, or x's channels split."""
        c = self.image_shape[2]
        return (x[..., :c], x[..., c:]) if y is None else (x, y)

    def unpack(self, data):
        if not self.compiled:
            raise RuntimeError(f"Call compile() before fit() on {self.name}.")
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        for v, c, what in ((x, self.data_shape[2] if y is None else self.image_shape[2], "sources"),
                           (y, self.target_channels, "targets")):
            if v is None:
                continue
            dtype = keras.backend.standardize_dtype(v.dtype)
            if tuple(v.shape[1:]) != (*self.image_shape[:2], c) or "float" not in dtype:
                raise ValueError(f"{self.name} trains on float {what} of shape (batch, {self.image_shape[0]}, "
                                 f"{self.image_shape[1]}, {c}), got {tuple(v.shape)} {dtype}; "
                                 "zoo.data.load('edges2digits') yields the right layout.")
        return self._pair(x, y)

    def _check_first_batch(self, x, y=None):
        batch = self.first_batch(x, y)
        if batch is None:
            return
        first, target = batch
        if target is None:  # pairs stacked on channels
            self.check_data(np.asarray(first[:256]), "training data")
        else:
            self.check_images(np.asarray(first[:256]), "training data")
            self.check_images(np.asarray(target[:256]), "training targets", self.target_channels)

    # --- training -------------------------------------------------------------------
    def _d_step(self, source, target):
        import tensorflow as tf

        fake = self.generator(source, training=True)  # G fixed: not differentiated
        d_vars = self.discriminator.trainable_variables
        with tf.GradientTape() as tape:
            real_s = self.discriminator(ops.concatenate([source, target], -1), training=True)
            fake_s = self.discriminator(ops.concatenate([source, fake], -1), training=True)
            d_loss = discriminator_loss(real_s, fake_s)
            share = distribute.scale_loss(d_loss)  # a replica's share: the optimizer sums the replicas'
        self.d_optimizer.apply_gradients(zip(tape.gradient(share, d_vars), d_vars))
        return d_loss

    def train_step(self, data):
        import tensorflow as tf

        source, target = self.unpack(data)
        logs = {}
        if self.adversarial:  # one D update on real pairs vs (source, G(source)), G fixed ...
            logs["d_loss"] = self._d_step(source, target)
        g_vars = self.generator.trainable_variables
        with tf.GradientTape() as tape:  # ... then one G update: fool D + lambda * L1, D fixed
            fake = self.generator(source, training=True)
            fake_s = self.discriminator(ops.concatenate([source, fake], -1), training=True) if self.adversarial else None
            logs["g_loss"], logs["g_gan"], logs["l1"] = generator_loss(fake_s, target, fake, self.l1_weight)
            share = distribute.scale_loss(logs["g_loss"])
        self.g_optimizer.apply_gradients(zip(tape.gradient(share, g_vars), g_vars))
        return self.track(logs)

    def test_step(self, data):
        source, target = self.unpack(data)
        fake, fake_s, logs = self.generator(source, training=False), None, {}
        if self.adversarial:
            fake_s = self.discriminator(ops.concatenate([source, fake], -1), training=False)
            logs["d_loss"] = discriminator_loss(self.discriminator(ops.concatenate([source, target], -1)), fake_s)
        logs["g_loss"], logs["g_gan"], logs["l1"] = generator_loss(fake_s, target, fake, self.l1_weight)
        return self.track(logs)

    # --- translation ----------------------------------------------------------------
    def call(self, x, training=False):
        return self.generator(x, training=training)

    def _noise_variables(self):
        """The state variables of G's dropout layers' seed generators (their order fixes the keys)."""
        return [lay.seed_generator.state for lay in self.generator.layers if isinstance(lay, NoiseDropout)]

    def _run(self, x, states):
        """G with its dropout masks drawn from `states` (one seed-generator state per layer) instead of
        the training stream: a stateless call, so translating changes no variable of the model."""
        gen, slot = self.generator, {id(v): i for i, v in enumerate(self._noise_variables())}
        non_trainable = [states[slot[id(v)]] if id(v) in slot else v.value for v in gen.non_trainable_variables]
        out, _ = gen.stateless_call([v.value for v in gen.trainable_variables], non_trainable, x, training=False)
        return out

    def translate(self, x, direction="a2b", seed=None, batch_size=256):
        """Target images float32 (n, H, W, target_channels) in [0, 1] for source images `x`.

        G runs in inference mode (batch norm with its moving averages, so an output does not depend
        on the other images of the batch) with its dropout on, as in the paper: that dropout is the
        only noise. Its masks are drawn from `seed`: the same x, seed and batch_size give the same
        outputs; seed None draws fresh masks. A model built with dropout=0 ignores the seed.

        Args:
            x: source images (n, H, W, C) (or (n, H, W) for C = 1), float in [0, 1].
            direction: "a2b", source to target: the one direction a pix2pix model learns
                (default "a2b").
            seed: int seed of the dropout masks, or None (default None).
            batch_size: images per forward pass (default 256).

        Example:
            digits = zoo.load("pix2pix-edges2digits").translate(edges, seed=0)
        """
        import tensorflow as tf

        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS} (source to target), got {direction!r}; a "
                             "pix2pix model learns one direction: train another one on swapped pairs for the other.")
        x = self.check_images(x, "x")
        self.check_count(len(x), "x", per_example=(*self.image_shape[:2], self.target_channels))
        batch_size, seed = check_int(batch_size, "batch_size", 1), check_seed(seed)
        if seed is None:
            seed = int(np.random.default_rng().integers(2**32))
        if self._translate_fn is None:
            self._translate_fn = tf.function(self._run, reduce_retracing=True)
        # Layer j draws its masks for the b-th batch from the seed-generator state (key_j, b).
        keys = np.random.SeedSequence(seed).generate_state(max(1, len(self._noise_variables())))
        out = []
        for b, start in enumerate(range(0, len(x), batch_size)):
            states = np.stack([keys.astype(np.int64), np.full(len(keys), b, np.int64)], axis=1)
            out.append(ops.convert_to_numpy(self._translate_fn(x[start: start + batch_size], states)))
        return np.concatenate(out).astype(np.float32)
