"""Autoencoder families (plain, denoising, contractive, VAE) on tiny presets, their losses against
hand-computed values, and the shipped MNIST weights against their golden outputs and cards."""

import json
import math
import os

import numpy as np
import pytest
import keras
from keras import ops

import zoo
from zoo import losses as L
from zoo import registry
from zoo.registry import FAMILIES
from zoo.models.autoencoder import Autoencoder
from zoo.models.contractive import ContractiveAutoencoder
from zoo.models.denoising import DenoisingAutoencoder
from zoo.models.vae import VAE

from conftest import pretrained_available

AE, CAE = registry.TINY["Autoencoder"], registry.TINY["ContractiveAutoencoder"]
DAE, VP = registry.TINY["DenoisingAutoencoder"], registry.TINY["VAE"]
IDS = ["ae-mnist", "ae-gaussian-mnist", "convae-mnist", "dae-mnist", "cae-mnist", "vae-mnist"]
TINY = [(Autoencoder, AE["tiny"]), (Autoencoder, AE["tiny-gaussian"]), (Autoencoder, AE["tiny-conv"]),
        (DenoisingAutoencoder, DAE["tiny"]), (DenoisingAutoencoder, DAE["tiny-masking"]),
        (ContractiveAutoencoder, CAE["tiny"]), (ContractiveAutoencoder, CAE["tiny-deep"]),
        (VAE, VP["tiny"]), (VAE, VP["tiny-conv"])]
TINY_IDS = [f"{c.__name__}-{cfg['architecture']}-{i}" for i, (c, cfg) in enumerate(TINY)]
# The first tiny model of each class: the conformance suite fits, saves and loads every preset; here
# each class is also fine-tuned after loading and evaluated.
FIRST = sorted({c: i for i, (c, _) in reversed(list(enumerate(TINY)))}.values())


def images(n=16, side=8, seed=0):
    return np.random.default_rng(seed).uniform(0, 1, (n, side, side, 1)).astype(np.float32)


def build(cls, cfg, lr=1e-2, **kw):
    m = cls(**{**cfg, **kw})
    m.compile(optimizer=keras.optimizers.Adam(lr))
    return m


def np_(t):
    return ops.convert_to_numpy(t)


# ----------------------------------------------------------------------------- catalog
@pytest.mark.parametrize("model_id", IDS)
def test_catalog_entries_build_with_their_recipes(model_id):
    from training.recipes import RECIPES

    spec = zoo.registry.get_spec(model_id)
    assert FAMILIES[spec.family].__name__ == spec.family and spec.dataset == "mnist"
    assert {"reconstruct", "interpolate"} <= set(spec.tasks)
    assert set(spec.tasks) <= {"reconstruct", "denoise", "interpolate", "generate", "contract", "log_likelihood",
                               "elbo", "inpaint"}
    assert ("denoise" in spec.tasks) == (spec.family == "DenoisingAutoencoder")
    assert ("contract" in spec.tasks) == (spec.family == "ContractiveAutoencoder")
    assert ("generate" in spec.tasks) == ("log_likelihood" in spec.tasks) == (spec.family == "VAE")
    assert "elbo" not in spec.tasks or spec.family == "VAE"
    assert ("inpaint" in spec.tasks) == (spec.family == "VAE")  # projection under a mask needs a prior
    m = zoo.load(model_id, pretrained=False)
    assert m.code_dim == 32 and m.count_params() * 4 < 8e6  # 8 MB weight budget
    assert RECIPES[model_id] is spec.recipe  # training/recipes.py is a view of the presets
    lr = spec.recipe.compile["optimizer"]["config"]["learning_rate"]
    lr = lr["config"]["initial_learning_rate"] if isinstance(lr, dict) else lr  # a schedule, at step 0
    assert m.optimizer.learning_rate.numpy() == pytest.approx(lr)


