"""Super-resolution GAN: SRGAN and its baseline SRResNet (Ledig et al. 2017, Photo-Realistic Single
Image Super-Resolution Using a Generative Adversarial Network, arXiv:1609.04802).

The generator G maps a low-resolution image to one `scale` times larger: a 9x9 convolution, B
residual blocks (conv-BN-PReLU-conv-BN plus the block's input), a conv-BN whose output is added
to the features before the blocks (the global skip), then log2(scale) sub-pixel upsampling
stages (conv to 4x the channels, `zoo.layers.PixelShuffle`, PReLU) and a 9x9 convolution to the
image (sigmoid: pixels in [0, 1]). It is fully convolutional, so it upscales images of any size.
Two options depart from the paper: ``image_skip`` adds G's output to the bicubic upscale of its
input, clipped to [0, 1] (VDSR's skip), and ``batch_norm=False`` drops BN from the trunk (EDSR's);
the photo ids use both, because the paper's generator shifted the colours of held-out photos
(benchmarks/srgan_photos.md).
The discriminator D is the paper's VGG-style stack (3x3 convolutions, the width doubling and the
side halving every second layer, BN, LeakyReLU 0.2, then Dense - LeakyReLU - Dense to one logit).

G minimises the perceptual loss l = l_X + adversarial_weight * l_Gen: the content loss l_X is
the pixel MSE plus, optionally, `feature_weight` times the MSE between the features of G(LR)
and of HR in a frozen feature network (the paper uses VGG19; the zoo uses the pinned classifier
of the dataset, `zoo.eval.features`, loaded through `zoo.load`), and l_Gen = -log D(G(LR)) (the
paper's 1e-3 weight by default). ``adversarial=False`` is the paper's SRResNet: G alone on the
content loss, no discriminator.
"""

import types

import numpy as np
import keras
from keras import layers, ops

from zoo import capabilities as cap
from zoo import distribute, registry
from zoo import losses as L
from zoo.layers import PixelShuffle
from zoo.models.base import ZooModel, check_int, check_shape, check_width

SCALES = (2, 4, 8)
_FEATURE_MODELS = {}  # dataset -> frozen keras Model image -> features, shared by every SRGAN


def _float32(x):
    return ops.cast(ops.convert_to_tensor(x), "float32")


def perceptual_loss(sr, hr, fake_logits=None, sr_features=None, hr_features=None, feature_weight=0.0,
                    adversarial_weight=1e-3):
    """The generator's loss terms (Ledig et al. eq. 3-7), each a scalar mean over the batch.

    pixel_loss = mean (sr - hr)^2; feature_loss = mean (phi(sr) - phi(hr))^2 (when features are
    given); adversarial_loss = mean -log sigmoid(fake_logits) (when logits are given); g_loss =
    pixel_loss + feature_weight * feature_loss + adversarial_weight * adversarial_loss.
    """
    sr, hr = _float32(sr), _float32(hr)
    terms = {"pixel_loss": ops.mean(ops.square(sr - hr))}
    g_loss = terms["pixel_loss"]
    if sr_features is not None:
        terms["feature_loss"] = ops.mean(ops.square(_float32(sr_features) - _float32(hr_features)))
        g_loss = g_loss + feature_weight * terms["feature_loss"]
    if fake_logits is not None:
        terms["adversarial_loss"] = L.non_saturating_generator_loss(fake_logits)
        g_loss = g_loss + adversarial_weight * terms["adversarial_loss"]
    return {"g_loss": g_loss, **terms}


def feature_extractor(dataset):
    """The frozen feature network of `dataset`: keras Model image -> the pinned classifier's
    feature layer (`zoo.eval.features`), loaded once per process through `zoo.load`."""
    if dataset not in _FEATURE_MODELS:
        from zoo.eval import features as F

        body = F.feature_network(dataset).network
        net = keras.Model(body.input, body.get_layer(F.FEATURE_LAYER).output, name=f"{dataset}_features")
        net.trainable = False
        _FEATURE_MODELS[dataset] = net
    return _FEATURE_MODELS[dataset]


