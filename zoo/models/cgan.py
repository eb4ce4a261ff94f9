"""Class-conditional GAN: G(c, y) and D(x, y) (Mirza & Osindero 2014, Conditional Generative
Adversarial Nets, arXiv:1411.1784).

The generator embeds the label (a learned table row per class) beside the code c ~ N(0, I).
The discriminator is conditioned by projection, D(x, y) = psi(phi(x)) + y^T V phi(x) (Miyato &
Koyama 2018, cGANs with Projection Discriminator, arXiv:1802.05637), or by concatenating the
one-hot label to its input. With ``matching_aware=True`` (the default) D's loss is that of the
matching-aware discriminator (GAN-CLS, Reed et al. 2016, Generative Adversarial Text to Image
Synthesis, arXiv:1605.05396): (real x, matching y) counts as real, (G(c, y), y) and (real x,
mismatching y') as fake, so D must judge the pair and not only the image. Everything else
(loss variants, K critic steps, clipping, gradient penalty, minibatch discrimination, the DCGAN
and MLP builders) is the GAN family's (`zoo.models.gan`).
"""

import numpy as np
import keras
from keras import layers, ops

from zoo import capabilities as cap
from zoo import distribute
from zoo import losses as L
from zoo.models import gan as G
from zoo.models.base import check_int, check_seed, check_width

CONDITIONING = ("projection", "concat")


def matching_aware_loss(real_scores, fake_scores, wrong_scores, variant="non-saturating"):
    """D's loss of the matching-aware GAN (Reed et al. 2016): the variant's loss with (real x, y)
    as real and both (G(c, y), y) and (real x, y') as fake, the two fakes weighted 1/2 each:
    (loss(real, fake) + loss(real, wrong)) / 2. For the minimax / non-saturating games this is
    -E log D(x, y) - [E log(1 - D(G(c, y), y)) + E log(1 - D(x, y'))] / 2.
    """
    d_loss = L.gan_losses(variant)[0]
    return 0.5 * (d_loss(real_scores, fake_scores) + d_loss(real_scores, wrong_scores))


# ----------------------------------------------------------------------------- builders
def build_conditional_generator(body, latent_dim, num_classes, embed_dim):
    """G(c, y) = body([c, E^T y]): the one-hot label y picks its row of a learned embedding E (a
    Dense without bias: keras' Embedding for one-hot rows, and soft labels blend rows, which is
    how `interpolate` walks between classes). `body` is an unconditional generator of codes of
    size latent_dim + embed_dim."""
    c = keras.Input((latent_dim,), name="code")
    y = keras.Input((num_classes,), name="label")
    e = layers.Dense(embed_dim, use_bias=False, name="label_embedding")(y)
    # Named apart from "generator": a two-input network is not the one-input decoder zoo.export serves.
    return keras.Model([c, y], body(layers.Concatenate()([c, e])), name="conditional_generator")


def build_projection_discriminator(critic, num_classes):
    """D(x, y) = psi(phi(x)) + <V^T y, phi(x)> (Miyato & Koyama 2018): the unconditional critic's
    score plus the inner product of its features phi(x) (the input of its "score" layer) with
    the label's learned projection vector."""
    y = keras.Input((num_classes,), name="label")
    phi = critic.get_layer("score").input
    v = layers.Dense(phi.shape[-1], use_bias=False, name="label_projection")(y)
    score = layers.Add(name="conditional_score")([critic.output, layers.Dot(axes=1)([phi, v])])
    return keras.Model([critic.input, y], score, name="conditional_discriminator")


def build_concat_discriminator(critic, data_shape, num_classes):
    """D(x, y) = critic(x ++ y): the one-hot label joins the input, as num_classes constant
    channels of an image (Mirza & Osindero 2014) or extra features of a vector; `critic` takes
    inputs with those extra channels."""
    x = keras.Input(tuple(data_shape), name="image")
    y = keras.Input((num_classes,), name="label")
    extra = y
    if len(data_shape) == 3:  # (K,) -> (H, W, K): one constant plane per class
        extra = layers.UpSampling2D(tuple(data_shape[:2]))(layers.Reshape((1, 1, num_classes))(y))
    return keras.Model([x, y], critic(layers.Concatenate()([x, extra])), name="conditional_discriminator")


