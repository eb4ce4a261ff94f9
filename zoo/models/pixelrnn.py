"""PixelRNN with Row LSTM layers (van den Oord, Kalchbrenner, Kavukcuoglu 2016, Pixel Recurrent
Neural Networks, arXiv:1601.06759, section 3.1) on binary images.

The same model of p(x) as the PixelCNN (`zoo.models.pixelcnn`): prod_i p(x_i | x_<i) over the
pixels in raster order, one Bernoulli each, exact log p(x) in one forward pass. The network
differs: a mask "A" k x k convolution of the image (the paper's 7x7 first layer), then Row LSTM
layers (`zoo.layers.RowLSTM`, mask "B") that run down the rows, each with a residual
connection (the LSTM's h channels taken back to 2h by a 1x1 convolution and added to its input,
as in the paper), then ReLU -> 1x1 -> 1x1 to the logits. The first layer's mask
"A" is what keeps logit (i, j) off x(i, j); the Row LSTMs' mask "B" then sees the same position
of features that never saw it. A Row LSTM's receptive field is a triangle above the pixel, so
far-right pixels of the rows just above are not seen (a blind spot the Diagonal BiLSTM and the
Gated PixelCNN do not have).

Sampling reuses the PixelCNN's loop over rows with its own row step: the hidden and cell states
of row i - 1 depend only on rows < i, so they are computed once per row, and each pixel of row i
re-runs row i's cell step alone.
"""

import keras
from keras import layers

from zoo import capabilities as cap
from zoo.layers import MaskedConv2D, RowLSTM
from zoo.models.base import ZooModel, check_int, check_shape, check_width
from zoo.models.pixelcnn import PixelCNN, _odd


# ----------------------------------------------------------------------------- builder
def build_pixelrnn(input_shape=(28, 28, 1), hidden=16, num_layers=2, kernel_size=3, first_kernel=7,
                   head_units=64):
    """Image (H, W, C) -> logits (H, W, C) of p(x_ij | pixels before (i, j)).

    A mask "A" `first_kernel` x `first_kernel` convolution to 2 * hidden features, `num_layers`
    Row LSTM layers of `hidden` units (input-to-state mask "B", kernel `kernel_size`), each
    followed by a 1x1 convolution back to 2 * hidden added to its input, then ReLU -> 1x1 conv
    (head_units, ReLU) -> 1x1 conv to C logits.
    """
    x_in = keras.Input(tuple(input_shape), name="image")
    x = MaskedConv2D(2 * hidden, first_kernel, "A", "raster", name="input_conv")(x_in)
    for i in range(num_layers):
        h = RowLSTM(hidden, kernel_size, "B", name=f"row_lstm_{i}")(x)
        x = layers.Add(name=f"residual_{i}")([x, layers.Conv2D(2 * hidden, 1, name=f"up_{i}")(h)])
    y = layers.Activation("relu", name="head_relu")(x)
    y = layers.Conv2D(head_units, 1, activation="relu", name="head")(y)
    return keras.Model(x_in, layers.Conv2D(input_shape[-1], 1, name="logits")(y), name="pixelrnn")


