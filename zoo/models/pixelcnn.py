"""Gated PixelCNN (van den Oord, Kalchbrenner, Vinyals, Espeholt, Graves, Kavukcuoglu 2016,
Conditional Image Generation with PixelCNN Decoders, arXiv:1606.05328) on binary images.

p(x) = prod_i p(x_i | x_<i) over the pixels in raster order (row by row, left to right), each
factor a Bernoulli whose logit the network computes from the pixels before it only. Masked
convolutions (`zoo.layers.MaskedConv2D`) form a vertical stack (every row above, full width)
and a horizontal stack (the current row, left of the pixel), joined by gated blocks
(`zoo.layers.GatedPixelCNNBlock`): no blind spot. log p(x) is exact, one forward pass;
sampling runs pixel by pixel. Training minimises -log p(x) in nats per image on dynamically
binarized images (x ~ Bernoulli(pixels), drawn afresh at every step).
"""

import numpy as np
import keras
from keras import layers, ops

from zoo import capabilities as cap
from zoo.layers import GatedPixelCNNBlock
from zoo.models.base import ZooModel, check_int, check_seed, check_shape, check_width
from zoo.models.checks import check_mask

BINARIZE_SEED = 0  # the test split's binarization: the same as vae-mnist's test NLL (zoo.eval.reconstruction)
N_TEST = 10_000
PRECISIONS = ("float32", "mixed_bfloat16")


# ----------------------------------------------------------------------------- builders
def build_pixelcnn(input_shape=(28, 28, 1), filters=64, num_layers=7, kernel_size=3, first_kernel=7,
                   head_units=64, precision="float32"):
    """Image (H, W, C) -> logits (H, W, C) of p(x_ij | pixels before (i, j)).

    A mask "A" gated block of kernel `first_kernel` on the image, `num_layers - 1` mask "B"
    gated blocks of kernel `kernel_size` (residual on the horizontal stack), then ReLU ->
    1x1 conv (head_units, ReLU) -> 1x1 conv to C logits on the horizontal stack. `precision`
    "mixed_bfloat16" computes the blocks in bfloat16 (float32 weights); the head is float32.
    """
    x_in = keras.Input(tuple(input_shape), name="image")
    v, h = GatedPixelCNNBlock(filters, first_kernel, "A", name="gated_0", dtype=precision)([x_in, x_in])
    for i in range(1, num_layers):
        v, h = GatedPixelCNNBlock(filters, kernel_size, "B", name=f"gated_{i}", dtype=precision)([v, h])
    y = layers.Activation("relu", name="head_relu")(h)
    y = layers.Conv2D(head_units, 1, activation="relu", name="head")(y)
    return keras.Model(x_in, layers.Conv2D(input_shape[-1], 1, name="logits")(y), name="pixelcnn")


def binarize(x, seed=BINARIZE_SEED):
    """x_b = (u < x), u ~ U[0, 1) from numpy default_rng(seed) (`zoo.data.binarize`): the
    binarization of zoo.eval.reconstruction's test NLL."""
    from zoo import data

    return data.binarize(x, seed)


def mnist_test_nll(model, n=N_TEST, seed=BINARIZE_SEED, batch_size=500):
    """-log p(x_b) in nats per image, mean over the first n MNIST test images binarized by
    `binarize(x, seed)`: the protocol of vae-mnist's test_nll, with the PixelCNN's exact likelihood.

    Example:
        mnist_test_nll(zoo.load("pixelcnn-mnist"))
    """
    from zoo import data

    x = data.arrays("mnist", "test")[0]
    n = check_int(n, "n", 1, len(x))
    return float(-model.log_likelihood(binarize(x[:n], seed), batch_size=batch_size).mean())


def _odd(value, name, low):
    value = check_int(value, name, low, 63)
    if value % 2 == 0:
        raise ValueError(f"{name} must be odd (a centre pixel), got {value}.")
    return value


