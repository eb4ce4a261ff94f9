"""Progressive growing of GANs (Karras, Aila, Laine, Lehtinen 2018, Progressive Growing of GANs for
Improved Quality, Stability, and Variation, arXiv:1710.10196).

Generator and critic start at 4x4 and grow by doubling to the data's resolution: the images are
padded inside to the last stage's resolution R (28x28 digits to 32x32, background black) and what is
generated at R is cropped back. Training runs one phase after another, each of `phase_images`
training images: the 4x4 stage stabilises; every later stage first fades in (its new blocks blended
in with a weight alpha rising linearly from 0 to 1) and then stabilises. Every block of every stage
is built once (`build_generator`, `build_discriminator`), so the weights save and load as one model;
the stage, alpha and the training images seen so far are non-trainable variables saved with them,
and `train_step` derives the stage and alpha from the images seen, so a resumed run continues the
schedule exactly. The loss is WGAN-GP with the paper's drift term, one critic update per generator
update, Adam(1e-3, beta_1 = 0, beta_2 = 0.99); the layers (pixel norm, minibatch standard deviation,
equalized learning rate, fade-in) are in `zoo.progan_layers`.
"""

import functools
import types

import numpy as np
import keras
from keras import layers, ops

from zoo import capabilities as cap
from zoo import distribute
from zoo import losses as L
from zoo.models.base import ZooModel, check_int, check_shape, check_width
from zoo.models.inference import inpaint_by_projection, project_codes
from zoo.progan_layers import (SQRT2, EqualizedConv2D, EqualizedDense, FadeIn, MinibatchStdDev, PixelNorm,
                               schedule, upsample)

MAX_RESOLUTION = 1024


def resolutions(data_shape):
    """The stages' resolutions [4, 8, ..., R], R the first of them that holds both sides of an
    image of `data_shape` (28x28 -> [4, 8, 16, 32])."""
    out = [4]
    while out[-1] < max(data_shape[0], data_shape[1]):
        out.append(out[-1] * 2)
    return out


def switch(index, branches):
    """`branches[index]()`: `tf.switch_case` in a traced function (only the chosen branch runs), a
    plain call when eager."""
    import tensorflow as tf

    if tf.executing_eagerly():
        return branches[int(ops.convert_to_numpy(index))]()
    return tf.switch_case(ops.convert_to_tensor(index), branches)


# ----------------------------------------------------------------------------- builders
def build_generator(latent_dim=64, filters=(64, 32, 16, 8), channels=1, fade=None):
    """The generator of every stage in one functional model, code -> [rgb_4, ..., rgb_R, faded_8, ...,
    faded_R]: rgb_r is stage r's output once faded in (alpha = 1), faded_r its output during the
    fade-in, (1 - alpha) upsample(rgb_{r/2}) + alpha rgb_r. Linear outputs, images in [-1, 1].

    4x4: pixel norm of the code -> equalized dense to 4 x 4 x filters[0] -> 3x3 conv; each later
    resolution: nearest 2x upsampling -> two 3x3 convs of filters[s]; leaky ReLU (0.2) and pixel norm
    after each of them; toRGB: a linear 1x1 conv per resolution (the paper's figure 2 and table 2).

    Args:
        latent_dim: size of the code (default 64).
        filters: channels of each resolution 4, 8, ... (default (64, 32, 16, 8)).
        channels: image channels (default 1).
        fade: the `FadeIn` layer whose alpha blends the stages (default a new one).
    """
    fade = fade or FadeIn(name="fade_in")
    z = keras.Input((latent_dim,), name="code")
    act, norm = layers.LeakyReLU(0.2, name="g_lrelu"), PixelNorm(name="g_pixel_norm")
    # gain sqrt(2) / 4 on the 4x4 dense layer, as in the paper's code: a 16 x wider fan-out
    x = EqualizedDense(16 * filters[0], gain=SQRT2 / 4, name="g_dense_4")(PixelNorm(name="code_norm")(z))
    x = norm(act(layers.Reshape((4, 4, filters[0]), name="g_reshape")(x)))
    x = norm(act(EqualizedConv2D(filters[0], 3, name="g_conv_4")(x)))
    rgb, faded = [EqualizedConv2D(channels, 1, gain=1.0, name="to_rgb_4")(x)], []
    for s, f in enumerate(filters[1:], start=1):
        r = 4 * 2**s
        x = layers.UpSampling2D(2, name=f"g_up_{r}")(x)
        for k in "ab":
            x = norm(act(EqualizedConv2D(f, 3, name=f"g_conv_{r}{k}")(x)))
        rgb.append(EqualizedConv2D(channels, 1, gain=1.0, name=f"to_rgb_{r}")(x))
        faded.append(fade([layers.UpSampling2D(2, name=f"g_up_rgb_{r}")(rgb[-2]), rgb[-1]]))
    # Named apart from "generator": a multi-output network is not the one-output decoder zoo.export serves.
    return keras.Model(z, rgb + faded, name="progressive_generator")


