"""The unrolled critic of the Unrolled GAN (Metz, Poole, Pfau, Sohl-Dickstein 2017,
Unrolled Generative Adversarial Networks, arXiv:1611.02163).

The generator's loss is taken against the discriminator's weights after k differentiable
updates, so G's gradient sees how D would answer its move. The updates are those of D's
own optimizer, as in the paper's reference code (which unrolls Keras' Adam): Adam continues
from its current moments, step count and rate; plain SGD uses its rate. This reads Adam's
slots (`_momentums`, `_velocities`), which Keras keeps private: the one place the zoo does.
"""

import keras
from keras import ops

from zoo import distribute
from zoo import losses as L


def unrolled_critic(gan, real, codes):
    """D's weights after `gan.unrolled_steps` differentiable updates.

    Called inside the generator's tape, so the generator's gradient flows through every
    unrolled step (second-order terms included). In the generator's gradient, Adam's
    second-moment normaliser is held constant (its square root has no derivative where a
    moment is 0). D's variables are not changed here; returns (theta, frozen, first) with
    `first` = (gradients, loss, Wasserstein estimate) of the first step, on `real` and
    G(`codes`), for D's own update. Under a strategy with several replicas the unrolled steps
    use the gradient of the global batch (summed across replicas, differentiably), so every
    replica unrolls the same D.
    """
    import tensorflow as tf

    d_loss_fn = L.gan_losses(gan.loss_variant)[0]
    d = gan.discriminator
    theta = [tf.identity(v.value) for v in d.trainable_variables]
    frozen = [tf.identity(v.value) for v in d.non_trainable_variables]
    step = update_rule(gan.d_optimizer, d.trainable_variables, gan.unroll_lr)
    first = None
    for i in range(gan.unrolled_steps):
        fake = gan.generator(codes if i == 0 else gan._codes(ops.shape(real)[0]), training=True)
        with tf.GradientTape() as inner:
            inner.watch(theta)
            real_s, _ = d.stateless_call(theta, frozen, real, training=True)
            fake_s, _ = d.stateless_call(theta, frozen, fake, training=True)
            loss = d_loss_fn(real_s, fake_s)
            share = distribute.scale_loss(loss)  # this replica's share of the global batch's loss
        grads = inner.gradient(share, theta)
        if first is None:  # D's optimizer sums the replicas' shares itself
            first = ([tf.stop_gradient(g) for g in grads], tf.stop_gradient(loss),
                     tf.stop_gradient(L.wasserstein_estimate(real_s, fake_s)))
        theta = step(theta, distribute.all_sum(grads), i)  # every replica unrolls the global step
    return theta, frozen, first


def update_rule(opt, variables, unroll_lr=None):
    """The differentiable update `step(theta, grads, i)` that follows optimizer `opt`
    (or plain gradient steps of size `unroll_lr` when it is a float)."""
    import tensorflow as tf

    if unroll_lr is not None:
        return lambda theta, grads, i: [t - unroll_lr * g for t, g in zip(theta, grads)]
    if isinstance(opt, keras.optimizers.Adam) and not opt.amsgrad:
        b1, b2, eps = float(opt.beta_1), float(opt.beta_2), float(opt.epsilon)
        idx = [opt._get_variable_index(v) for v in variables]
        moments = {"m": [tf.identity(opt._momentums[j].value) for j in idx],
                   "v": [tf.identity(opt._velocities[j].value) for j in idx]}
        t0 = ops.cast(opt.iterations, "float32")
        lr = ops.cast(opt.learning_rate, "float32")

        def adam(theta, grads, i):
            t = t0 + float(i + 1)
            alpha = lr * ops.sqrt(1.0 - b2**t) / (1.0 - b1**t)
            moments["m"] = [m + (g - m) * (1.0 - b1) for m, g in zip(moments["m"], grads)]
            moments["v"] = [v + (tf.stop_gradient(g) ** 2 - v) * (1.0 - b2)
                            for v, g in zip(moments["v"], grads)]
            return [t_ - alpha * m / (ops.sqrt(v) + eps)
                    for t_, m, v in zip(theta, moments["m"], moments["v"])]

        return adam
    if type(opt) is keras.optimizers.SGD and not opt.momentum:
        lr = ops.cast(opt.learning_rate, "float32")
        return lambda theta, grads, i: [t - lr * g for t, g in zip(theta, grads)]
    raise ValueError(
        f"unroll_lr=None unrolls the discriminator's own optimizer, which must be Adam (without "
        f"amsgrad) or plain SGD; got {type(opt).__name__}. Pass a float unroll_lr for plain "
        f"gradient steps instead.")

