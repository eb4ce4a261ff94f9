"""The GAN family's networks: DCGAN generator and discriminator (Radford et al. 2016) and the MLPs of
the 2D mixtures, and Metz et al. 2017's 2D networks. `zoo.models.gan.GAN` builds them from its constructor's
arguments."""

import keras
from keras import layers

from zoo import distribute
from zoo.layers import MinibatchDiscrimination


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
    sync = distribute.sync_batch_norm()  # built for several replicas: the global batch's statistics
    f = filters * 2 ** (n - 1)
    x = layers.Dense(base * (w // 2**n) * f, use_bias=False)(c)
    x = layers.BatchNormalization(synchronized=sync)(x)
    x = layers.ReLU()(x)
    x = layers.Reshape((base, w // 2**n, f))(x)
    for i in range(n - 1):
        f //= 2
        x = layers.Conv2DTranspose(f, 4, strides=2, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization(synchronized=sync)(x)
        x = layers.ReLU()(x)
    # Sigmoid: images live in [0, 1], the range of the zoo's datasets.
    out = layers.Conv2DTranspose(ch, 4, strides=2, padding="same", activation="sigmoid")(x)
    return keras.Model(c, out, name="generator")


def build_dcgan_discriminator(image_shape=(28, 28, 1), filters=64, minibatch_kernels=0, minibatch_dim=5,
                              dropout=0.0, spectral_norm=False, blocks=0, batch_norm=False, layer_norm=False):
    """DCGAN discriminator: [strided conv (+ BN) + LeakyReLU(0.2) (+ dropout)] x n -> Dense(1) logit/score.

    `blocks` strided conv blocks, filters doubling per block (0: one per halving of the
    generator's side, 2 for 28x28); a block past 4x4 keeps halving with "same" padding
    (7 -> 4 -> 2). No batch norm by default, so the same critic serves the gradient penalty
    (WGAN-GP); `batch_norm` adds it after every conv but the first, as in Radford et al.;
    `layer_norm` puts layer norm there instead (each example normalized over its height, width
    and channels, a scale and offset per channel), the gradient penalty's substitute for batch
    norm (Gulrajani et al. 2017, section 4).
    `minibatch_kernels` > 0 adds minibatch discrimination before the last layer; `dropout` > 0
    drops that share of each conv block's activations while training; `spectral_norm` wraps every
    conv and the score layer in `keras.layers.SpectralNormalization` (Miyato et al. 2018: each
    kernel divided by its largest singular value, estimated by one power iteration a step).
    """
    def wrap(layer):
        return layers.SpectralNormalization(layer) if spectral_norm else layer

    n = blocks or _num_upsamplings(image_shape[0])
    x_in = keras.Input(image_shape, name="image")
    x = x_in
    for i in range(n):
        normed = (batch_norm or layer_norm) and i
        x = wrap(layers.Conv2D(filters * 2**i, 4, strides=2, padding="same", use_bias=not normed))(x)
        if normed:
            x = (layers.BatchNormalization(synchronized=distribute.sync_batch_norm()) if batch_norm else
                 layers.GroupNormalization(groups=1))(x)  # one group: layer norm with per-channel scale, offset
        x = layers.LeakyReLU(0.2)(x)
        if dropout:
            x = layers.Dropout(dropout)(x)
    x = layers.Flatten()(x)
    if minibatch_kernels:
        x = MinibatchDiscrimination(minibatch_kernels, minibatch_dim)(x)
    out = wrap(layers.Dense(1, name="score"))(x)
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


# ----------------------------------------------------------------------------- Metz et al.'s 2D networks
def build_metz_networks(latent_dim=256, data_dim=2, units=128, depth=2, d_input_dim=None):
    """(generator, discriminator) of Metz et al.'s 2D mixture experiment (their appendix A and
    reference notebook): G is `depth` x Dense(`units`, ReLU) -> linear; D scales its input by 1/4
    (the ring of radius 2 to about [-0.5, 0.5]) -> one Dense(`units`, ReLU) -> Dense(1) logit.
    Every kernel starts orthogonal with gain 0.8, biases at 0. `d_input_dim` is D's input size
    (data_dim unless samples are packed)."""
    def dense(n, act=None, name=None):
        return layers.Dense(n, activation=act, kernel_initializer=keras.initializers.Orthogonal(gain=0.8),
                            name=name)

    c = keras.Input((latent_dim,), name="code")
    x = c
    for _ in range(depth):
        x = dense(units, "relu")(x)
    generator = keras.Model(c, dense(data_dim)(x), name="generator")
    x_in = keras.Input((d_input_dim or data_dim,), name="sample")
    h = dense(units, "relu")(layers.Rescaling(0.25)(x_in))
    return generator, keras.Model(x_in, dense(1, name="score")(h), name="discriminator")