def build_discriminator(filters=(64, 32, 16, 8), channels=1, fade=None, group_size=4):
    """The critic of every stage in one functional model, [image_4, ..., image_R] -> [score_4, ...,
    score_R]: stage s takes images at its resolution r_s; during its fade-in its new block's output
    is blended with fromRGB of the image average-pooled to r_s / 2, (1 - alpha) old + alpha new.

    fromRGB: 1x1 conv to filters[s]; each block above 4x4: 3x3 conv (filters[s]) -> 3x3 conv
    (filters[s - 1]) -> 2x2 average pooling; the 4x4 block: minibatch standard deviation -> 3x3 conv
    -> dense filters[0] -> linear dense 1 (the score). Leaky ReLU (0.2) after every conv and hidden
    dense layer, no normalization.

    Args:
        filters: channels of each resolution 4, 8, ... (default (64, 32, 16, 8)).
        channels: image channels (default 1).
        fade: the `FadeIn` layer whose alpha blends the stages (default a new one).
        group_size: group of the minibatch standard deviation (default 4; 0: the whole batch).
    """
    fade = fade or FadeIn(name="fade_in")
    res = [4 * 2**s for s in range(len(filters))]
    act, pool = layers.LeakyReLU(0.2, name="d_lrelu"), layers.AveragePooling2D(2, name="d_pool")
    from_rgb = [EqualizedConv2D(f, 1, name=f"from_rgb_{r}") for f, r in zip(filters, res)]
    blocks = [None] + [(EqualizedConv2D(filters[s], 3, name=f"d_conv_{res[s]}a"),
                        EqualizedConv2D(filters[s - 1], 3, name=f"d_conv_{res[s]}b")) for s in range(1, len(res))]
    last = (MinibatchStdDev(group_size, name="minibatch_stddev"), EqualizedConv2D(filters[0], 3, name="d_conv_4"),
            layers.Flatten(name="d_flatten"), EqualizedDense(filters[0], name="d_dense_4"),
            EqualizedDense(1, gain=1.0, name="score"))

    def down(h, s):  # the block of resolution r_s, to r_s / 2
        for conv in blocks[s]:
            h = act(conv(h))
        return pool(h)

    def score(h):
        mbstd, conv, flatten, dense, out = last
        return out(act(dense(flatten(act(conv(mbstd(h)))))))

    inputs = [keras.Input((r, r, channels), name=f"image_{r}") for r in res]
    outputs = []
    for s, x in enumerate(inputs):
        h = act(from_rgb[s](x))
        if s:
            h = fade([act(from_rgb[s - 1](pool(x))), down(h, s)])
            for k in range(s - 1, 0, -1):
                h = down(h, k)
        outputs.append(score(h))
    return keras.Model(inputs, outputs, name="progressive_discriminator")


