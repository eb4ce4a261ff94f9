"""Evaluation suite: FID / KID / precision-recall against closed forms and hand-made sets,
mixture mode coverage, Stacked MNIST, and evaluate() dispatch."""

import ast
import itertools
import math
import os
import re
import warnings

import numpy as np
import pytest

import zoo
from zoo import data, registry
from zoo import eval as E
from zoo.eval.fid_kid import mmd2_unbiased
from zoo.eval.prdc import in_manifold, knn_radii
from zoo.eval import features
from zoo.models.classifier import Classifier
from zoo.models.gan import GAN
from zoo.registry import TINY, ModelSpec

from conftest import pretrained_available


# ----------------------------------------------------------------------------- FID
def test_fid_of_identical_features_is_zero(rng):
    a = rng.normal(size=(2000, 16))
    assert E.fid(a, a) == pytest.approx(0.0, abs=1e-8)


def test_frechet_distance_matches_closed_form_for_diagonal_gaussians():
    mu1, mu2 = np.array([0.0, 1.0, -2.0]), np.array([1.0, 1.0, 0.5])
    s1, s2 = np.array([1.0, 4.0, 0.25]), np.array([9.0, 1.0, 0.25])
    expected = np.sum((mu1 - mu2) ** 2) + np.sum(s1 + s2 - 2 * np.sqrt(s1 * s2))  # 7.25 + 5 = 12.25
    assert E.frechet_distance(mu1, np.diag(s1), mu2, np.diag(s2)) == pytest.approx(expected, rel=1e-10)
    assert expected == pytest.approx(12.25)


def test_fid_of_samples_approaches_the_closed_form(rng):
    mu1, mu2 = np.zeros(4), np.ones(4)
    s1, s2 = np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 1.0, 0.5, 4.0])
    x = mu1 + rng.normal(size=(100_000, 4)) * np.sqrt(s1)
    y = mu2 + rng.normal(size=(100_000, 4)) * np.sqrt(s2)
    expected = 4.0 + np.sum(s1 + s2 - 2 * np.sqrt(s1 * s2))
    assert E.fid(x, y) == pytest.approx(expected, rel=0.02)
    assert E.fid(x, y) == pytest.approx(E.fid(y, x), rel=1e-6)  # symmetric


def test_fid_of_a_translation_is_the_squared_shift(rng):
    a = rng.normal(size=(500, 8))
    shift = np.arange(8) / 4.0
    assert E.fid(a, a + shift) == pytest.approx(np.sum(shift**2), rel=1e-6)


def test_fid_handles_singular_covariances(rng):
    # Rank-deficient features (a dead unit, duplicated columns) must give a finite, >= 0 value.
    a = rng.normal(size=(300, 6))
    a[:, 0] = 0.0
    a[:, 1] = a[:, 2]
    b = a + 0.1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        v = E.fid(a, b)
    assert np.isfinite(v) and v == pytest.approx(6 * 0.01, abs=1e-6)  # same covariance, 6 coordinates shifted


@pytest.mark.parametrize("bad", [np.zeros(5), np.zeros((1, 3)), np.full((4, 3), np.nan)])
def test_fid_rejects_bad_features(bad):
    with pytest.raises(ValueError):
        E.fid(bad, np.zeros((4, 3)))
    with pytest.raises(ValueError, match="differ"):
        E.fid(np.zeros((4, 3)), np.zeros((4, 2)))


# ----------------------------------------------------------------------------- KID
def test_mmd2_unbiased_matches_a_direct_double_sum(rng):
    x, y = rng.normal(size=(5, 3)), rng.normal(size=(4, 3)) + 0.3

    def k(a, b):
        return (a @ b / 3 + 1) ** 3

    xx = sum(k(x[i], x[j]) for i, j in itertools.permutations(range(5), 2)) / 20
    yy = sum(k(y[i], y[j]) for i, j in itertools.permutations(range(4), 2)) / 12
    xy = sum(k(a, b) for a in x for b in y) / 20
    assert mmd2_unbiased(x, y) == pytest.approx(xx + yy - 2 * xy, rel=1e-10)


