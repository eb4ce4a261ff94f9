"""zoo.cluster: k-means / Ward clustering of codes or pixels, cluster accuracy and NMI."""

import numpy as np
import pytest

import zoo
from zoo import capabilities as cap
from zoo.cluster import cluster_accuracy, clustering_metrics, nmi


def blobs(n_per=20, seed=0, side=4, noise=0.05):
    """3 well separated clusters of (side, side, 1) 'images': cluster c lights up quadrant-ish
    pixel block c, plus a little noise. Labels are 0, 1, 2."""
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(3), n_per)
    x = rng.normal(0, noise, (len(y), side * side))
    for c in range(3):
        x[y == c, c * 5:(c * 5) + 5] += 1.0
    return x.reshape(-1, side, side, 1).astype(np.float32), y


class FirstPixel:
    """A stand-in model whose code is the first pixel only: it declares the Encoder capability,
    and `encode` is all clustering uses of it."""

    CAPABILITIES = (cap.Encoder,)

    def encode(self, x, batch_size=None):
        return np.asarray(x)[:, 0, 0, :]


def test_cluster_accuracy_on_hand_computed_cases():
    assert cluster_accuracy([0, 0, 1, 1, 2, 2], [2, 2, 0, 0, 1, 1]) == 1.0  # any relabelling
    # Best map: cluster 1 -> class 0 (2 right), cluster 0 -> class 1 (3 right): 5 of 6.
    assert cluster_accuracy([0, 0, 0, 1, 1, 1], [1, 1, 0, 0, 0, 0]) == pytest.approx(5 / 6)
    # More clusters than classes: the extra cluster's points count as errors.
    assert cluster_accuracy([0, 0, 1, 1], [0, 1, 2, 2]) == pytest.approx(3 / 4)
    # Everything in one cluster: the majority class.
    assert cluster_accuracy([0, 1, 1, 1, 2], [7, 7, 7, 7, 7]) == pytest.approx(3 / 5)


def test_nmi_extremes():
    assert nmi([0, 0, 1, 1], [5, 5, 3, 3]) == pytest.approx(1.0)
    assert nmi([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("method", ["kmeans", "agglomerative"])
def test_separated_blobs_are_recovered_from_pixels(method):
    x, y = blobs()
    labels = zoo.cluster(None, x, 3, method=method)
    assert labels.dtype == np.int64 and labels.shape == y.shape and set(labels) == {0, 1, 2}
    assert cluster_accuracy(y, labels) == 1.0 and nmi(y, labels) == pytest.approx(1.0)
    np.testing.assert_array_equal(zoo.cluster(None, x, 3, method=method), labels)  # deterministic


def test_the_model_codes_are_what_gets_clustered():
    rng = np.random.default_rng(1)
    y = np.repeat([0, 1], 30)
    x = rng.uniform(0, 1, (60, 4, 4, 1)).astype(np.float32)  # pixels: pure noise
    x[:, 0, 0, 0] = 0.1 * y + rng.normal(0, 0.01, 60)  # except a faint first pixel
    on_codes = zoo.cluster(FirstPixel(), x, 2)
    on_pixels = zoo.cluster(None, x, 2)
    assert cluster_accuracy(y, on_codes) == 1.0
    assert cluster_accuracy(y, on_pixels) < 0.8


def test_clustering_metrics_reports_codes_and_pixels_with_protocols():
    x, y = blobs(n_per=10)
    res = clustering_metrics(FirstPixel(), x, y, k=3, agglomerative_n=21, inputs="test blobs")
    ev, proto = res["eval"], res["protocol"]
    names = {f"{m}_{meth}_{space}" for m in ("cluster_acc", "nmi") for meth in ("kmeans", "agglomerative")
             for space in ("codes", "pixels")}
    assert set(ev) == names == set(proto)
    assert all(0.0 <= v <= 1.0 for v in ev.values())
    assert ev["cluster_acc_kmeans_pixels"] == 1.0  # the pixels separate the blobs
    # The first pixel is lit for blob 0 only: its codes separate 0 from {1, 2}, not 1 from 2.
    assert ev["cluster_acc_kmeans_codes"] < 0.9
    assert "the first 21 of 30 test blobs" in proto["nmi_agglomerative_codes"]
    assert "all 30 test blobs" in proto["cluster_acc_kmeans_codes"]
    assert "Hungarian" in proto["cluster_acc_kmeans_pixels"]


@pytest.mark.parametrize(
    "kw, match",
    [
        (dict(method="dbscan"), "method"),
        (dict(k=1), r"\[2, n"),
        (dict(k=100), r"\[2, n"),
        (dict(k=2.0), "int"),
        (dict(x=np.zeros((6, 4, 4, 1), np.uint8)), "float"),
        (dict(x=np.zeros((0, 4, 4, 1), np.float32)), "empty"),
        (dict(x=np.full((6, 4, 4, 1), np.nan, np.float32)), "NaN"),
    ],
)
def test_bad_cluster_arguments_raise_clear_errors(kw, match):
    args = dict(model=None, x=blobs(n_per=2)[0], k=2)
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        zoo.cluster(**args)


def test_bad_labels_and_models_raise_clear_errors():
    with pytest.raises(ValueError, match="length"):
        cluster_accuracy([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="integer"):
        nmi([0.0, 1.0], [0, 1])
    with pytest.raises(ValueError, match="1-d"):
        cluster_accuracy([[0, 1]], [[0, 1]])
    with pytest.raises(ValueError, match="no labels"):
        cluster_accuracy([], [])
    with pytest.raises(TypeError, match="`model` must be a zoo model with an encoder"):
        zoo.cluster(object(), blobs(n_per=2)[0], 2)
    x, y = blobs(n_per=2)
    with pytest.raises(ValueError, match="length"):
        clustering_metrics(FirstPixel(), x, y[:-1], k=2)


def test_zoo_cluster_is_the_module_and_calls_cluster():
    x, _ = blobs(n_per=5)
    assert zoo.cluster.cluster_accuracy is cluster_accuracy and zoo.cluster.nmi is nmi
    np.testing.assert_array_equal(zoo.cluster(None, x, 3), zoo.cluster.cluster(None, x, 3))


def test_a_model_without_an_encoder_is_refused_by_name():
    from zoo.models.gan import GAN
    from zoo.registry import TINY

    gan = GAN(**TINY["GAN"]["tiny"])  # 8x8 images, but no encoder: its codes cannot be read off
    x = np.random.default_rng(0).uniform(0, 1, (6, 8, 8, 1)).astype(np.float32)
    with pytest.raises(TypeError, match=r"cluster: the argument `model` must be a zoo model with an encoder"
                                        r".*its capabilities: generate, interpolate, project"):
        zoo.cluster(gan, x, 2)
    with pytest.raises(TypeError, match=r"clustering_metrics: the argument `model`"):
        clustering_metrics(gan, x, np.array([0, 0, 0, 1, 1, 1]), k=2)


def test_a_plain_keras_encoder_is_accepted():
    import keras

    x, y = blobs(n_per=10)
    inp = keras.Input(x.shape[1:])
    enc = keras.Model(inp, keras.layers.Flatten()(inp))  # the identity code: same as the pixels
    labels = zoo.cluster(enc, x, 3)
    assert cluster_accuracy(y, labels) == 1.0