# ----------------------------------------------------------------------------- model
class ProGAN(ZooModel):
    """Progressively grown WGAN-GP: generator and critic grown from 4x4 to the data's resolution.

    Args:
        data_shape: (H, W, C) of the images (default (28, 28, 1)); padded inside to the last stage's
            resolution R, the first of 4, 8, 16, ... that holds H and W (28 -> 32).
        latent_dim: size of the code c ~ N(0, I) (default 64).
        filters: channels of each resolution 4, 8, ..., R, one per stage, for G and D alike
            (default (64, 32, 16, 8)).
        phase_images: training images of one phase: 4x4 trains for phase_images, every later stage
            fades in over phase_images and stabilises for as many; the paper: 800,000 (default 120,000).
        gp_weight: lambda of the WGAN-GP gradient penalty (default 10).
        drift_weight: epsilon_drift of the paper's term epsilon_drift E[D(x)^2], which keeps the
            critic's scores near 0 (default 0.001).
        group_size: group of the minibatch standard deviation (default 4; 0: the whole batch).
        seed: seed of the training noise (default 0).

    Example:
        g = ProGAN()                                    # progan-mnist's network and schedule
        g.compile()                                     # Adam(1e-3, beta_1 0, beta_2 0.99) for G and D
        g.fit(zoo.data.load("mnist", batch_size=64), epochs=14)  # 4x4, then 8, 16, 32 faded in
    """

    CAPABILITIES = (cap.Generator, cap.Interpolator, cap.Projector, cap.Inpainter, cap.Progressive)
    OPTIMIZERS = ("d_optimizer", "g_optimizer")
    TRACKERS = ("d_loss", "g_loss", "w_estimate")

    def __init__(self, data_shape=(28, 28, 1), latent_dim=64, filters=(64, 32, 16, 8), phase_images=120_000,
                 gp_weight=10.0, drift_weight=1e-3, group_size=4, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.data_shape = check_shape(data_shape, "data_shape", rank=3)
        self.resolutions = resolutions(self.data_shape)
        if self.resolutions[-1] > MAX_RESOLUTION:
            raise ValueError(f"data_shape={list(self.data_shape)} needs a {self.resolutions[-1]}x"
                             f"{self.resolutions[-1]} stage; at most {MAX_RESOLUTION} is supported.")
        self.n_stages = len(self.resolutions)
        if isinstance(filters, (str, bytes)) or not hasattr(filters, "__len__") or len(filters) != self.n_stages:
            raise ValueError(f"filters must list the channels of each resolution {self.resolutions} "
                             f"({self.n_stages} ints), got {filters!r}.")
        self.filters = [check_width(f, "filters") for f in filters]
        self.latent_dim = check_width(latent_dim, "latent_dim")
        self.phase_images = check_int(phase_images, "phase_images", 1, 10**12)
        for name, value in (("gp_weight", gp_weight), ("drift_weight", drift_weight)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < float("inf"):
                raise ValueError(f"{name} must be a number >= 0, got {value!r}.")
        self.gp_weight, self.drift_weight = float(gp_weight), float(drift_weight)
        group_size = check_int(group_size, "group_size", 0, 1024)
        h, w, c = self.data_shape
        pad_h, pad_w = self.resolutions[-1] - h, self.resolutions[-1] - w
        self.padding = ((pad_h // 2, pad_h - pad_h // 2), (pad_w // 2, pad_w - pad_w // 2))
        self.fade = FadeIn(name="fade_in")  # one alpha for G, D and the real images
        self.generator = build_generator(self.latent_dim, self.filters, c, self.fade)
        self.discriminator = build_discriminator(self.filters, c, self.fade, group_size)
        # Training state, saved with the weights; every replica assigns the same values.
        state = dict(trainable=False, aggregation="only_first_replica", initializer="zeros")
        self.images_seen = self.add_weight(shape=(), dtype="int64", name="images_seen", **state)
        self.stage_variable = self.add_weight(shape=(), dtype="int32", name="stage", **state)
        n, code, outs = self.n_stages, self.generator.inputs[0], self.generator.outputs
        stable = [keras.Model(code, outs[s]) for s in range(n)]
        # The networks of each stage share the layers above; kept out of Keras' tracking (and so out
        # of the weights file, which holds each layer once, under generator / discriminator).
        object.__setattr__(self, "_nets", types.SimpleNamespace(
            g_stable=stable, g_train=stable[:1] + [keras.Model(code, outs[n - 1 + s]) for s in range(1, n)],
            d=[keras.Model(self.discriminator.inputs[s], self.discriminator.outputs[s]) for s in range(n)]))
        self.noise = keras.random.SeedGenerator(int(seed))
        self.built = True

    def default_optimizer(self, name):
        return keras.optimizers.Adam(1e-3, beta_1=0.0, beta_2=0.99, epsilon=1e-8)  # the paper's

    def optimizer_variables(self, name):
        net = self.discriminator if name == "d_optimizer" else self.generator
        return net.trainable_variables

    # --- the state of the schedule --------------------------------------------------
    @property
    def stage(self):
        """The current stage: 0 (4x4), 1 (8x8), ...; the resolution is `resolutions[stage]`."""
        return int(ops.convert_to_numpy(self.stage_variable))

    @property
    def alpha(self):
        """The current fade-in weight of the stage's new blocks (1 once faded in, and at stage 0)."""
        return float(ops.convert_to_numpy(self.fade.alpha))

    def _advance(self):
        """Assign the stage and alpha of the images seen so far; returns (stage, alpha)."""
        stage, alpha = schedule(self.images_seen, self.phase_images, self.n_stages)
        self.stage_variable.assign(stage)
        self.fade.alpha.assign(alpha)
        return stage, alpha

    # --- training -------------------------------------------------------------------
    def _codes(self, n):
        return keras.random.normal((n, self.latent_dim), seed=self.noise)

    def real_at(self, x, stage):
        """Images x in [0, 1] (n, H, W, C) as the critic of `stage` sees them: in [-1, 1], padded to R
        (with -1, black), average-pooled to the stage's resolution and, while it fades in, blended
        with their 2x coarser version upsampled, (1 - alpha) upsample(pool(x)) + alpha x (the
        paper's code)."""
        (top, bottom), (left, right) = self.padding
        x = ops.pad(ops.cast(x, "float32") * 2.0 - 1.0, [[0, 0], [top, bottom], [left, right], [0, 0]],
                    constant_values=-1.0)
        factor = self.resolutions[-1] // self.resolutions[stage]
        if factor > 1:
            x = ops.average_pool(x, factor, factor, padding="valid")
        if stage:
            x = self.fade([upsample(ops.average_pool(x, 2, 2, padding="valid"), 2), x])
        return x

    def _d_losses(self, stage, x, codes, eps):
        critic = self._nets.d[stage]
        real = self.real_at(x, stage)
        fake = ops.stop_gradient(self._nets.g_train[stage](codes, training=True))  # G fixed
        real_s, fake_s = critic(real, training=True), critic(fake, training=True)
        loss = L.wasserstein_discriminator_loss(real_s, fake_s) + self.drift_weight * ops.mean(ops.square(real_s))
        if self.gp_weight:
            loss = loss + self.gp_weight * L.gradient_penalty(critic, real, fake, epsilon=eps)
        return loss, L.wasserstein_estimate(real_s, fake_s)

    def _g_loss(self, stage, codes):
        fake = self._nets.g_train[stage](codes, training=True)
        return L.wasserstein_generator_loss(self._nets.d[stage](fake, training=True))

    def _update(self, optimizer, net, loss_fn, stage):
        """One step of `optimizer` on `net`'s weights, on the loss of the current stage's networks:
        `loss_fn(stage)` -> loss or (loss, extra). Each stage's branch takes its own gradients, so
        only the chosen stage runs, forward and backward."""
        import tensorflow as tf

        variables = net.trainable_variables

        def branch(s):
            with tf.GradientTape() as tape:
                out = loss_fn(s)
                share = distribute.scale_loss(out[0] if isinstance(out, tuple) else out)
            # The weights of later stages get zero gradients until they are used; with beta_1 = 0
            # Adam leaves a weight whose gradient is 0 where it is.
            grads = tape.gradient(share, variables)
            return [ops.zeros_like(v) if g is None else g for g, v in zip(grads, variables)], out

        grads, out = switch(stage, [functools.partial(branch, s) for s in range(self.n_stages)])
        optimizer.apply_gradients(zip(grads, variables))
        return out

    def train_step(self, data):
        x, _ = self.unpack(data)
        n = ops.shape(x)[0]
        stage, alpha = self._advance()
        codes_d, codes_g = self._codes(n), self._codes(n)
        eps = keras.random.uniform((n,), 0.0, 1.0, seed=self.noise)  # the penalty's interpolation points
        # One critic update, then one generator update (the paper's n_critic = 1), each on the
        # networks of the current stage (tf.switch_case runs only that stage's branch).
        d_loss, w = self._update(self.d_optimizer, self.discriminator,
                                 lambda s: self._d_losses(s, x, codes_d, eps), stage)
        g_loss = self._update(self.g_optimizer, self.generator, lambda s: self._g_loss(s, codes_g), stage)
        self.images_seen.assign_add(ops.cast(n, "int64") * distribute.num_replicas())  # the global batch
        self._advance()  # the state the next step (or a save) starts from
        logs = self.track({"d_loss": d_loss, "g_loss": g_loss, "w_estimate": w})
        resolution = ops.take(ops.convert_to_tensor(self.resolutions, dtype="float32"), stage)
        logs.update(d_loss_step=d_loss, g_loss_step=g_loss, w_estimate_step=w, alpha=alpha, resolution=resolution)
        return logs

    def test_step(self, data):
        x, _ = self.unpack(data)
        codes = self._codes(ops.shape(x)[0])

        def losses(s):
            critic = self._nets.d[s]
            real_s = critic(self.real_at(x, s))
            fake_s = critic(self._nets.g_train[s](codes))
            return (L.wasserstein_discriminator_loss(real_s, fake_s), L.wasserstein_generator_loss(fake_s),
                    L.wasserstein_estimate(real_s, fake_s))

        d, g, w = switch(self.stage_variable, [functools.partial(losses, s) for s in range(self.n_stages)])
        return self.track({"d_loss": d, "g_loss": g, "w_estimate": w})

    # --- inference ------------------------------------------------------------------
    def _finish(self, y, stage):
        """A stage's output (linear, [-1, 1]) as data: upsampled (nearest) to R, cropped to H x W, in [0, 1]."""
        y = upsample(y, self.resolutions[-1] // self.resolutions[stage])
        (top, _), (left, _) = self.padding
        h, w = self.data_shape[:2]
        return (y[:, top:top + h, left:left + w] + 1.0) / 2.0

    def image_network(self, stage=None):
        """A differentiable function codes -> images (n, H, W, C) of a stage, before clipping to
        [0, 1]: the current stage at the current alpha (stage None), else stage `stage` faded in."""
        s = self.stage if stage is None else check_int(stage, "stage", 0, self.n_stages - 1)
        net = (self._nets.g_train if stage is None else self._nets.g_stable)[s]
        return lambda codes, training=False: self._finish(net(codes, training=training), s)

    def call(self, codes, training=False):
        def image(s):
            return self._finish(self._nets.g_train[s](codes, training=training), s)

        return switch(self.stage_variable, [functools.partial(image, s) for s in range(self.n_stages)])

    def sample_codes(self, n, seed=None):
        """n codes c ~ N(0, I) as float32 numpy (n, latent_dim); same seed, same codes."""
        return self.normal_codes(n, self.latent_dim, seed)

    def decode(self, codes, batch_size=512, stage=None):
        """Images of codes (n, latent_dim), float32 numpy (n, H, W, C) in [0, 1] (see `generate`)."""
        codes = self.check_codes(codes, self.latent_dim)
        self.check_count(len(codes), "len(codes)")
        net = self.image_network(stage)
        return self.batched(lambda c: ops.clip(net(c), 0.0, 1.0), codes, batch_size).astype(np.float32)

    def generate(self, n, seed=None, batch_size=512, stage=None):
        """n samples, float32 numpy (n, H, W, C) in [0, 1]; same seed, same images.

        `stage` None (default) uses the current stage at the current alpha (a trained model: the last
        stage, alpha = 1). `stage=s` uses stage s's network faded in (alpha = 1): its 4 * 2**s square
        output is upsampled (nearest) to the last stage's resolution and cropped like every output,
        so an earlier stage gives blocky images of the same shape.

        Example:
            x = zoo.load("progan-mnist").generate(64, seed=0)            # (64, 28, 28, 1)
        """
        return self.decode(self.sample_codes(n, seed), batch_size, stage)

    def stage_samples(self, n=16, seed=0, batch_size=512):
        """{resolution: generate(n, seed, stage=s)} of every stage up to the current one: the same
        codes through each stage's network. An earlier stage's toRGB layer stopped training once the
        next stage had faded in, while the blocks it reads kept training: its images show the growth's
        coarse layout, not a trained model of that resolution.

        Example:
            grids = zoo.load("progan-mnist").stage_samples(8, seed=0)     # {4: ..., 8: ..., 16: ..., 32: ...}
        """
        return {r: self.generate(n, seed, batch_size, stage=s) for s, r in enumerate(self.resolutions[:self.stage + 1])}

    def project(self, images, steps=150, seed=0, candidates=256, prior_weight=1e-3, learning_rate=0.05, mask=None):
        """GAN inversion at the current stage: per image, a code whose generated image is nearest in
        squared error (`zoo.models.inference.project_codes`); float32 numpy (n, latent_dim)."""
        return project_codes(self, images, steps, seed, candidates, prior_weight, learning_rate, mask,
                             network=self.image_network())

    def inpaint(self, x, mask, seed=0, steps=150):
        """x with the pixels where mask == 0 taken from the image of the code that best explains the
        known ones (`project` under the mask); the known pixels are kept exactly."""
        return inpaint_by_projection(self, x, mask, seed, steps, network=self.image_network())

    def interpolate(self, seed_a, seed_b, steps=8):
        """Samples along the straight line between the codes of two seeds."""
        steps = check_int(steps, "steps", 2, 1000)
        a, b = self.sample_codes(1, seed_a), self.sample_codes(1, seed_b)
        t = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
        return self.decode((1 - t) * a + t * b)
