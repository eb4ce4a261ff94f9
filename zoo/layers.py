"""Layers shared by several families."""

import numpy as np
import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="zoo")
class MinibatchDiscrimination(layers.Layer):
    """Minibatch discrimination (Salimans et al. 2016, Improved Techniques for Training GANs).

    Each example's features f_i (A,) are projected by a tensor T (A, B, C) to
    M_i (B, C); for each of the B kernels, o_i,b = 1/(n-1) sum_{j != i} exp(-||M_i,b - M_j,b||_1)
    measures how close example i is to the rest of its batch of n. The layer returns
    [f_i, o_i] (A + B,), so the discriminator can tell a batch of near-identical
    samples (mode collapse) from a varied real batch. Salimans et al. sum over j; the
    mean used here keeps o in [0, 1] whatever the batch size (a sum reaches n - 1 at
    initialisation, when all M_i are close, and blew up the logits of a 256-batch).

    Args:
        num_kernels: B (default 50).
        kernel_dim: C (default 5).

    Example:
        h = MinibatchDiscrimination(50, 5)(layers.Flatten()(x))
    """

    def __init__(self, num_kernels=50, kernel_dim=5, **kwargs):
        super().__init__(**kwargs)
        self.num_kernels, self.kernel_dim = int(num_kernels), int(kernel_dim)

    def build(self, input_shape):
        self.T = self.add_weight(
            shape=(input_shape[-1], self.num_kernels * self.kernel_dim),
            initializer=keras.initializers.RandomNormal(stddev=0.05),
            name="T",
        )

    def call(self, f):
        m = ops.reshape(ops.matmul(f, self.T), (-1, self.num_kernels, self.kernel_dim))
        l1 = ops.sum(ops.abs(ops.expand_dims(m, 0) - ops.expand_dims(m, 1)), axis=-1)  # (n, n, B)
        n = ops.cast(ops.shape(f)[0], f.dtype)
        o = (ops.sum(ops.exp(-l1), axis=1) - 1.0) / ops.maximum(n - 1.0, 1.0)  # j == i adds exp(0) = 1
        return ops.concatenate([f, o], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + self.num_kernels)

    def get_config(self):
        return {**super().get_config(), "num_kernels": self.num_kernels, "kernel_dim": self.kernel_dim}


# ----------------------------------------------------------------------------- PixelCNN
STACKS = ("raster", "vertical", "horizontal")


def causal_mask(kernel_size, mask_type, stack):
    """The 0/1 mask (kh, kw) of a `MaskedConv2D` kernel; its centre tap is the output pixel
    (the vertical kernel's last row is the output row, the horizontal kernel's last column
    the output column)."""
    k, c = int(kernel_size), int(kernel_size) // 2
    if stack == "raster":  # PixelCNN's k x k mask: rows above, then the left of the current row
        m = np.zeros((k, k), np.float32)
        m[:c] = 1.0
        m[c, :c + (mask_type == "B")] = 1.0
    elif stack == "vertical":  # rows i - c .. i, columns j - c .. j + c; "A" drops row i
        m = np.ones((c + 1, k), np.float32)
        m[c] = 1.0 if mask_type == "B" else 0.0
    else:  # horizontal: row i, columns j - c .. j; "A" drops column j
        m = np.ones((1, c + 1), np.float32)
        m[0, c] = 1.0 if mask_type == "B" else 0.0
    return m


