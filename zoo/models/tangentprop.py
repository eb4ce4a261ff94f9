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

import numpy as np
import keras
from keras import layers

from zoo import capabilities as cap
from zoo import distribute
from zoo.models.base import ZooModel, check_shape
from zoo.models.classifier import ClassifierOutputs

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
class TangentPropClassifier(ClassifierOutputs, ZooModel):
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

    CAPABILITIES = (cap.Classifier,)
    TRACKERS = ("loss", "ce", "penalty")

    def __init__(self, input_shape=(28, 28, 1), num_classes=10, architecture="cnn", filters=16,
                 units=128, dropout=0.5, penalty_weight=10.0, scores="probabilities", seed=0, **kwargs):
        super().__init__(**kwargs)
        shape = check_shape(input_shape, "input_shape", rank=3)
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
        self.image_shape = self.data_shape = shape
        self.num_classes, self.architecture = int(num_classes), architecture
        self.penalty_weight, self.scores = float(penalty_weight), scores
        self.network = build_network(shape, self.num_classes, architecture, int(filters), int(units),
                                     float(dropout), int(seed))
        self.accuracy_tracker = keras.metrics.SparseCategoricalAccuracy(name="accuracy")
        self.built = True

    @property
    def metrics(self):
        return [*self.trackers, self.accuracy_tracker]

    # --- training -------------------------------------------------------------------
    def _tp_unpack(self, data):
        if not self.compiled:
            raise RuntimeError(f"Call compile() before fit() on {self.name}.")
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
        self.accuracy_tracker.update_state(y, logits)
        terms = {"loss": loss, "ce": ce} if penalty is None else {"loss": loss, "ce": ce, "penalty": penalty}
        return {**self.track(terms), "accuracy": self.accuracy_tracker.result()}

    def train_step(self, data):
        import tensorflow as tf

        x, tangents, y = self._tp_unpack(data)
        with tf.GradientTape() as tape:
            logits, loss, ce, penalty = self._tp_losses(x, tangents, y, training=True)
            share = distribute.scale_loss(loss)  # the optimizer sums the replicas' gradients
        grads = tape.gradient(share, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return self._tp_update(y, logits, loss, ce, penalty)

    def test_step(self, data):
        x, tangents, y = self._tp_unpack(data)
        return self._tp_update(y, *self._tp_losses(x, tangents, y, training=False))

    # --- inference: the classifier outputs of ClassifierOutputs, on this network ----------
    def call(self, images, training=False):
        if isinstance(images, (tuple, list)):  # (images, tangents): predict on the images
            images = images[0]
        return self.network(images, training=training)
