"""GAN family on tiny presets: training, K, clipping, config round trip, errors."""

import numpy as np
import pytest
import keras

import zoo
from zoo import registry
from zoo.models import unrolled
from zoo.models.gan import GAN

PRESETS = registry.TINY["GAN"]


def tiny(**kw):
    cfg = dict(PRESETS["tiny"])
    cfg.update(kw)
    g = GAN(**cfg)
    g.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3),
              jit_compile=kw.pop("jit", False) if "jit" in kw else False)
    return g


def batches(shape, n_batches=2, batch=8, seed=0):
    x = np.random.default_rng(seed).uniform(0, 1, (n_batches * batch, *shape)).astype(np.float32)
    import tensorflow as tf

    return tf.data.Dataset.from_tensor_slices(x).batch(batch, drop_remainder=True)


def snapshot(m):
    return [np.array(w) for w in m.trainable_weights]


def changed(before, after):
    return any(not np.allclose(a, b) for a, b in zip(before, after))


VARIANTS = [
    dict(loss="minimax"),
    dict(loss="non-saturating"),
    dict(loss="least-squares"),
    dict(loss="wasserstein", n_critic=2, clip_value=0.01),
    dict(loss="wasserstein", n_critic=2, gp_weight=10.0),
    dict(loss="non-saturating", minibatch_kernels=4, minibatch_dim=3),
    dict(loss="non-saturating", unrolled_steps=3),
    dict(loss="non-saturating", pack=2),
    dict(loss="wasserstein", n_critic=2, gp_weight=10.0, pack=4),
    dict(loss="non-saturating", g_top_k=0.5, g_top_k_decay=0.01),  # k shrinks within the run: a dynamic top-k
]


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: "-".join(f"{k}={v[k]}" for k in v))
def test_two_steps_train_both_networks(variant):
    g = tiny(**variant)
    d0, g0 = snapshot(g.discriminator), snapshot(g.generator)
    k = variant.get("n_critic", 1)
    hist = g.fit(batches((8, 8, 1), batch=8 * k), epochs=1, verbose=0)
    for name in ("d_loss", "g_loss"):
        assert np.isfinite(hist.history[name][-1])
    if variant["loss"] == "wasserstein":
        assert np.isfinite(hist.history["w_estimate"][-1])
    assert changed(d0, snapshot(g.discriminator))
    assert changed(g0, snapshot(g.generator))
    assert int(g.g_optimizer.iterations) == 2


def test_mlp_architecture_trains():
    g = GAN(**PRESETS["tiny-mlp"])
    g.compile()
    g0 = snapshot(g.generator)
    g.fit(batches((2,)), epochs=1, verbose=0)
    assert changed(g0, snapshot(g.generator))
    assert g.generate(5, seed=0).shape == (5, 2)


def test_metz_architecture_is_the_papers_2d_networks():
    # Metz et al. 2017, appendix A: G = depth x Dense(units, ReLU) -> linear; D = x / 4 -> one
    # Dense(units, ReLU) -> logit; orthogonal kernels with gain 0.8.
    g = GAN(**PRESETS["tiny-metz"])
    dense = [l for l in g.generator.layers if isinstance(l, keras.layers.Dense)]
    assert [l.units for l in dense] == [8, 2] and dense[0].activation.__name__ == "relu"
    d_layers = [l for l in g.discriminator.layers if not isinstance(l, keras.layers.InputLayer)]
    assert isinstance(d_layers[0], keras.layers.Rescaling) and float(d_layers[0].scale) == 0.25
    assert [l.units for l in d_layers[1:]] == [8, 1] and d_layers[1].activation.__name__ == "relu"
    w = keras.ops.convert_to_numpy(d_layers[1].kernel)  # (2, 8): orthogonal rows, scaled by 0.8
    np.testing.assert_allclose(w @ w.T, 0.64 * np.eye(2), atol=1e-5)
    x = np.array([[4.0, -8.0]], np.float32)  # D sees x / 4
    ref = keras.ops.convert_to_numpy(d_layers[2](d_layers[1](x / 4.0)))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(g.discriminator(x)), ref, rtol=1e-6)
    g.compile()
    d0 = snapshot(g.discriminator)
    g.fit(batches((2,)), epochs=1, verbose=0)
    assert changed(d0, snapshot(g.discriminator))
    with pytest.raises(ValueError, match="minibatch_kernels is not supported by the mlp-metz"):
        GAN(**dict(PRESETS["tiny-metz"], minibatch_kernels=2))
    with pytest.raises(ValueError, match="mlp-metz architecture needs 1-d data"):
        GAN(**dict(PRESETS["tiny-metz"], data_shape=[8, 8, 1]))


