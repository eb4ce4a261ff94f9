"""Layers of progressive growing (Karras, Aila, Laine, Lehtinen 2018, Progressive Growing of GANs for
Improved Quality, Stability, and Variation, arXiv:1710.10196): pixelwise feature normalization
(section 4.2), the minibatch standard deviation (section 3), the equalized learning rate (section
4.1) and the fade-in of a new resolution (section 2, figure 2), with the schedule of the fade-ins and
nearest-neighbour upsampling. The layers are registered serializable, so no Lambda layer is saved;
`zoo.models.progan` builds its networks from them.
"""

import math

import keras
from keras import layers, ops

SQRT2 = math.sqrt(2.0)


def schedule(images, phase_images, n_stages):
    """(stage, alpha) after `images` training images, as int32 / float32 tensors.

    Stage 0 (4x4) trains for the first `phase_images` images (alpha = 1); stage s >= 1 fades in over
    the next `phase_images` (alpha = the fraction of them seen) and then stabilises for as many
    (alpha = 1). After (2 n_stages - 1) x phase_images images the model stays at the last stage,
    alpha = 1.

    Example:
        schedule(1.5 * 1000, 1000, 4)      # (1, 0.5): halfway through the fade-in of 8x8
    """
    t = ops.cast(images, "float64") / float(phase_images)
    stage = ops.clip(ops.floor((t + 1.0) / 2.0), 0.0, float(n_stages - 1))
    alpha = ops.where(stage > 0, ops.clip(t - (2.0 * stage - 1.0), 0.0, 1.0), 1.0)
    return ops.cast(stage, "int32"), ops.cast(alpha, "float32")


def upsample(x, factor):
    """Nearest-neighbour upsampling of (n, h, w, c) by an integer factor (the paper's upscale2d)."""
    return x if factor == 1 else ops.repeat(ops.repeat(x, factor, axis=1), factor, axis=2)