def test_kid_is_near_zero_for_one_distribution_and_positive_for_a_shift(rng):
    a, b = rng.normal(size=(2000, 16)), rng.normal(size=(2000, 16))
    same_mean, same_std = E.kid(a, b, subsets=20, subset_size=500)
    assert abs(same_mean) < 3 * same_std + 1e-3
    shifted_mean, shifted_std = E.kid(a, b + 1.0, subsets=20, subset_size=500)
    assert shifted_mean > 0.1 and shifted_mean > 10 * shifted_std
    assert E.kid(a, b, subsets=5, subset_size=300, seed=1) == E.kid(a, b, subsets=5, subset_size=300, seed=1)


# ----------------------------------------------------------------------------- precision / recall
def test_precision_recall_on_hand_made_points():
    real = np.arange(5, dtype=np.float64)[:, None]  # 0..4: k=1 radii are all 1
    fake = np.array([[0.5], [10.0]])  # one inside the real manifold, one far away
    np.testing.assert_allclose(knn_radii(real, k=1), 1.0)
    pr = E.precision_recall(real, fake, k=1)
    assert pr["precision"] == 0.5
    # Fake radii (k=1) are 9.5: every real point lies within 9.5 of 0.5 or 10.
    assert pr["recall"] == 1.0


def test_precision_recall_subset_and_far_away(rng):
    real = rng.normal(size=(1000, 8))
    pr = E.precision_recall(real, real[:200], k=3)
    assert pr["precision"] == 1.0  # every fake point is a real point
    assert 0.0 < pr["recall"] < 1.0  # 200 points cover part of the real manifold
    far = E.precision_recall(real, rng.normal(size=(300, 8)) + 100.0, k=3)
    assert far == {"precision": 0.0, "recall": 0.0}
    same = E.precision_recall(real, rng.normal(size=(1000, 8)), k=3)
    assert same["precision"] > 0.6 and same["recall"] > 0.6


def test_precision_recall_chunking_does_not_change_the_result(rng):
    real, fake = rng.normal(size=(300, 4)), rng.normal(size=(250, 4)) * 1.5
    radii = knn_radii(real, 3)
    np.testing.assert_array_equal(in_manifold(fake, real, radii, chunk=7),
                                  in_manifold(fake, real, radii, chunk=10_000))


# ----------------------------------------------------------------------------- mixtures
@pytest.mark.parametrize("name, m", [("ring8", 8), ("grid25", 25), ("ring8_r2", 8)])
def test_exact_mixture_samples_cover_all_modes(name, m):
    x, _ = data.sample_mixture(name, 2500, seed=0)
    r = E.mixture_metrics(x, name)
    assert r["modes_covered"] == m and r["num_modes"] == m and r["n"] == 2500
    # P(|x - mu| <= 3 std) = 1 - exp(-4.5) = 98.9% for a 2-D Gaussian.
    assert r["hq_fraction"] == pytest.approx(1 - math.exp(-4.5), abs=0.01)
    assert r["hq_percent"] == pytest.approx(100 * r["hq_fraction"])
    assert 0.0 <= r["kl_to_uniform"] < 0.02


@pytest.mark.parametrize("name, m", [("ring8", 8), ("grid25", 25), ("ring8_r2", 8)])
def test_collapsed_samples_cover_one_mode(name, m):
    means, std = data.mixture_modes(name)
    x = means[3] + 0.5 * std * np.random.default_rng(0).standard_normal((500, 2))
    r = E.mixture_metrics(x, name)
    assert r["modes_covered"] == 1 and r["hq_fraction"] == 1.0
    assert r["kl_to_uniform"] == pytest.approx(math.log(m))


def test_mixture_hq_threshold_kl_and_non_finite_rows():
    means, std = data.mixture_modes("ring8")
    x = np.array([
        means[0] + [2.9 * std, 0.0],  # inside 3 std of mode 0: HQ
        means[1] + [3.1 * std, 0.0],  # just outside: not HQ, mode 1 not covered
        means[2], means[2],  # two HQ samples at mode 2
        [np.nan, 0.0],  # a diverged sample counts as low quality
        [10.0, 10.0],  # far from every mode
    ])
    r = E.mixture_metrics(x, "ring8")
    assert r["modes_covered"] == 2
    assert r["hq_fraction"] == pytest.approx(3 / 6)
    p = np.array([1 / 3, 2 / 3])
    assert r["kl_to_uniform"] == pytest.approx(np.sum(p * np.log(8 * p)))
    empty = E.mixture_metrics(np.full((4, 2), 10.0), "ring8")
    # No HQ sample: the histogram is empty; KL takes its worst value log(m), as for a collapse.
    assert empty["modes_covered"] == 0 and empty["hq_fraction"] == 0
    assert empty["kl_to_uniform"] == pytest.approx(math.log(8))
    with pytest.raises(ValueError):
        E.mixture_metrics(np.zeros((4, 3)), "ring8")
    with pytest.raises(ValueError):
        E.mixture_metrics(np.zeros((4, 2)), "ring9")


