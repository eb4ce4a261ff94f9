"""Tangent Prop classifier: invariance to given input directions as a regularizer.

Simard, Victorri, LeCun, Denker 1992 (Tangent Prop - A formalism for specifying selected
invariances in an adaptive network, NeurIPS 4) add to the classification loss the squared
directional derivatives of the network's class scores f along tangent vectors v of the
data manifold at each training input x:

    loss = cross-entropy + penalty_weight * mean_x sum_v ||J_f(x) v||^2,

so the classifier changes little when x moves along the manifold. Simard et al. used
hand-made tangents (shifts, rotations); the Manifold Tangent Classifier (Rifai, Dauphin,
Vincent, Bengio, Muller 2011, NeurIPS) uses the leading singular vectors of a contractive
autoencoder's Jacobian, which is what `zoo.manifold.tangent_vectors` gives. J_f(x) v is a
Jacobian-vector product, computed in forward mode (`tf.autodiff.ForwardAccumulator`) for
all k tangents of a batch in one pass, and differentiated again by the outer tape.
"""

import copy

import numpy as np
import keras
from keras import layers

from zoo.models.classifier import Classifier
from zoo.models.common import safe_optimizer

ARCHITECTURES = ("cnn", "mlp", "linear")
SCORES = ("probabilities", "logits")


# ----------------------------------------------------------------------------- builders
def build_network(input_shape=(28, 28, 1), num_classes=10, architecture="cnn", filters=16, units=128,
                  dropout=0.5, seed=0):
    """The classifier network; returns logits.

    Args:
        input_shape: (H, W, C) of one image (default (28, 28, 1)).
        num_classes: outputs (default 10).
        architecture: "cnn": 2 x (conv3x3 + ReLU, max-pool), filters doubled in the second;
            "mlp": 2 x Dense(units) + ReLU; "linear": logits = W x + b (default "cnn").
        filters: channels of the first convolution (default 16; "cnn" only).
        units: width of the hidden Dense layer(s), the last one named "features" (default 128).
        dropout: rate after each hidden Dense layer during training (default 0.5).
        seed: seed of the dropout masks (default 0).
    """
    x_in = keras.Input(tuple(input_shape), name="image")
    x = x_in
    if architecture == "cnn":
        # No batch norm: it couples the examples of a batch, and so their tangents.
        for b in range(2):
            x = layers.Conv2D(filters * 2**b, 3, padding="same", activation="relu")(x)
            x = layers.MaxPooling2D(2)(x)
    x = layers.Flatten()(x)
    hidden = {"cnn": 1, "mlp": 2, "linear": 0}[architecture]
    for i in range(hidden):
        x = layers.Dense(units, activation="relu", name="features" if i == hidden - 1 else None)(x)
        x = layers.Dropout(dropout, seed=seed + i)(x)
    out = layers.Dense(num_classes, name="logits")(x)
    return keras.Model(x_in, out, name="tangentprop_classifier")