@keras.saving.register_keras_serializable(package="zoo")
class MaskedConv2D(layers.Layer):
    """Causal convolution of PixelCNN (van den Oord et al. 2016, arXiv:1601.06759 and 1606.05328).

    Mask "A" hides the output pixel itself (first layer: a pixel never sees its own value);
    mask "B" lets a layer see the same position of the previous layer's features.

    Args:
        filters: output channels.
        kernel_size: odd k >= 3 for mask "A", odd k >= 1 for "B" (default 3).
        mask_type: "A" or "B" (default "B").
        stack: "raster": the k x k kernel of the original PixelCNN (rows above and the left of
            the current row; stacking these leaves a blind spot to the upper right);
            "vertical": a (k//2 + 1) x k kernel over rows i - k//2 .. i ("A" drops row i), so a
            stack that starts with "A" sees every row above, full width, and never row i;
            "horizontal": a 1 x (k//2 + 1) kernel over columns j - k//2 .. j of row i ("A" drops j).
            (default "raster").

    Zero padding keeps the height and width. Channels are not split into colour groups: all
    channels of a pixel are predicted together from the pixels before it.

    Example:
        h = MaskedConv2D(64, 7, "A", "raster")(image)
    """

    def __init__(self, filters, kernel_size=3, mask_type="B", stack="raster", **kwargs):
        super().__init__(**kwargs)
        self.filters, self.kernel_size = int(filters), int(kernel_size)
        if mask_type not in ("A", "B"):
            raise ValueError(f"mask_type must be 'A' or 'B', got {mask_type!r}.")
        if stack not in STACKS:
            raise ValueError(f"stack must be one of {STACKS}, got {stack!r}.")
        if self.kernel_size % 2 == 0 or self.kernel_size < (3 if mask_type == "A" else 1):
            raise ValueError(f"kernel_size must be odd and >= {3 if mask_type == 'A' else 1} for mask "
                             f"{mask_type!r}, got {kernel_size!r}.")
        self.mask_type, self.stack = mask_type, stack
        self.kernel_mask = causal_mask(self.kernel_size, mask_type, stack)
        c = self.kernel_size // 2
        # (top, bottom, left, right) zero padding that makes a "valid" convolution causal and same-size
        self.padding = {"raster": (c, c, c, c), "vertical": (c, 0, c, c), "horizontal": (0, 0, c, 0)}[stack]

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(*self.kernel_mask.shape, input_shape[-1], self.filters),
                                      initializer="glorot_uniform", name="kernel")
        self.bias = self.add_weight(shape=(self.filters,), initializer="zeros", name="bias")

    def call(self, x):
        t, b, l, r = self.padding
        x = ops.pad(x, [[0, 0], [t, b], [l, r], [0, 0]])
        dtype = self.compute_dtype
        kernel = ops.cast(self.kernel, dtype) * ops.convert_to_tensor(self.kernel_mask[:, :, None, None], dtype)
        return ops.conv(x, kernel, strides=1, padding="valid") + ops.cast(self.bias, dtype)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.filters)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size,
                "mask_type": self.mask_type, "stack": self.stack}


def gate(x):
    """tanh(a) * sigmoid(b) of the two halves [a, b] of the last axis."""
    a, b = ops.split(x, 2, axis=-1)
    return ops.tanh(a) * ops.sigmoid(b)


