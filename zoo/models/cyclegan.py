"""CycleGAN: unpaired image-to-image translation with cycle-consistent adversarial networks (Zhu, Park,
Isola, Efros 2017, Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial Networks,
arXiv:1703.10593).

Two generators, G: A -> B and F: B -> A, and two discriminators, D_B (real B vs G(a)) and D_A (real A
vs F(b)), learn from images of the two domains that are never paired. Least-squares GAN losses make
G(a) look like B and F(b) like A; the cycle loss lambda (E|F(G(a)) - a| + E|G(F(b)) - b|) (lambda = 10)
asks that translating there and back gives the image back, which ties each output to its input; the
identity loss 0.5 lambda (E|G(b) - b| + E|F(a) - a|) keeps an image of the target domain unchanged.
``cycle_weight=0`` is the paper's "GAN alone" ablation (no cycle, no identity term).

The generators are the paper's ResNet generator at a digit's scale (7x7 convolution, two stride-2
convolutions, residual blocks, two stride-2 transposed convolutions, 7x7 convolution; instance
normalization, so an output never depends on the other images of a batch); the discriminators are
pix2pix's PatchGAN (`zoo.models.pix2pix.build_patch_discriminator`) on single images. The paper's
history buffer of 50 generated images is not used: D sees the fakes of the current generators.
"""

import functools
import types

import numpy as np
import keras
from keras import layers, ops

from zoo import capabilities as cap
from zoo import distribute
from zoo import losses as L
from zoo.models.base import ZooModel, check_int, check_seed, check_shape, check_width
from zoo.models.pix2pix import build_patch_discriminator, l1_distance

DIRECTIONS = ("a2b", "b2a")


# ----------------------------------------------------------------------------- losses
def generator_adversarial_loss(fake_scores):
    """A generator's least-squares GAN term, E[(D(G(a)) - 1)^2] over every patch (the authors' MSE to 1)."""
    return ops.mean(ops.square(ops.cast(fake_scores, "float32") - 1.0))


def discriminator_loss(real_scores, fake_scores):
    """A discriminator's least-squares loss halved, as in the paper: (E[(D(b) - 1)^2] + E[D(G(a))^2]) / 2."""
    return L.least_squares_discriminator_loss(real_scores, fake_scores)


def cycle_loss(a, a_back, b, b_back):
    """E|F(G(a)) - a| + E|G(F(b)) - b|: the paper's L_cyc, each term a mean over every pixel."""
    return l1_distance(a, a_back) + l1_distance(b, b_back)


def generator_objective(gan, cycle, identity, cycle_weight=10.0, identity_weight=0.5):
    """The generators' loss: gan + lambda cycle + identity_weight lambda identity (lambda = cycle_weight)."""
    return gan + cycle_weight * cycle + identity_weight * cycle_weight * identity


# ----------------------------------------------------------------------------- builders
def instance_norm():
    """Instance normalization without an affine map (the authors' InstanceNorm2d): each channel of each image
    is normalized on its own, so nothing depends on the batch or the replica."""
    return layers.GroupNormalization(groups=-1, epsilon=1e-5, center=False, scale=False)