def test_spectral_norm_keeps_every_discriminator_kernel_at_spectral_norm_one_and_dropout_is_inside():
    g = GAN(**PRESETS["tiny-sn-dropout"])
    names = [type(l).__name__ for l in g.discriminator.layers]
    assert names.count("SpectralNormalization") == 2 and "Dropout" in names
    g.compile()
    x = np.random.default_rng(0).random((64, 8, 8, 1)).astype("float32")
    g.fit(x, batch_size=16, epochs=2, verbose=0)
    for layer in g.discriminator.layers:
        if isinstance(layer, keras.layers.SpectralNormalization):  # normalised at every training call
            w = keras.ops.convert_to_numpy(layer.layer.kernel)
            assert np.linalg.svd(w.reshape(-1, w.shape[-1]), compute_uv=False)[0] == pytest.approx(1.0, abs=0.05)
    plain = GAN(**PRESETS["tiny"])
    assert "SpectralNormalization" not in [type(l).__name__ for l in plain.discriminator.layers]
    assert "d_dropout" not in plain.get_config() and "d_spectral_norm" not in plain.get_config()  # old configs
    with pytest.raises(ValueError, match="need the dcgan architecture"):
        GAN(**dict(PRESETS["tiny-mlp"], d_dropout=0.2))


def test_d_blocks_and_d_batch_norm_shape_the_discriminator_and_train():
    g = tiny(d_blocks=3, d_batch_norm=True)  # 8x8: blocks to 4, 2, 1
    convs = [l for l in g.discriminator.layers if isinstance(l, keras.layers.Conv2D)]
    assert [c.output.shape[1:] for c in convs] == [(4, 4, 4), (2, 2, 8), (1, 1, 16)]
    bns = [l for l in g.discriminator.layers if isinstance(l, keras.layers.BatchNormalization)]
    assert len(bns) == 2 and [c.use_bias for c in convs] == [True, False, False]  # none after the first conv
    logs = g.fit(batches((8, 8, 1)), epochs=1, verbose=0).history
    assert np.isfinite(logs["d_loss"][-1]) and np.isfinite(logs["g_loss"][-1])
    assert int(g.d_optimizer.iterations) == 2
    # the moving statistics moved: D's batch norm ran in training mode during fit
    assert not np.allclose(keras.ops.convert_to_numpy(bns[0].moving_mean), 0.0)
    again = GAN.from_config(g.get_config())
    assert again.get_config()["d_blocks"] == 3 and again.get_config()["d_batch_norm"] is True
    plain = GAN(**PRESETS["tiny"])
    assert "d_blocks" not in plain.get_config() and "d_batch_norm" not in plain.get_config()  # old configs
    assert not [l for l in plain.discriminator.layers if isinstance(l, keras.layers.BatchNormalization)]
    with pytest.raises(ValueError, match="need the dcgan architecture"):
        GAN(**dict(PRESETS["tiny-mlp"], d_blocks=2))


def test_d_layer_norm_normalizes_each_example_alone_so_the_gradient_penalty_is_allowed():
    g = tiny(d_blocks=2, d_layer_norm=True, loss="wasserstein", n_critic=2, gp_weight=10.0)
    norms = [l for l in g.discriminator.layers if isinstance(l, keras.layers.GroupNormalization)]
    assert len(norms) == 1 and norms[0].groups == 1
    x = np.random.default_rng(0).uniform(size=(6, 8, 8, 1)).astype(np.float32)
    alone = keras.ops.convert_to_numpy(g.discriminator(x[:1], training=True))
    batch = keras.ops.convert_to_numpy(g.discriminator(x, training=True))
    assert alone[0] == pytest.approx(batch[0], abs=1e-5)  # a score depends on its example only
    logs = g.fit(batches((8, 8, 1), batch=16), epochs=1, verbose=0).history
    assert np.isfinite(logs["d_loss"][-1]) and int(g.d_optimizer.iterations) == 4
    bn = tiny(d_blocks=2, d_batch_norm=True)  # batch norm, by contrast, mixes the batch
    other = keras.ops.convert_to_numpy(bn.discriminator(np.concatenate([x[:1], x[1:] * 0]), training=True))
    assert abs(other[0, 0] - keras.ops.convert_to_numpy(bn.discriminator(x, training=True))[0, 0]) > 1e-6