# ----------------------------------------------------------------------------- model
class PixelCNN(ZooModel):
    """Gated PixelCNN of binary images (Bernoulli pixels), trained on exact -log p(x).

    Args:
        input_shape: (H, W, C) of one image (default [28, 28, 1]).
        filters: channels of the vertical and horizontal stacks (default 64).
        num_layers: gated blocks, the first with mask "A" (default 7).
        kernel_size: odd kernel of the mask "B" blocks (default 3).
        first_kernel: odd kernel (>= 3) of the first block (default 7).
        head_units: channels of the 1x1 output layer (default 64).
        precision: "float32" or "mixed_bfloat16" (the gated blocks compute in bfloat16 with
            float32 weights: ~3x faster training on CPUs with AMX / AVX512-BF16; every conditional
            is still a normalized Bernoulli, so log p(x) stays exact for the network as computed)
            (default "float32").
        binarize: train on x ~ Bernoulli(pixels), drawn afresh every step (default True).
        seed: seed of the training binarization (default 0).

    `network` maps an image to the logits of every pixel given the pixels before it. Tracker
    ``loss``: -log p(x) in nats per image. The Generator "codes" are the sampler's uniform
    noise: `sample_codes(n, seed)` is U[0, 1) (n, H*W*C) and `decode(u)` sets pixel k to
    u_k < p(x_k = 1 | x_<k), so generate(n, seed) == decode(sample_codes(n, seed)).

    Example:
        p = zoo.load("pixelcnn-mnist")
        x = p.generate(16, seed=0)               # (16, 28, 28, 1), 0 or 1
        p.log_likelihood(x)                      # exact log p(x), nats per image
    """

    CAPABILITIES = (cap.Generator, cap.Likelihood, cap.Inpainter)
    binary_data = True  # log_likelihood and inpaint take 0 / 1 pixels
    TRACKERS = ("loss",)

    def __init__(self, input_shape=(28, 28, 1), filters=64, num_layers=7, kernel_size=3, first_kernel=7,
                 head_units=64, precision="float32", binarize=True, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.image_shape = self.data_shape = check_shape(input_shape, "input_shape", rank=3)
        self.filters, self.num_layers = check_width(filters, "filters"), check_int(num_layers, "num_layers", 1, 64)
        self.kernel_size, self.first_kernel = _odd(kernel_size, "kernel_size", 1), _odd(first_kernel, "first_kernel", 3)
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}.")
        self.binarize, self.precision = bool(binarize), precision
        self.network = build_pixelcnn(self.image_shape, self.filters, self.num_layers, self.kernel_size,
                                      self.first_kernel, check_width(head_units, "head_units"), precision)
        self.noise = keras.random.SeedGenerator(int(seed))
        self.built = True

    @property
    def receptive_field(self):
        """Rows above (and columns to the left) a pixel's logit can see: the vertical and the
        horizontal stack grow by kernel // 2 per block."""
        return self.first_kernel // 2 + (self.num_layers - 1) * (self.kernel_size // 2)

    def _parts(self):
        """(gated blocks, head layers) of `network`, for the row-by-row sampler."""
        net = self.network
        return ([net.get_layer(f"gated_{i}") for i in range(self.num_layers)],
                [net.get_layer(n) for n in ("head_relu", "head", "logits")])

    # --- training -------------------------------------------------------------------
    def nll(self, x, training=False):
        """-log p(x) in nats per binary image (batch,): the sum over pixels of the cross-entropy
        of the logits."""
        logits = ops.cast(self.network(x, training=training), "float32")
        per_pixel = ops.binary_crossentropy(x, logits, from_logits=True)
        return ops.sum(ops.reshape(per_pixel, (ops.shape(x)[0], -1)), axis=-1)

    def compute_losses(self, x, training=False):
        if self.binarize:
            # + 0 * x keeps a NaN pixel NaN (u < NaN is False), so fit stops at bad data.
            x = ops.cast(keras.random.uniform(ops.shape(x), seed=self.noise) < x, "float32") + 0.0 * x
        return {"loss": ops.mean(self.nll(x, training=training))}

    # --- likelihood -----------------------------------------------------------------
    def _check_binary(self, x, name, where=None):
        values = x if where is None else x[where]
        if not np.array_equal(values, np.round(values)):
            raise ValueError(f"{name} must be binary (0 or 1){' where mask == 1' if where is not None else ''}: "
                             f"{type(self).__name__} models Bernoulli pixels. Binarize first, e.g. "
                             "(np.random.default_rng(0).uniform(size=x.shape) < x).astype('float32').")

    def likelihood_protocol(self):
        """How `log_likelihood` computes log p(x), in words (for metric protocols)."""
        return (f"exact: the sum over the {int(np.prod(self.data_shape)):,} pixels of log p(x_i | x_<i) in raster "
                "order, one forward pass")

    def log_likelihood(self, x, batch_size=500):
        """Exact log p(x) in nats per binary image, float64 (n,): minus the sum over pixels of the
        cross-entropy of the logits. Non-binary images raise ValueError.

        Example:
            nll = -p.log_likelihood(binary_test_images).mean()
        """
        import tensorflow as tf

        x = self.check_data(x, "x")
        self._check_binary(x, "x")
        if getattr(self, "_logits_fn", None) is None:
            self._logits_fn = tf.function(lambda t: self.network(t, training=False), reduce_retracing=True)
        logits = self.batched(self._logits_fn, x, batch_size).astype(np.float64).reshape(len(x), -1)
        flat = x.reshape(len(x), -1).astype(np.float64)
        # log sigmoid(l) = -softplus(-l), log(1 - sigmoid(l)) = -softplus(l), softplus(t) = logaddexp(0, t)
        return -(flat * np.logaddexp(0.0, -logits) + (1.0 - flat) * np.logaddexp(0.0, logits)).sum(1)

    # --- sampling -------------------------------------------------------------------
    def _sample_row(self, canvas, u, mask, i):
        """`canvas` with row i drawn pixel by pixel where mask == 0 (pixel = u < p(x = 1 | before)).

        The vertical stack runs once, on the `receptive_field` rows above row i (a window, exact
        because no logit of row i sees further up); the horizontal stack runs per pixel on
        row i alone, cut to the columns the pixel's logit can see.
        """
        import tensorflow as tf

        h_, w_, _ = self.data_shape
        blocks, head = self._parts()
        reach = self.receptive_field
        win = min(h_, reach + 1)
        top = tf.clip_by_value(i - reach, 0, h_ - win)
        v, links = canvas[:, top: top + win], []
        for block in blocks:
            v, link = block.vertical(v)
            links.append(link[:, i - top: i - top + 1])
        cols = [canvas[:, i: i + 1, j: j + 1] for j in range(w_)]
        u_row, m_row = u[:, i: i + 1], mask[:, i: i + 1]
        for j in range(w_):
            left = max(0, j - reach)
            h = tf.concat(cols[left: j + 1], axis=2)
            for block, link in zip(blocks, links):
                h = block.horizontal(h, link[:, :, left: j + 1])
            logit = h[:, :, -1:]
            for layer in head:
                logit = layer(logit)
            drawn = tf.cast(u_row[:, :, j: j + 1] < tf.sigmoid(logit), canvas.dtype)
            cols[j] = tf.where(m_row[:, :, j: j + 1] > 0.5, cols[j], drawn)
        at_i = tf.reshape(tf.one_hot(i, h_, dtype=canvas.dtype), (1, h_, 1, 1))
        return canvas * (1.0 - at_i) + at_i * tf.concat(cols, axis=2)

    def _sample(self, canvas, u, mask, batch_size):
        """Draw every pixel with mask == 0, row by row; rows a batch knows entirely are skipped."""
        import tensorflow as tf

        if getattr(self, "_row_fn", None) is None:
            spec = tf.TensorSpec((None, *self.data_shape), tf.float32)
            self._row_fn = tf.function(self._sample_row, autograph=False,
                                       input_signature=[spec, spec, spec, tf.TensorSpec((), tf.int32)])
        batch_size, out = check_int(batch_size, "batch_size", 1), []
        for s in range(0, len(canvas), batch_size):
            c, b_u, b_m = (tf.constant(t[s: s + batch_size]) for t in (canvas, u, mask))
            for i in np.flatnonzero((mask[s: s + batch_size] < 0.5).any(axis=(0, 2, 3))):
                c = self._row_fn(c, b_u, b_m, tf.constant(int(i), tf.int32))
            out.append(c.numpy())
        return np.concatenate(out).astype(np.float32)

    def sample_codes(self, n, seed=None):
        """The sampler's noise: U[0, 1) float32 (n, H*W*C) from numpy default_rng(seed); same seed,
        same codes, and the first k codes of a seed do not depend on n."""
        n, seed = self.check_count(n), check_seed(seed)
        return np.random.default_rng(seed).uniform(size=(n, int(np.prod(self.data_shape)))).astype(np.float32)

    def decode(self, codes, batch_size=256):
        """Binary images (n, H, W, C) float32 drawn in raster order with pixel k = (u_k < p(x_k = 1 |
        x_<k)), u = `codes` (n, H*W*C) in [0, 1]."""
        u = self.check_codes(codes, int(np.prod(self.data_shape)))
        if u.min() < 0.0 or u.max() > 1.0:
            raise ValueError(f"codes must be uniform noise in [0, 1], got values in [{u.min():.3g}, {u.max():.3g}].")
        u = u.reshape(-1, *self.data_shape)
        zeros = np.zeros_like(u)
        return self._sample(zeros, u, zeros, batch_size)

    def generate(self, n, seed=None, batch_size=256):
        """n binary samples (n, H, W, C) float32, drawn pixel by pixel.

        Example:
            x = zoo.load("pixelcnn-mnist").generate(16, seed=0)
        """
        return self.decode(self.sample_codes(n, seed), batch_size)

    def inpaint(self, x, mask, seed=None, batch_size=256):
        """x with the pixels where mask == 0 drawn from the model, the others kept exactly.

        The unknown pixels are drawn in raster order, each from p(x_ij | every pixel before it):
        known pixels above and to the left, and the unknown ones drawn so far. A causal model
        cannot condition on known pixels below or to the right of an unknown pixel: those are
        not used (hide the lower half, and every known pixel is used; hide the upper half, and
        its completion cannot see the lower half at all). Same seed, same result;
        with every pixel unknown, inpaint(x, 0, seed) == generate(n, seed).

        Args:
            x: images (n, H, W, C) (or (n, H, W) for C = 1), binary where mask == 1.
            mask: 1 where x is known, 0 where it is to be drawn; shape of x, or one (H, W, C) /
                (H, W) mask for every image.
            seed: seed of the sampler's noise (default None).
            batch_size: images sampled together (default 256).

        Example:
            mask = np.ones((28, 28)); mask[14:] = 0
            completions = p.inpaint(np.repeat(digit[None], 8, 0), mask, seed=0)
        """
        x = self.check_data(x, "x")
        mask = check_mask(mask, x, self.data_shape)
        self._check_binary(x, "x", mask > 0.5)
        u = self.sample_codes(len(x), seed).reshape(x.shape)
        return self._sample(x * mask, u, mask, batch_size)