def build_resnet_generator(image_shape=(28, 28, 1), filters=16, res_blocks=6, downsamplings=2, name="generator"):
    """The paper's ResNet generator: c7s1-k, `downsamplings` x d(2k, 4k, ...) (3x3, stride 2), `res_blocks`
    residual blocks of two 3x3 convolutions, the same number of u(..., k) (3x3 transposed, stride 2), then a
    7x7 convolution with a sigmoid (outputs in [0, 1]); instance norm and ReLU after every inner convolution,
    zero padding ("same") where the paper reflects. Sides must be multiples of 2^downsamplings."""
    x_in = keras.Input(tuple(image_shape), name="image")

    def conv(x, width, size, strides=1, transpose=False):
        kind = layers.Conv2DTranspose if transpose else layers.Conv2D
        x = kind(width, size, strides=strides, padding="same", use_bias=False)(x)  # the norm removes a bias
        return instance_norm()(x)

    x = layers.ReLU()(conv(x_in, filters, 7))
    for i in range(1, downsamplings + 1):
        x = layers.ReLU()(conv(x, filters * 2**i, 3, strides=2))
    width = filters * 2**downsamplings
    for _ in range(res_blocks):
        y = conv(layers.ReLU()(conv(x, width, 3)), width, 3)
        x = layers.Add()([x, y])
    for i in reversed(range(downsamplings)):
        x = layers.ReLU()(conv(x, filters * 2**i, 3, strides=2, transpose=True))
    out = layers.Conv2D(image_shape[-1], 7, padding="same", activation="sigmoid")(x)
    return keras.Model(x_in, out, name=name)


def _named(model, name):
    """The same functional network under another name (two of each kind live in one model)."""
    return keras.Model(model.inputs, model.outputs, name=name)


