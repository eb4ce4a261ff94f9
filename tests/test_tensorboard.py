"""TensorBoard event files of `python -m training.train`: the sections a model has (losses per
step, learning rates of every named optimizer, the critic's Wasserstein estimate, mode probes,
a sample grid per epoch for image generators), read back with `summary_iterator`, one event per
step and tag after a resume, and readable by TensorBoard itself."""

import collections
import csv
import io
import os
import time

import numpy as np
import PIL.Image
import pytest
import tensorflow as tf

from zoo import recipes as R, registry
from zoo.models.vae import VAE
from training import callbacks as cb
from training import curves, train as T

TINY_ID = "tiny-wgan-ring8-tensorboard"
LR = 1e-3


def wgan_spec(**recipe):
    config = dict(registry.TINY["GAN"]["tiny-mlp"], loss="wasserstein", gp_weight=1.0)
    base = dict(epochs=2, batch_size=16, compile=R.gan(R.adam(LR), R.adam(2 * LR)), checkpoint_every=3,
                probe_every=4)
    base.update(recipe)
    return registry.ModelSpec(id=TINY_ID, family="GAN", config=config, dataset="ring8", summary="A tiny test WGAN",
                              paper="none", recipe=R.Recipe(**base), primary_metric=("hq_percent_mean", "max"))


def events(folder):
    """{tag: [(step, value)]} over every event file of `folder`, in file order; and the plugin of each tag."""
    found, plugins = collections.defaultdict(list), {}
    for name in sorted(os.listdir(folder)):
        if "tfevents" not in name:
            continue
        for e in tf.compat.v1.train.summary_iterator(os.path.join(folder, name)):
            for v in e.summary.value:
                found[v.tag].append((e.step, tf.make_ndarray(v.tensor)))
                if v.metadata.plugin_data.plugin_name:
                    plugins.setdefault(v.tag, v.metadata.plugin_data.plugin_name)
    return found, plugins


def steps_of(found, tag):
    return [s for s, _ in found[tag]]


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_training_writes_losses_rates_critic_and_probes(tmp_path, monkeypatch):
    monkeypatch.setitem(registry.REGISTRY, TINY_ID, wgan_spec())
    run = tmp_path / "run"
    assert T.main([TINY_ID, "--max-steps", "5", "--out", str(run)]) == 0
    found, plugins = events(run / "tensorboard")
    for tag in ("batch/d_loss", "batch/g_loss", "critic/w_estimate", "learning_rate/d_optimizer",
                "learning_rate/g_optimizer"):
        assert steps_of(found, tag) == list(range(1, 11)), tag  # 2 epochs x 5 steps, each step once
        assert plugins[tag] == "scalars"
    assert "batch/w_estimate" not in found and "batch/d_loss_step" not in found
    # the step's own values, as steps.csv has them
    logged = rows(run / "steps.csv")
    np.testing.assert_allclose([float(v) for _, v in found["batch/d_loss"]], [float(r["d_loss"]) for r in logged],
                               rtol=1e-5)
    np.testing.assert_allclose([float(v) for _, v in found["critic/w_estimate"]],
                               [float(r["w_estimate"]) for r in logged], rtol=1e-5)
    np.testing.assert_allclose([float(v) for _, v in found["learning_rate/d_optimizer"]], LR, rtol=1e-6)
    np.testing.assert_allclose([float(v) for _, v in found["learning_rate/g_optimizer"]], 2 * LR, rtol=1e-6)
    # the mode probes of probes.csv, at the same steps
    probes = rows(run / "probes.csv")
    assert steps_of(found, "modes/modes") == [int(r["step"]) for r in probes] == [4, 5, 8, 10]
    assert [int(v) for _, v in found["modes/modes"]] == [int(float(r["modes"])) for r in probes]
    assert "modes/hq_percent" in found
    assert steps_of(found, "epoch/d_loss") == [5, 10]
    assert "samples" not in found  # 2D points: no image grid


def test_an_image_generator_with_one_optimizer_gets_its_sample_grid(tmp_path):
    model = VAE(**registry.TINY["VAE"]["tiny"])
    model.compile()
    recipe = R.Recipe(epochs=2, batch_size=8, compile={}, checkpoint_every=2, probe_every=0, sample_seed=3)
    x = (np.random.default_rng(0).random((32, 8, 8, 1)) > 0.5).astype("float32")
    ds = tf.data.Dataset.from_tensor_slices(x).batch(8, drop_remainder=True)  # 4 steps
    T.fit_with_checkpoints(model, ds, 2, str(tmp_path), recipe, verbose=False)
    found, plugins = events(tmp_path / "tensorboard")
    assert steps_of(found, "learning_rate/optimizer") == list(range(1, 9))
    assert steps_of(found, "batch/loss") == list(range(1, 9))  # Keras' running mean: no per-step value logged
    assert not [t for t in found if t.startswith(("critic/", "modes/", "learning_rate/d_"))]
    assert plugins["samples"] == "images" and steps_of(found, "samples") == [4, 8]
    width, height, png = found["samples"][-1][1]
    grid = np.asarray(PIL.Image.open(io.BytesIO(png)))
    side = 8 * (8 + 2) + 2  # 64 samples of 8x8 with 2-pixel gaps
    assert (int(width), int(height)) == grid.shape[:2] == (side, side)
    from zoo import viz

    np.testing.assert_array_equal(grid.squeeze(), viz.image_grid(model.generate(64, seed=3)))