# ----------------------------------------------------------------------------- model
class ConditionalGAN(G.GAN):
    """Class-conditional GAN trained by the GAN family's alternating SGD on (x, y) batches.

    Args:
        num_classes: K, labels are ints in [0, K) (default 10).
        conditioning: how D sees y: "projection" (Miyato & Koyama 2018) or "concat" (default
            "projection").
        matching_aware: add the (real x, mismatching y') pairs to D's fakes (Reed et al. 2016);
            False trains the plain conditional GAN (default True).
        embed_dim: size of G's label embedding (default 32).
        **kwargs: the GAN family's arguments (architecture, data_shape, latent_dim, g_filters,
            d_filters, units, depth, loss, n_critic, clip_value, gp_weight, minibatch_kernels,
            minibatch_dim, g_ema, seed); unrolled_steps must stay 0.

    Example:
        c = zoo.load("cgan-mnist")
        x = c.generate(10, seed=0, labels=list(range(10)))   # one of each digit, (10, 28, 28, 1)
        c.fit(zoo.data.load("mnist", batch_size=64, with_labels=True), epochs=1)
    """

    CAPABILITIES = (cap.Generator, cap.Interpolator, cap.Conditional)

    def __init__(self, num_classes=10, conditioning="projection", matching_aware=True, embed_dim=32, **kwargs):
        self.num_classes = check_int(num_classes, "num_classes", 2, 100_000)
        if conditioning not in CONDITIONING:
            raise ValueError(f"conditioning must be one of {CONDITIONING}, got {conditioning!r}.")
        if not isinstance(matching_aware, bool):
            raise ValueError(f"matching_aware must be True or False, got {matching_aware!r}.")
        for option, off in (("unrolled_steps", 0), ("pack", 1)):
            if kwargs.get(option, off) != off:
                raise ValueError(f"{option} is not supported by ConditionalGAN (it must be {off}).")
        self.conditioning, self.matching_aware = conditioning, matching_aware
        self.embed_dim = check_width(embed_dim, "embed_dim")
        super().__init__(**kwargs)

    def build_networks(self, architecture, g_filters, d_filters, units, depth, mbd):
        k, shape = self.num_classes, tuple(self.data_shape)
        extra = k if self.conditioning == "concat" else 0  # label channels D's input gains
        code = self.latent_dim + self.embed_dim
        if architecture == "dcgan" and len(shape) == 3:
            body = G.build_dcgan_generator(code, shape, g_filters)
            critic = G.build_dcgan_discriminator((*shape[:2], shape[2] + extra), d_filters, **mbd)
        elif architecture == "mlp" and len(shape) == 1:
            body = G.build_mlp_generator(code, shape[0], units, depth)
            critic = G.build_mlp_discriminator(shape[0] + extra, units, depth, **mbd)
        else:
            return super().build_networks(architecture, g_filters, d_filters, units, depth, mbd)  # its error
        d = (build_concat_discriminator(critic, shape, k) if extra else build_projection_discriminator(critic, k))
        return build_conditional_generator(body, self.latent_dim, k, self.embed_dim), d

    # --- labels -----------------------------------------------------------------------
    def check_labels(self, labels, n=None, name="labels"):
        """Class ids as int32 numpy (n,); an int is one class for all n. ValueError naming `name`
        unless they are integers in [0, num_classes), one per example."""
        k = self.num_classes
        if isinstance(labels, (int, np.integer)) and not isinstance(labels, (bool, np.bool_)) and n is not None:
            labels = np.full(n, labels)
        arr = np.asarray(labels)
        if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
            raise ValueError(f"{name} must be integer class ids in [0, {k}), got dtype {arr.dtype}.")
        if arr.ndim != 1 or (n is not None and len(arr) != n):
            raise ValueError(f"{name} must hold one class id per example, shape ({n if n else 'n'},), "
                             f"got shape {arr.shape}.")
        if arr.size and (arr.min() < 0 or arr.max() >= k):
            raise ValueError(f"{name} must be in [0, {k - 1}], got values in [{arr.min()}, {arr.max()}].")
        return arr.astype(np.int32)

    def sample_labels(self, n, seed=None):
        """n class ids drawn uniformly, int32 (n,); same seed, same labels (a stream apart from
        the codes'), and the first k labels of a seed do not depend on n."""
        n, seed = self.check_count(n), check_seed(seed)
        return np.random.default_rng(None if seed is None else [seed, 1]).integers(0, self.num_classes, n).astype(
            np.int32)

    def _check_first_batch(self, x, y=None):
        import tensorflow as tf

        super()._check_first_batch(x, y)
        if isinstance(x, tf.data.Dataset):
            first = next(iter(x.take(1)), None)
            y = None if first is None else keras.utils.unpack_x_y_sample_weight(first)[1]
        elif not (isinstance(x, (np.ndarray, list)) or tf.is_tensor(x)):
            return  # a generator or PyDataset: train_step checks the labels' dtype
        if y is None:
            raise ValueError(self._missing_labels())
        y = np.asarray(y)
        self.check_labels(y.reshape(-1) if y.ndim == 2 and y.shape[1] == 1 else y, name="training labels")

    def _missing_labels(self):
        return (f"training labels are missing: {type(self).__name__} fits on (images, labels) pairs, e.g. "
                "zoo.data.load('mnist', batch_size=64, with_labels=True).")

    def _label_tensor(self, y):
        """Training labels as int32 (batch,), checked symbolically (dtype, rank)."""
        import tensorflow as tf

        if y is None:
            raise ValueError(self._missing_labels())
        dtype = keras.backend.standardize_dtype(y.dtype)
        if "int" not in dtype:
            raise ValueError(f"training labels must be integer class ids in [0, {self.num_classes}), "
                             f"got dtype {dtype}.")
        rank = tf.TensorShape(y.shape).rank  # None when unknown (numpy arrays fed to fit)
        if rank is not None and (rank not in (1, 2) or (rank == 2 and y.shape[1] != 1)):
            raise ValueError(f"training labels must have shape (batch,), got {tuple(y.shape)}.")
        return ops.cast(ops.reshape(y, (-1,)), "int32")

    def _onehot(self, labels):
        return ops.one_hot(labels, self.num_classes)

    def mismatched(self, labels):
        """y' != y for every example: y shifted by a uniform draw from 1..K-1 (mod K), so y' is
        uniform over the other classes."""
        shift = keras.random.randint(ops.shape(labels), 1, self.num_classes, dtype="int32", seed=self.noise)
        return (labels + shift) % self.num_classes

    # --- training -------------------------------------------------------------------
    def discriminator_loss(self, real, labels, wrong, fake, training=True):
        """(D's loss, real scores, fake scores) on real x with labels y, G's fakes made for y and
        the mismatching labels y' (`wrong`, used when matching_aware)."""
        y = self._onehot(labels)
        real_s = self.discriminator([real, y], training=training)
        fake_s = self.discriminator([fake, y], training=training)
        if not self.matching_aware:
            return L.gan_losses(self.loss_variant)[0](real_s, fake_s), real_s, fake_s
        wrong_s = self.discriminator([real, self._onehot(wrong)], training=training)
        return matching_aware_loss(real_s, fake_s, wrong_s, self.loss_variant), real_s, fake_s

    def _d_step(self, real, labels):
        import tensorflow as tf

        y = self._onehot(labels)
        fake = self.generator([self._codes(ops.shape(real)[0]), y], training=True)  # G fixed
        wrong = self.mismatched(labels)
        with tf.GradientTape() as tape:
            d_loss, real_s, fake_s = self.discriminator_loss(real, labels, wrong, fake)
            if self.gp_weight > 0:  # the penalty of D(., y) at points between real and fake images
                critic = lambda x, training: self.discriminator([x, y], training=training)  # noqa: E731
                d_loss = d_loss + self.gp_weight * L.gradient_penalty(critic, real, fake, seed=self.noise,
                                                                one_sided=self.gp_one_sided)
            share = distribute.scale_loss(d_loss)  # a replica's share: the optimizer sums the replicas'
        self._apply_d(tape.gradient(share, self.discriminator.trainable_variables))
        return d_loss, L.wasserstein_estimate(real_s, fake_s)

    def _g_step(self, labels):
        import tensorflow as tf

        y, g_vars = self._onehot(labels), self.generator.trainable_variables
        with tf.GradientTape() as tape:
            fake = self.generator([self._codes(ops.shape(labels)[0]), y], training=True)
            g_loss = L.gan_losses(self.loss_variant)[1](self.discriminator([fake, y], training=True))
            share = distribute.scale_loss(g_loss)
        self.g_optimizer.apply_gradients(zip(tape.gradient(share, g_vars), g_vars))
        return g_loss

    def train_step(self, data):
        x, y = self.unpack(data)
        y = self._label_tensor(y)
        per = ops.shape(x)[0] // self.n_critic
        for k in range(self.n_critic):  # K critic updates on fresh slices with G fixed, then G with D fixed
            d_loss, w = self._d_step(x[k * per: (k + 1) * per], y[k * per: (k + 1) * per])
        g_loss = self._g_step(y[:per])  # G draws for the labels of the data: their class frequencies
        self.update_ema()
        # Running means, and this step's own values for the training curves (as the GAN family logs them).
        step = {"d_loss_step": d_loss, "g_loss_step": g_loss, "w_estimate_step": w}
        return {**self.track({"d_loss": d_loss, "g_loss": g_loss, "w_estimate": w}),
                **{k: v for k, v in step.items() if k[:-5] in self.tracker_names()}}

    def test_step(self, data):
        x, y = self.unpack(data)
        y = self._label_tensor(y)
        fake = self.generator([self._codes(ops.shape(x)[0]), self._onehot(y)], training=False)
        d_loss, real_s, fake_s = self.discriminator_loss(x, y, self.mismatched(y), fake, training=False)
        g_loss = L.gan_losses(self.loss_variant)[1](fake_s)
        return self.track({"d_loss": d_loss, "g_loss": g_loss, "w_estimate": L.wasserstein_estimate(real_s, fake_s)})

    # --- inference ------------------------------------------------------------------
    def call(self, inputs, training=False):
        """inputs = [codes (n, latent_dim), one-hot or soft labels (n, num_classes)]."""
        return self.sampler(inputs, training=training)

    def _decode_rows(self, codes, rows, batch_size=512):
        """G on codes with label rows (one-hot, or blends of classes), float32 numpy."""
        both = np.concatenate([codes, rows.astype(np.float32)], axis=1)
        d = self.latent_dim
        out = self.batched(lambda b: self.sampler([b[:, :d], b[:, d:]], training=False), both, batch_size)
        return out.astype(np.float32)

    def decode(self, codes, labels=None, batch_size=512):
        """Generator output for codes (n, latent_dim) and their class ids `labels` (n ints, or one
        int for all), as float32 numpy."""
        codes = self.check_codes(codes, self.latent_dim)
        self.check_count(len(codes), "len(codes)")
        if labels is None:
            raise ValueError("labels are required: a conditional generator decodes each code with a class, "
                             "decode(codes, labels); generate(n, seed) draws both.")
        labels = self.check_labels(labels, len(codes))
        return self._decode_rows(codes, np.eye(self.num_classes, dtype=np.float32)[labels], batch_size)

    def generate(self, n, seed=None, labels=None, batch_size=512):
        """n samples as float32 numpy (images (n, H, W, C) in [0, 1]) of the classes `labels`: n
        ints in [0, num_classes), one int for all, or None (drawn uniformly from `seed`).

        Example:
            x = zoo.load("cgan-mnist").generate(10, seed=0, labels=list(range(10)))   # one per digit
        """
        codes = self.sample_codes(n, seed)
        labels = self.sample_labels(len(codes), seed) if labels is None else self.check_labels(labels, len(codes))
        return self.decode(codes, labels, batch_size)

    def interpolate(self, seed_a, seed_b, steps=8, labels=None):
        """Samples along the straight line between two (code, class) points, the class moving as a
        blend of the two label embeddings. labels: None (each seed's own: the path runs from
        generate(1, seed_a) to generate(1, seed_b)), one class id for the whole path, or a pair
        (class at a, class at b); seed_a == seed_b with two classes keeps the code (the style) and
        changes the class.

        Example:
            row = zoo.load("cgan-mnist").interpolate(0, 0, steps=8, labels=(3, 8))   # a 3 turning into an 8
        """
        steps = check_int(steps, "steps", 2, 1000)
        a, b = self.sample_codes(1, seed_a), self.sample_codes(1, seed_b)
        if labels is None:
            pair = (self.sample_labels(1, seed_a)[0], self.sample_labels(1, seed_b)[0])
        else:
            pair = self.check_labels([labels] * 2 if isinstance(labels, (int, np.integer)) else labels, 2)
        t = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
        eye = np.eye(self.num_classes, dtype=np.float32)
        return self._decode_rows((1 - t) * a + t * b, (1 - t) * eye[pair[0]] + t * eye[pair[1]])

    def change_class(self, seed, labels=None):
        """One code (that of `seed`, the style) decoded with each class of `labels` (default every
        class): (len(labels), ...) float32 numpy, the style kept and the class changed.

        Example:
            digits = zoo.load("cgan-mnist").change_class(7)   # 0..9 written in one hand
        """
        labels = np.arange(self.num_classes) if labels is None else labels
        n = len(np.atleast_1d(labels))
        return self.decode(np.repeat(self.sample_codes(1, seed), n, axis=0), self.check_labels(labels, n))

    def project(self, *args, **kwargs):
        """Not available: finding the code of an image would need its class as well."""
        raise TypeError(f"{type(self).__name__} cannot project or inpaint: its generator needs a class "
                        "beside the code (its capabilities: " + ", ".join(self.capability_names()) + ").")

    inpaint = project
