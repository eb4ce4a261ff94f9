"""Classifier family: a small CNN for 28x28 digits, the zoo's feature network.

VGG-style blocks of 3x3 convolutions (Simonyan & Zisserman 2015) with batch norm
(Ioffe & Szegedy 2015) and dropout (Srivastava et al. 2014). Trained on the MNIST
train split it is ``mnist-classifier``: its penultimate layer (``"features"``) gives
the features of FID / KID / precision-recall on digit data and its labels count
modes (``zoo.eval``), in the role Inception-v3 plays for natural images
(Heusel et al. 2017, GANs Trained by a Two Time-Scale Update Rule Converge to a
Local Nash Equilibrium).
"""

import numpy as np
import keras
from keras import layers, ops

from zoo import capabilities as cap
from zoo import distribute
from zoo.models.base import ZooModel, check_int, check_shape

FEATURES = "features"  # name of the penultimate layer


# ----------------------------------------------------------------------------- builders
def build_classifier(input_shape=(28, 28, 1), num_classes=10, filters=32, blocks=2,
                     convs_per_block=2, units=128, dropout=0.5, batch_norm=True, translate=0.0,
                     rotate=0.0, seed=0, flip=False):
    """CNN: [augment] -> blocks x ([conv3x3 (+BN), ReLU] x k, max-pool) -> Dense -> logits.

    Args:
        input_shape: (H, W, C) of one image (default (28, 28, 1)).
        num_classes: outputs (default 10).
        filters: channels of the first block, doubled per block (default 32).
        blocks: number of conv blocks, each halving the side (default 2).
        convs_per_block: 3x3 convolutions per block (default 2).
        units: width of the penultimate Dense + ReLU layer, named "features" (default 128).
        dropout: rate applied to the features during training (default 0.5).
        batch_norm: batch norm after every convolution (default True); built under a strategy
            with several replicas it uses the global batch's statistics.
        translate: random shifts of up to this fraction of the side during training,
            zero fill (default 0: off).
        rotate: random rotations of up to this fraction of a full turn during training
            (default 0: off). Both are identities at inference.
        seed: seed of the dropout mask and the augmentation (default 0).
        flip: random left-right mirroring during training, for data whose classes are mirror
            symmetric, such as clothes (default False).

    The output is logits (no softmax), for a numerically stable cross-entropy.
    """
    x_in = keras.Input(tuple(input_shape), name="image")
    x = x_in
    # Augmentation lives in the network so `fit` (and fine-tuning) get it for free.
    if flip:
        x = layers.RandomFlip("horizontal", seed=seed + 2)(x)
    if translate:
        x = layers.RandomTranslation(translate, translate, fill_mode="constant", seed=seed)(x)
    if rotate:
        x = layers.RandomRotation(rotate, fill_mode="constant", seed=seed + 1)(x)
    for b in range(blocks):
        for _ in range(convs_per_block):
            x = layers.Conv2D(filters * 2**b, 3, padding="same", use_bias=not batch_norm)(x)
            if batch_norm:
                x = layers.BatchNormalization(synchronized=distribute.sync_batch_norm())(x)
            x = layers.ReLU()(x)
        x = layers.MaxPooling2D(2)(x)
    x = layers.Flatten()(x)
    x = layers.Dense(units, activation="relu", name=FEATURES)(x)
    x = layers.Dropout(dropout, seed=seed)(x)
    out = layers.Dense(num_classes, name="logits")(x)
    return keras.Model(x_in, out, name="classifier")


# ----------------------------------------------------------------------------- shared inference
class ClassifierOutputs:
    """logits / predict_proba / predict_labels of a host `ZooModel` with a ``network`` that maps
    images (``data_shape``) to logits: shared by `Classifier` and `TangentPropClassifier`."""

    def _batched_checked(self, x, fn, batch_size):
        """fn over batches of checked images; fn returns one tensor or a tuple of them."""
        x = self.check_data(x)
        batch_size = check_int(batch_size, "batch_size", 1)
        outs = [fn(x[i: i + batch_size]) for i in range(0, len(x), batch_size)]
        if isinstance(outs[0], tuple):
            return tuple(np.concatenate([ops.convert_to_numpy(o[j]) for o in outs]) for j in range(len(outs[0])))
        return np.concatenate([ops.convert_to_numpy(o) for o in outs])

    def logits(self, x, batch_size=1000):
        """Logits (n, num_classes) as float32 numpy."""
        return self._batched_checked(x, lambda b: self.network(b, training=False), batch_size).astype(np.float32)

    def predict_proba(self, x, batch_size=1000):
        """Class probabilities (n, num_classes) as float32 numpy (rows sum to 1)."""
        return self._batched_checked(x, lambda b: ops.softmax(self.network(b, training=False)),
                                     batch_size).astype(np.float32)

    def predict_labels(self, x, batch_size=1000):
        """Most likely class (n,) as int64 numpy."""
        return self._batched_checked(x, lambda b: ops.argmax(self.network(b, training=False), -1),
                                     batch_size).astype(np.int64)


