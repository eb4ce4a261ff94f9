"""Loss functions of the zoo's families, as pure functions of tensors.

Discriminator outputs are *logits* for the minimax and non-saturating games
(D(x) = sigmoid(logit)), and raw scores for least squares and Wasserstein.
Each function returns a scalar: the mean over the batch.

>>> import numpy as np
>>> from zoo import losses
>>> float(losses.wasserstein_discriminator_loss(np.ones(4), np.zeros(4)))
-1.0
"""

from keras import ops
import keras

#: Loss variants of the GAN family, in the order the course introduces them.
GAN_LOSSES = ("minimax", "non-saturating", "least-squares", "wasserstein")


def _f(x):
    return ops.cast(ops.convert_to_tensor(x), "float32")


def minimax_discriminator_loss(real_logits, fake_logits):
    """-E[log D(x)] - E[log(1 - D(G(c)))]: the discriminator side of the minimax game."""
    real_logits, fake_logits = _f(real_logits), _f(fake_logits)
    # log D = -softplus(-l) and log(1 - D) = -softplus(l): stable for any logit.
    return ops.mean(ops.softplus(-real_logits)) + ops.mean(ops.softplus(fake_logits))


def minimax_generator_loss(fake_logits):
    """E[log(1 - D(G(c)))]: the saturating generator loss of the original minimax game.

    Its gradient vanishes when D confidently rejects the samples (early training).
    """
    return -ops.mean(ops.softplus(_f(fake_logits)))


def non_saturating_discriminator_loss(real_logits, fake_logits):
    """Same discriminator objective as the minimax game."""
    return minimax_discriminator_loss(real_logits, fake_logits)


def non_saturating_generator_loss(fake_logits):
    """-E[log D(G(c))]: the generator maximises log D instead of minimising log(1 - D)."""
    return ops.mean(ops.softplus(-_f(fake_logits)))


def least_squares_discriminator_loss(real_scores, fake_scores):
    """LSGAN (Mao et al. 2017), a=0, b=1: 1/2 E[(D(x) - 1)^2] + 1/2 E[D(G(c))^2]."""
    real_scores, fake_scores = _f(real_scores), _f(fake_scores)
    return 0.5 * ops.mean(ops.square(real_scores - 1.0)) + 0.5 * ops.mean(
        ops.square(fake_scores)
    )


def least_squares_generator_loss(fake_scores):
    """LSGAN generator loss, c=1: 1/2 E[(D(G(c)) - 1)^2]."""
    return 0.5 * ops.mean(ops.square(_f(fake_scores) - 1.0))


def wasserstein_discriminator_loss(real_scores, fake_scores):
    """Critic loss E[D(G(c))] - E[D(x)]; its negative estimates the Wasserstein-1 distance."""
    return ops.mean(_f(fake_scores)) - ops.mean(_f(real_scores))


def wasserstein_generator_loss(fake_scores):
    """-E[D(G(c))]."""
    return -ops.mean(_f(fake_scores))


def wasserstein_estimate(real_scores, fake_scores):
    """E[D(x)] - E[D(G(c))]: the critic's estimate of W1 (up to the Lipschitz constant)."""
    return -wasserstein_discriminator_loss(real_scores, fake_scores)