def test_k_means_k_discriminator_updates_per_generator_update():
    g = tiny(n_critic=3)
    g.fit(batches((8, 8, 1), n_batches=2, batch=24), epochs=1, verbose=0)
    assert int(g.d_optimizer.iterations) == 6
    assert int(g.g_optimizer.iterations) == 2


def test_g_steps_updates_g_that_many_times_a_step_and_averages_after_each():
    g = tiny(n_critic=2, g_steps=2)
    g.fit(batches((8, 8, 1), n_batches=3, batch=16), epochs=1, verbose=0)
    assert (int(g.d_optimizer.iterations), int(g.g_optimizer.iterations)) == (6, 6)
    beta = 0.5
    h = tiny(g_steps=2, g_ema=beta)
    g0 = [w.numpy().copy() for w in h.generator.weights]
    seen = []  # G's weights after each of its updates, as update_ema sees them
    update = h.update_ema

    def spy():
        seen.append([w.numpy().copy() for w in h.generator.weights])
        update()

    h.update_ema = spy
    h.train_step((np.random.default_rng(0).random((8, 8, 8, 1)).astype("float32"), None))
    assert len(seen) == 2 and changed(seen[0], seen[1])  # two distinct G updates, each averaged in
    for a, b, c, e in zip(g0, *seen, h.generator_ema.weights):
        np.testing.assert_allclose(e.numpy(), beta * (beta * a + (1 - beta) * b) + (1 - beta) * c, rtol=1e-5,
                                   atol=1e-6)
    assert "g_steps" not in tiny().get_config() and tiny(g_steps=2).get_config()["g_steps"] == 2
    for bad in (0, 1.5, True):
        with pytest.raises(ValueError, match="g_steps must be an int"):
            tiny(g_steps=bad)
    with pytest.raises(ValueError, match="g_steps > 1 with unrolled_steps"):
        tiny(g_steps=2, unrolled_steps=1)


def test_top_k_takes_g_loss_over_the_samples_d_scores_most_real():
    from zoo import losses as L

    g = tiny(g_top_k=0.25, g_top_k_decay=0.5)
    for t, share in ((0, 1.0), (1000, 0.5), (2000, 0.25), (5000, 0.25)):  # max(nu, gamma^(t / 1000))
        g.g_optimizer.iterations.assign(t)
        assert float(g.top_k_fraction()) == pytest.approx(share)
    g.g_optimizer.iterations.assign(1000)
    scores = np.array([[1.0], [5.0], [3.0], [2.0], [0.0], [4.0]], "float32")
    assert sorted(keras.ops.convert_to_numpy(g.top_k(scores))[:, 0].tolist()) == [3.0, 4.0, 5.0]
    assert tiny().top_k(scores) is scores  # off: every sample
    g.g_optimizer.iterations.assign(3000)  # a quarter of 8 samples: the 2 D scores highest
    seen = []
    top_k = g.top_k
    g.top_k = lambda s: seen.append((np.array(s), np.array(top_k(s)))) or top_k(s)
    logs = g.train_step((np.random.default_rng(0).random((8, 8, 8, 1)).astype("float32"), None))
    (all_scores, kept), = seen
    assert kept.shape == (2, 1) and sorted(kept[:, 0]) == sorted(np.sort(all_scores[:, 0])[-2:])
    g_loss = L.gan_losses("non-saturating")[1]
    assert float(logs["g_loss_step"]) == pytest.approx(float(g_loss(kept)), rel=1e-5)
    assert tiny(g_top_k=0.5).get_config()["g_top_k"] == 0.5 and "g_top_k" not in tiny().get_config()


