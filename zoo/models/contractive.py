"""Contractive autoencoder (Rifai, Vincent, Muller, Glorot, Bengio 2011, Contractive
Auto-Encoders: Explicit Invariance During Feature Extraction, ICML).

Loss = reconstruction + lambda * ||J_f(x)||_F^2, J_f = dc/dx the Jacobian of the code
with respect to the input, computed exactly: in closed form for a one-layer sigmoid
encoder, ||J||_F^2 = sum_j (h_j (1 - h_j))^2 sum_i W_ij^2 (the paper's case), else by
reverse-mode autodiff, one backward pass per code unit (`tf.GradientTape.batch_jacobian`).
The penalty makes the code insensitive to directions off the data manifold, while the
reconstruction term keeps it sensitive along the manifold. The code layer is a sigmoid by
default: with a linear code the penalty could be cut by shrinking the codes and growing
the decoder's weights instead.
"""

import numpy as np
import keras
from keras import ops

from zoo import losses as L
from zoo import capabilities as cap
from zoo.models.autoencoder import Autoencoder


class ContractiveAutoencoder(Autoencoder):
    """An `Autoencoder` whose loss adds lambda times the squared Frobenius norm of the
    encoder's Jacobian.

    Args: those of `Autoencoder` (code_activation defaults to "sigmoid"), and
        contraction: lambda, the weight of the penalty (default 0.1).

    Trackers: ``loss`` (the objective), ``reconstruction`` and ``contraction``
    (mean ||J||_F^2 per image, unweighted).

    Example:
        cae = zoo.load("cae-mnist")
        cae.jacobian_norms(x)                # ||dc/dx||_F^2 per image, numpy (n,)
        x_hat = cae.reconstruct(x)
    """

    CAPABILITIES = (*Autoencoder.CAPABILITIES, cap.Contractive)
    TRACKERS = ("loss", "reconstruction", "contraction")

    def __init__(self, *args, contraction=0.1, code_activation="sigmoid", **kwargs):
        super().__init__(*args, code_activation=code_activation, **kwargs)
        if not contraction >= 0:
            raise ValueError(f"contraction (lambda) must be >= 0, got {contraction!r}.")
        self.contraction = float(contraction)

    @property
    def closed_form(self):
        """True when the encoder is one sigmoid Dense layer (the penalty's closed form applies)."""
        return self.architecture == "dense" and not self.units and self.code_activation == "sigmoid"

    def codes_and_penalty(self, x, training=False, per_example=False):
        """(codes, ||dc/dx||_F^2) of a batch, exact; the penalty is a mean unless per_example."""
        import tensorflow as tf

        x = ops.convert_to_tensor(x, "float32")
        if self.closed_form:
            codes = self.encoder(x, training=training)
            kernel = self.encoder.get_layer("code").kernel
            return codes, L.sigmoid_jacobian_penalty(codes, kernel, per_example)
        with tf.GradientTape() as tape:
            tape.watch(x)
            codes = self.encoder(x, training=training)
        jac = tape.batch_jacobian(codes, x)  # (batch, code_dim, H, W, C)
        norms = ops.sum(ops.reshape(ops.square(jac), (ops.shape(x)[0], -1)), axis=1)
        return codes, norms if per_example else ops.mean(norms)

    def compute_losses(self, x, training=False):
        codes, penalty = self.codes_and_penalty(x, training)
        rec = self.reconstruction_loss(x, codes, training=training)
        return {"loss": rec + self.contraction * penalty, "reconstruction": rec, "contraction": penalty}

    def jacobian_norms(self, x, batch_size=250):
        """||dc/dx||_F^2 per image (n,) float64 numpy: the model's penalty before lambda."""
        import tensorflow as tf

        x = self.check_data(x)
        if not hasattr(self, "_norms_fn"):  # one graph: eager batch_jacobian would retrace per call
            self._norms_fn = tf.function(lambda b: self.codes_and_penalty(b, per_example=True)[1],
                                         reduce_retracing=True, autograph=False)
        out = [self._norms_fn(tf.constant(x[i: i + batch_size])).numpy() for i in range(0, len(x), batch_size)]
        return np.concatenate(out).astype(np.float64)