@keras.saving.register_keras_serializable(package="zoo")
class GatedPixelCNNBlock(layers.Layer):
    """One gated layer of Gated PixelCNN (van den Oord et al. 2016, arXiv:1606.05328, fig. 2).

    Takes [v, h] (vertical and horizontal stacks) and returns [v', h']:
        pre_v = vertical k-conv(v)                v' = tanh * sigmoid(pre_v)
        pre_h = horizontal k-conv(h) + 1x1(pre_v)  h' = h + 1x1(tanh * sigmoid(pre_h))
    The first block (mask "A") takes the image as both stacks and has no residual. Since its
    vertical conv drops the current row, v at row i sees only rows above (every column in
    reach: no blind spot), and h at (i, j) sees those rows plus row i left of j.
    `vertical` / `horizontal` are the two halves, so a sampler can run the vertical stack
    once per row and the horizontal stack once per pixel on that row alone.

    Args:
        filters: channels p of both stacks (the convolutions produce 2p for the gate).
        kernel_size: odd k (default 3).
        mask_type: "A" (first block) or "B" (default "B").

    Example:
        v, h = GatedPixelCNNBlock(32, 7, "A")([image, image])
    """

    def __init__(self, filters, kernel_size=3, mask_type="B", **kwargs):
        super().__init__(**kwargs)
        self.filters, self.kernel_size, self.mask_type = int(filters), int(kernel_size), mask_type
        p2, dtype = 2 * self.filters, self.dtype_policy  # the parts compute in the block's precision
        self.v_conv = MaskedConv2D(p2, kernel_size, mask_type, "vertical", name="v_conv", dtype=dtype)
        self.h_conv = MaskedConv2D(p2, kernel_size, mask_type, "horizontal", name="h_conv", dtype=dtype)
        self.link = layers.Conv2D(p2, 1, name="v_to_h", dtype=dtype)
        self.h_out = layers.Conv2D(self.filters, 1, name="h_out", dtype=dtype)
        self.residual = mask_type == "B"

    def build(self, input_shape):
        v_shape, h_shape = input_shape
        if self.residual and h_shape[-1] != self.filters:
            raise ValueError(f"A mask 'B' block adds its input to its output: the horizontal stack needs "
                             f"{self.filters} channels, got {h_shape[-1]}.")
        p2 = 2 * self.filters
        self.v_conv.build(v_shape)
        self.h_conv.build(h_shape)
        self.link.build((*v_shape[:-1], p2))
        self.h_out.build((*h_shape[:-1], self.filters))

    def vertical(self, v):
        """(v', link): the gated vertical features and their 1x1 projection into the horizontal stack."""
        pre = self.v_conv(v)
        return gate(pre), self.link(pre)

    def horizontal(self, h, link):
        """h' from h and the vertical link of the same rows and columns."""
        out = self.h_out(gate(self.h_conv(h) + link))
        return h + out if self.residual else out

    def call(self, inputs):
        v, h = inputs
        v, link = self.vertical(v)
        return [v, self.horizontal(h, link)]

    def compute_output_shape(self, input_shape):
        v_shape, h_shape = input_shape
        return [(*v_shape[:-1], self.filters), (*h_shape[:-1], self.filters)]

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size,
                "mask_type": self.mask_type}