# ----------------------------------------------------------------------------- model
class Classifier(ClassifierOutputs, ZooModel):
    """An image classifier with a feature layer, trained with the standard Keras `fit`.

    Args: those of `build_classifier` (input_shape as a list in the config).

    `call` returns logits; `predict_proba`, `predict_labels` and `features` take float
    images (n, H, W, C) (or (n, H, W) when C = 1) in [0, 1] and return numpy.

    Example:
        clf = zoo.load("mnist-classifier")
        x, y = zoo.data.arrays("mnist", split="test")
        (clf.predict_labels(x) == y).mean()          # ~0.99
    """

    CAPABILITIES = (cap.Classifier, cap.Features)
    ADDED_OPTIONS = {"flip": False}

    def __init__(self, input_shape=(28, 28, 1), num_classes=10, filters=32, blocks=2,
                 convs_per_block=2, units=128, dropout=0.5, batch_norm=True, translate=0.0,
                 rotate=0.0, seed=0, flip=False, **kwargs):
        super().__init__(**kwargs)
        shape = check_shape(input_shape, "input_shape", rank=3)
        if shape[0] % 2**blocks or shape[1] % 2**blocks:
            raise ValueError(f"{blocks} pooling blocks need H and W divisible by {2**blocks}, got {shape}.")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout!r}.")
        if not (0.0 <= translate < 0.5 and 0.0 <= rotate <= 0.5):
            raise ValueError(f"translate must be in [0, 0.5) and rotate in [0, 0.5], "
                             f"got {translate!r}, {rotate!r}.")
        if int(num_classes) < 2:
            raise ValueError(f"num_classes must be >= 2, got {num_classes!r}.")
        self.image_shape = self.data_shape = shape
        self.num_classes = int(num_classes)
        self.network = build_classifier(shape, self.num_classes, int(filters), int(blocks), int(convs_per_block),
                                        int(units), float(dropout), bool(batch_norm), float(translate),
                                        float(rotate), int(seed), bool(flip))
        self.built = True

    def compile(self, optimizer=None, loss=None, metrics=None, jit_compile=False, **kwargs):
        """Standard Keras compile; defaults: Adam(1e-3), sparse categorical cross-entropy on
        the logits, accuracy. `jit_compile=True` runs the train step under XLA."""
        super().compile(optimizer=optimizer, jit_compile=jit_compile,
                        loss=loss or keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                        metrics=metrics if metrics is not None else ["accuracy"], **kwargs)

    # --- inference ------------------------------------------------------------------
    def call(self, images, training=False):
        return self.network(images, training=training)

    def _features_and_logits(self, x):
        feats = None
        for layer in self.network.layers[1:]:  # a chain; keep the feature layer's output
            x = layer(x, training=False)
            if layer.name == FEATURES:
                feats = x
        return feats, x

    def _features(self, x):
        for layer in self.network.layers[1:]:  # a chain: run it up to the feature layer
            x = layer(x, training=False)
            if layer.name == FEATURES:
                return x
        raise RuntimeError("The network has no feature layer.")  # pragma: no cover

    def features(self, x, batch_size=1000):
        """Penultimate activations (n, units) as float32 numpy (the FID / KID features).

        Example:
            f = zoo.load("mnist-classifier").features(images)   # (n, 128)
        """
        return self._batched_checked(x, self._features, batch_size).astype(np.float32)

    def features_and_labels(self, x, batch_size=1000):
        """(features (n, units) float32, labels (n,) int64) in one pass over the images."""
        f, logits = self._batched_checked(x, self._features_and_logits, batch_size)
        return f.astype(np.float32), logits.argmax(-1).astype(np.int64)
