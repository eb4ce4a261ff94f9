"""Datasets: offline MNIST, the keras.datasets fallback, exact mixtures, the tfds path."""

import numpy as np
import pytest
import tensorflow as tf

from zoo import data


def test_mnist_from_zoo_data_dir_scaled_to_unit_range():
    ds = data.load("mnist", split="train", batch_size=128)
    x = next(iter(ds)).numpy()
    assert x.shape == (128, 28, 28, 1) and x.dtype == np.float32
    assert x.min() >= 0.0 and x.max() <= 1.0 and x.max() > 0.99
    assert int(ds.cardinality()) == 60000 // 128  # drop_remainder on train


def test_mnist_test_split_keeps_every_example_in_order():
    xs, ys = zip(*data.load("mnist", split="test", batch_size=1000, with_labels=True))
    x, y = np.concatenate(xs), np.concatenate(ys)
    raw_x, raw_y = data.mnist_arrays("test")
    assert x.shape == (10000, 28, 28, 1)
    np.testing.assert_array_equal(y, raw_y)
    np.testing.assert_allclose(x[..., 0], raw_x / 255.0, atol=1e-7)


def test_value_range_rescales():
    x = next(iter(data.load("mnist", split="test", batch_size=512, value_range=(-1, 1)))).numpy()
    assert x.min() == pytest.approx(-1.0) and x.max() == pytest.approx(1.0)


def test_mnist_falls_back_to_keras_datasets(monkeypatch):
    import keras

    calls = []
    fake = ((np.zeros((5, 28, 28), np.uint8), np.zeros(5, np.uint8)),
            (np.full((3, 28, 28), 255, np.uint8), np.ones(3, np.uint8)))

    def load_data():
        calls.append(1)
        return fake

    monkeypatch.delenv("ZOO_DATA_DIR")
    monkeypatch.setattr(keras.datasets.mnist, "load_data", load_data)
    x, y = data.arrays("mnist", "test")
    assert calls and x.shape == (3, 28, 28, 1) and float(x.max()) == 1.0


@pytest.mark.parametrize("name,m,std", [("ring8", 8, 0.01), ("grid25", 25, 0.05), ("ring8_r2", 8, 0.02)])
def test_mixtures_are_exact_and_seeded(name, m, std):
    means, s = data.mixture_modes(name)
    assert means.shape == (m, 2) and s == std
    x, modes = data.sample_mixture(name, 20000, seed=3)
    x2, _ = data.sample_mixture(name, 20000, seed=3)
    np.testing.assert_array_equal(x, x2)
    assert not np.array_equal(x, data.sample_mixture(name, 20000, seed=4)[0])
    resid = x - means[modes]
    assert resid.std() == pytest.approx(std, rel=0.03)
    assert np.bincount(modes, minlength=m).min() > 20000 / m * 0.8


def test_mixture_means():
    ring, _ = data.mixture_modes("ring8")
    np.testing.assert_allclose(np.linalg.norm(ring, axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(ring[2], [0.0, 1.0], atol=1e-6)
    big, _ = data.mixture_modes("ring8_r2")  # Metz et al.'s ring: radius 2, 8 distinct modes
    np.testing.assert_allclose(big, 2.0 * ring, rtol=1e-6)
    assert min(np.linalg.norm(a - b) for i, a in enumerate(big) for b in big[i + 1:]) > 1.5
    grid, _ = data.mixture_modes("grid25")
    assert sorted(set(grid[:, 0].tolist())) == [-4.0, -2.0, 0.0, 2.0, 4.0]


def test_mixture_dataset_batches():
    x = next(iter(data.load("grid25", batch_size=64))).numpy()
    assert x.shape == (64, 2)


def test_celeb_a_goes_through_tensorflow_datasets(monkeypatch):
    import tensorflow_datasets as tfds

    seen = {}

    def fake_load(name, split):
        seen["args"] = (name, split)
        img = np.full((4, 218, 178, 3), 255, np.uint8)
        return tf.data.Dataset.from_tensor_slices({"image": img})

    monkeypatch.setattr(tfds, "load", fake_load)
    x = next(iter(data.load("celeb_a", split="train", batch_size=2))).numpy()
    assert seen["args"] == ("celeb_a", "train")
    assert x.shape == (2, 64, 64, 3) and x.max() == pytest.approx(1.0, abs=1e-5)


def test_unknown_dataset_and_split():
    with pytest.raises(ValueError, match="Did you mean mnist"):
        data.load("mnsit")
    with pytest.raises(ValueError, match="Unknown split"):
        data.load("mnist", split="validation")
    with pytest.raises(ValueError, match="batch_size"):
        data.load("mnist", batch_size=0)