# ----------------------------------------------------------------------------- PixelRNN
@keras.saving.register_keras_serializable(package="zoo")
class RowLSTM(layers.Layer):
    """Row LSTM of PixelRNN (van den Oord, Kalchbrenner, Kavukcuoglu 2016, Pixel Recurrent Neural
    Networks, arXiv:1601.06759, section 3.1): an LSTM that runs down the rows of a feature map.

    Row i's gates [i, f, o, g] = K_is * x_i + K_ss * h_{i-1} (sigmoid, sigmoid, sigmoid, tanh),
    c_i = f c_{i-1} + i g, h_i = o tanh(c_i), with h_{-1} = c_{-1} = 0. The input-to-state K_is
    is a masked 1 x k convolution along the row (`MaskedConv2D` "horizontal": columns j - k//2 ..
    j, mask "B" keeps column j, "A" drops it), computed for every row at once; the state-to-state
    K_ss is a full 1 x k convolution of the row above's hidden state (not masked: the row above
    is entirely in the past). h at (i, j) so sees a triangle above it (k//2 more columns to each
    side per row up) plus row i left of j: the Row LSTM's blind spot is outside that triangle.
    `input_to_state`, `state_to_state` and `cell` are the parts, so a sampler can run one row.

    Args:
        units: hidden channels h (each convolution produces 4h, one h per gate).
        kernel_size: odd k (default 3).
        mask_type: "A" or "B" of the input-to-state convolution (default "B").

    Example:
        h = RowLSTM(16, 3)(features)             # (B, H, W, C) -> (B, H, W, 16)
    """

    def __init__(self, units, kernel_size=3, mask_type="B", **kwargs):
        super().__init__(**kwargs)
        self.units, self.kernel_size, self.mask_type = int(units), int(kernel_size), mask_type
        if self.units < 1:
            raise ValueError(f"units must be a positive integer, got {units!r}.")
        self.in_conv = MaskedConv2D(4 * self.units, kernel_size, mask_type, "horizontal", name="input_to_state")
        self.ss_conv = layers.Conv2D(4 * self.units, (1, self.kernel_size), padding="same", use_bias=False,
                                     name="state_to_state")

    def build(self, input_shape):
        self.in_conv.build(input_shape)
        self.ss_conv.build((*input_shape[:-1], self.units))
        # unit forget bias (as keras.layers.LSTM): the cell keeps the rows above at the start
        self.in_conv.bias.assign(np.repeat(np.float32([0, 1, 0, 0]), self.units))

    def input_to_state(self, x):
        """K_is * x for every row at once: (B, R, W, C) -> (B, R, W, 4h)."""
        return self.in_conv(x)

    def state_to_state(self, h):
        """K_ss * h of one row: (B, 1, W, h) -> (B, 1, W, 4h)."""
        return self.ss_conv(h)

    def cell(self, pre, c):
        """(h, c) of a row from its pre-activations K_is * x + K_ss * h_above and the cell above."""
        i, f, o, g = ops.split(pre, 4, axis=-1)
        c = ops.sigmoid(f) * c + ops.sigmoid(i) * ops.tanh(g)
        return ops.sigmoid(o) * ops.tanh(c), c

    def call(self, x):
        # rows first, each (B, 1, W, 4h); ops.scan down the rows took 15-30% less CPU per training
        # step than a Python loop unrolled over them (one thread, 28 rows)
        pre = ops.expand_dims(ops.transpose(self.input_to_state(x), (1, 0, 2, 3)), 2)
        zeros = ops.zeros_like(pre[0, ..., : self.units])

        def row(state, pre_row):
            h, c = self.cell(pre_row + self.state_to_state(state[0]), state[1])
            return (h, c), (h, c)  # Keras' TensorFlow scan wants outputs shaped like the carry

        _, (h, _) = ops.scan(row, (zeros, zeros), pre)  # (H, B, 1, W, h)
        return ops.transpose(ops.squeeze(h, 2), (1, 0, 2, 3))

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "kernel_size": self.kernel_size,
                "mask_type": self.mask_type}


# ----------------------------------------------------------------------------- super-resolution
@keras.saving.register_keras_serializable(package="zoo")
class PixelShuffle(layers.Layer):
    """Sub-pixel upsampling (Shi et al. 2016, Real-Time Single Image and Video Super-Resolution
    Using an Efficient Sub-Pixel Convolutional Neural Network, arXiv:1609.05158): the r^2 C
    channels of each pixel become an r x r block of C channels, (n, h, w, r^2 C) -> (n, r h, r w, C)
    (`tf.nn.depth_to_space`, channels last). A registered layer, so no Lambda layer is saved.

    Args:
        block_size: r (default 2).

    Example:
        x = PixelShuffle(2)(layers.Conv2D(4 * 64, 3, padding="same")(x))   # twice the side, 64 channels
    """

    def __init__(self, block_size=2, **kwargs):
        super().__init__(**kwargs)
        self.block_size = int(block_size)
        if self.block_size < 2:
            raise ValueError(f"block_size must be an int >= 2, got {block_size!r}.")

    def call(self, x):
        import tensorflow as tf

        return tf.nn.depth_to_space(x, self.block_size)

    def compute_output_shape(self, input_shape):
        r = self.block_size
        n, h, w, c = input_shape
        if c is not None and c % (r * r):
            raise ValueError(f"PixelShuffle({r}) needs channels divisible by {r * r}, got {c}.")
        return (n, None if h is None else h * r, None if w is None else w * r, None if c is None else c // (r * r))

    def get_config(self):
        return {**super().get_config(), "block_size": self.block_size}