def gradient_penalty(critic, real, fake, seed=None, epsilon=None, one_sided=False):
    """WGAN-GP penalty E[(||grad_x D(x_hat)||_2 - 1)^2] (Gulrajani et al. 2017), or with
    `one_sided` E[max(0, ||grad_x D(x_hat)||_2 - 1)^2]: only gradients steeper than 1 are
    penalised, which is all the 1-Lipschitz constraint asks (Gulrajani et al.'s appendix;
    Petzka et al. 2018, WGAN-LP).

    x_hat = eps * real + (1 - eps) * fake, with eps ~ U[0, 1] drawn once per example.

    Args:
        critic: callable mapping a batch to scores of shape (batch, 1).
        real, fake: tensors of the same shape (batch, ...).
        seed: int or `keras.random.SeedGenerator` for eps (default None: unseeded).
        epsilon: optional explicit eps of shape (batch,), for tests.
        one_sided: penalise only norms above 1 (default False: the two-sided penalty).
    """
    import tensorflow as tf  # gradients of the critic need the backend's tape

    real, fake = _f(real), _f(fake)
    batch = ops.shape(real)[0]
    if epsilon is None:
        epsilon = keras.random.uniform((batch,), 0.0, 1.0, seed=seed)
    eps = ops.reshape(_f(epsilon), [-1] + [1] * (len(real.shape) - 1))
    x_hat = eps * real + (1.0 - eps) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=True)
    grads = tape.gradient(scores, x_hat)
    norms = ops.sqrt(ops.sum(ops.square(ops.reshape(grads, (batch, -1))), axis=1) + 1e-12)
    excess = ops.maximum(norms - 1.0, 0.0) if one_sided else norms - 1.0
    return ops.mean(ops.square(excess))


_PAIRS = {
    "minimax": (minimax_discriminator_loss, minimax_generator_loss),
    "non-saturating": (non_saturating_discriminator_loss, non_saturating_generator_loss),
    "least-squares": (least_squares_discriminator_loss, least_squares_generator_loss),
    "wasserstein": (wasserstein_discriminator_loss, wasserstein_generator_loss),
}


def gan_losses(variant):
    """Return (discriminator_loss, generator_loss) for a variant name in `GAN_LOSSES`."""
    if variant not in _PAIRS:
        raise ValueError(f"Unknown GAN loss {variant!r}; expected one of {list(GAN_LOSSES)}.")
    return _PAIRS[variant]


# ----------------------------------------------------------------------------- autoencoders
def _reduce(per_example, per_example_out):
    return per_example if per_example_out else ops.mean(per_example)


def _flat(x):
    x = _f(x)
    return ops.reshape(x, (ops.shape(x)[0], -1))


def bernoulli_reconstruction_loss(x, logits, per_example=False):
    """-log p(x | logits) = sum_i softplus(l_i) - x_i l_i over pixels, in nats per image.

    x in [0, 1] (binary for a likelihood; grey targets give the cross-entropy), `logits`
    the decoder's pre-sigmoid outputs. Mean over the batch, or (batch,) with `per_example`.
    """
    x, logits = _flat(x), _flat(logits)
    return _reduce(ops.sum(ops.softplus(logits) - x * logits, axis=1), per_example)


def squared_error_loss(x, x_hat, per_example=False):
    """sum_i (x_i - x_hat_i)^2 over pixels (the Gaussian decoder's loss up to scale and a
    constant); mean over the batch, or (batch,) with `per_example`."""
    return _reduce(ops.sum(ops.square(_flat(x) - _flat(x_hat)), axis=1), per_example)


def gaussian_kl(mean, log_var, per_example=False):
    """KL(N(mean, exp(log_var)) || N(0, I)) = 1/2 sum_j (exp(lv_j) + mu_j^2 - 1 - lv_j), in nats;
    mean over the batch, or (batch,) with `per_example`."""
    mean, log_var = _flat(mean), _flat(log_var)
    kl = 0.5 * ops.sum(ops.exp(log_var) + ops.square(mean) - 1.0 - log_var, axis=1)
    return _reduce(kl, per_example)


def sigmoid_jacobian_penalty(h, kernel, per_example=False):
    """||dh/dx||_F^2 of one sigmoid layer h = sigmoid(x W + b), in closed form (Rifai et al. 2011):
    sum_j (h_j (1 - h_j))^2 sum_i W_ij^2. `h` (batch, m), `kernel` W (n, m)."""
    h, kernel = _f(h), _f(kernel)
    penalty = ops.sum(ops.square(h * (1.0 - h)) * ops.sum(ops.square(kernel), axis=0), axis=1)
    return _reduce(penalty, per_example)