def test_a_resumed_run_writes_each_step_once(tmp_path, monkeypatch):
    recipe = R.Recipe(epochs=2, batch_size=16, compile=R.gan(R.adam(LR), R.adam(LR)), checkpoint_every=3,
                      probe_every=4)
    x, _ = __import__("zoo").data.sample_mixture("ring8", 160, seed=0)
    ds = tf.data.Dataset.from_tensor_slices(x).batch(16, drop_remainder=True)  # 10 steps

    def model():
        from zoo.models.gan import GAN

        g = GAN(**registry.TINY["GAN"]["tiny-mlp"])
        g.compile()
        return g

    probe = curves.mode_probe("ring8")
    real = curves.CurveLog.on_train_batch_end

    def killed(self, batch, logs=None):
        if batch == 8:  # step 9: steps 7 and 8 are written past the checkpoint at step 6
            raise KeyboardInterrupt
        real(self, batch, logs)

    monkeypatch.setattr(curves.CurveLog, "on_train_batch_end", killed)
    with pytest.raises(KeyboardInterrupt):
        T.fit_with_checkpoints(model(), ds, 2, str(tmp_path), recipe, verbose=False, modes=probe)
    found, _ = events(tmp_path / "tensorboard")
    assert steps_of(found, "batch/d_loss") == list(range(1, 9))
    assert steps_of(found, "modes/modes") == [4, 8]
    monkeypatch.setattr(curves.CurveLog, "on_train_batch_end", real)
    time.sleep(1.1)  # event files are named by the second they were opened
    T.fit_with_checkpoints(model(), ds, 2, str(tmp_path), recipe, verbose=False, modes=probe)
    found, _ = events(tmp_path / "tensorboard")
    for tag in ("batch/d_loss", "batch/g_loss", "learning_rate/d_optimizer"):
        assert steps_of(found, tag) == list(range(1, 21)), tag
    assert steps_of(found, "epoch/d_loss") == [10, 20]
    assert steps_of(found, "modes/modes") == [4, 8, 10, 12, 16, 20]
    # the resumed values are those of steps.csv (the first run's steps 7 and 8 are gone)
    np.testing.assert_allclose([float(v) for _, v in found["batch/d_loss"]],
                               [float(r["d_loss"]) for r in rows(tmp_path / "steps.csv")], rtol=1e-5)


def test_rewind_survives_a_record_cut_short_and_drops_emptied_files(tmp_path):
    board = cb.TensorBoardLog(str(tmp_path))
    for step in range(1, 11):
        board.scalars({"batch/loss": step / 10}, step=step)
    board.close()
    (name,) = [n for n in os.listdir(tmp_path) if "tfevents" in n]
    with open(tmp_path / name, "ab") as f:
        f.write(b"\x20\x00\x00\x00\x00\x00\x00\x00half a record")  # what a kill mid-write leaves
    assert cb.rewind_tensorboard(str(tmp_path), 4) == 6
    found, _ = events(tmp_path)
    assert steps_of(found, "batch/loss") == [1, 2, 3, 4]
    assert cb.rewind_tensorboard(str(tmp_path), 4) == 0
    assert cb.rewind_tensorboard(str(tmp_path), 0) == 4
    assert not [n for n in os.listdir(tmp_path) if "tfevents" in n]
    assert not os.listdir(tmp_path)  # no temporary file left either


def test_tensorboard_itself_reads_the_run(tmp_path, monkeypatch):
    event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    board = cb.TensorBoardLog(str(tmp_path))
    board.scalars({"batch/d_loss": 0.5, "learning_rate/g_optimizer": 2e-4}, step=3)
    board.image("samples", np.arange(12 * 10, dtype=np.uint8).reshape(12, 10), step=3)
    board.close()
    acc = event_accumulator.EventAccumulator(str(tmp_path), size_guidance={"tensors": 0, "images": 0})
    acc.Reload()
    tags = acc.Tags()
    # TensorBoard serves v2 summaries as tensors, by plugin: scalars and images
    assert {"batch/d_loss", "learning_rate/g_optimizer", "samples"} <= set(tags["tensors"])
    assert acc.SummaryMetadata("batch/d_loss").plugin_data.plugin_name == "scalars"
    assert acc.SummaryMetadata("samples").plugin_data.plugin_name == "images"
    (event,) = acc.Tensors("batch/d_loss")
    assert event.step == 3 and float(tf.make_ndarray(event.tensor_proto)) == pytest.approx(0.5)
    (image,) = acc.Tensors("samples")
    width, height, png = tf.make_ndarray(image.tensor_proto)
    assert (int(width), int(height)) == (10, 12)
    assert np.asarray(PIL.Image.open(io.BytesIO(png))).shape == (12, 10)