def test_kl_to_uniform():
    assert E.kl_to_uniform([5, 5, 5, 5]) == pytest.approx(0.0)
    assert E.kl_to_uniform([0, 7, 0, 0]) == pytest.approx(math.log(4))
    assert E.kl_to_uniform([1, 3]) == pytest.approx(0.25 * math.log(0.5) + 0.75 * math.log(1.5))


class MixtureSampler:
    """Stands in for a generator: exact mixture samples, or all at one mode."""

    def __init__(self, name, collapse=False):
        self.name, self.collapse, self.seeds = name, collapse, []

    def generate(self, n, seed=None):
        self.seeds.append(seed)
        x, _ = data.sample_mixture(self.name, n, seed=seed)
        return x * 0 + data.mixture_modes(self.name)[0][0] if self.collapse else x


def test_evaluate_mixture_reports_mean_and_std_over_seeds():
    model = MixtureSampler("grid25")
    r = E.evaluate_mixture(model, "grid25", seeds=(0, 1, 2), n=2500)
    assert model.seeds == [0, 1, 2]
    assert r["modes_covered_mean"] == 25 and r["modes_covered_std"] == 0
    assert r["hq_percent_mean"] == pytest.approx(98.9, abs=1.0) and r["hq_percent_std"] > 0
    collapsed = E.evaluate_mixture(MixtureSampler("ring8", collapse=True), "ring8", n=100)
    assert collapsed["modes_covered_mean"] == 1
    assert collapsed["kl_to_uniform_mean"] == pytest.approx(math.log(8))