def test_each_critic_update_sees_a_fresh_slice_of_the_batch():
    # Discriminator loss under a constant zero-generator is a function of the real slice only;
    # if all K updates reused one slice, a batch whose slices differ would not matter.
    g = tiny(n_critic=2)
    seen = []
    orig = g._d_step

    def spy(real):
        seen.append(real)
        return orig(real)

    g._d_step = spy
    g.run_eagerly = True
    x = np.concatenate([np.zeros((4, 8, 8, 1)), np.ones((4, 8, 8, 1))]).astype(np.float32)
    g.train_step(x)
    assert len(seen) == 2
    assert float(np.mean(seen[0])) == 0.0 and float(np.mean(seen[1])) == 1.0


def test_weight_clipping_bounds_every_critic_weight():
    g = tiny(loss="wasserstein", clip_value=0.01)
    g.fit(batches((8, 8, 1)), epochs=1, verbose=0)
    for w in g.discriminator.trainable_weights:
        assert np.max(np.abs(np.array(w))) <= 0.01 + 1e-7


def test_train_step_runs_under_xla():
    g = GAN(**PRESETS["tiny"])
    g.compile(jit_compile=True)
    assert g.jit_compile
    g0 = snapshot(g.generator)
    h = g.fit(batches((8, 8, 1)), epochs=1, verbose=0)
    assert np.isfinite(h.history["d_loss"][-1]) and changed(g0, snapshot(g.generator))


def test_config_round_trip_is_exact():
    g = GAN(**dict(PRESETS["tiny"], loss="wasserstein", n_critic=5, gp_weight=10.0, seed=7))
    cfg = g.get_config()
    assert GAN.from_config(cfg).get_config() == cfg
    import json

    assert json.loads(json.dumps(cfg)) == cfg  # JSON-able


