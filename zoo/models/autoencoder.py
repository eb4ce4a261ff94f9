"""Autoencoder family: an encoder to a small code and a decoder back (Hinton & Salakhutdinov
2006, Reducing the Dimensionality of Data with Neural Networks, Science 313).

x -> encoder -> code c (``code_dim``) -> decoder -> x_hat, trained to reconstruct x. The
decoder's output model is Bernoulli (sigmoid outputs, binary cross-entropy summed over
pixels) or Gaussian (linear outputs, squared error summed over pixels). Dense (MLP)
and convolutional architectures: strided convolutions down, transposed (fractionally
strided) convolutions up, so nothing depends on remembered max-pooling positions.
`DenoisingAutoencoder` and `ContractiveAutoencoder` subclass this model.
"""

import copy

import numpy as np
import keras
from keras import layers, ops

from zoo import losses as L
from zoo.models.common import safe_optimizer

RANGE_TOL = 1e-3  # inputs may overshoot [0, 1] by float noise, not by a different scaling
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


# ----------------------------------------------------------------------------- input checks
def check_shape_args(architecture, input_shape, code_dim, units, filters):
    """Validated (input_shape, units, filters) as tuples of ints; ValueError otherwise."""
    shape = tuple(int(s) for s in input_shape)
    if len(shape) != 3 or min(shape) < 1:
        raise ValueError(f"input_shape must be (H, W, C) of positive ints, got {input_shape!r}.")
    if int(code_dim) < 1:
        raise ValueError(f"code_dim must be a positive int, got {code_dim!r}.")
    units, filters = tuple(int(u) for u in units), tuple(int(f) for f in filters)
    if min(units + filters, default=1) < 1:
        raise ValueError(f"units and filters must be positive ints, got {units}, {filters}.")
    if architecture == "conv" and (not filters or shape[0] % 2 ** len(filters) or shape[1] % 2 ** len(filters)):
        raise ValueError(f"{len(filters)} strided convolutions need H and W divisible by "
                         f"{2 ** len(filters)}, got {shape}.")
    return shape, units, filters


def check_images(x, shape, name="images"):
    """float32 numpy (n, H, W, C) in [0, 1]; (n, H, W) is accepted for C = 1. Clear errors otherwise."""
    x = np.asarray(x)
    if x.ndim == len(shape) and shape[-1] == 1:
        x = x[..., None]
    if x.ndim != 4 or tuple(x.shape[1:]) != tuple(shape):
        raise ValueError(f"Expected {name} of shape (n, {', '.join(map(str, shape))}), got {x.shape}.")
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"Expected float {name} in [0, 1], got dtype {x.dtype}; scale uint8 pixels "
                         "with zoo.data.scale(x).")
    x = x.astype(np.float32, copy=False)
    if len(x) == 0:
        raise ValueError(f"Got an empty batch of {name}.")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"The {name} contain NaN or infinite values.")
    if x.min() < -RANGE_TOL or x.max() > 1 + RANGE_TOL:
        raise ValueError(f"Expected {name} in [0, 1], got values in [{x.min():.3g}, {x.max():.3g}].")
    return x


def check_codes(codes, code_dim):
    codes = np.asarray(codes, np.float32)
    if codes.ndim != 2 or codes.shape[1] != code_dim:
        raise ValueError(f"codes must have shape (n, {code_dim}), got {codes.shape}.")
    if not np.all(np.isfinite(codes)):
        raise ValueError("codes contain NaN or infinite values.")
    return codes


def check_batch(model, x, shape):
    """Symbolic check of a training batch (inside train_step): shape and float dtype."""
    if tuple(x.shape[1:]) != tuple(shape):
        raise ValueError(f"{model.name} trains on batches of shape (batch, {', '.join(map(str, shape))}), "
                         f"got {tuple(x.shape)}. zoo.data.load(...) yields the right layout.")
    if "float" not in keras.backend.standardize_dtype(x.dtype):
        raise ValueError(f"{model.name} expects float data (images scaled to [0, 1]), got dtype "
                         f"{keras.backend.standardize_dtype(x.dtype)}.")


