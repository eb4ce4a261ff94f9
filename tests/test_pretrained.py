"""The shipped dcgan-mnist: loads, samples golden values, keeps training, round-trips."""

import numpy as np
import pytest

import zoo
from conftest import pretrained_available

pytestmark = pytest.mark.slow

# generate(4, seed=0)[i, 14, 10:18, 0] of the shipped weights, version 4 (float32, CPU)
GOLDEN = [
    [9.735637e-01, 8.266671e-01, 2.436415e-01, 2.960435e-01, 6.537262e-01, 9.491144e-01, 9.444481e-01, 9.499802e-01],
    [2.675430e-04, 1.511272e-05, 1.829644e-05, 7.456560e-06, 6.821173e-06, 1.704827e-04, 8.176918e-03, 8.056018e-02],
    [9.270539e-01, 9.731935e-01, 9.535095e-01, 9.494581e-01, 9.612842e-01, 9.814321e-01, 9.389450e-01, 2.602252e-01],
    [3.458241e-01, 1.835772e-04, 3.671687e-08, 4.003503e-10, 1.229964e-12, 1.072033e-12, 1.172470e-11, 2.333613e-07],
]


@pytest.fixture(scope="module")
def g():
    assert pretrained_available("dcgan-mnist"), "dcgan-mnist weights must be shipped"
    return zoo.load("dcgan-mnist")


def test_golden_slice(g):
    x = g.generate(4, seed=0)
    assert x.shape == (4, 28, 28, 1) and x.dtype == np.float32
    np.testing.assert_allclose(x[:, 14, 10:18, 0], np.array(GOLDEN, np.float32), atol=2e-3)


def test_samples_are_digit_like(g):
    x = g.generate(256, seed=1)
    real = zoo.data.arrays("mnist", "test")[0][:256]
    # MNIST ink statistics: mostly black background, ~19% of pixels lit
    assert 0.5 * (real > 0.5).mean() < (x > 0.5).mean() < 1.5 * (real > 0.5).mean()
    assert x[:, :3].mean() < 0.05 and x[:, -3:].mean() < 0.05  # empty borders like MNIST
    assert x.std(axis=0).mean() > 0.1  # samples differ from each other


def test_fit_continues_adversarial_training(g):
    ds = zoo.data.load("mnist", split="train", batch_size=128).take(2)
    before = [np.array(w) for w in g.generator.trainable_weights]
    h = g.fit(ds, epochs=1, verbose=0)
    assert np.isfinite(h.history["d_loss"][-1]) and np.isfinite(h.history["g_loss"][-1])
    assert any(not np.allclose(a, np.array(b)) for a, b in zip(before, g.generator.trainable_weights))


def test_save_and_reload_gives_the_same_outputs(tmp_path):
    g = zoo.load("dcgan-mnist")
    g.save_pretrained(tmp_path / "my-dcgan")
    h = zoo.load(str(tmp_path / "my-dcgan"))
    np.testing.assert_array_equal(g.generate(8, seed=4), h.generate(8, seed=4))
    assert h.get_config() == g.get_config()


def test_metrics_and_card_exist():
    import os

    spec = zoo.registry.get_spec("dcgan-mnist")
    assert spec.metrics["training"]["epochs"] > 0
    assert spec.card_path == os.path.join(spec.pretrained_dir, "README.md")
    assert {"README.md", "metrics.json", "config.json", "model.weights.h5"} <= set(spec.files)  # all pinned
    text = open(spec.card_path).read()
    assert text.startswith("---\nlibrary_name: keras")
    assert "python -m training.train dcgan-mnist" in text