def test_save_pretrained_round_trip(tmp_path):
    import zoo

    g = tiny(loss="least-squares", n_critic=2)
    g.fit(batches((8, 8, 1), batch=16), epochs=1, verbose=0)
    g.save_pretrained(tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["config.json", "model.weights.h5"]
    h = zoo.load(str(tmp_path / "m"))
    assert h.get_config() == g.get_config()
    np.testing.assert_array_equal(h.generate(3, seed=1), g.generate(3, seed=1))
    x = np.random.default_rng(1).uniform(size=(4, 8, 8, 1)).astype(np.float32)
    np.testing.assert_array_equal(np.array(h.discriminator(x)), np.array(g.discriminator(x)))
    # compile config restored: optimizers of the same kind and learning rate, ready for fit
    assert type(h.d_optimizer) is keras.optimizers.Adam
    assert float(h.d_optimizer.learning_rate) == pytest.approx(1e-3)
    h.fit(batches((8, 8, 1), batch=16), epochs=1, verbose=0)
    assert int(h.g_optimizer.iterations) == 2


def test_same_seed_same_samples_different_seed_different_samples():
    g = GAN(**PRESETS["tiny"])
    a, b, c = g.generate(4, seed=0), g.generate(4, seed=0), g.generate(4, seed=1)
    assert a.dtype == np.float32 and a.shape == (4, 8, 8, 1)
    assert 0.0 <= a.min() and a.max() <= 1.0
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


@pytest.mark.parametrize("n", [0, -1, 1.5, "4", True, 10**6, None])
def test_bad_n_is_rejected(n):
    g = GAN(**PRESETS["tiny"])
    with pytest.raises(ValueError, match="n must be an int"):
        g.generate(n)


def test_decode_rejects_wrong_shape_and_nan():
    g = GAN(**PRESETS["tiny"])
    with pytest.raises(ValueError, match="codes must have shape"):
        g.decode(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="NaN"):
        g.decode(np.full((2, 8), np.nan))


def test_fit_rejects_wrong_input_shape():
    g = tiny()
    with pytest.raises(ValueError, match=r"training data must have shape \(n, 8, 8, 1\), got \(8, 28, 28, 1\)"):
        g.fit(batches((28, 28, 1)), epochs=1, verbose=0)
    # Batches that fit's first-batch check does not see (a generator) meet the train step's own check.
    with pytest.raises(ValueError, match=r"trains on batches of shape \(batch, 8, 8, 1\)"):
        g.train_step(np.zeros((8, 28, 28, 1), np.float32))


def test_fit_rejects_integer_images():
    import tensorflow as tf

    g = tiny()
    x = tf.data.Dataset.from_tensor_slices(np.zeros((16, 8, 8, 1), np.uint8)).batch(8)
    with pytest.raises(ValueError, match="training data must be float in \\[0, 1\\], got dtype uint8"):
        g.fit(x, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="expects float data"):
        g.train_step(tf.zeros((8, 8, 8, 1), tf.uint8))


def test_fit_before_compile_is_a_clear_error():
    g = GAN(**PRESETS["tiny"])
    with pytest.raises((RuntimeError, ValueError), match="compile"):
        g.fit(batches((8, 8, 1)), epochs=1, verbose=0)


@pytest.mark.parametrize("kw,msg", [
    (dict(loss="hinge"), "Unknown GAN loss"),
    (dict(n_critic=0), "n_critic"),
    (dict(clip_value=-1.0), "clip_value"),
    (dict(gp_weight=-1.0), "gp_weight"),
    (dict(architecture="resnet"), "architecture"),
    (dict(data_shape=[7, 7, 1]), "cannot be built"),
    (dict(unrolled_steps=2, gp_weight=1.0), "not supported"),
    (dict(pack=0), "pack"),
    (dict(pack=2, unrolled_steps=1), "not supported"),
    (dict(d_dropout=1.0), "d_dropout must be a number in"), (dict(d_dropout=True), "d_dropout must"),
    (dict(d_spectral_norm=1), "d_spectral_norm must be True or False"),
    (dict(d_batch_norm=1), "d_batch_norm must be True or False"), (dict(d_blocks=-1), "d_blocks"),
    (dict(d_batch_norm=True, loss="wasserstein", gp_weight=10.0), "d_batch_norm with a gradient penalty"),
    (dict(d_layer_norm=1), "d_layer_norm must be"), (dict(d_layer_norm=True, d_batch_norm=True), "exclude each other"),
    (dict(g_top_k=0.0), "g_top_k must be a number in"), (dict(g_top_k=True), "g_top_k must"),
    (dict(g_top_k_decay=1.5), "g_top_k_decay must be a number in"),
    (dict(g_ema=1.0), "g_ema must be a number in"), (dict(g_ema=-0.1), "g_ema must"), (dict(g_ema=True), "g_ema must"),
])
def test_bad_constructor_arguments(kw, msg):
    with pytest.raises(ValueError, match=msg):
        GAN(**dict(PRESETS["tiny"], **kw))


def test_packing_stacks_m_consecutive_samples_on_the_channel_axis():
    g = GAN(**dict(PRESETS["tiny"], data_shape=[8, 8, 3], pack=2))
    assert g.discriminator.input_shape == (None, 8, 8, 6)
    x = np.random.default_rng(0).uniform(size=(4, 8, 8, 3)).astype(np.float32)
    p = np.array(g.packed(x))
    assert p.shape == (2, 8, 8, 6)
    np.testing.assert_array_equal(p[1, ..., :3], x[2])  # pack 1 = examples 2 and 3, side by side
    np.testing.assert_array_equal(p[1, ..., 3:], x[3])
    m = GAN(**dict(PRESETS["tiny-mlp"], pack=3))
    v = np.arange(12, dtype=np.float32).reshape(6, 2)
    np.testing.assert_array_equal(np.array(m.packed(v)), v.reshape(2, 6))
    assert "pack" not in GAN(**PRESETS["tiny"]).get_config()  # published configs keep their keys
    assert GAN.from_config(g.get_config()).pack == 2


def test_a_batch_that_does_not_split_into_packs_is_refused():
    g = tiny(pack=3)
    with pytest.raises(ValueError, match="multiple of pack"):
        g.fit(batches((8, 8, 1), batch=8), epochs=1, verbose=0)


def test_g_ema_averages_every_weight_of_g_after_each_step_and_samples_with_the_average(tmp_path):
    beta = 0.9
    g = tiny(g_ema=beta)
    g0 = [w.numpy().copy() for w in g.generator.weights]  # batch-norm statistics included
    assert all(np.array_equal(a, e.numpy()) for a, e in zip(g0, g.generator_ema.weights))  # starts as G
    assert not g.generator_ema.trainable_weights and g.sampler is g.generator_ema
    g.fit(batches((8, 8, 1), n_batches=1), epochs=1, verbose=0)
    g1 = [w.numpy() for w in g.generator.weights]
    assert changed(g0, g1)
    for a, b, e in zip(g0, g1, g.generator_ema.weights):
        np.testing.assert_allclose(e.numpy(), beta * a + (1 - beta) * b, rtol=1e-5, atol=1e-7)
    x = g.generate(4, seed=1)
    np.testing.assert_allclose(x, np.asarray(g.generator_ema(g.sample_codes(4, seed=1), training=False)), atol=1e-6)
    assert not np.allclose(x, np.asarray(g.generator(g.sample_codes(4, seed=1), training=False)), atol=1e-4)
    g.save_pretrained(tmp_path / "m")
    loaded = zoo.load(str(tmp_path / "m"))
    assert loaded.g_ema == beta
    np.testing.assert_array_equal(loaded.generate(4, seed=1), x)
    plain = tiny()
    assert "g_ema" not in plain.get_config() and plain.generator_ema is None and plain.sampler is plain.generator


def test_minibatch_discrimination_hand_values():
    from zoo.layers import MinibatchDiscrimination

    layer = MinibatchDiscrimination(num_kernels=2, kernel_dim=1)
    layer.build((None, 2))
    layer.T.assign(np.eye(2, dtype=np.float32))  # M_i = f_i, one 1-d kernel per feature
    f = np.array([[1, 0], [0, 1], [1, 0]], np.float32)
    out = np.array(layer(f))
    e = np.exp(-1.0)
    # o_0 = mean over the n - 1 = 2 others j of exp(-|M_0 - M_j|): j=1 gives e^-1, j=2 (identical) 1
    np.testing.assert_allclose(out[:, 2:], [[e + 1, e + 1], [2 * e, 2 * e], [e + 1, e + 1]] / np.float32(2),
                               rtol=1e-6)
    assert np.all(np.array(layer(np.zeros((1, 2), np.float32)))[:, 2:] == 0)  # a batch of one: no others
    np.testing.assert_array_equal(out[:, :2], f)


def test_minibatch_discriminator_sees_batch_diversity():
    g = GAN(**dict(PRESETS["tiny-mlp"], minibatch_kernels=4))
    d = g.discriminator
    x = np.random.default_rng(0).normal(size=(8, 2)).astype(np.float32)
    # the score of example 0 depends on the rest of its batch
    a = np.array(d(x))[0]
    b = np.array(d(np.concatenate([x[:1], np.repeat(x[:1], 7, 0)])))[0]
    assert not np.allclose(a, b)


def test_unrolled_generator_looks_ahead_while_d_takes_only_its_first_step():
    # Same weights, data and noise: with SGD(rate = unroll_lr) as D's optimizer, D's update is
    # the first unrolled step either way, so D ends identical; G's gradient gains the terms of
    # the unrolled steps, so G ends different.
    x = np.random.default_rng(2).uniform(size=(8, 2)).astype(np.float32)
    models = [GAN(**dict(PRESETS["tiny-mlp"], unrolled_steps=k, unroll_lr=0.1, seed=5)) for k in (0, 1)]
    models[1].set_weights(models[0].get_weights())
    for g in models:
        g.compile(d_optimizer=keras.optimizers.SGD(0.1), g_optimizer=keras.optimizers.SGD(0.1))
        g.train_step(x)
    for a, b in zip(models[0].discriminator.get_weights(), models[1].discriminator.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert changed(models[0].generator.get_weights(), models[1].generator.get_weights())
    assert int(models[1].d_optimizer.iterations) == 1  # unrolled steps are not D updates


def test_unrolling_more_steps_changes_the_generator_update():
    x = np.random.default_rng(2).uniform(size=(8, 2)).astype(np.float32)
    outs = [GAN(**dict(PRESETS["tiny-mlp"], unrolled_steps=k, unroll_lr=0.5, seed=5)) for k in (1, 4)]
    outs[1].set_weights(outs[0].get_weights())
    for g in outs:
        g.compile(d_optimizer=keras.optimizers.SGD(0.1), g_optimizer=keras.optimizers.SGD(0.1))
        g.train_step(x)
    assert changed(outs[0].generator.get_weights(), outs[1].generator.get_weights())


def test_unrolled_steps_are_the_discriminators_own_adam_steps():
    # unroll_lr=None: the unrolled step continues D's Adam (moments, step count, rate), so one
    # unrolled step lands exactly where D's real update then takes it.
    import tensorflow as tf

    x = np.random.default_rng(2).uniform(size=(8, 2)).astype(np.float32)
    g = GAN(**dict(PRESETS["tiny-mlp"], unrolled_steps=1, seed=5))
    assert g.unroll_lr is None
    g.compile(d_optimizer=keras.optimizers.Adam(0.05, beta_1=0.5), g_optimizer=keras.optimizers.Adam(0.01))
    for _ in range(3):  # non-zero moments, step count 3
        g.train_step(x)
    codes = g._codes(8)
    theta, _, (grads, _, _) = g._unrolled_critic(tf.constant(x), codes)
    # The method is the module's function (zoo/models/unrolled.py) applied to the model.
    theta2, _, (grads2, _, _) = unrolled.unrolled_critic(g, tf.constant(x), codes)
    for a, b in zip(theta + grads, theta2 + grads2):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    before = [v.numpy() for v in g.discriminator.trainable_variables]
    g._apply_d(grads)
    after = [v.numpy() for v in g.discriminator.trainable_variables]
    assert changed(before, after)
    for t, a in zip(theta, after):
        np.testing.assert_allclose(np.asarray(t), a, rtol=1e-5, atol=1e-6)


def test_unrolling_an_optimizer_it_cannot_follow_is_a_clear_error():
    x = np.random.default_rng(2).uniform(size=(8, 2)).astype(np.float32)
    g = GAN(**dict(PRESETS["tiny-mlp"], unrolled_steps=2))
    g.compile(d_optimizer=keras.optimizers.RMSprop(1e-3), g_optimizer=keras.optimizers.Adam(1e-3))
    with pytest.raises(ValueError, match="Adam"):
        g.train_step(x)
    with pytest.raises(ValueError, match="Pass a float unroll_lr"):
        unrolled.update_rule(keras.optimizers.SGD(0.1, momentum=0.9), g.discriminator.trainable_variables)
    with pytest.raises(ValueError, match="unroll_lr"):
        GAN(**dict(PRESETS["tiny-mlp"], unrolled_steps=2, unroll_lr=-1.0))


def test_project_finds_the_code_of_a_generated_example():
    # Projection onto the generator: an example G made has a code, and Adam on the code from the
    # best random start gets much closer to it than the start.
    g = zoo.load("dcgan-mnist")
    target = g.generate(3, seed=7)
    start = g.project(target, steps=0)
    codes = g.project(target, steps=100)
    assert codes.shape == (3, g.latent_dim) and codes.dtype == np.float32
    err = lambda c: float(((g.decode(c) - target) ** 2).mean())  # noqa: E731
    assert err(codes) < 0.3 * err(start)
    np.testing.assert_array_equal(start, g.project(target, steps=0))  # same seed, same start


@pytest.mark.parametrize("bad,msg", [(np.zeros((2, 8, 9)), r"shape \(n, 8, 8, 1\)"),
                                     (np.zeros((2, 8, 8, 3)), r"shape \(n, 8, 8, 1\)"),
                                     (np.zeros((0, 8, 8, 1)), "empty"), (np.full((1, 8, 8, 1), np.nan), "NaN")])
def test_project_rejects_bad_examples(bad, msg):
    with pytest.raises(ValueError, match=msg):
        GAN(**PRESETS["tiny"]).project(bad)


def test_project_accepts_grayscale_without_a_channel_axis():
    g = GAN(**PRESETS["tiny"])
    x = g.generate(2, seed=1)
    np.testing.assert_array_equal(g.project(x[..., 0], steps=0), g.project(x, steps=0))


@pytest.mark.parametrize("kw,msg", [({"steps": -1}, "steps"), ({"steps": 2.5}, "steps"),
                                    ({"candidates": 0}, "candidates")])
def test_project_rejects_bad_options(kw, msg):
    with pytest.raises(ValueError, match=msg):
        GAN(**PRESETS["tiny"]).project(np.zeros((1, 8, 8, 1), np.float32), **kw)