# ----------------------------------------------------------------------------- tiny models
@pytest.mark.parametrize("cls,cfg", TINY, ids=TINY_IDS)
def test_tiny_shapes_ranges_and_config_round_trip(cls, cfg):
    m = cls(**cfg)
    x = images(5)
    codes = m.encode(x)
    assert codes.shape == (5, cfg["code_dim"]) and codes.dtype == np.float32
    out = m.reconstruct(x)
    assert out.shape == x.shape and out.dtype == np.float32
    if cfg.get("output", "bernoulli") == "bernoulli":
        assert 0.0 <= out.min() and out.max() <= 1.0
    np.testing.assert_allclose(m.decode(codes), out, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(m.encode(x[..., 0]), codes)  # (n, H, W) means (n, H, W, 1)
    np.testing.assert_allclose(m.encode(x, batch_size=2), codes, rtol=1e-5, atol=1e-6)
    path = m.interpolate(x[0], x[1], steps=5)
    assert path.shape == (5, 8, 8, 1)
    np.testing.assert_allclose(path[[0, -1]], m.decode(codes[:2]), rtol=1e-5, atol=1e-5)
    cfg2 = json.loads(json.dumps(m.get_config()))  # JSON-able
    assert cls.from_config(cfg2).get_config() == m.get_config()


@pytest.mark.parametrize("cls,cfg", [TINY[i] for i in FIRST], ids=[TINY_IDS[i] for i in FIRST])
def test_two_steps_then_save_pretrained_and_load_round_trip(cls, cfg, tmp_path):
    m = build(cls, cfg, lr=3e-3)
    before = [np.array(w) for w in m.trainable_weights]
    hist = m.fit(images(16), batch_size=8, epochs=1, verbose=0)
    assert int(m.optimizer.iterations) == 2
    assert all(np.isfinite(v[-1]) for v in hist.history.values()) and "loss" in hist.history
    assert all(not np.allclose(a, np.array(b)) for a, b in zip(before, m.trainable_weights))
    folder = m.save_pretrained(tmp_path / "m")
    loaded = zoo.load(folder)
    assert type(loaded) is cls and loaded.get_config() == m.get_config()
    x = images(6, seed=3)
    np.testing.assert_array_equal(loaded.encode(x), m.encode(x))
    np.testing.assert_array_equal(loaded.reconstruct(x), m.reconstruct(x))
    assert loaded.optimizer.learning_rate.numpy() == pytest.approx(3e-3)
    loaded.fit(x, batch_size=6, epochs=1, verbose=0)  # compiled, ready to fine-tune
    assert int(loaded.optimizer.iterations) == 1
    res = loaded.evaluate(x, batch_size=6, verbose=0, return_dict=True)
    assert set(res) == set(hist.history) and all(np.isfinite(v) for v in res.values())


# ----------------------------------------------------------------------------- losses by hand
def test_bernoulli_loss_hand_values():
    x = np.array([[1.0, 0.0, 0.5]], np.float32)
    logits = np.array([[0.0, math.log(3.0), 2.0]], np.float32)
    # -[x log s(l) + (1-x) log(1-s(l))] per pixel: log 2; -log(1/4) = log 4; 0.5*log(1+e^-2) + 0.5*log(1+e^2)
    expected = math.log(2) + math.log(4) + 0.5 * math.log(1 + math.exp(-2)) + 0.5 * math.log(1 + math.exp(2))
    assert float(L.bernoulli_reconstruction_loss(x, logits)) == pytest.approx(expected, rel=1e-6)
    two = np.concatenate([x, np.zeros_like(x)])
    per = np_(L.bernoulli_reconstruction_loss(two, np.concatenate([logits, logits]), per_example=True))
    assert per[1] == pytest.approx(math.log(2) + math.log(4) + math.log(1 + math.exp(2)), rel=1e-6)


def test_squared_error_kl_and_jacobian_penalty_hand_values():
    assert float(L.squared_error_loss(np.array([[1.0, 0.0]]), np.array([[0.5, 2.0]]))) == pytest.approx(4.25)
    # KL(N(1, 1) || N(0, 1)) = 1/2; KL(N(0, 2) || N(0, 1)) = (2 - 1 - log 2) / 2
    kl = np_(L.gaussian_kl(np.array([[1.0, 0.0]]), np.array([[0.0, math.log(2.0)]]), per_example=True))
    assert kl[0] == pytest.approx(0.5 + (1 - math.log(2)) / 2, rel=1e-6)
    # h = (0.5, 0.9), W columns (1, 2) and (0, 3): 0.25^2 * 5 + 0.09^2 * 9
    pen = float(L.sigmoid_jacobian_penalty(np.array([[0.5, 0.9]]), np.array([[1.0, 0.0], [2.0, 3.0]])))
    assert pen == pytest.approx(0.0625 * 5 + 0.0081 * 9, rel=1e-5)


def test_autoencoder_loss_is_the_summed_loss_of_its_own_output():
    x = images(4)
    for cfg, fn in ((AE["tiny"], lambda x, y: -(x * np.log(y) + (1 - x) * np.log(1 - y))),
                    (AE["tiny-gaussian"], lambda x, y: (x - y) ** 2)):
        m = Autoencoder(**cfg)
        expected = fn(x.astype(np.float64), m.reconstruct(x).astype(np.float64)).reshape(4, -1).sum(1).mean()
        assert float(m.compute_losses(x)["loss"]) == pytest.approx(expected, rel=1e-4)


# ----------------------------------------------------------------------------- denoising
def test_denoising_trains_on_corrupted_inputs_against_clean_targets():
    m = DenoisingAutoencoder(**DAE["tiny"])
    x = images(4)
    m.corrupt_batch = lambda b: ops.zeros_like(b)  # a known "corruption"
    got = float(m.compute_losses(x, training=True)["loss"])
    expected = float(m.reconstruction_loss(x, m.encoder(np.zeros_like(x))))
    assert got == pytest.approx(expected, rel=1e-6)
    assert float(m.compute_losses(x)["loss"]) == pytest.approx(float(m.reconstruction_loss(x, m.encoder(x))))


def test_corruptions_are_seeded_and_of_the_right_size():
    x = np.full((200, 8, 8, 1), 0.5, np.float32)
    g = DenoisingAutoencoder(**{**DAE["tiny"], "noise_level": 0.1})  # 5 std from the clip bounds
    noisy = g.corrupt(x, seed=1)
    assert abs(float(np.std(noisy - x)) - 0.1) < 0.005
    g = DenoisingAutoencoder(**DAE["tiny"])
    noisy = g.corrupt(x, seed=1)  # std 0.5: clipped to [0, 1]
    assert noisy.min() == 0.0 and noisy.max() == 1.0
    np.testing.assert_array_equal(noisy, g.corrupt(x, seed=1))
    assert not np.array_equal(noisy, g.corrupt(x, seed=2))
    mask = DenoisingAutoencoder(**DAE["tiny-masking"]).corrupt(x, seed=0)
    assert set(np.unique(mask)) == {0.0, 0.5}
    assert abs(float(np.mean(mask == 0)) - 0.25) < 0.03
    from zoo.models.denoising import corrupt

    t = np_(corrupt(ops.convert_to_tensor(x), "masking", 0.25, seed=3))
    assert abs(float(np.mean(t == 0)) - 0.25) < 0.03 and set(np.unique(t)) == {0.0, 0.5}


# ----------------------------------------------------------------------------- contractive
def finite_difference_penalty(model, x, h=1e-2):
    """sum over inputs and codes of (dc/dx_i)^2 by central differences, one image."""
    flat = x.reshape(-1).astype(np.float64)
    total = 0.0
    for i in range(flat.size):
        up, down = flat.copy(), flat.copy()
        up[i] += h
        down[i] -= h
        cu = model.encoder(up.reshape(1, *x.shape).astype(np.float32))
        cd = model.encoder(down.reshape(1, *x.shape).astype(np.float32))
        total += float(np.sum(((np_(cu).astype(np.float64) - np_(cd)) / (2 * h)) ** 2))
    return total


@pytest.mark.parametrize("preset", ["tiny", "tiny-deep"])
def test_contractive_penalty_matches_finite_differences(preset):
    m = ContractiveAutoencoder(**CAE[preset])
    assert m.closed_form == (preset == "tiny")
    # Larger weights than the default init, so the Jacobian is far from 0 and nonlinear.
    rng = np.random.default_rng(0)
    m.encoder.set_weights([rng.normal(0, 0.7, w.shape).astype(np.float32) for w in m.encoder.get_weights()])
    x = images(3, seed=5)
    exact = m.jacobian_norms(x)
    fd = [finite_difference_penalty(m, x[i]) for i in range(3)]
    np.testing.assert_allclose(exact, fd, rtol=2e-3)
    assert exact.min() > 0.05
    terms = m.compute_losses(x)
    assert float(terms["contraction"]) == pytest.approx(exact.mean(), rel=1e-5)
    assert float(terms["loss"]) == pytest.approx(float(terms["reconstruction"]) + 0.5 * exact.mean(), rel=1e-5)


def test_closed_form_and_autodiff_penalties_agree():
    m = ContractiveAutoencoder(**CAE["tiny"])
    x = images(6)
    import tensorflow as tf

    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        c = m.encoder(xt)
    auto = np.sum(np_(tape.batch_jacobian(c, xt)).reshape(6, -1) ** 2, 1)
    np.testing.assert_allclose(m.jacobian_norms(x), auto, rtol=1e-5)


def test_contraction_shrinks_the_jacobian():
    x = images(64, seed=2)
    norms = []
    for lam in (0.0, 5.0):
        keras.utils.set_random_seed(0)
        m = build(ContractiveAutoencoder, CAE["tiny"], lr=3e-2, contraction=lam)
        m.fit(x, batch_size=16, epochs=10, verbose=0)
        norms.append(m.jacobian_norms(x).mean())
    assert norms[1] < 0.5 * norms[0]


# ----------------------------------------------------------------------------- VAE
def tiny_vae(trained=True):
    keras.utils.set_random_seed(0)
    m = build(VAE, VP["tiny"])
    if trained:
        m.fit(images(64), batch_size=16, epochs=3, verbose=0)
    return m


def binary(n=16, seed=0):
    return (images(n, seed=seed) > 0.5).astype(np.float32)


def test_iwae_with_one_sample_is_the_elbo_computed_by_hand():
    m = tiny_vae()
    x = binary(8)
    ll1 = m.log_likelihood(x, k=1, seed=4)
    np.testing.assert_allclose(ll1, m.elbo(x, k=1, seed=4))
    # The same single-sample ELBO from the networks' outputs, in float64 numpy.
    mean, log_var = (np_(t).astype(np.float64) for t in m.encoder(x))
    eps = np.random.default_rng(4).standard_normal((8, 1, 2), dtype=np.float32)[:, 0].astype(np.float64)
    z = mean + np.exp(0.5 * log_var) * eps
    logits = np_(m.decoder_logits(z.astype(np.float32))).reshape(8, -1).astype(np.float64)
    flat = x.reshape(8, -1)
    log_px = (flat * logits - np.logaddexp(0, logits)).sum(1)
    log_pz = -0.5 * (z**2 + np.log(2 * np.pi)).sum(1)
    log_qz = -0.5 * (eps**2 + log_var + np.log(2 * np.pi)).sum(1)
    np.testing.assert_allclose(ll1, log_px + log_pz - log_qz, rtol=1e-5)


def test_iwae_bound_tightens_with_k_and_the_elbo_matches_its_closed_form_kl():
    m = tiny_vae()
    x = binary(32)
    means = {k: np.mean([m.log_likelihood(x, k=k, seed=s).mean() for s in range(3)]) for k in (1, 10, 100)}
    assert means[1] < means[10] < means[100]
    # Monte Carlo ELBO (many samples) ~ -(reconstruction + analytic KL) of the training loss.
    many = np.tile(x, (200, 1, 1, 1))  # 200 draws of z per image in one batch
    rec, kl = (np_(t).mean() for t in m.elbo_terms(many))
    assert m.elbo(x, k=2000, seed=0).mean() == pytest.approx(-(rec + kl), abs=0.3)


def test_log_likelihood_is_seeded_batch_independent_and_needs_binary_images():
    m = tiny_vae(trained=False)
    x = binary(10)
    a = m.log_likelihood(x, k=50, seed=1)
    np.testing.assert_allclose(a, m.log_likelihood(x, k=50, seed=1, batch_size=3), rtol=1e-6)
    assert not np.allclose(a, m.log_likelihood(x, k=50, seed=2))
    with pytest.raises(ValueError, match="binary images"):
        m.log_likelihood(images(4), k=5)
    with pytest.raises(ValueError, match="k must be an int"):
        m.log_likelihood(x, k=0)


def test_vae_trains_on_dynamically_binarized_images():
    m = tiny_vae(trained=False)
    seen = []
    orig = m.elbo_terms

    def spy(x, *a, **kw):
        seen.append(np_(x))
        return orig(x, *a, **kw)

    m.elbo_terms = spy
    m.run_eagerly = True
    x = images(8)
    m.train_step(x)
    m.train_step(x)
    assert set(np.unique(seen[0])) == {0.0, 1.0}
    assert not np.array_equal(seen[0], seen[1])  # fresh binarization at every step
    assert abs(seen[0].mean() - x.mean()) < 0.1


def test_kl_warmup_weights_only_the_loss():
    m = build(VAE, VP["tiny"], kl_warmup_steps=4)
    m.run_eagerly = True
    logs = m.train_step(binary(8))
    rec, kl, loss = (float(logs[k]) for k in ("reconstruction", "kl", "loss"))
    assert float(logs["elbo"]) == pytest.approx(-(rec + kl), rel=1e-6)
    assert loss == pytest.approx(rec + 0.25 * kl, rel=1e-6)  # step 1 of 4


def test_generate_and_interpolate_are_seeded():
    m = VAE(**VP["tiny"])
    a = m.generate(5, seed=3)
    assert a.shape == (5, 8, 8, 1) and a.dtype == np.float32 and 0 <= a.min() and a.max() <= 1
    np.testing.assert_array_equal(a, m.generate(5, seed=3))
    np.testing.assert_array_equal(m.sample_codes(5, seed=3)[:2], m.sample_codes(2, seed=3))  # the first k: any n
    # the draws are the same, the images equal to float rounding: a CPU may pick other kernels for
    # another batch size (differences of 1.2e-7 seen)
    np.testing.assert_allclose(a[:2], m.generate(2, seed=3), rtol=1e-5, atol=1e-6)
    assert not np.allclose(a, m.generate(5, seed=4))
    path = m.interpolate(3, 4, steps=4)
    np.testing.assert_allclose(path[0], a[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(path[-1], m.generate(1, seed=4)[0], rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize("bad, match", [
    (np.zeros((2, 9, 8, 1), np.float32), "shape"),
    (np.zeros((8, 8, 1), np.float32), "shape"),
    (np.zeros((2, 8, 8, 1), np.uint8), "float"),
    (np.full((2, 8, 8, 1), np.nan, np.float32), "NaN"),
    (np.full((2, 8, 8, 1), 255.0, np.float32), r"\[0, 1\]"),
    (np.zeros((0, 8, 8, 1), np.float32), "empty"),
])
@pytest.mark.parametrize("cls,cfg", [(Autoencoder, AE["tiny"]), (VAE, VP["tiny"])], ids=["ae", "vae"])
def test_bad_images_raise_clear_errors(cls, cfg, bad, match):
    m = cls(**cfg)
    for fn in (m.encode, m.reconstruct):
        with pytest.raises(ValueError, match=match):
            fn(bad)


def test_bad_codes_steps_and_n_raise():
    for m in (Autoencoder(**AE["tiny"]), VAE(**VP["tiny"])):
        with pytest.raises(ValueError, match="codes must have shape"):
            m.decode(np.zeros((2, 3)))
        with pytest.raises(ValueError, match="NaN"):
            m.decode(np.full((2, m.code_dim), np.nan))
        with pytest.raises(ValueError, match="steps"):
            m.interpolate(images(1)[0], images(1)[0], steps=1)
    for n in (0, -1, 1.5, True, 10**6):
        with pytest.raises(ValueError, match="n must be an int"):
            VAE(**VP["tiny"]).generate(n)


@pytest.mark.parametrize("cls,cfg", [(Autoencoder, AE["tiny"]), (VAE, VP["tiny"])], ids=["ae", "vae"])
def test_fit_rejects_wrong_shapes_integer_images_and_missing_compile(cls, cfg):
    import tensorflow as tf

    m = build(cls, cfg)
    with pytest.raises(ValueError, match=r"training data must have shape \(n, 8, 8, 1\), got \(8, 28, 28, 1\)"):
        m.fit(np.zeros((8, 28, 28, 1), np.float32), batch_size=4, epochs=1, verbose=0)
    ints = tf.data.Dataset.from_tensor_slices(np.zeros((8, 8, 8, 1), np.uint8)).batch(4)
    with pytest.raises(ValueError, match="training data must be float in \\[0, 1\\], got dtype uint8"):
        m.fit(ints, epochs=1, verbose=0)
    # Batches fit's first-batch check does not see (a generator) meet the train step's own check.
    with pytest.raises(ValueError, match=r"trains on batches of shape \(batch, 8, 8, 1\)"):
        m.train_step(np.zeros((4, 28, 28, 1), np.float32))
    with pytest.raises(ValueError, match="expects float data"):
        m.train_step(tf.zeros((4, 8, 8, 1), tf.uint8))
    with pytest.raises((RuntimeError, ValueError), match="compile"):
        cls(**cfg).fit(images(8), batch_size=4, epochs=1, verbose=0)


@pytest.mark.parametrize("cls,kw,msg", [
    (Autoencoder, dict(architecture="resnet"), "architecture"),
    (Autoencoder, dict(output="laplace"), "output"),
    (Autoencoder, dict(input_shape=[8, 8]), "input_shape"),
    (Autoencoder, dict(architecture="conv", filters=[4, 4, 4, 4]), "divisible"),
    (Autoencoder, dict(code_dim=0), "code_dim"),
    (DenoisingAutoencoder, dict(noise="salt"), "noise"),
    (DenoisingAutoencoder, dict(noise="masking", noise_level=1.0), "noise_level"),
    (ContractiveAutoencoder, dict(contraction=-1.0), "contraction"),
    (VAE, dict(kl_warmup_steps=-1), "kl_warmup_steps"),
])
def test_bad_constructor_arguments(cls, kw, msg):
    base = {k: v for k, v in AE["tiny"].items() if cls is not VAE or k != "output"}
    with pytest.raises(ValueError, match=msg):
        cls(**{**base, **kw})


# ----------------------------------------------------------------------------- demo
def test_demo_tabs_offer_the_autoencoders_and_their_helpers_work():
    gr = pytest.importorskip("gradio")
    from demos import app, widgets
    from demos.registry import DEMOS

    tabs = {d.label: app.models_for(d.tasks, pretrained=False, accepts=d.accepts) for d in DEMOS}
    assert set(IDS) <= set(tabs["Reconstruct"]) and set(IDS) <= set(tabs["Interpolate"])
    assert "vae-mnist" in tabs["Generate"] and "ae-mnist" not in tabs["Generate"]
    ae, vae = Autoencoder(**AE["tiny"]), VAE(**VP["tiny"])
    x = images(2)
    np.testing.assert_array_equal(widgets.reconstruct(ae, x), ae.reconstruct(x))
    np.testing.assert_array_equal(widgets.encode(vae, x), vae.encode(x))
    np.testing.assert_array_equal(widgets.codes_of_seeds(vae, [3, 4]),
                                  np.concatenate([vae.sample_codes(1, 3), vae.sample_codes(1, 4)]))
    with pytest.raises(gr.Error, match="no prior over codes"):
        widgets.codes_of_seeds(ae, [0, 1])


# ----------------------------------------------------------------------------- shipped weights
# reconstruct(first 4 MNIST test images)[i, 14, 10:18, 0] of the shipped weights (float32, CPU)
GOLDEN = {
    "ae-mnist": [
        [3.66907e-06, 4.74759e-06, 2.39179e-05, 1.42048e-04, 1.69046e-04, 7.23919e-04, 7.12594e-02, 9.05257e-01],
        [5.24806e-01, 9.77292e-01, 9.67810e-01, 5.11352e-01, 7.75758e-03, 2.25153e-03, 2.50259e-03, 7.46938e-04],
        [6.23776e-05, 2.26938e-04, 4.29236e-03, 4.13376e-01, 9.55447e-01, 5.09523e-01, 1.34380e-02, 5.55561e-04],
        [3.87060e-01, 2.80623e-03, 6.71652e-05, 1.25740e-05, 6.12335e-06, 2.27760e-05, 2.63770e-04, 4.65943e-03],
    ],
    "ae-gaussian-mnist": [
        [-1.17156e-02, 5.82339e-02, 6.65784e-03, -2.65453e-03, -2.13602e-02, -8.94105e-02, 1.99231e-01, 7.53056e-01],
        [6.07021e-01, 1.27886e+00, 1.07532e+00, 3.61042e-01, -5.86812e-02, -9.90333e-02, -1.74993e-02, -8.92830e-02],
        [-1.39904e-02, 1.87098e-02, -4.25660e-02, 4.74756e-01, 9.38423e-01, 6.08786e-01, -6.73250e-02, 5.44695e-03],
        [4.69471e-01, 1.80204e-01, -4.58489e-02, -6.31653e-02, -2.52678e-02, -9.46238e-02, -1.85952e-01, -3.72886e-02],
    ],
    "convae-mnist": [
        [1.24154e-06, 1.21785e-06, 4.97670e-06, 1.58640e-05, 1.30129e-04, 1.16291e-03, 9.89288e-02, 9.45169e-01],
        [6.30494e-01, 9.79961e-01, 9.75699e-01, 5.88287e-01, 1.21663e-02, 8.02169e-05, 6.17682e-07, 3.34047e-08],
        [5.39737e-05, 9.64236e-05, 4.65892e-03, 4.26393e-01, 9.69112e-01, 5.24909e-01, 3.69798e-03, 4.41530e-06],
        [2.67057e-01, 1.01795e-03, 5.60831e-06, 2.11298e-07, 1.22629e-07, 3.99068e-07, 2.34464e-05, 8.01290e-03],
    ],
    "dae-mnist": [
        [1.07476e-04, 3.83272e-05, 8.50590e-06, 6.11533e-06, 1.17528e-04, 6.52215e-03, 3.32924e-01, 9.84154e-01],
        [3.79083e-01, 9.62517e-01, 9.85541e-01, 8.56573e-01, 3.21507e-02, 5.19745e-04, 8.08155e-06, 3.93198e-07],
        [2.00444e-05, 4.01030e-05, 5.27780e-03, 6.73720e-01, 9.98568e-01, 9.12618e-01, 1.60314e-02, 6.86965e-05],
        [8.49798e-01, 5.78064e-02, 2.58141e-03, 4.53751e-04, 1.15153e-03, 3.16711e-03, 7.40887e-03, 2.31697e-02],
    ],
    "cae-mnist": [
        [7.45927e-04, 5.35071e-04, 6.98572e-04, 1.81762e-03, 1.76376e-03, 2.26690e-03, 7.36908e-02, 8.95996e-01],
        [9.05218e-01, 9.95358e-01, 9.85940e-01, 6.85283e-01, 3.22477e-02, 2.21313e-03, 1.23547e-03, 1.66732e-03],
        [9.41912e-05, 3.42082e-04, 8.90034e-03, 6.22660e-01, 9.73179e-01, 5.34386e-01, 1.07198e-02, 8.53464e-04],
        [5.04276e-01, 2.44480e-02, 1.39011e-03, 6.60525e-04, 2.78708e-04, 2.08448e-04, 7.41939e-04, 6.56033e-03],
    ],
    "vae-mnist": [
        [1.73716e-05, 5.01204e-06, 7.19395e-07, 1.74589e-06, 2.52402e-05, 6.86556e-04, 9.35479e-02, 9.04015e-01],
        [7.20118e-01, 9.59314e-01, 9.63153e-01, 6.93623e-01, 2.40895e-02, 1.07700e-03, 7.04865e-05, 9.06911e-06],
        [6.55217e-09, 5.49627e-07, 9.94739e-04, 3.51215e-01, 9.88087e-01, 7.83847e-01, 7.09306e-03, 1.46330e-05],
        [6.23678e-01, 1.09811e-02, 1.32583e-04, 5.51061e-06, 5.44727e-06, 2.85250e-05, 5.80880e-04, 1.09774e-02],
    ],
}

SHIPPED = [i for i in IDS if pretrained_available(i)]


@pytest.fixture(scope="module")
def test_digits():
    return zoo.data.arrays("mnist", "test")[0]


@pytest.mark.slow
@pytest.mark.parametrize("model_id", SHIPPED)
def test_shipped_golden_slice(model_id, test_digits):
    m = zoo.load(model_id)
    out = m.reconstruct(test_digits[:4])
    np.testing.assert_allclose(out[:, 14, 10:18, 0], np.array(GOLDEN[model_id], np.float32), atol=2e-3)


@pytest.fixture(scope="module")
def pca_mse(test_digits):
    """The PCA baseline's MSE (32 components) on the test digits: the same for every shipped model."""
    from zoo.eval import reconstruction as R

    return R.mse(R.pca_reconstruct(test_digits, 32), test_digits)


@pytest.mark.slow
@pytest.mark.parametrize("model_id", SHIPPED)
def test_shipped_metrics_are_what_the_card_says(model_id, test_digits, pca_mse):
    from zoo.eval import reconstruction as R

    spec = zoo.registry.get_spec(model_id)
    ev, proto = spec.metrics["eval"], spec.metrics["protocol"]
    card = open(spec.card_path, encoding="utf-8").read()
    for k in ("test_mse", "pca_mse"):
        assert f"| {k} | {ev[k]:.4f} | {proto[k]} |" in card
    for fig in ("reconstructions", "tangents"):
        assert f"{model_id}-{fig}.png" in card
        assert os.path.exists(os.path.join(spec.pretrained_dir, f"{model_id}-{fig}.png"))
        assert f"{model_id}-{fig}.png" in spec.files  # pinned like the weights
    # Recompute the cheap metrics (the whole test split) and compare with metrics.json.
    m = zoo.load(model_id, compile=False)
    errs = m.reconstruction_errors(test_digits)
    assert errs["mse"].mean() == pytest.approx(ev["test_mse"], rel=1e-4)
    if "test_bce" in ev:
        assert errs["bce"].mean() == pytest.approx(ev["test_bce"], rel=1e-4)
    assert pca_mse == pytest.approx(ev["pca_mse"], rel=1e-6)
    assert ev["test_mse"] < ev["pca_mse"]  # the non-linear code beats the linear one of the same size
    # Clustering the codes: the card's section, and k-means on the codes recomputed (the pixel
    # and Ward numbers are recomputed by `python -m zoo evaluate`; they take minutes).
    assert "## Clustering the codes" in card
    assert f"| {ev['cluster_acc_kmeans_codes']:.3f} | {ev['nmi_kmeans_codes']:.3f} |" in card
    labels = zoo.cluster(m, test_digits, 10, method="kmeans", seed=0)
    y = zoo.data.arrays("mnist", "test")[1]
    assert zoo.cluster.cluster_accuracy(y, labels) == pytest.approx(ev["cluster_acc_kmeans_codes"], abs=1e-3)
    assert zoo.cluster.nmi(y, labels) == pytest.approx(ev["nmi_kmeans_codes"], abs=1e-3)


@pytest.mark.slow
@pytest.mark.skipif(not pretrained_available("vae-mnist"), reason="vae-mnist not trained")
def test_shipped_vae_likelihood(test_digits):
    from zoo.eval import reconstruction as R

    ev = zoo.registry.get_spec("vae-mnist").metrics["eval"]
    assert ev["test_elbo"] < -ev["test_nll"]  # the IWAE bound is tighter than the ELBO
    card = open(zoo.registry.get_spec("vae-mnist").card_path, encoding="utf-8").read()
    assert f"| test_nll | {ev['test_nll']:.4f} |" in card and "vae-mnist-interpolations.png" in card
    # The first 100 binarized test images, same seeds as the card: the per-image numbers are
    # those of the full run (the noise of image i does not depend on how many are evaluated).
    m = zoo.load("vae-mnist", compile=False)
    xb = R.binarize(test_digits)[:100]
    ll = m.log_likelihood(xb, k=R.NLL_K, seed=R.NLL_SEED)
    assert np.all(np.isfinite(ll)) and ll.shape == (100,)
    # Golden: the mean NLL of these 100 images with the shipped weights (the card's number is the
    # mean over all 10,000; recomputing it takes minutes, `python -m zoo evaluate vae-mnist`).
    assert -ll.mean() == pytest.approx(86.1003, abs=0.05)


@pytest.mark.slow
def test_shipped_vae_meets_the_nll_target():
    assert zoo.registry.get_spec("vae-mnist").metrics["eval"]["test_nll"] <= 88.0