def tangent_penalty(network, x, tangents, scores="probabilities", training=False):
    """mean over the batch of sum_v ||J_f(x) v||^2, f the class scores of `network`.

    Args:
        network: a keras Model images -> logits.
        x: images (n, H, W, C).
        tangents: (n, k, H, W, C), k tangent vectors per image.
        scores: "probabilities" (softmax of the logits, default) or "logits".
        training: run the network in training mode (dropout) (default False).

    Returns:
        A scalar tensor, differentiable with respect to the network's weights.

    Example:
        tangent_penalty(model.network, x, manifold.tangent_vectors(cae, x, 8)[0])
    """
    import tensorflow as tf

    if scores not in SCORES:
        raise ValueError(f"scores must be one of {SCORES}, got {scores!r}.")
    x = tf.convert_to_tensor(x, tf.float32)
    tangents = tf.convert_to_tensor(tangents, tf.float32)
    if tangents.shape.rank != x.shape.rank + 1 or tangents.shape[2:] != x.shape[1:]:
        raise ValueError(f"tangents must have shape (n, k, {', '.join(map(str, x.shape[1:]))}) for "
                         f"images of shape {tuple(x.shape)}, got {tuple(tangents.shape)}.")
    n, k = tf.shape(tangents)[0], tf.shape(tangents)[1]
    # Each image repeated once per tangent: one forward-mode pass gives all k JVPs.
    xr = tf.repeat(x, k, axis=0)
    vr = tf.reshape(tangents, tf.concat([[n * k], tf.shape(x)[1:]], 0))
    with tf.autodiff.ForwardAccumulator(xr, vr) as acc:
        out = network(xr, training=training)
        if scores == "probabilities":
            out = tf.nn.softmax(out, axis=-1)
    jvp = acc.jvp(out, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    return tf.reduce_sum(tf.square(jvp)) / tf.cast(n, jvp.dtype)


# ----------------------------------------------------------------------------- model
@keras.saving.register_keras_serializable(package="zoo")
class TangentPropClassifier(keras.Model):
    """A classifier trained with cross-entropy + Tangent Prop penalty.

    Args: those of `build_network` (input_shape as a list in the config), plus
        penalty_weight: weight of the tangent penalty (default 10, the value chosen on MNIST
            validation data by training/tangentprop.py; 0 is plain cross-entropy).
        scores: outputs whose directional derivatives are penalized, "probabilities"
            (softmax, default) or "logits".

    `fit` takes ((x, tangents), y): images (n, H, W, C) in [0, 1], tangents (n, k, H, W, C)
    (e.g. from `zoo.manifold.tangent_vectors`) and int labels; x alone trains with
    cross-entropy only. `logits`, `predict_proba` and `predict_labels` return numpy.

    Example:
        t, _ = zoo.manifold.tangent_vectors(zoo.load("cae-mnist"), x, k=8)
        clf = zoo.load("tangentprop-mnist", pretrained=False)
        clf.fit((x, t), y, batch_size=32, epochs=10); clf.predict_labels(x_test)
    """

    def __init__(self, input_shape=(28, 28, 1), num_classes=10, architecture="cnn", filters=16,
                 units=128, dropout=0.5, penalty_weight=10.0, scores="probabilities", seed=0, **kwargs):
        super().__init__(**kwargs)
        shape = tuple(int(s) for s in input_shape)
        if len(shape) != 3 or min(shape) < 1:
            raise ValueError(f"input_shape must be (H, W, C) of positive ints, got {input_shape!r}.")
        if architecture not in ARCHITECTURES:
            raise ValueError(f"architecture must be one of {ARCHITECTURES}, got {architecture!r}.")
        if architecture == "cnn" and (shape[0] % 4 or shape[1] % 4):
            raise ValueError(f"The cnn pools twice: H and W must be divisible by 4, got {shape}.")
        if scores not in SCORES:
            raise ValueError(f"scores must be one of {SCORES}, got {scores!r}.")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout!r}.")
        if not (np.isfinite(penalty_weight) and penalty_weight >= 0):
            raise ValueError(f"penalty_weight must be finite and >= 0, got {penalty_weight!r}.")
        if int(num_classes) < 2:
            raise ValueError(f"num_classes must be >= 2, got {num_classes!r}.")
        self.image_shape, self.num_classes, self.architecture = shape, int(num_classes), architecture
        self.filters, self.units, self.dropout = int(filters), int(units), float(dropout)
        self.penalty_weight, self.scores, self.seed = float(penalty_weight), scores, int(seed)
        self.network = build_network(shape, self.num_classes, architecture, self.filters, self.units,
                                     self.dropout, self.seed)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.ce_tracker = keras.metrics.Mean(name="ce")
        self.penalty_tracker = keras.metrics.Mean(name="penalty")
        self.accuracy_tracker = keras.metrics.SparseCategoricalAccuracy(name="accuracy")
        self.built = True

    # --- config -------------------------------------------------------------------
    def get_config(self):
        return {"name": self.name, "input_shape": list(self.image_shape), "num_classes": self.num_classes,
                "architecture": self.architecture, "filters": self.filters, "units": self.units,
                "dropout": self.dropout, "penalty_weight": self.penalty_weight, "scores": self.scores,
                "seed": self.seed}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def compile(self, optimizer=None, jit_compile=False, **kwargs):
        """Default optimizer: Adam(1e-3). The loss is fixed (cross-entropy + penalty)."""
        self._tp_optimizer = optimizer or keras.optimizers.Adam(1e-3)
        super().compile(optimizer=self._tp_optimizer, jit_compile=jit_compile, **kwargs)
        self.optimizer.build(self.trainable_variables)
        self._tp_compile = {"jit_compile": bool(jit_compile)}

    def get_compile_config(self):
        if getattr(self, "_tp_optimizer", None) is None:
            return {}
        return {"optimizer": keras.optimizers.serialize(self.optimizer), **self._tp_compile}

    def compile_from_config(self, config):
        config = {k: v for k, v in config.items() if k in ("optimizer", "jit_compile")}
        if "optimizer" in config:  # a copy: Keras deserializes nested schedules in place
            config["optimizer"] = safe_optimizer(copy.deepcopy(config["optimizer"]))
        self.compile(**config)

    # --- training -------------------------------------------------------------------
    @property
    def metrics(self):
        return [self.loss_tracker, self.ce_tracker, self.penalty_tracker, self.accuracy_tracker]

    def _tp_unpack(self, data):
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise ValueError("TangentPropClassifier trains on (inputs, labels) with inputs = images or "
                             "(images, tangents); sample weights are not supported.")
        inputs, y = data
        tangents = None
        if isinstance(inputs, (tuple, list)):
            if len(inputs) != 2:
                raise ValueError(f"Expected inputs (images, tangents), got {len(inputs)} arrays.")
            inputs, tangents = inputs
            if tangents.shape.rank != 5 or tuple(tangents.shape[2:]) != self.image_shape:
                raise ValueError(f"tangents must have shape (n, k, {', '.join(map(str, self.image_shape))}),"
                                 f" got {tuple(tangents.shape)}.")
        if tuple(inputs.shape[1:]) != self.image_shape:
            raise ValueError(f"Expected images of shape (n, {', '.join(map(str, self.image_shape))}), "
                             f"got {tuple(inputs.shape)}.")
        return inputs, tangents, y

    def _tp_losses(self, x, tangents, y, training):
        logits = self.network(x, training=training)
        ce = keras.ops.mean(keras.losses.sparse_categorical_crossentropy(y, logits, from_logits=True))
        penalty = None
        if tangents is not None:
            penalty = tangent_penalty(self.network, x, tangents, self.scores, training=training)
        loss = ce if penalty is None else ce + self.penalty_weight * penalty
        return logits, loss, ce, penalty

    def _tp_update(self, y, logits, loss, ce, penalty):
        self.loss_tracker.update_state(loss)
        self.ce_tracker.update_state(ce)
        self.accuracy_tracker.update_state(y, logits)
        if penalty is None:  # no tangents, no penalty value to report
            return {m.name: m.result() for m in self.metrics if m is not self.penalty_tracker}
        self.penalty_tracker.update_state(penalty)
        return {m.name: m.result() for m in self.metrics}

    def train_step(self, data):
        import tensorflow as tf

        x, tangents, y = self._tp_unpack(data)
        with tf.GradientTape() as tape:
            logits, loss, ce, penalty = self._tp_losses(x, tangents, y, training=True)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return self._tp_update(y, logits, loss, ce, penalty)

    def test_step(self, data):
        x, tangents, y = self._tp_unpack(data)
        return self._tp_update(y, *self._tp_losses(x, tangents, y, training=False))

    # --- hub ------------------------------------------------------------------------
    def save_pretrained(self, directory, metrics=None):
        """Write config.json + model.weights.h5 to `directory` (see `zoo.save_pretrained`)."""
        from zoo.hub import save_pretrained

        return save_pretrained(self, directory, metrics=metrics)

    def push_to_hub(self, repo_id, **kwargs):
        """Upload to the Hugging Face Hub (see `zoo.push_to_hub`)."""
        from zoo.hub import push_to_hub

        return push_to_hub(self, repo_id, **kwargs)

    # --- inference: the Classifier's checks and batching, on this network -------------
    def call(self, images, training=False):
        if isinstance(images, (tuple, list)):  # (images, tangents): predict on the images
            images = images[0]
        return self.network(images, training=training)

    _check_images = Classifier._check_images
    _batched = Classifier._batched
    logits = Classifier.logits
    predict_proba = Classifier.predict_proba
    predict_labels = Classifier.predict_labels


# ----------------------------------------------------------------------------- presets
PRESETS = {
    # penalty_weight: the best of 1, 10, 100 on the validation split (python -m training.tangentprop).
    "tangentprop-mnist": dict(input_shape=[28, 28, 1], num_classes=10, architecture="cnn", filters=16,
                              units=128, dropout=0.5, penalty_weight=10.0, scores="probabilities"),
    "tiny": dict(input_shape=[8, 8, 1], num_classes=10, architecture="cnn", filters=4, units=8,
                 dropout=0.5, penalty_weight=1.0),
}
