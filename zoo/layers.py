"""Layers shared by several families."""

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