@keras.saving.register_keras_serializable(package="zoo")
class PixelNorm(layers.Layer):
    """Pixelwise feature vector normalization: b = a / sqrt(mean_j a_j^2 + epsilon) over the channels
    j of each pixel (Karras et al. 2018, section 4.2), so every pixel's feature vector has unit
    root-mean-square length; used after each convolution of the generator (no batch norm).

    Args:
        epsilon: added under the root (default 1e-8, the paper's).

    Example:
        x = PixelNorm()(layers.LeakyReLU(0.2)(EqualizedConv2D(64, 3)(x)))
    """

    def __init__(self, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = float(epsilon)

    def call(self, x):
        return x * ops.rsqrt(ops.mean(ops.square(x), axis=-1, keepdims=True) + self.epsilon)

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


@keras.saving.register_keras_serializable(package="zoo")
class MinibatchStdDev(layers.Layer):
    """Minibatch standard deviation (Karras et al. 2018, section 3): the standard deviation of each
    feature at each pixel over a group of examples, averaged over features and pixels, appended as
    one more constant channel, so the critic sees how varied the batch is (a cure for mode collapse
    simpler than minibatch discrimination).

    The batch of n is cut into groups of g = the largest divisor of n not above `group_size`;
    example i belongs to group i mod (n / g), as in the paper's code, and every example of a group
    gets that group's value. Under `tf.distribute` the layer sees only its replica's examples: the
    groups are formed **per replica** (each replica's batch is cut alone), so keep the per-replica
    batch a multiple of `group_size`.

    Args:
        group_size: examples per group; 0 or None takes the whole batch as one group (default 4, the
            paper's code).
        epsilon: added to the variance before the square root (default 1e-8).

    Example:
        x = MinibatchStdDev(4)(x)        # (n, h, w, c) -> (n, h, w, c + 1)
    """

    def __init__(self, group_size=4, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        if group_size is not None and (isinstance(group_size, bool) or not isinstance(group_size, int)
                                       or group_size < 0):
            raise ValueError(f"group_size must be an integer >= 0 (0: the whole batch), got {group_size!r}.")
        self.group_size, self.epsilon = int(group_size or 0), float(epsilon)

    def call(self, x):
        n = x.shape[0]
        if n is not None:  # a static batch (XLA needs the group as a constant)
            g = max(k for k in range(1, min(self.group_size or n, n) + 1) if n % k == 0)
            m = n // g
        else:  # the largest divisor of n that is <= group_size (1 always divides)
            n = ops.cast(ops.shape(x)[0], "int32")
            sizes = ops.arange(1, self.group_size + 1, dtype="int32") if self.group_size else None
            g = ops.max(ops.where(ops.equal(ops.mod(n, sizes), 0), sizes, 1)) if self.group_size else n
            m = n // g
        y = ops.reshape(ops.cast(x, "float32"), (g, m, -1))  # example i = k * m + j: group j
        var = ops.mean(ops.square(y - ops.mean(y, axis=0, keepdims=True)), axis=0)  # (m, h * w * c)
        std = ops.mean(ops.sqrt(var + self.epsilon), axis=-1)  # (m,)
        column = ops.tile(ops.reshape(std, (1, m)), (g, 1))  # (g, m): example i = k * m + j gets std_j
        channel = ops.ones_like(x[..., :1]) * ops.cast(ops.reshape(column, (-1, 1, 1, 1)), x.dtype)
        return ops.concatenate([x, channel], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], None if input_shape[-1] is None else input_shape[-1] + 1)

    def get_config(self):
        return {**super().get_config(), "group_size": self.group_size, "epsilon": self.epsilon}


class _Equalized(layers.Layer):
    """Shared part of the equalized layers: weights drawn from N(0, 1), multiplied at run time by
    He's constant c = gain / sqrt(fan_in) (Karras et al. 2018, section 4.1), so Adam's per-weight
    step sizes act alike on every layer whatever its fan-in."""

    def __init__(self, gain=SQRT2, use_bias=True, **kwargs):
        super().__init__(**kwargs)
        self.gain, self.use_bias = float(gain), bool(use_bias)
        if not self.gain > 0:
            raise ValueError(f"gain must be positive, got {gain!r}.")

    def _build_weights(self, kernel_shape, fan_in, units):
        self.scale = self.gain / math.sqrt(fan_in)  # He's constant: the weights are N(0, 1) as stored
        self.kernel = self.add_weight(shape=kernel_shape, initializer=keras.initializers.RandomNormal(0.0, 1.0),
                                      name="kernel")
        self.bias = self.add_weight(shape=(units,), initializer="zeros", name="bias") if self.use_bias else None

    def _out(self, y):
        return y + ops.cast(self.bias, y.dtype) if self.bias is not None else y

    def get_config(self):
        return {**super().get_config(), "gain": self.gain, "use_bias": self.use_bias}


@keras.saving.register_keras_serializable(package="zoo")
class EqualizedDense(_Equalized):
    """Dense layer with the equalized learning rate: y = x (c W) + b, W ~ N(0, 1) as stored and
    c = gain / sqrt(fan_in) applied at every call.

    Args:
        units: output size.
        gain: sqrt(2) before a (leaky) ReLU, 1 for a linear output (default sqrt(2)).
        use_bias: add a bias, initialised to 0 (default True).

    Example:
        score = EqualizedDense(1, gain=1.0)(h)
    """

    def __init__(self, units, gain=SQRT2, use_bias=True, **kwargs):
        super().__init__(gain, use_bias, **kwargs)
        self.units = int(units)

    def build(self, input_shape):
        self._build_weights((input_shape[-1], self.units), input_shape[-1], self.units)

    def call(self, x):
        return self._out(ops.matmul(x, ops.cast(self.kernel, x.dtype) * self.scale))

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="zoo")
class EqualizedConv2D(_Equalized):
    """2D convolution (stride 1, "same" padding) with the equalized learning rate: the kernel
    (k, k, c_in, filters) is N(0, 1) as stored and multiplied by c = gain / sqrt(k * k * c_in) at
    every call.

    Args:
        filters: output channels.
        kernel_size: k (default 3).
        gain: sqrt(2) before a (leaky) ReLU, 1 for a linear output such as toRGB (default sqrt(2)).
        use_bias: add a bias, initialised to 0 (default True).

    Example:
        x = EqualizedConv2D(64, 3)(x)
    """

    def __init__(self, filters, kernel_size=3, gain=SQRT2, use_bias=True, **kwargs):
        super().__init__(gain, use_bias, **kwargs)
        self.filters, self.kernel_size = int(filters), int(kernel_size)

    def build(self, input_shape):
        k, c = self.kernel_size, input_shape[-1]
        self._build_weights((k, k, c, self.filters), k * k * c, self.filters)

    def call(self, x):
        return self._out(ops.conv(x, ops.cast(self.kernel, x.dtype) * self.scale, strides=1, padding="same"))

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.filters)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size}


@keras.saving.register_keras_serializable(package="zoo")
class FadeIn(layers.Layer):
    """The fade-in of a new resolution (Karras et al. 2018, figure 2): [old, new] -> (1 - alpha) old
    + alpha new, with alpha a non-trainable scalar variable (saved with the model's weights) that
    training raises from 0 to 1. At alpha = 0 the output is `old` exactly, at alpha = 1 `new`.
    One instance can blend at every resolution (its only weight is alpha).

    Args:
        alpha: the initial alpha (default 1.0).

    Example:
        fade = FadeIn()
        rgb = fade([layers.UpSampling2D(2)(rgb_low), rgb_high]); fade.alpha.assign(0.5)
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.initial_alpha = float(alpha)
        # Set in the replicas' train step: every replica assigns the same value.
        self.alpha = self.add_weight(shape=(), initializer=keras.initializers.Constant(self.initial_alpha),
                                     trainable=False, name="alpha", aggregation="only_first_replica")
        self.built = True  # alpha is its only weight, whatever the inputs' shapes

    def call(self, inputs):
        old, new = inputs
        a = ops.cast(self.alpha, old.dtype)
        return (1.0 - a) * old + a * new

    def compute_output_shape(self, input_shape):
        return input_shape[1]

    def get_config(self):
        return {**super().get_config(), "alpha": self.initial_alpha}