# ----------------------------------------------------------------------------- model
class PixelRNN(PixelCNN):
    """PixelRNN (Row LSTM) of binary images (Bernoulli pixels), trained on exact -log p(x).

    Args:
        input_shape: (H, W, C) of one image (default [28, 28, 1]).
        hidden: units h of each Row LSTM; the residual stream has 2h channels (default 16).
        num_layers: Row LSTM layers (default 2).
        kernel_size: odd k of the Row LSTMs' 1 x k input-to-state and state-to-state
            convolutions (default 3).
        first_kernel: odd kernel (>= 3) of the mask "A" convolution on the image (default 7).
        head_units: channels of the 1x1 output layer (default 64).
        binarize: train on x ~ Bernoulli(pixels), drawn afresh every step (default True).
        seed: seed of the training binarization (default 0).

    Everything but the network is the PixelCNN's: `log_likelihood` (exact), `generate`,
    `decode(sample_codes(n, seed))`, `inpaint` (causal: known pixels after an unknown one are
    not used), the ``loss`` tracker in nats per image.

    Example:
        p = zoo.load("pixelrnn-mnist")
        x = p.generate(16, seed=0)               # (16, 28, 28, 1), 0 or 1
        p.log_likelihood(x)                      # exact log p(x), nats per image
    """

    CAPABILITIES = (cap.Generator, cap.Likelihood, cap.Inpainter)

    def __init__(self, input_shape=(28, 28, 1), hidden=16, num_layers=2, kernel_size=3, first_kernel=7,
                 head_units=64, binarize=True, seed=0, **kwargs):
        ZooModel.__init__(self, **kwargs)  # not PixelCNN's: it would build the gated network
        self.image_shape = self.data_shape = check_shape(input_shape, "input_shape", rank=3)
        self.hidden, self.num_layers = check_width(hidden, "hidden"), check_int(num_layers, "num_layers", 1, 64)
        self.kernel_size, self.first_kernel = _odd(kernel_size, "kernel_size", 1), _odd(first_kernel, "first_kernel", 3)
        self.binarize = bool(binarize)
        self.network = build_pixelrnn(self.image_shape, self.hidden, self.num_layers, self.kernel_size,
                                      self.first_kernel, check_width(head_units, "head_units"))
        self.noise = keras.random.SeedGenerator(int(seed))
        self.built = True

    @property
    def receptive_field(self):
        """Pixels to the left of a pixel that its logit sees in its own row: first_kernel // 2 from
        the first layer plus kernel_size // 2 per Row LSTM. Above, it sees every row, within a
        triangle: first_kernel // 2 columns to the right on the row above, kernel_size // 2 more
        per row further up (the blind spot is to the right of that)."""
        return self.first_kernel // 2 + self.num_layers * (self.kernel_size // 2)

    def _parts(self):
        """(first conv, [(Row LSTM, 1x1 up)] per layer, head layers) of `network`."""
        net = self.network
        return (net.get_layer("input_conv"),
                [(net.get_layer(f"row_lstm_{i}"), net.get_layer(f"up_{i}")) for i in range(self.num_layers)],
                [net.get_layer(n) for n in ("head_relu", "head", "logits")])

    def _row(self, x, states, above):
        """One row through every Row LSTM: x (B, 1, W, 2h) the first conv's row, `states` the
        (h, c) of each layer on the row above and `above` their K_ss * h; -> (top features, states)."""
        _, lstms, _ = self._parts()
        out = []
        for (lstm, up), (_, c), ss in zip(lstms, states, above):
            h, c = lstm.cell(lstm.input_to_state(x) + ss, c)
            x = x + up(h)
            out.append((h, c))
        return x, out

    # --- sampling -------------------------------------------------------------------
    def _sample_row(self, canvas, u, mask, i):
        """`canvas` with row i drawn pixel by pixel where mask == 0 (pixel = u < p(x = 1 | before)).

        The Row LSTMs' states of row i - 1 are final once rows < i are: they are computed by
        running the rows 0 .. i - 1 (a while loop). Each pixel of row i then re-runs the first
        conv on the rows in its reach and every layer's cell step on row i alone (K_ss * h of
        the row above computed once), which is what `network` computes for that row.
        """
        import tensorflow as tf

        h_, w_, _ = self.data_shape
        first, lstms, head = self._parts()
        feats = first(canvas)  # rows < i are final, so their features are
        zeros = tf.zeros_like(feats[:, :1, :, : self.hidden])
        states = [(zeros, zeros) for _ in lstms]

        def step(r, *flat):
            prev = [(flat[2 * k], flat[2 * k + 1]) for k in range(len(lstms))]
            ss = [lstm.state_to_state(h) for (lstm, _), (h, _) in zip(lstms, prev)]
            _, new = self._row(tf.gather(feats, [r], axis=1), prev, ss)
            return (r + 1, *[t for hc in new for t in hc])

        flat = tf.while_loop(lambda r, *_: r < i, step, (tf.constant(0), *[t for hc in states for t in hc]))[1:]
        states = [(flat[2 * k], flat[2 * k + 1]) for k in range(len(lstms))]
        above = [lstm.state_to_state(h) for (lstm, _), (h, _) in zip(lstms, states)]
        # the first conv of row i sees rows i - c .. i: a window of c + 1 rows (zero padded at the top)
        c = self.first_kernel // 2
        win = min(h_, c + 1)
        top = tf.clip_by_value(i - c, 0, h_ - win)
        at = tf.reshape(tf.one_hot(i - top, win, dtype=canvas.dtype), (1, win, 1, 1))
        window, row = canvas[:, top: top + win], canvas[:, i: i + 1]
        u_row, known = u[:, i: i + 1], mask[:, i: i + 1] > 0.5
        for j in range(w_):
            x = tf.gather(first(window * (1.0 - at) + at * row), [i - top], axis=1)
            logit, _ = self._row(x, states, above)
            for layer in head:
                logit = layer(logit)
            drawn = tf.cast(u_row < tf.sigmoid(logit), canvas.dtype)
            col = tf.reshape(tf.range(w_) == j, (1, 1, w_, 1))
            row = tf.where(col & ~known, drawn, row)
        at_i = tf.reshape(tf.one_hot(i, h_, dtype=canvas.dtype), (1, h_, 1, 1))
        return canvas * (1.0 - at_i) + at_i * row
