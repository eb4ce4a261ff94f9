"""Losses against values computed by hand."""

import math

import numpy as np
import pytest

from zoo import losses as L


def sp(x):  # softplus, by hand
    return math.log1p(math.exp(x))


def test_minimax_discriminator_loss_at_zero_logits_is_2_log_2():
    assert float(L.minimax_discriminator_loss([0.0], [0.0])) == pytest.approx(2 * math.log(2), rel=1e-6)


def test_minimax_discriminator_loss_hand_value():
    # -mean(log D(real)) - mean(log(1 - D(fake))) with D = sigmoid
    expected = (sp(-2.0) + sp(1.0)) / 2 + sp(0.5)
    assert float(L.minimax_discriminator_loss([2.0, -1.0], [0.5])) == pytest.approx(expected, rel=1e-6)
    assert float(L.non_saturating_discriminator_loss([2.0, -1.0], [0.5])) == pytest.approx(expected, rel=1e-6)


def test_generator_losses_hand_values():
    # minimax: mean log(1 - sigmoid(l)) = -softplus(l); non-saturating: -log sigmoid(l) = softplus(-l)
    assert float(L.minimax_generator_loss([0.5, -1.0])) == pytest.approx(-(sp(0.5) + sp(-1.0)) / 2, rel=1e-6)
    assert float(L.non_saturating_generator_loss([0.5, -1.0])) == pytest.approx((sp(-0.5) + sp(1.0)) / 2, rel=1e-6)


def test_minimax_generator_loss_saturates_when_discriminator_wins():
    # the course's point: for very negative logits the minimax loss is flat, the NS loss is not
    import tensorflow as tf

    x = tf.constant([-10.0])
    with tf.GradientTape(persistent=True) as t:
        t.watch(x)
        mm, ns = L.minimax_generator_loss(x), L.non_saturating_generator_loss(x)
    assert abs(float(t.gradient(mm, x)[0])) < 1e-4
    assert abs(float(t.gradient(ns, x)[0])) > 0.99


def test_least_squares_hand_values():
    assert float(L.least_squares_discriminator_loss([1.0, 3.0], [0.0, 2.0])) == pytest.approx(2.0)
    assert float(L.least_squares_generator_loss([0.0, 2.0])) == pytest.approx(0.5)


def test_wasserstein_hand_values():
    assert float(L.wasserstein_discriminator_loss([1.0, 3.0], [0.0, 2.0])) == pytest.approx(-1.0)
    assert float(L.wasserstein_generator_loss([0.0, 2.0])) == pytest.approx(-1.0)
    assert float(L.wasserstein_estimate([1.0, 3.0], [0.0, 2.0])) == pytest.approx(1.0)


def test_gradient_penalty_linear_critic_has_constant_norm():
    w = np.array([[3.0], [4.0]], np.float32)  # ||grad|| = 5 everywhere -> (5 - 1)^2
    critic = lambda x, training=False: x @ w  # noqa: E731
    real = np.random.default_rng(0).normal(size=(16, 2)).astype(np.float32)
    assert float(L.gradient_penalty(critic, real, np.zeros_like(real), seed=0)) == pytest.approx(16.0, rel=1e-5)


def test_gradient_penalty_with_explicit_epsilon():
    # critic 0.5 ||x||^2 has gradient x_hat = eps * real + (1 - eps) * fake
    import tensorflow as tf

    critic = lambda x, training=False: 0.5 * tf.reduce_sum(x * x, axis=1, keepdims=True)  # noqa: E731
    real = np.array([[2.0, 0.0], [2.0, 0.0]], np.float32)
    fake = np.zeros_like(real)
    gp = L.gradient_penalty(critic, real, fake, epsilon=np.array([0.5, 1.0], np.float32))
    assert float(gp) == pytest.approx(((1.0 - 1) ** 2 + (2.0 - 1) ** 2) / 2, rel=1e-5)


def test_one_sided_penalty_counts_only_norms_above_one():
    # critic 0.5 ||x||^2: ||grad|| = ||x_hat||; eps 0.25, 0.5, 1 give norms 0.5, 1, 2 -> only 2 counts
    import tensorflow as tf

    critic = lambda x, training=False: 0.5 * tf.reduce_sum(x * x, axis=1, keepdims=True)  # noqa: E731
    real = np.tile([[2.0, 0.0]], (3, 1)).astype(np.float32)
    eps = np.array([0.25, 0.5, 1.0], np.float32)
    one = L.gradient_penalty(critic, real, np.zeros_like(real), epsilon=eps, one_sided=True)
    two = L.gradient_penalty(critic, real, np.zeros_like(real), epsilon=eps)
    assert float(one) == pytest.approx((2.0 - 1) ** 2 / 3, rel=1e-5)
    assert float(two) == pytest.approx(((0.5 - 1) ** 2 + 0 + (2.0 - 1) ** 2) / 3, rel=1e-5)


def test_gradient_penalty_draws_uniform_epsilon_per_example():
    import tensorflow as tf

    seen = []

    def critic(x, training=False):
        seen.append(np.array(x))
        return tf.reduce_sum(x, axis=1, keepdims=True)

    n = 4000
    real = np.tile([[1.0, 0.0]], (n, 1)).astype(np.float32)
    L.gradient_penalty(critic, real, np.zeros_like(real), seed=3)
    eps = seen[0][:, 0]  # x_hat = eps * (1, 0)
    assert eps.min() >= 0.0 and eps.max() <= 1.0
    assert len(np.unique(eps)) > n * 0.99  # one draw per example, not one per batch
    assert eps.mean() == pytest.approx(0.5, abs=0.03)
    assert eps.std() == pytest.approx(math.sqrt(1 / 12), abs=0.02)


def test_unknown_variant_is_rejected():
    with pytest.raises(ValueError, match="Unknown GAN loss"):
        L.gan_losses("hinge-ish")
