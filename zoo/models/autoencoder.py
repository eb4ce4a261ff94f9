"""Autoencoder family: an encoder to a small code and a decoder back (Hinton & Salakhutdinov
2006, Reducing the Dimensionality of Data with Neural Networks, Science 313).

x -> encoder -> code c (``code_dim``) -> decoder -> x_hat, trained to reconstruct x. The
decoder's output model is Bernoulli (sigmoid outputs, binary cross-entropy summed over
pixels) or Gaussian (linear outputs, squared error summed over pixels). Dense (MLP)
and convolutional architectures: strided convolutions down, transposed (fractionally
strided) convolutions up, so nothing depends on remembered max-pooling positions.
`DenoisingAutoencoder` and `ContractiveAutoencoder` subclass this model.
"""

import numpy as np
import keras
from keras import layers, ops

from zoo import losses as L
from zoo import capabilities as cap
from zoo.models.base import ZooModel, check_int, check_shape, check_width

OUTPUTS = ("bernoulli", "gaussian")


# ----------------------------------------------------------------------------- builders
def _output_layers(x, output, name="output"):
    """Bernoulli: logits then a separate sigmoid layer (the loss uses the logits); Gaussian: as is."""
    if output == "bernoulli":
        return layers.Activation("sigmoid", name=name)(x)
    return layers.Activation("linear", name=name)(x)


def build_dense_encoder(input_shape=(28, 28, 1), code_dim=32, units=(512, 256), code_activation="linear"):
    """MLP encoder: flatten -> Dense(u, ReLU) for u in units -> Dense(code_dim, code_activation)."""
    x_in = keras.Input(tuple(input_shape), name="image")
    x = layers.Flatten()(x_in)
    for u in units:
        x = layers.Dense(u, activation="relu")(x)
    return keras.Model(x_in, layers.Dense(code_dim, activation=code_activation, name="code")(x), name="encoder")


def build_dense_decoder(code_dim=32, output_shape=(28, 28, 1), units=(256, 512), output="bernoulli"):
    """MLP decoder: Dense(u, ReLU) for u in units -> Dense(H*W*C) -> reshape -> sigmoid | linear."""
    c = keras.Input((code_dim,), name="code")
    x = c
    for u in units:
        x = layers.Dense(u, activation="relu")(x)
    x = layers.Dense(int(np.prod(output_shape)), name="logits")(x)
    x = layers.Reshape(tuple(output_shape))(x)
    return keras.Model(c, _output_layers(x, output), name="decoder")