# ----------------------------------------------------------------------------- builders
def build_sr_generator(channels=1, scale=4, filters=64, num_blocks=16, batch_norm=True, image_skip=False):
    """SRResNet generator (Ledig et al. fig. 4) on inputs (None, None, channels).

    Args:
        channels: C of the images (default 1).
        scale: upscaling factor, 2, 4 or 8: one x2 sub-pixel stage per factor 2 (default 4).
        filters: width of the residual trunk (default 64, the paper's).
        num_blocks: B residual blocks (default 16, the paper's).
        batch_norm: BN after the trunk's convolutions (default True, the paper's); False is
            EDSR's trunk (Lim et al. 2017), whose outputs do not depend on batch statistics.
        image_skip: predict only the residual added to the bicubic upscale of the input, clipped
            to [0, 1] (VDSR's skip, Kim et al. 2016), so colours and coarse shapes come from the
            input (default False: a sigmoid image from the features alone).
    """
    sync = distribute.sync_batch_norm()

    def norm(h):
        return layers.BatchNormalization(synchronized=sync)(h) if batch_norm else h

    x_in = keras.Input((None, None, channels), name="low_res")
    x = layers.PReLU(shared_axes=[1, 2])(layers.Conv2D(filters, 9, padding="same")(x_in))
    trunk = x
    for _ in range(num_blocks):
        h = layers.Conv2D(filters, 3, padding="same", use_bias=not batch_norm)(x)
        h = layers.PReLU(shared_axes=[1, 2])(norm(h))
        h = layers.Conv2D(filters, 3, padding="same", use_bias=not batch_norm)(h)
        x = layers.Add()([x, norm(h)])
    x = layers.Conv2D(filters, 3, padding="same", use_bias=not batch_norm)(x)
    x = layers.Add()([trunk, norm(x)])  # the global skip
    for _ in range(int(np.log2(scale))):
        x = PixelShuffle(2)(layers.Conv2D(4 * filters, 3, padding="same")(x))
        x = layers.PReLU(shared_axes=[1, 2])(x)
    if not image_skip:
        out = layers.Conv2D(channels, 9, padding="same", activation="sigmoid", name="high_res")(x)
        return keras.Model(x_in, out, name="generator")
    residual = layers.Conv2D(channels, 9, padding="same", name="residual")(x)
    base = layers.UpSampling2D(scale, interpolation="bicubic", name="bicubic")(x_in)
    out = layers.ReLU(max_value=1.0, name="high_res")(layers.Add()([base, residual]))  # clipped to [0, 1]
    return keras.Model(x_in, out, name="generator")


def build_sr_discriminator(image_shape=(28, 28, 1), filters=64, units=1024):
    """SRGAN discriminator (Ledig et al. fig. 4): conv(f) - LReLU, then per stage k [conv(f 2^k)
    stride 1 (from the second stage on) and conv(f 2^k) stride 2, each BN - LReLU(0.2)], up to 4
    stages while the side stays >= 4, then Dense(units) - LReLU - Dense(1) logit ("score").

    Args:
        image_shape: (H, W, C) of the high-resolution images (default (28, 28, 1)).
        filters: f, the first width (default 64, the paper's).
        units: width of the dense layer (default 1024, the paper's).
    """
    sync = distribute.sync_batch_norm()
    x_in = keras.Input(tuple(image_shape), name="image")
    x = layers.LeakyReLU(0.2)(layers.Conv2D(filters, 3, padding="same")(x_in))
    side, stage = min(image_shape[:2]), 0
    while stage < 4 and (side + 1) // 2 >= 4:
        for stride in ((2,) if stage == 0 else (1, 2)):
            x = layers.Conv2D(filters * 2**stage, 3, strides=stride, padding="same", use_bias=False)(x)
            x = layers.LeakyReLU(0.2)(layers.BatchNormalization(synchronized=sync)(x))
        side, stage = (side + 1) // 2, stage + 1
    x = layers.LeakyReLU(0.2)(layers.Dense(units)(layers.Flatten()(x)))
    return keras.Model(x_in, layers.Dense(1, name="score")(x), name="discriminator")