def batched(fn, x, batch_size):
    """numpy concatenation of fn over slices of x (fn returns a tensor)."""
    return np.concatenate([ops.convert_to_numpy(fn(x[i: i + batch_size])) for i in range(0, len(x), batch_size)])


def line(a, b, steps):
    """`steps` codes evenly spaced from code a to code b, both included."""
    steps = int(steps)
    if steps < 2:
        raise ValueError(f"steps must be an int >= 2, got {steps!r}.")
    t = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
    return (1 - t) * a[None] + t * b[None]


# ----------------------------------------------------------------------------- model
@keras.saving.register_keras_serializable(package="zoo")
class Autoencoder(keras.Model):
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
        self.data_shape = self.image_shape  # the name the demo and the GANs use
        self.architecture, self.code_dim, self.output_type = architecture, int(code_dim), output
        self.code_activation, self.seed = code_activation, int(seed)
        if decoder_units is not None:
            decoder_units = check_shape_args("dense", self.image_shape, code_dim, decoder_units, ())[1]
        self.decoder_units = decoder_units
        self.encoder, self.decoder = build_networks(architecture, self.image_shape, self.code_dim, self.units,
                                                    self.filters, output, code_activation, decoder_units)
        self.noise = keras.random.SeedGenerator(self.seed)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.built = True

    # --- config -------------------------------------------------------------------
    def get_config(self):
        return {
            "name": self.name,
            "architecture": self.architecture,
            "input_shape": list(self.image_shape),
            "code_dim": self.code_dim,
            "units": list(self.units),
            "filters": list(self.filters),
            "output": self.output_type,
            "code_activation": self.code_activation,
            "decoder_units": None if self.decoder_units is None else list(self.decoder_units),
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def compile(self, optimizer=None, jit_compile=False, **kwargs):
        """Set the optimizer (default Adam(1e-3)); the loss is the family's own.
        `jit_compile=True` runs the train step under XLA."""
        self._ae_optimizer = optimizer or keras.optimizers.Adam(1e-3)
        super().compile(optimizer=self._ae_optimizer, jit_compile=jit_compile, **kwargs)
        # Build the optimizer state now so a checkpoint restores it before the first step.
        self.optimizer.build(self.trainable_variables)
        self._ae_compile = {"jit_compile": bool(jit_compile)}

    def get_compile_config(self):
        if getattr(self, "_ae_optimizer", None) is None:
            return {}
        return {"optimizer": keras.optimizers.serialize(self.optimizer), **self._ae_compile}

    def compile_from_config(self, config):
        config = {k: v for k, v in config.items() if k in ("optimizer", "jit_compile")}
        if "optimizer" in config:
            config["optimizer"] = safe_optimizer(copy.deepcopy(config["optimizer"]))
        self.compile(**config)

    @property
    def metrics(self):
        return [self.loss_tracker]

    # --- losses and training ----------------------------------------------------------
    def decoder_logits(self, codes, training=False):
        """Pre-sigmoid outputs of a Bernoulli decoder (its layers but the last sigmoid)."""
        x = codes
        for layer in self.decoder.layers[1:-1]:  # a chain: input, ..., sigmoid
            x = layer(x, training=training)
        return x

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

    def _unpack(self, data):
        if self.optimizer is None:
            raise RuntimeError(f"Call compile() before fit() on {self.name}.")
        x = data[0] if isinstance(data, (tuple, list)) else data
        check_batch(self, x, self.image_shape)
        return x

    def train_step(self, data):
        import tensorflow as tf

        x = self._unpack(data)
        variables = self.trainable_variables
        with tf.GradientTape() as tape:
            terms = self.compute_losses(x, training=True)
        self.optimizer.apply_gradients(zip(tape.gradient(terms["loss"], variables), variables))
        return self._track(terms)

    def test_step(self, data):
        return self._track(self.compute_losses(self._unpack(data), training=False))

    def _track(self, terms):
        for m in self.metrics:
            m.update_state(terms[m.name])
        return {m.name: m.result() for m in self.metrics}

    # --- hub ------------------------------------------------------------------------
    def save_pretrained(self, directory, metrics=None):
        """Write config.json + model.weights.h5 to `directory` (see `zoo.save_pretrained`)."""
        from zoo.hub import save_pretrained

        return save_pretrained(self, directory, metrics=metrics)

    def push_to_hub(self, repo_id, **kwargs):
        """Upload to the Hugging Face Hub (see `zoo.push_to_hub`)."""
        from zoo.hub import push_to_hub

        return push_to_hub(self, repo_id, **kwargs)

    # --- inference ------------------------------------------------------------------
    def call(self, images, training=False):
        return self.decoder(self.encoder(images, training=training), training=training)

    def encode(self, x, batch_size=1000):
        """Codes (n, code_dim) float32 of images (n, H, W, C) (or (n, H, W)) in [0, 1]."""
        x = check_images(x, self.image_shape)
        return batched(lambda b: self.encoder(b, training=False), x, batch_size).astype(np.float32)

    def decode(self, codes, batch_size=1000):
        """Images (n, H, W, C) float32 of codes (n, code_dim): in [0, 1] for a Bernoulli
        decoder (pixel means), unbounded (about [0, 1]) for a Gaussian one."""
        codes = check_codes(codes, self.code_dim)
        return batched(lambda c: self.decoder(c, training=False), codes, batch_size).astype(np.float32)

    def reconstruct(self, x, batch_size=1000):
        """decode(encode(x)) in one pass; same ranges as `decode`.

        Example:
            x_hat = zoo.load("ae-mnist").reconstruct(x)
        """
        x = check_images(x, self.image_shape)
        return batched(lambda b: self(b, training=False), x, batch_size).astype(np.float32)

    def reconstruction_errors(self, x, batch_size=1000):
        """Per image: {"mse": mean squared error per pixel, "bce": nats summed over pixels
        (Bernoulli only, from the logits, exact)} of reconstructing x, as float64 numpy."""
        x = check_images(x, self.image_shape)
        out = {"mse": [], "bce": []}
        for i in range(0, len(x), batch_size):
            b = x[i: i + batch_size]
            codes = self.encoder(b, training=False)
            out["mse"].append(np.mean((ops.convert_to_numpy(self.decoder(codes)) - b).reshape(len(b), -1) ** 2, 1))
            if self.output_type == "bernoulli":
                out["bce"].append(ops.convert_to_numpy(self.reconstruction_loss(b, codes, per_example=True)))
        return {k: np.concatenate(v).astype(np.float64) for k, v in out.items() if v}

    def interpolate(self, a, b, steps=8):
        """Decoded images along the straight line between the codes of images a and b
        ((H, W, C) or (1, H, W, C) each); (steps, H, W, C) float32, a's end first."""
        ends = self.encode(np.concatenate([np.asarray(a, np.float32).reshape((1, *self.image_shape)),
                                           np.asarray(b, np.float32).reshape((1, *self.image_shape))]))
        return self.decode(line(ends[0], ends[1], steps))


# ----------------------------------------------------------------------------- presets
PRESETS = {
    "ae-mnist": dict(architecture="dense", input_shape=[28, 28, 1], code_dim=32, units=[512, 256],
                     output="bernoulli"),
    "ae-gaussian-mnist": dict(architecture="dense", input_shape=[28, 28, 1], code_dim=32, units=[512, 256],
                              output="gaussian"),
    "convae-mnist": dict(architecture="conv", input_shape=[28, 28, 1], code_dim=32, filters=[16, 32],
                         output="bernoulli"),
    "tiny": dict(architecture="dense", input_shape=[8, 8, 1], code_dim=4, units=[8], output="bernoulli"),
    "tiny-gaussian": dict(architecture="dense", input_shape=[8, 8, 1], code_dim=4, units=[8], output="gaussian"),
    "tiny-conv": dict(architecture="conv", input_shape=[8, 8, 1], code_dim=4, filters=[4, 8], output="bernoulli"),
}