def build_conv_encoder(input_shape=(28, 28, 1), code_dim=32, filters=(32, 64), code_activation="linear"):
    """Conv encoder: [Conv 3x3 stride 2 + ReLU] per entry of filters (halving the side)
    -> flatten -> Dense(code_dim, code_activation)."""
    x_in = keras.Input(tuple(input_shape), name="image")
    x = x_in
    for f in filters:
        x = layers.Conv2D(f, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.Flatten()(x)
    return keras.Model(x_in, layers.Dense(code_dim, activation=code_activation, name="code")(x), name="encoder")


def build_conv_decoder(code_dim=32, output_shape=(28, 28, 1), filters=(64, 32), output="bernoulli"):
    """Conv decoder: Dense -> reshape to (H/2^k, W/2^k, filters[0]) -> [ConvTranspose 4x4
    stride 2 + ReLU] per entry of filters (doubling the side) -> Conv 3x3 to C channels."""
    h, w, ch = output_shape
    k = len(filters)
    c = keras.Input((code_dim,), name="code")
    x = layers.Dense((h // 2**k) * (w // 2**k) * filters[0], activation="relu")(c)
    x = layers.Reshape((h // 2**k, w // 2**k, filters[0]))(x)
    for f in filters:
        # Kernel 4 with stride 2: every output pixel gets the same number of taps (no checkerboard).
        x = layers.Conv2DTranspose(f, 4, strides=2, padding="same", activation="relu")(x)
    x = layers.Conv2D(ch, 3, padding="same", name="logits")(x)
    return keras.Model(c, _output_layers(x, output), name="decoder")


def build_decoder(architecture, code_dim, output_shape, units, filters, output, decoder_units=None):
    """The decoder that mirrors the encoder's widths, or a dense one of `decoder_units` widths."""
    if decoder_units is not None:
        return build_dense_decoder(code_dim, output_shape, decoder_units, output)
    if architecture == "dense":
        return build_dense_decoder(code_dim, output_shape, units[::-1], output)
    return build_conv_decoder(code_dim, output_shape, filters[::-1], output)


def build_networks(architecture, input_shape, code_dim, units, filters, output, code_activation="linear",
                   decoder_units=None):
    """(encoder, decoder) of an architecture (see `build_decoder`)."""
    if architecture == "dense":
        encoder = build_dense_encoder(input_shape, code_dim, units, code_activation)
    elif architecture == "conv":
        encoder = build_conv_encoder(input_shape, code_dim, filters, code_activation)
    else:
        raise ValueError(f"Unknown architecture {architecture!r}; expected 'dense' or 'conv'.")
    return encoder, build_decoder(architecture, code_dim, input_shape, units, filters, output, decoder_units)


# ----------------------------------------------------------------------------- argument checks
def check_shape_args(architecture, input_shape, code_dim, units, filters):
    """Validated (input_shape, units, filters) as tuples of ints; ValueError naming the argument otherwise."""
    shape = check_shape(input_shape, "input_shape", rank=3)
    check_width(code_dim, "code_dim")
    units = tuple(check_width(u, "units") for u in units)
    filters = tuple(check_width(f, "filters") for f in filters)
    if architecture == "conv" and (not filters or shape[0] % 2 ** len(filters) or shape[1] % 2 ** len(filters)):
        raise ValueError(f"{len(filters)} strided convolutions need H and W divisible by "
                         f"{2 ** len(filters)}, got {shape}.")
    return shape, units, filters


def line(a, b, steps):
    """`steps` codes evenly spaced from code a to code b, both included."""
    steps = int(steps)
    if steps < 2:
        raise ValueError(f"steps must be an int >= 2, got {steps!r}.")
    t = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
    return (1 - t) * a[None] + t * b[None]


# ----------------------------------------------------------------------------- shared inference
class CodeModel:
    """encode / decode / reconstruct / interpolate of a model with an encoder to codes and a
    decoder back: shared by `Autoencoder` (and its subclasses) and `VAE`. The host is a
    `ZooModel` with ``encoder``, ``decoder``, ``code_dim``, ``image_shape``, ``output_type``
    and `code_of` (the code of a batch tensor)."""

    @property
    def data_shape(self):
        return self.image_shape

    def code_of(self, images, training=False):
        return self.encoder(images, training=training)

    def code_encoder(self):
        """keras Model image -> code (for `zoo.manifold`: the Jacobian of the code). A method
        built on each call, so Keras' saving never walks into it."""
        out = self.encoder.outputs[0]
        return keras.Model(self.encoder.inputs, out, name="code_encoder")

    def call(self, images, training=False):
        return self.decoder(self.code_of(images, training), training=training)

    def decoder_logits(self, codes, training=False):
        """Pre-sigmoid outputs of a Bernoulli decoder (its layers but the last sigmoid)."""
        x = codes
        for layer in self.decoder.layers[1:-1]:  # a chain: input, ..., sigmoid
            x = layer(x, training=training)
        return x

    def encode(self, x, batch_size=1000):
        """Codes (n, code_dim) float32 of images (n, H, W, C) (or (n, H, W)) in [0, 1] (a VAE's:
        its posterior means)."""
        x = self.check_data(x)
        return self.batched(lambda b: self.code_of(b), x, batch_size).astype(np.float32)

    def decode(self, codes, batch_size=1000):
        """Images (n, H, W, C) float32 of codes (n, code_dim): in [0, 1] for a Bernoulli
        decoder (pixel means), unbounded (about [0, 1]) for a Gaussian one."""
        codes = self.check_codes(codes, self.code_dim)
        self.check_count(len(codes), "len(codes)")
        return self.batched(lambda c: self.decoder(c, training=False), codes, batch_size).astype(np.float32)

    def reconstruct(self, x, batch_size=1000):
        """decode(encode(x)) in one pass; same ranges as `decode`.

        Example:
            x_hat = zoo.load("ae-mnist").reconstruct(x)
        """
        x = self.check_data(x)
        return self.batched(lambda b: self(b, training=False), x, batch_size).astype(np.float32)

    def reconstruction_errors(self, x, batch_size=1000):
        """Per image: {"mse": mean squared error per pixel, "bce": nats summed over pixels
        (Bernoulli only, from the logits, exact)} of reconstructing x, as float64 numpy."""
        x = self.check_data(x)
        out = {"mse": [], "bce": []}
        for i in range(0, len(x), batch_size):
            b = x[i: i + batch_size]
            codes = self.code_of(b)
            out["mse"].append(np.mean((ops.convert_to_numpy(self.decoder(codes)) - b).reshape(len(b), -1) ** 2, 1))
            if self.output_type == "bernoulli":
                out["bce"].append(ops.convert_to_numpy(
                    L.bernoulli_reconstruction_loss(b, self.decoder_logits(codes), per_example=True)))
        return {k: np.concatenate(v).astype(np.float64) for k, v in out.items() if v}

    def _end_code(self, end, name):
        end = np.asarray(end)
        if end.shape not in (tuple(self.image_shape), (1, *self.image_shape)):
            raise ValueError(f"{name} must be one image of shape {tuple(self.image_shape)} (or (1, ...)), "
                             f"got {end.shape}.")
        return self.encode(self.check_data(end.reshape((1, *self.image_shape)), name))[0]

    def interpolate(self, a, b, steps=8):
        """Decoded images along the straight line between the codes of a and b (images
        (H, W, C) or (1, H, W, C); for a model with a prior, ints are seeds of its codes);
        (steps, H, W, C) float32, a's end first."""
        steps = check_int(steps, "steps", 2, 1000)
        return self.decode(line(self._end_code(a, "a"), self._end_code(b, "b"), steps))


# ----------------------------------------------------------------------------- model
class Autoencoder(CodeModel, ZooModel):
    """Deterministic autoencoder trained to reconstruct its input.

    Args:
        architecture: "dense" (MLP) or "conv" (default "dense").
        input_shape: (H, W, C) of one image in [0, 1] (default [28, 28, 1]).
        code_dim: size of the code (default 32).
        units: hidden widths of the dense encoder; the decoder mirrors them (default [512, 256]).
        filters: channels of the conv encoder's strided convolutions (default [32, 64]).
        output: "bernoulli" (sigmoid, binary cross-entropy summed over pixels) or "gaussian"
            (linear, squared error summed over pixels) (default "bernoulli").
        code_activation: activation of the code layer, "linear" or "sigmoid" (default "linear").
        decoder_units: hidden widths of a dense decoder (for either architecture), or None for the
            mirror image of the encoder (default None).
        seed: seed of the training noise of subclasses (default 0).

    Example:
        ae = zoo.load("ae-mnist")
        codes = ae.encode(x)                 # x: float32 (n, 28, 28, 1) in [0, 1] -> (n, 32)
        x_hat = ae.reconstruct(x)            # (n, 28, 28, 1) in [0, 1]
    """

    CAPABILITIES = (cap.Encoder, cap.Interpolator)
    TRACKERS = ("loss",)

    def __init__(self, architecture="dense", input_shape=(28, 28, 1), code_dim=32, units=(512, 256),
                 filters=(32, 64), output="bernoulli", code_activation="linear", decoder_units=None, seed=0,
                 **kwargs):
        super().__init__(**kwargs)
        if output not in OUTPUTS:
            raise ValueError(f"Unknown output {output!r}; expected one of {OUTPUTS}.")
        if code_activation not in ("linear", "sigmoid"):
            raise ValueError(f"code_activation must be 'linear' or 'sigmoid', got {code_activation!r}.")
        self.image_shape, self.units, self.filters = check_shape_args(architecture, input_shape, code_dim,
                                                                      units, filters)
        self.architecture, self.code_dim, self.output_type = architecture, int(code_dim), output
        self.code_activation = code_activation
        if decoder_units is not None:
            decoder_units = check_shape_args("dense", self.image_shape, code_dim, decoder_units, ())[1]
        self.encoder, self.decoder = build_networks(architecture, self.image_shape, self.code_dim, self.units,
                                                    self.filters, output, code_activation, decoder_units)
        self.noise = keras.random.SeedGenerator(int(seed))
        self.built = True

    @property
    def data_range(self):
        return (0.0, 1.0)

    # --- losses and training ----------------------------------------------------------
    def reconstruction_loss(self, x, codes, per_example=False, training=False):
        """Nats per image (Bernoulli) or summed squared error (Gaussian) of decoding `codes` to x."""
        if self.output_type == "bernoulli":
            return L.bernoulli_reconstruction_loss(x, self.decoder_logits(codes, training), per_example)
        return L.squared_error_loss(x, self.decoder(codes, training=training), per_example)

    def corrupt_batch(self, x):
        """The encoder's input during training (identity here; noise in the denoising AE)."""
        return x

    def compute_losses(self, x, training=False):
        """{"loss": objective, ...}: the scalars the trackers follow."""
        codes = self.encoder(self.corrupt_batch(x) if training else x, training=training)
        return {"loss": self.reconstruction_loss(x, codes, training=training)}
