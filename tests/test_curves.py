"""Training curves: per-step losses and Wasserstein estimate, mode probes, the PNG, modes.md."""

import csv
import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

import zoo
from zoo import recipes
from zoo.models.gan import GAN
from zoo.registry import TINY
from training import curves, train as T

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ring(n=160):
    x, _ = zoo.data.sample_mixture("ring8", n, seed=0)
    return tf.data.Dataset.from_tensor_slices(x).batch(16, drop_remainder=True)  # 10 steps


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_step_logs_are_the_steps_own_values():
    g = GAN(**TINY["GAN"]["tiny-mlp"], loss="wasserstein", n_critic=1, clip_value=0.01)
    g.compile()
    h = g.fit(ring(16), epochs=1, verbose=0)  # one step: running mean == the step's value
    for key in ("d_loss", "g_loss", "w_estimate"):
        np.testing.assert_allclose(h.history[f"{key}_step"][-1], h.history[key][-1], rtol=1e-6)
    h = g.fit(ring(64), epochs=1, verbose=0)  # four steps: the last step's value differs from the mean
    assert h.history["d_loss_step"][-1] != h.history["d_loss"][-1]


def test_curve_log_writes_every_step_and_the_probes(tmp_path):
    recipe = recipes.Recipe(epochs=2, batch_size=16, compile=recipes.gan(recipes.adam(1e-3), recipes.adam(1e-3)),
                            checkpoint_every=0, probe_every=4)
    g = GAN(**TINY["GAN"]["tiny-mlp"], loss="wasserstein", clip_value=0.01)
    g.compile()
    probe = curves.mode_probe("ring8")
    T.fit_with_checkpoints(g, ring(), 2, str(tmp_path), recipe, verbose=False, modes=probe)
    steps = rows(tmp_path / "steps.csv")
    assert [int(r["step"]) for r in steps] == list(range(1, 21))
    assert all(np.isfinite(float(r[k])) for r in steps for k in ("d_loss", "g_loss", "w_estimate"))
    probes = rows(tmp_path / "probes.csv")
    # every 4 steps, plus the ends of epochs that are not multiples of 4 (step 10)
    assert [int(r["step"]) for r in probes] == [4, 8, 10, 12, 16, 20]
    assert all(0 <= int(r["modes"]) <= 8 and r["num_modes"] == "8" for r in probes)
    png = curves.plot(str(tmp_path), str(tmp_path / "curves.png"), title="tiny")
    with open(png, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_a_step_logs_family_gets_curves_of_every_loss_term(tmp_path):
    """SRGAN (STEP_LOGS): steps.csv has each term's own value per step, no probes; the PNG is drawn
    (its pixel loss beside adversarial terms near 1: a log axis)."""
    from zoo.models.srgan import SRGAN

    recipe = recipes.Recipe(epochs=1, batch_size=8, compile=recipes.gan(recipes.adam(1e-3), recipes.adam(1e-3)),
                            checkpoint_every=0)
    m = SRGAN(**TINY["SRGAN"]["tiny"])
    m.compile(run_eagerly=True)
    hi = np.random.default_rng(0).uniform(0, 1, (24, *m.data_shape)).astype("float32")
    h = T.fit_with_checkpoints(m, tf.data.Dataset.from_tensor_slices((m.downsample(hi), hi)).batch(8), 1, str(tmp_path), recipe,
                               verbose=False, modes=None)
    steps = rows(tmp_path / "steps.csv")
    assert [int(r["step"]) for r in steps] == [1, 2, 3]
    assert set(steps[0]) == {"step", "epoch", *m.tracker_names()}
    assert all(np.isfinite(float(r[k])) for r in steps for k in m.tracker_names())
    assert h["pixel_loss"] == pytest.approx(np.mean([float(r["pixel_loss"]) for r in steps]), rel=1e-5)
    assert not os.path.exists(tmp_path / "probes.csv")
    with open(curves.plot(str(tmp_path), str(tmp_path / "curves.png")), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_a_growing_gan_logs_its_resolution_and_the_plot_marks_each_phase(tmp_path):
    from zoo.models.progan import ProGAN

    recipe = recipes.Recipe(epochs=1, batch_size=4, compile=recipes.gan(recipes.adam(1e-3), recipes.adam(1e-3)),
                            checkpoint_every=0)
    m = ProGAN(**TINY["ProGAN"]["tiny"])  # 8 images a phase: 4x4, fade-in to 8x8, 8x8
    m.compile(run_eagerly=True)
    x = np.random.default_rng(0).uniform(0, 1, (24, 6, 6, 1)).astype("float32")
    T.fit_with_checkpoints(m, tf.data.Dataset.from_tensor_slices(x).batch(4), 1, str(tmp_path), recipe,
                           verbose=False, modes=None)
    steps = rows(tmp_path / "steps.csv")
    assert [float(r["resolution"]) for r in steps] == [4, 4, 8, 8, 8, 8]
    assert [float(r["alpha"]) for r in steps][2:4] == [0.0, 0.5]  # the fade-in
    with open(curves.plot(str(tmp_path), str(tmp_path / "curves.png")), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_the_mnist_probe_counts_classes_and_confident_samples():
    probe = curves.mode_probe("mnist")
    res = probe(zoo.load("dcgan-mnist", pretrained=False, compile=False))  # untrained: noise
    assert set(res) == {"modes", "num_modes", "confident_percent"} and res["num_modes"] == 10
    assert 1 <= res["modes"] <= 10 and 0.0 <= res["confident_percent"] <= 100.0


def test_a_log_begun_by_an_older_version_keeps_its_columns(tmp_path):
    path = tmp_path / "probes.csv"
    path.write_text("step,epoch,modes,num_modes\n1,1,3,10\n")
    curves.CurveLog._append(str(path), {"step": 2, "epoch": 1, "modes": 4, "num_modes": 10, "confident_percent": 50.0})
    assert rows(path) == [{"step": "1", "epoch": "1", "modes": "3", "num_modes": "10"},
                          {"step": "2", "epoch": "1", "modes": "4", "num_modes": "10"}]


def test_a_minimax_gan_logs_no_wasserstein_estimate_and_still_gets_its_curves(tmp_path):
    recipe = recipes.Recipe(epochs=1, batch_size=16, compile=recipes.gan(recipes.adam(1e-3), recipes.adam(1e-3)),
                            checkpoint_every=0, probe_every=5)
    g = GAN(**TINY["GAN"]["tiny-mlp"], loss="minimax")
    g.compile()
    T.fit_with_checkpoints(g, ring(), 1, str(tmp_path), recipe, verbose=False, modes=curves.mode_probe("ring8"))
    assert "w_estimate" not in rows(tmp_path / "steps.csv")[0]
    assert [int(r["step"]) for r in rows(tmp_path / "probes.csv")] == [5, 10]
    with open(curves.plot(str(tmp_path), str(tmp_path / "curves.png")), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_models_without_per_step_losses_are_not_probed(tmp_path):
    from zoo.models.vae import VAE

    calls = []
    log = curves.CurveLog(str(tmp_path), probe=lambda m: calls.append(1) or {"modes": 0, "num_modes": 1},
                          probe_every=1, steps_per_epoch=2)
    log.set_model(VAE(**TINY["VAE"][sorted(TINY["VAE"])[0]]))
    log.on_epoch_begin(0)
    log.on_train_batch_end(0, {"loss": 1.0})
    log.on_epoch_end(0, {"loss": 1.0})
    assert calls == [] and not os.path.exists(tmp_path / "probes.csv")


def test_rewind_keeps_the_header_and_the_rows_asked_for(tmp_path):
    path = tmp_path / "steps.csv"
    path.write_text("step,epoch,d_loss\n1,1,0.5\n2,1,0.4\n3,1,0.3\n")
    assert curves.rewind(str(path), lambda r: int(r["step"]) <= 2) == 1
    assert path.read_text().splitlines() == ["step,epoch,d_loss", "1,1,0.5", "2,1,0.4"]
    assert curves.rewind(str(path), lambda r: True) == 0
    assert curves.rewind(str(tmp_path / "absent.csv"), lambda r: False) == 0
    assert os.listdir(tmp_path) == ["steps.csv"]


def test_plot_without_steps_gives_none(tmp_path):
    assert curves.plot(str(tmp_path), str(tmp_path / "c.png")) is None
    assert not os.path.exists(tmp_path / "c.png")


def test_modes_table_matches_the_shipped_metrics():
    r = subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "modes.py"), "--check"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr


def test_mixture_steps_benchmark_reports_coverage_per_interval(capsys):
    import importlib.util

    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks",
                        "mixture_steps.py")
    spec = importlib.util.spec_from_file_location("mixture_steps", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.main(["gan-ring8", "--gsteps", "4", "--every", "2", "--batch", "32"]) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("gan-ring8 update")]
    assert [ln.split()[2] for ln in lines] == ["2", "4"] and all("modes" in ln and "HQ" in ln for ln in lines)
    with pytest.raises(SystemExit, match="not a GAN on a 2D mixture"):
        mod.main(["dcgan-mnist"])
    with pytest.raises(SystemExit, match="not an option"):
        mod.main(["gan-ring8", "--set", "unroll_rate=0.1"])
    with pytest.raises(SystemExit, match="must be JSON"):
        mod.main(["gan-ring8", "--set", "unroll_lr=fast"])


def test_the_x_axis_names_a_step_with_several_g_updates(tmp_path, monkeypatch):
    from matplotlib.axes import Axes

    assert T.step_label(GAN(**TINY["GAN"]["tiny-mlp"])) == "generator step"
    two = GAN(**TINY["GAN"]["tiny-mlp"], g_steps=2)
    assert T.step_label(two) == "training step (2 G updates each)"
    two.compile()
    recipe = recipes.Recipe(epochs=1, batch_size=16, compile=recipes.gan(recipes.adam(1e-3), recipes.adam(1e-3)),
                            checkpoint_every=0, probe_every=4)
    T.fit_with_checkpoints(two, ring(), 1, str(tmp_path), recipe, verbose=False, modes=curves.mode_probe("ring8"))
    labels = []
    original = Axes.set_xlabel
    monkeypatch.setattr(Axes, "set_xlabel", lambda self, text, *a, **k: labels.append(text) or original(
        self, text, *a, **k))
    curves.plot(str(tmp_path), str(tmp_path / "curves.png"), xlabel=T.step_label(two))
    assert labels == ["training step (2 G updates each)"] * 2  # the losses and the mode probes