# ----------------------------------------------------------------------------- Stacked MNIST
def test_stacked_mnist_channels_are_digits_with_the_stated_labels():
    x, y = data.stacked_mnist(6, seed=3, split="test")
    assert x.shape == (6, 28, 28, 3) and x.dtype == np.float32
    assert 0.0 <= x.min() and x.max() <= 1.0
    assert y.dtype == np.int64 and np.all((0 <= y) & (y < 1000))
    digits, labels = data.mnist_arrays("test")
    flat = digits.reshape(len(digits), -1)
    for img, mode in zip(x, y):
        for c, d in enumerate((mode // 100, mode // 10 % 10, mode % 10)):
            channel = np.round(img[..., c] * 255).astype(np.uint8).reshape(-1)
            matches = np.flatnonzero((flat == channel).all(1))
            assert len(matches) and d in labels[matches]  # channel c is an MNIST digit d
    again, y2 = data.stacked_mnist(6, seed=3, split="test")
    np.testing.assert_array_equal(again, x)
    np.testing.assert_array_equal(y2, y)


def test_stacked_mnist_is_a_registered_dataset():
    assert data.DATASETS["stacked_mnist"][0] == (28, 28, 3)
    x, y = data.arrays("stacked_mnist", "test", num_examples=50)
    assert x.shape == (50, 28, 28, 3) and len(y) == 50
    batch = next(iter(data.load("stacked_mnist", "test", batch_size=8, num_examples=50)))
    assert tuple(batch.shape) == (8, 28, 28, 3)


class BrightnessClassifier:
    """Labels a grayscale image by its mean brightness: image filled with d/10 -> digit d, sure of
    it (p = 1); a brightness halfway between two digits' gets p = 0.5 for each."""

    num_classes = 10

    def predict_labels(self, x, batch_size=1000):
        return self.predict_proba(x).argmax(-1)

    def predict_proba(self, x, batch_size=1000):
        t = np.asarray(x).mean(axis=(1, 2, 3)) * 10
        lo = np.clip(np.floor(t + 1e-6), 0, 9).astype(int)
        hi = np.clip(np.rint(t + 0.25), 0, 9).astype(int)  # lo + 1 halfway between digits, else lo
        p = np.zeros((len(t), 10))
        p[np.arange(len(t)), lo] += 0.5
        p[np.arange(len(t)), hi] += 0.5
        return p


def stacked_images(modes):
    d = np.stack([modes // 100, modes // 10 % 10, modes % 10], -1) / 10.0
    return np.broadcast_to(d[:, None, None, :], (len(modes), 28, 28, 3)).astype(np.float32)


def test_stacked_modes_counts_modes_and_kl():
    modes = np.repeat(np.array([0, 7, 123, 999]), 5)
    assert np.array_equal(E.stacked_mode_labels(stacked_images(modes), BrightnessClassifier()), modes)
    r = E.stacked_modes(stacked_images(modes), BrightnessClassifier())
    assert r["modes_hit"] == 4 and r["n"] == 20
    assert r["kl_to_uniform"] == pytest.approx(math.log(1000 / 4))
    assert r["channel_confident_share"] == 1.0
    blurred = stacked_images(modes)
    blurred[:10, ..., 0] += 0.05  # the red digit of 10 of the 20 samples is halfway between two
    r = E.stacked_modes(blurred, BrightnessClassifier())
    assert r["channel_confident_share"] == pytest.approx(1 - 10 / 60)

    class Gen:
        def generate(self, n, seed=None):
            return stacked_images(np.arange(n) % 1000)

    r = E.stacked_modes(Gen(), BrightnessClassifier(), n=2000)
    assert r["modes_hit"] == 1000 and r["kl_to_uniform"] == pytest.approx(0.0, abs=1e-12)


# ----------------------------------------------------------------------------- evaluate()
def _spec(dataset, family="GAN"):
    return ModelSpec(id="t", family=family, config={}, dataset=dataset, summary="", paper="")


def _check_result(res, keys):
    assert set(res) == {"eval", "protocol"}
    assert set(keys) <= set(res["eval"])
    assert set(res["eval"]) == set(res["protocol"])  # every number states how it was computed
    for k, v in res["eval"].items():
        assert isinstance(v, (int, float)) and np.isfinite(v), (k, v)
        assert isinstance(res["protocol"][k], str) and len(res["protocol"][k]) > 10


@pytest.fixture(scope="module")
def small_clf():
    return Classifier(**{**registry.get_spec("mnist-classifier").config, "filters": 4, "units": 16})


def test_evaluate_digit_generator(small_clf):
    g = GAN(architecture="dcgan", data_shape=[28, 28, 1], latent_dim=8, g_filters=4, d_filters=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an untrained feature net has dead units
        res = E.evaluate(g, registry.get_spec("dcgan-mnist"), n_samples=300, classifier=small_clf)
    _check_result(res, ["fid", "kid", "kid_std", "precision", "recall", "fid_real_vs_real",
                        "kid_real_vs_real", "kid_real_vs_real_std", "classes_covered",
                        "class_kl_to_uniform", "class_share_min", "class_share_max", "confident_share",
                        "confident_share_real"])
    ev = res["eval"]
    assert 0 <= ev["precision"] <= 1 and 0 <= ev["recall"] <= 1
    assert 1 <= ev["classes_covered"] <= 10
    assert 0 <= ev["class_share_min"] <= 0.1 <= ev["class_share_max"] <= 1
    assert (ev["class_share_min"] > 0) == (ev["classes_covered"] == 10)
    assert 0 <= ev["confident_share"] <= 1 and 0 <= ev["confident_share_real"] <= 1
    assert ev["fid"] > ev["fid_real_vs_real"]  # noise from an untrained G is farther than real data
    assert "300" in res["protocol"]["fid"] and "mnist-classifier" in res["protocol"]["fid"]


def test_evaluate_mixture_and_stacked_generators(small_clf):
    g = GAN(**TINY["GAN"]["tiny-mlp"])
    res = E.evaluate(g, _spec("ring8"), n_samples=200)
    _check_result(res, ["modes_covered_mean", "modes_covered_std", "hq_percent_mean", "hq_percent_std",
                        "kl_to_uniform_mean", "kl_to_uniform_std"])
    assert "seed" in res["protocol"]["hq_percent_mean"]
    s = GAN(architecture="dcgan", data_shape=[28, 28, 3], latent_dim=8, g_filters=4, d_filters=4)
    res = E.evaluate(s, _spec("stacked_mnist"), n_samples=100, classifier=small_clf)
    _check_result(res, ["modes_hit", "mode_kl_to_uniform", "channel_confident_share"])
    assert 1 <= res["eval"]["modes_hit"] <= 100


def test_evaluate_classifier_and_unknown_cases(small_clf):
    res = E.evaluate(small_clf, registry.get_spec("mnist-classifier"), n_samples=200)
    _check_result(res, ["test_accuracy"])
    assert 0.0 <= res["eval"]["test_accuracy"] <= 1.0
    # The suites follow the spec's capabilities and dataset: none of them covers these.
    assert E.evaluate(small_clf, _spec("celeb_a", "Classifier")) == {}
    assert E.evaluate(small_clf, _spec("ring8", "Classifier")) == {}
    assert E.evaluate(GAN(**TINY["GAN"]["tiny"]), _spec("celeb_a")) == {}
    assert E.evaluate(object(), _spec("celeb_a", "VAE")) == {}


@pytest.mark.skipif(pretrained_available("mnist-classifier"), reason="feature network installed")
def test_evaluate_without_the_feature_network_warns_and_returns_nothing():
    g = GAN(architecture="dcgan", data_shape=[28, 28, 1], latent_dim=8, g_filters=4, d_filters=4)
    with pytest.warns(RuntimeWarning, match="mnist-classifier"):
        assert E.evaluate(g, registry.get_spec("dcgan-mnist"), n_samples=50) == {}


def test_evaluate_in_a_process_that_predates_the_feature_network(monkeypatch):
    # A training run started before mnist-classifier was cataloged must still finish.
    from zoo.eval import features

    monkeypatch.delitem(registry.REGISTRY, "mnist-classifier")
    monkeypatch.setattr(features, "_NETS", {})
    g = GAN(architecture="dcgan", data_shape=[28, 28, 1], latent_dim=8, g_filters=4, d_filters=4)
    with pytest.warns(RuntimeWarning, match="Unknown model id 'mnist-classifier'"):
        assert E.evaluate(g, registry.get_spec("dcgan-mnist"), n_samples=50) == {}


@pytest.mark.slow
@pytest.mark.skipif(not pretrained_available("mnist-classifier"), reason="mnist-classifier not trained")
def test_real_vs_real_floor_is_far_below_a_noise_generator():
    class Noise:
        def generate(self, n, seed=None):
            return np.random.default_rng(seed).uniform(0, 1, (n, 28, 28, 1)).astype(np.float32)

    res = E.evaluate(Noise(), registry.get_spec("dcgan-mnist"), n_samples=1000)
    ev = res["eval"]
    assert ev["fid_real_vs_real"] < 0.05 * ev["fid"]
    assert ev["precision"] < 0.05 and ev["kid"] > ev["kid_real_vs_real"] + 10 * ev["kid_std"]
    assert zoo.load("mnist-classifier") is not None


# ----------------------------------------------------------------------------- frozen feature networks
def test_the_feature_network_pin_matches_the_catalog():
    model_id, sha = features.FEATURE_NETWORKS["mnist"]
    assert model_id == "mnist-classifier" and len(sha) == 64
    weights = registry.get_spec(model_id).weights
    if weights:  # published: the pin is its digest
        assert weights[registry.WEIGHTS_FILE] == sha
    assert features.check_pin("mnist") == model_id
    with pytest.raises(ValueError, match="dataset 'celeb_a' has no pinned feature network"):
        features.feature_network("celeb_a")


@pytest.mark.skipif(not pretrained_available("mnist-classifier"), reason="mnist-classifier not trained")
def test_evaluation_refuses_a_feature_network_that_differs_from_the_pin(monkeypatch):
    # A retrained mnist-classifier would silently change every FID: evaluation must stop instead.
    monkeypatch.setitem(features.FEATURE_NETWORKS, "mnist", ("mnist-classifier", "0" * 64))
    with pytest.raises(features.FeatureNetworkChangedError, match="'mnist-classifier'.*FEATURE_NETWORKS"):
        features.feature_network("mnist")
    g = GAN(architecture="dcgan", data_shape=[28, 28, 1], latent_dim=8, g_filters=4, d_filters=4)
    with pytest.raises(features.FeatureNetworkChangedError, match="changed"):
        E.evaluate(g, registry.get_spec("dcgan-mnist"), n_samples=50)
    s = GAN(architecture="dcgan", data_shape=[28, 28, 3], latent_dim=8, g_filters=4, d_filters=4)
    with pytest.raises(features.FeatureNetworkChangedError):  # Stacked MNIST labels channels with it too
        E.evaluate(s, registry.get_spec("dcgan-stacked-mnist"), n_samples=50)
    assert isinstance(features.FeatureNetworkChangedError("x"), ValueError)  # the CLI prints it on one line


def test_the_suites_follow_capabilities_not_families(small_clf):
    # A classifier's accuracy comes from its Classifier capability, whatever its family is called.
    tp = registry.get_spec("tangentprop-mnist")
    assert "classify" in tp.tasks and "features" not in tp.tasks
    res = E.evaluate(small_clf, tp, n_samples=100)
    assert set(res["eval"]) == {"test_accuracy"}


# ----------------------------------------------------------------------------- the rules of zoo/eval
EVAL_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "zoo", "eval")


def _imports(path):
    tree = ast.parse(open(path, encoding="utf-8").read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{a.name}" for a in node.names)


@pytest.mark.parametrize("name", sorted(f for f in os.listdir(EVAL_DIR) if f.endswith(".py")))
def test_eval_chooses_by_capability_and_never_imports_the_families(name):
    path = os.path.join(EVAL_DIR, name)
    assert not [m for m in _imports(path) if m == "zoo.models" or m.startswith("zoo.models.")]
    assert not [m for m in _imports(path) if m.startswith(("training", "demos"))]
    src = open(path, encoding="utf-8").read()
    assert "hasattr(" not in src and ".family" not in src and "FAMILIES" not in src
    assert not re.search(r"isinstance\([^)]*\b(" + "|".join(registry.FAMILIES) + r")\b", src)


# ----------------------------------------------------------------------------- card figures
@pytest.mark.slow
@pytest.mark.skipif(not pretrained_available("ae-mnist"), reason="ae-mnist not trained")
def test_card_figures_write_into_the_given_folder_atomically(tmp_path, monkeypatch):
    from zoo import manifold
    from zoo.eval import reconstruction as R

    assert R.has_figures(registry.get_spec("ae-mnist")) and not R.has_figures(registry.get_spec("dcgan-mnist"))
    folder = tmp_path / "ae-mnist"  # created when missing
    sections = R.card_figures("ae-mnist", str(folder))
    names = ["ae-mnist-interpolations.png", "ae-mnist-reconstructions.png", "ae-mnist-tangents.png"]
    assert sorted(os.listdir(folder)) == names  # nothing else: no temp folder left behind
    assert [t for t, _ in sections] == ["Reconstructions", "Interpolations", "Tangent vectors"]
    for (_, text), kind in zip(sections, ("reconstructions", "interpolations", "tangents")):
        assert f"](ae-mnist-{kind}.png)" in text  # linked relative to the folder the card sits in
    before = {n: (folder / n).read_bytes() for n in names}

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(manifold, "save_tangent_figure", broken)
    with pytest.raises(OSError, match="disk full"):
        R.card_figures("ae-mnist", str(folder))
    # The figures drawn before the failure were not published: the old set stays whole.
    assert sorted(os.listdir(folder)) == names
    assert all((folder / n).read_bytes() == before[n] for n in names)


def test_binary_models_are_compared_with_binarized_real_images():
    x, y = features.real_images("test", 50)
    xb, yb = features.real_images("test", 50, binary=True)
    assert set(np.unique(xb)) <= {0.0, 1.0} and np.array_equal(y, yb)
    assert np.array_equal(xb, data.binarize(x, seed=0))
    # The first n images binarize the same whatever n (the test NLL's protocol).
    assert np.array_equal(features.real_images("test", 20, binary=True)[0], xb[:20])
    # Bright pixels are mostly on, dark ones mostly off: a binarization, not noise.
    assert xb[x > 0.9].mean() > 0.85 and xb[x < 0.1].mean() < 0.15
    from zoo.models.pixelcnn import PixelCNN

    assert PixelCNN.binary_data and not GAN.binary_data


@pytest.mark.parametrize("bad,error,message", [
    (np.array([0.5, 2.0]), ValueError, r"x must hold pixel values in \[0, 1\].*got values in \[0.5, 2\]"),
    (np.array([0.5, np.nan]), ValueError, "and NaN"),
    (np.array(["a"]), TypeError, "x must be a numeric array"),
])
def test_binarize_refuses_values_outside_the_unit_interval(bad, error, message):
    with pytest.raises(error, match=message):
        data.binarize(bad)