# ----------------------------------------------------------------------------- model
class CycleGAN(ZooModel):
    """Generators G: A -> B, F: B -> A and discriminators D_A, D_B trained on unpaired images.

    `fit` takes (a, b) batches of the two domains, as `zoo.data.load("printed2handwritten")` yields them
    (never matched: the losses treat each side on its own), or both stacked on channels (n, H, W, 2C):
    `data_shape`. One step is the authors' order: one update of both generators with the discriminators
    fixed (LSGAN terms, cycle and identity L1), then one update of both discriminators on the real images
    vs the fakes of that step, the generators fixed. Trackers: g_loss, g_gan (both adversarial terms),
    cycle (the L_cyc L1 sum, also measured when its weight is 0), identity (when on) and d_loss (D_A + D_B).

    Args:
        image_shape: (H, W, C) of both domains' images; H and W multiples of 2^downsamplings
            (default (28, 28, 1)).
        filters: channels of the generators' first convolution, doubled per downsampling (default 16).
        res_blocks: residual blocks of each generator (default 6, the paper's for 128x128).
        downsamplings: stride-2 convolutions of each generator (default 2, the paper's).
        d_filters: channels of each discriminator's first layer (default 32).
        d_layers: stride-2 layers of each PatchGAN: it judges patches of `pix2pix.patch_size(d_layers)`
            pixels (default 1: 16x16).
        cycle_weight: lambda of the cycle loss (default 10.0); 0 is the GAN-alone ablation.
        identity_weight: weight of the identity loss as a fraction of lambda (default 0.5, the paper's).

    Example:
        c = zoo.load("cyclegan-printed2handwritten")
        handwritten = c.translate(printed, direction="a2b")   # (n, 28, 28, 1) in [0, 1]
        printed_again = c.translate(handwritten, direction="b2a")
        c.fit(zoo.data.load("printed2handwritten", batch_size=16), epochs=1)
    """

    STEP_LOGS = True  # per-step losses: the card's training curves

    CAPABILITIES = (cap.Translator,)
    DIRECTIONS = DIRECTIONS  # what translate's direction may be (the demo offers these)
    OPTIMIZERS = ("g_optimizer", "d_optimizer")

    def __init__(self, image_shape=(28, 28, 1), filters=16, res_blocks=6, downsamplings=2, d_filters=32, d_layers=1,
                 cycle_weight=10.0, identity_weight=0.5, **kwargs):
        super().__init__(**kwargs)
        self.image_shape = check_shape(image_shape, "image_shape", rank=3)
        downsamplings = check_int(downsamplings, "downsamplings", 0, 6)
        if any(s % 2**downsamplings for s in self.image_shape[:2]):
            raise ValueError(f"image_shape sides must be multiples of 2^downsamplings = {2**downsamplings}, got "
                             f"{list(self.image_shape)}.")
        for value, name in ((cycle_weight, "cycle_weight"), (identity_weight, "identity_weight")):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
                raise ValueError(f"{name} must be a number >= 0, got {value!r}.")
        self.cycle_weight, self.identity_weight = float(cycle_weight), float(identity_weight)
        self.data_shape = (*self.image_shape[:2], 2 * self.image_shape[2])  # (a, b) stacked on channels
        g = (self.image_shape, check_width(filters, "filters"), check_int(res_blocks, "res_blocks", 0, 32),
             downsamplings)
        self.generator_ab = build_resnet_generator(*g, name="generator_ab")  # G: A -> B
        self.generator_ba = build_resnet_generator(*g, name="generator_ba")  # F: B -> A
        d = (self.image_shape, check_width(d_filters, "d_filters"), check_int(d_layers, "d_layers", 0, 8))
        self.discriminator_a = _named(build_patch_discriminator(*d), "discriminator_a")  # real A vs F(b)
        self.discriminator_b = _named(build_patch_discriminator(*d), "discriminator_b")  # real B vs G(a)
        self._translate_fns = {}
        self.built = True

    @property
    def identity_on(self):
        return self.identity_weight > 0 and self.cycle_weight > 0

    def tracker_names(self):
        return ("d_loss", "g_loss", "g_gan", "cycle") + (("identity",) if self.identity_on else ())

    def default_optimizer(self, name):
        return keras.optimizers.Adam(2e-4, beta_1=0.5)  # the paper's

    def _nets(self, name):
        if name == "d_optimizer":
            return (self.discriminator_a, self.discriminator_b)
        return (self.generator_ab, self.generator_ba)

    def optimizer_variables(self, name):
        return [v for net in self._nets(name) for v in net.trainable_variables]

    # --- data -----------------------------------------------------------------------
    def check_images(self, x, name="x"):
        """float32 numpy (n, H, W, C) in [0, 1] of one domain ((n, H, W) for C = 1); ValueError naming `name`."""
        view = types.SimpleNamespace(data_shape=self.image_shape, data_range=self.data_range)
        return ZooModel.check_data(view, x, name)

    def unpack(self, data):
        if not self.compiled:
            raise RuntimeError(f"Call compile() before fit() on {self.name}.")
        a, b, _ = keras.utils.unpack_x_y_sample_weight(data)
        c = self.image_shape[2]
        for v, channels, what in ((a, 2 * c if b is None else c, "A images"), (b, c, "B images")):
            if v is None:
                continue
            dtype = keras.backend.standardize_dtype(v.dtype)
            if tuple(v.shape[1:]) != (*self.image_shape[:2], channels) or "float" not in dtype:
                raise ValueError(f"{self.name} trains on float {what} of shape (batch, {self.image_shape[0]}, "
                                 f"{self.image_shape[1]}, {channels}), got {tuple(v.shape)} {dtype}; "
                                 "zoo.data.load('printed2handwritten') yields the right layout.")
        return (a[..., :c], a[..., c:]) if b is None else (a, b)

    def _check_first_batch(self, x, y=None):
        batch = self.first_batch(x, y)
        if batch is None:
            return
        a, b = batch
        if b is None:  # both domains stacked on channels
            self.check_data(np.asarray(a[:256]), "training data")
        else:
            self.check_images(np.asarray(a[:256]), "training data")
            self.check_images(np.asarray(b[:256]), "training labels (the B images)")

    # --- training -------------------------------------------------------------------
    def _generator_terms(self, a, b, training, tape=None):
        """{g_loss, g_gan, cycle[, identity]} and the fakes (G(a), F(b)). With cycle_weight 0 the cycle L1 is
        measured outside the tape (`tape`), so it adds nothing to the gradient."""
        g, f = self.generator_ab, self.generator_ba
        fake_b, fake_a = g(a, training=training), f(b, training=training)
        gan = (generator_adversarial_loss(self.discriminator_b(fake_b, training=training))
               + generator_adversarial_loss(self.discriminator_a(fake_a, training=training)))
        terms = {"g_gan": gan}
        if self.cycle_weight or tape is None:
            terms["cycle"] = cycle_loss(a, f(fake_b, training=training), b, g(fake_a, training=training))
        else:
            with tape.stop_recording():
                terms["cycle"] = cycle_loss(a, f(fake_b, training=training), b, g(fake_a, training=training))
        identity = ops.zeros((), "float32")
        if self.identity_on:
            terms["identity"] = identity = (l1_distance(b, g(b, training=training))
                                            + l1_distance(a, f(a, training=training)))
        cycle = terms["cycle"] if self.cycle_weight else ops.zeros((), "float32")
        terms["g_loss"] = generator_objective(gan, cycle, identity, self.cycle_weight, self.identity_weight)
        return terms, fake_b, fake_a

    def _discriminator_loss(self, a, b, fake_a, fake_b, training):
        """D_A's loss on (a, F(b)) + D_B's on (b, G(a))."""
        d_a, d_b = self.discriminator_a, self.discriminator_b
        return (discriminator_loss(d_a(a, training=training), d_a(fake_a, training=training))
                + discriminator_loss(d_b(b, training=training), d_b(fake_b, training=training)))

    def _update(self, name, tape, share):
        variables = self.optimizer_variables(name)
        self.named_optimizer(name).apply_gradients(zip(tape.gradient(share, variables), variables))

    def train_step(self, data):
        import tensorflow as tf

        a, b = self.unpack(data)
        with tf.GradientTape() as tape:  # both generators: fool D_B and D_A, cycle back, keep the other domain
            logs, fake_b, fake_a = self._generator_terms(a, b, True, tape)
            share = distribute.scale_loss(logs["g_loss"])  # a replica's share: the optimizer sums the replicas'
        self._update("g_optimizer", tape, share)
        fake_a, fake_b = ops.stop_gradient(fake_a), ops.stop_gradient(fake_b)
        with tf.GradientTape() as tape:  # both discriminators: real images vs this step's fakes, G and F fixed
            logs["d_loss"] = self._discriminator_loss(a, b, fake_a, fake_b, True)
            share = distribute.scale_loss(logs["d_loss"])
        self._update("d_optimizer", tape, share)
        return self.track(logs)

    def test_step(self, data):
        a, b = self.unpack(data)
        logs, fake_b, fake_a = self._generator_terms(a, b, False)
        logs["d_loss"] = self._discriminator_loss(a, b, fake_a, fake_b, False)
        return self.track(logs)

    # --- translation ----------------------------------------------------------------
    def call(self, x, training=False):
        return self.generator_ab(x, training=training)

    def translate(self, x, direction="a2b", seed=None, batch_size=256):
        """Images float32 (n, H, W, C) in [0, 1] of the other domain: G(x) for "a2b", F(x) for "b2a".

        The generators draw no noise, so an output depends on its input alone (instance norm: not on the
        rest of the batch); `seed` is accepted like every translator's and changes nothing.

        Args:
            x: images (n, H, W, C) (or (n, H, W) for C = 1), float in [0, 1], of the source domain.
            direction: "a2b" (G: A -> B) or "b2a" (F: B -> A) (default "a2b").
            seed: None or an int; unused (default None).
            batch_size: images per forward pass (default 256).

        Example:
            handwritten = zoo.load("cyclegan-printed2handwritten").translate(printed)
        """
        import tensorflow as tf

        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS} (a2b: G, A -> B; b2a: F, B -> A), got "
                             f"{direction!r}.")
        x = self.check_images(x, "x")
        self.check_count(len(x), "x", per_example=self.image_shape)
        check_seed(seed)
        if direction not in self._translate_fns:
            net = self.generator_ab if direction == "a2b" else self.generator_ba
            self._translate_fns[direction] = tf.function(functools.partial(net, training=False), reduce_retracing=True)
        return self.batched(self._translate_fns[direction], x, batch_size).astype(np.float32)