# ----------------------------------------------------------------------------- model
class SRGAN(ZooModel):
    """Single-image super-resolution: G(low) -> high, trained on (low, high) pairs.

    Args:
        data_shape: (H, W, C) of the high-resolution images; the inputs are (H/scale, W/scale, C)
            (default [28, 28, 1]).
        scale: upscaling factor, 2, 4 or 8 (default 4).
        filters: generator width (default 64).
        num_blocks: generator residual blocks (default 16).
        d_filters: discriminator's first width (default 64).
        d_units: discriminator's dense width (default 1024).
        adversarial: train D and add the adversarial loss (SRGAN); False is SRResNet, G alone
            on the content loss, without a discriminator (default True).
        adversarial_weight: weight of -log D(G(LR)) in G's loss (default 1e-3, the paper's).
        feature_weight: weight of the feature MSE in the content loss, 0 disables (default 0).
        feature_dataset: the dataset whose pinned classifier gives the features, e.g. "mnist";
            its input shape must be data_shape (default None).
        batch_norm: BN in the generator's trunk (default True, the paper's; False: EDSR's).
        image_skip: G adds a predicted residual to the bicubic upscale of its input (default
            False: G draws the whole image).

    `fit` takes (low, high) batches (`zoo.data.load("mnist_sr")`) or high-resolution images
    alone, whose inputs are then made in the graph by the same area downsampling
    (`downsample`). Each step updates D once on real HR against G(LR) with G fixed, then G once
    with D fixed.

    Example:
        m = zoo.load("srgan-mnist")
        low, high = zoo.data.arrays("mnist_sr", "test")
        sr = m.upscale(low[:8])                      # (8, 28, 28, 1) in [0, 1]
    """

    STEP_LOGS = True  # per-step losses: the card's training curves
    ADDED_OPTIONS = {"batch_norm": True, "image_skip": False}

    CAPABILITIES = (cap.Upscaler,)
    OPTIMIZERS = ("d_optimizer", "g_optimizer")

    def __init__(self, data_shape=(28, 28, 1), scale=4, filters=64, num_blocks=16, d_filters=64, d_units=1024,
                 adversarial=True, adversarial_weight=1e-3, feature_weight=0.0, feature_dataset=None, batch_norm=True,
                 image_skip=False, **kwargs):
        super().__init__(**kwargs)
        self.data_shape = check_shape(data_shape, "data_shape", rank=3)
        if scale not in SCALES or isinstance(scale, bool):
            raise ValueError(f"scale must be one of {SCALES}, got {scale!r}.")
        h, w, c = self.data_shape
        if h % scale or w % scale:
            raise ValueError(f"data_shape {list(self.data_shape)}: H and W must be multiples of scale={scale}.")
        self.scale, self.low_shape = int(scale), (h // scale, w // scale, c)
        for name, value in (("adversarial", adversarial), ("batch_norm", batch_norm), ("image_skip", image_skip)):
            if not isinstance(value, bool):
                raise ValueError(f"{name} must be True or False, got {value!r}.")
        for name, value in (("adversarial_weight", adversarial_weight), ("feature_weight", feature_weight)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < float("inf"):
                raise ValueError(f"{name} must be a finite number >= 0, got {value!r}.")
        self.adversarial, self.adversarial_weight = adversarial, float(adversarial_weight)
        self.feature_weight, self.feature_dataset = float(feature_weight), feature_dataset
        self._check_features(feature_dataset)
        self.generator = build_sr_generator(c, self.scale, check_width(filters, "filters"),
                                            check_int(num_blocks, "num_blocks", 0, 64), batch_norm, image_skip)
        self.discriminator = None
        if adversarial:
            self.discriminator = build_sr_discriminator(self.data_shape, check_width(d_filters, "d_filters"),
                                                        check_width(d_units, "d_units"))
        # SRResNet has no discriminator, so no slot for its optimizer (every slot gets trained).
        self.OPTIMIZERS = ("d_optimizer", "g_optimizer") if adversarial else ("g_optimizer",)
        self.built = True

    def _check_features(self, dataset):
        if dataset is None:
            if self.feature_weight > 0:
                raise ValueError("feature_weight > 0 needs feature_dataset (e.g. 'mnist'): whose pinned "
                                 "classifier gives the features.")
            return
        from zoo.eval import features as F

        if dataset not in F.FEATURE_NETWORKS:
            raise ValueError(f"feature_dataset must be None or one of {sorted(F.FEATURE_NETWORKS)} (datasets "
                             f"with a pinned feature network), got {dataset!r}.")
        shape = tuple(registry.get_spec(F.feature_network_id(dataset)).config.get("input_shape", (28, 28, 1)))
        if shape != self.data_shape:
            raise ValueError(f"feature_dataset={dataset!r}: its feature network takes images of shape {list(shape)}, "
                             f"data_shape is {list(self.data_shape)}.")

    def tracker_names(self):
        return (("g_loss", "pixel_loss") + (("feature_loss",) if self.feature_weight > 0 else ())
                + (("adversarial_loss", "d_loss") if self.adversarial else ()))

    def default_optimizer(self, name):
        return keras.optimizers.Adam(1e-4, beta_1=0.9)  # the paper's

    def optimizer_variables(self, name):
        net = self.discriminator if name == "d_optimizer" else self.generator
        return net.trainable_variables

    def compile(self, jit_compile=False, **kwargs):
        super().compile(jit_compile=jit_compile, **kwargs)
        if self.feature_weight > 0:  # loaded (and checked against its pin) before a step is traced
            feature_extractor(self.feature_dataset)

    # --- data -----------------------------------------------------------------------
    def _downsample(self, x):
        """Area downsampling in the graph: the mean of every scale x scale block."""
        s = self.scale
        return ops.average_pool(x, (s, s), strides=(s, s), padding="valid")

    def downsample(self, images, batch_size=512):
        """The low-resolution inputs of high-resolution images (n, H, W, C) in [0, 1], as
        `zoo.data.superres.downsample` makes them: float32 numpy (n, H/scale, W/scale, C)."""
        images = self.check_data(images, "images")
        return self.batched(self._downsample, images, batch_size).astype(np.float32)

    def _check_symbolic(self, t, shape, name):
        if tuple(t.shape[1:]) != tuple(shape):
            raise ValueError(f"{name} must have shape (batch, {', '.join(map(str, shape))}), got {tuple(t.shape)}. "
                             "zoo.data.load(...) yields the right layout.")
        if "float" not in keras.backend.standardize_dtype(t.dtype):
            raise ValueError(f"{name} must be float images in [0, 1], got dtype "
                             f"{keras.backend.standardize_dtype(t.dtype)}.")

    def pairs(self, data):
        """(low, high) of a training batch: given as (low, high), or high alone (low made by
        `downsample`); shapes and dtypes checked."""
        if not self.compiled:
            raise RuntimeError(f"Call compile() before fit() on {self.name}.")
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if y is None:
            self.check_batch(x)
            return self._downsample(x), x
        self._check_symbolic(x, self.low_shape, "training data (low-resolution inputs)")
        self._check_symbolic(y, self.data_shape, "training labels (high-resolution targets)")
        return x, y

    def _check_first_batch(self, x, y=None):
        batch = self.first_batch(x, y)
        if batch is None:
            return
        first, target = batch
        if target is None:
            self.check_data(np.asarray(first[:256]), "training data")
            return
        low = _check_images(np.asarray(first[:256]), self.low_shape, "training data (low-resolution inputs)")
        high = self.check_data(np.asarray(target[:256]), "training labels (high-resolution targets)")
        if len(low) != len(high):
            raise ValueError(f"training data and labels differ in length: {len(low)} inputs, {len(high)} targets.")

    # --- training -------------------------------------------------------------------
    def losses_of(self, low, high, training=False):
        """G's loss terms (`perceptual_loss`) on a batch of (low, high) pairs."""
        sr = self.generator(low, training=training)
        feats = (None, None)
        if self.feature_weight > 0:
            net = feature_extractor(self.feature_dataset)
            feats = (net(sr, training=False), net(high, training=False))
        fake = self.discriminator(sr, training=training) if self.adversarial else None
        return perceptual_loss(sr, high, fake, *feats, self.feature_weight, self.adversarial_weight)

    def _d_step(self, low, high):
        import tensorflow as tf

        fake = self.generator(low, training=True)  # G fixed: not differentiated
        d_vars = self.discriminator.trainable_variables
        with tf.GradientTape() as tape:
            d_loss = L.non_saturating_discriminator_loss(self.discriminator(high, training=True),
                                                         self.discriminator(fake, training=True))
            share = distribute.scale_loss(d_loss)  # a replica's share: the optimizer sums the replicas'
        self.d_optimizer.apply_gradients(zip(tape.gradient(share, d_vars), d_vars))
        return d_loss

    def _g_step(self, low, high):
        import tensorflow as tf

        g_vars = self.generator.trainable_variables
        with tf.GradientTape() as tape:
            terms = self.losses_of(low, high, training=True)
            share = distribute.scale_loss(terms["g_loss"])
        self.g_optimizer.apply_gradients(zip(tape.gradient(share, g_vars), g_vars))
        return terms

    def train_step(self, data):
        low, high = self.pairs(data)
        terms = {}
        if self.adversarial:  # D: real HR against G(LR), G fixed
            terms["d_loss"] = self._d_step(low, high)
        terms.update(self._g_step(low, high))  # G: content + weighted adversarial loss, D fixed
        return self.track(terms)

    def test_step(self, data):
        low, high = self.pairs(data)
        terms = self.losses_of(low, high)
        if self.adversarial:
            fake = self.generator(low, training=False)
            terms["d_loss"] = L.non_saturating_discriminator_loss(self.discriminator(high), self.discriminator(fake))
        return self.track(terms)

    # --- inference ------------------------------------------------------------------
    def call(self, low, training=False):
        return self.generator(low, training=training)

    def upscale(self, x, batch_size=256):
        """G(x): images (n, h, w, C) (or (n, h, w) for C = 1) in [0, 1] of any size, upscaled to
        float32 numpy (n, h * scale, w * scale, C) in [0, 1]. The model was trained on inputs of
        `low_shape`.

        Example:
            sr = zoo.load("srgan-mnist").upscale(low)     # low (n, 7, 7, 1) -> (n, 28, 28, 1)
        """
        x = _check_images(x, (None, None, self.data_shape[2]), "x")
        n, h, w, c = x.shape
        self.check_count(n, "len(x)", per_example=(h * self.scale, w * self.scale, c))
        return self.batched(lambda b: self.generator(b, training=False), x, batch_size).astype(np.float32)


def _check_images(x, shape, name):
    """float32 numpy images (n, *shape) in [0, 1] (None in `shape`: any size); (n, h, w) is
    accepted for C = 1. ValueError naming `name` otherwise (shape, dtype, empty, NaN, range)."""
    x = np.asarray(x)
    if x.ndim == 3 and shape[-1] == 1:
        x = x[..., None]
    if x.ndim != 4 or any(want is not None and got != want for got, want in zip(x.shape[1:], shape)):
        want = ", ".join("h" if i == 0 and s is None else "w" if s is None else str(s) for i, s in enumerate(shape))
        raise ValueError(f"{name} must have shape (n, {want}), got {x.shape}.")
    # The base class's checks of dtype, emptiness, NaN and range, on the shape just accepted.
    return ZooModel.check_data(types.SimpleNamespace(data_shape=x.shape[1:], data_range=(0.0, 1.0)), x, name)
