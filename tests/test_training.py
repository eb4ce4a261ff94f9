"""Training driver: runs never touch the shipped weights unless --install, installs compare the
primary metric, every changed file is re-pinned, resume after a kill is exact, bad options fail."""

import csv
import hashlib
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import tensorflow as tf

import zoo
from zoo import capabilities as cap
from zoo import checksums, recipes as R, registry, saving
from zoo.models.gan import GAN
from training import callbacks as cb
from training import card, curves, train as T

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TINY_ID = "tiny-ring8-test"


def tiny_recipe(**kw):
    base = dict(epochs=2, batch_size=16, compile=R.gan(R.adam(1e-3), R.adam(1e-3)), checkpoint_every=3,
                probe_every=4)
    base.update(kw)
    return R.Recipe(**base)


def tiny_spec(**kw):
    """A catalog entry small enough to train, evaluate and install in a few seconds."""
    base = dict(id=TINY_ID, family="GAN", config=dict(registry.TINY["GAN"]["tiny-mlp"]), dataset="ring8",
                summary="A tiny test GAN", paper="none", recipe=tiny_recipe(epochs=1, checkpoint_every=4),
                primary_metric=("hq_percent_mean", "max"))
    base.update(kw)
    return registry.ModelSpec(**base)


def model():
    g = GAN(**registry.TINY["GAN"]["tiny-mlp"])
    g.compile()
    return g


def ring(n=160):
    x, _ = zoo.data.sample_mixture("ring8", n, seed=0)
    return tf.data.Dataset.from_tensor_slices(x).batch(16, drop_remainder=True)  # 10 steps


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def tree_digest(*paths):
    """sha256 over the names and bytes of every file under `paths` (files or folders)."""
    files = []
    for top in paths:
        if os.path.isfile(top):
            files.append(top)
        for folder, _, names in os.walk(top):
            files += [os.path.join(folder, n) for n in names]
    h = hashlib.sha256()
    for path in sorted(files):
        h.update(path.encode())
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """A temporary zoo/pretrained and zoo/checksums.py (copies), with the tiny id registered."""
    pretrained = tmp_path / "pretrained"
    pretrained.mkdir()
    sums = tmp_path / "checksums.py"
    sums.write_text(open(checksums.__file__, encoding="utf-8").read(), encoding="utf-8")
    monkeypatch.setattr(registry, "PRETRAINED_DIR", str(pretrained))
    monkeypatch.setattr(checksums, "__file__", str(sums))
    monkeypatch.setattr(checksums, "FILES", dict(checksums.FILES))
    monkeypatch.setattr(checksums, "VERSIONS", dict(checksums.VERSIONS))
    monkeypatch.setitem(registry.REGISTRY, TINY_ID, tiny_spec())
    return tmp_path


def read_checksums(path):
    spec = importlib.util.spec_from_file_location("checksums_copy", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def assert_pinned(model_id, sums_path):
    """Every file of the id's folder is pinned with its current digest, and nothing else."""
    folder = registry.get_spec(model_id).pretrained_dir
    on_disk = {n: saving.sha256_file(os.path.join(folder, n)) for n in os.listdir(folder)}
    assert read_checksums(sums_path).FILES[model_id] == on_disk
    assert checksums.FILES[model_id] == on_disk


# ----------------------------------------------------------------------------- checkpoints
def test_a_run_resumed_from_a_checkpoint_without_cpu_time_reports_none(tmp_path):
    recipe = tiny_recipe(epochs=1)
    T.fit_with_checkpoints(model(), ring(), 1, str(tmp_path), recipe, verbose=False)
    path = tmp_path / "checkpoint" / "state.json"
    state = json.load(open(path))
    assert state["cpu_seconds"] > 0
    del state["cpu_seconds"]  # what a checkpoint written before CPU time was recorded holds
    path.write_text(json.dumps(state))
    T.fit_with_checkpoints(model(), ring(), 2, str(tmp_path), recipe, verbose=False)  # resumes: epoch 2
    assert json.load(open(path))["epoch"] == 2 and T.training_seconds(str(tmp_path)) > 0
    assert T.training_seconds(str(tmp_path), "cpu_seconds") is None  # part of the run unmeasured: no number


def test_resume_after_an_interrupt_continues_where_it_stopped(tmp_path, monkeypatch):
    recipe = tiny_recipe()
    g = model()
    real_hook = curves.CurveLog.on_train_batch_end

    def killed(self, batch, logs=None):
        if batch == 4:
            time.sleep(1.0)  # training time before the kill that the resumed run must still count
        if batch == 7:  # the 8th step of the first epoch, after the checkpoint at step 6
            raise KeyboardInterrupt
        real_hook(self, batch, logs)

    monkeypatch.setattr(curves.CurveLog, "on_train_batch_end", killed)
    with pytest.raises(KeyboardInterrupt):
        T.fit_with_checkpoints(g, ring(), 2, str(tmp_path), recipe, verbose=False)
    state = json.load(open(tmp_path / "checkpoint" / "state.json"))
    assert (state["epoch"], state["step"]) == (0, 6)  # last multiple of checkpoint_every
    assert state["seconds"] >= 1.0
    assert 0 < state["cpu_seconds"] < state["seconds"]  # the process's CPU time: the 1 s sleep is not in it
    assert [int(r["step"]) for r in rows(tmp_path / "steps.csv")] == list(range(1, 8))  # 7 is past the checkpoint
    monkeypatch.setattr(curves.CurveLog, "on_train_batch_end", real_hook)

    h = model()  # a fresh process would start from an untrained model
    t0 = time.time()
    T.fit_with_checkpoints(h, ring(), 2, str(tmp_path), recipe, verbose=False)
    resumed = time.time() - t0
    # the reported time is the first run's (up to its checkpoint) plus the resumed run's
    assert state["seconds"] <= T.training_seconds(str(tmp_path)) <= state["seconds"] + resumed + 0.05
    assert T.training_seconds(str(tmp_path), "cpu_seconds") > state["cpu_seconds"]  # both parts counted
    # 6 restored + 4 to finish epoch 1 + 10 of epoch 2: exactly one uninterrupted run's worth
    assert int(h.g_optimizer.iterations) == 20
    assert int(h.d_optimizer.iterations) == 20
    assert json.load(open(tmp_path / "checkpoint" / "state.json"))["epoch"] == 2
    assert sorted(os.listdir(tmp_path / "samples")) == ["epoch_001.png", "epoch_002.png"]
    assert [int(r["step"]) for r in rows(tmp_path / "steps.csv")] == list(range(1, 21))  # step 7 once
    assert [int(r["epoch"]) for r in rows(tmp_path / "history.csv")] == [0, 1]


def test_nan_stops_training_and_keeps_the_last_good_checkpoint(tmp_path):
    x, _ = zoo.data.sample_mixture("ring8", 160, seed=0)
    x[16 * 5:] = np.nan  # from the 6th batch on
    ds = tf.data.Dataset.from_tensor_slices(x).batch(16)
    g = model()
    with pytest.raises(T.TrainingDiverged, match="last good checkpoint"):
        T.fit_with_checkpoints(g, ds, 3, str(tmp_path), tiny_recipe(checkpoint_every=2), verbose=False)
    state = json.load(open(tmp_path / "checkpoint" / "state.json"))
    assert (state["epoch"], state["step"]) == (0, 4)
    assert all(np.all(np.isfinite(w)) for w in g.get_weights())  # restored, not NaN
    assert int(g.g_optimizer.iterations) == 4
    assert [int(r["step"]) for r in rows(tmp_path / "steps.csv")] == [1, 2, 3, 4]  # cut back to the checkpoint


def test_checkpoint_restore_removes_leftovers_and_keeps_the_random_state(tmp_path):
    g = model()
    g.fit(ring(), epochs=1, verbose=0)
    ckpt = cb.Checkpoint(str(tmp_path))
    ckpt.set_model(g)
    assert ckpt._save(1, 0)
    (tmp_path / "ckpt-e0001-s0000005.weights.h5").write_bytes(b"half written")
    (tmp_path / "state.json.tmp").write_text("{")
    h = model()
    assert cb.Checkpoint(str(tmp_path)).restore(h) == (1, 0)
    assert sorted(os.listdir(tmp_path)) == ["ckpt-e0001-s0000000.weights.h5", "state.json"]
    assert [v.numpy().tolist() for v in cb.seed_states(h)] == [v.numpy().tolist() for v in cb.seed_states(g)]
    np.testing.assert_array_equal(h.generate(4, seed=0), g.generate(4, seed=0))


@pytest.mark.parametrize("legacy", [False, True])
def test_a_checkpoint_of_another_network_is_refused_by_name_and_kept(tmp_path, legacy):
    recipe = tiny_recipe(epochs=1)
    T.fit_with_checkpoints(model(), ring(), 1, str(tmp_path), recipe, verbose=False)
    path = tmp_path / "checkpoint" / "state.json"
    if legacy:  # written before the network's signature was recorded: the failed load is reported the same way
        state = json.load(open(path))
        del state["signature"]
        path.write_text(json.dumps(state))
    before = {n: (tmp_path / "checkpoint" / n).read_bytes() for n in os.listdir(tmp_path / "checkpoint")}
    config = dict(registry.TINY["GAN"]["tiny-mlp"])
    config["units"] += 4  # a wider network: other weight shapes
    wider = GAN(**config)
    wider.compile()
    with pytest.raises(T.TrainError, match=f"checkpoint in {tmp_path / 'checkpoint'}.*another shape"):
        T.fit_with_checkpoints(wider, ring(), 2, str(tmp_path), recipe, verbose=False)
    after = {n: (tmp_path / "checkpoint" / n).read_bytes() for n in os.listdir(tmp_path / "checkpoint")}
    assert after == before  # nothing deleted or overwritten
    T.fit_with_checkpoints(model(), ring(), 2, str(tmp_path), recipe, verbose=False)  # the same network resumes
    assert json.load(open(path))["epoch"] == 2


KILLED_RUN = """
import sys, time
sys.path.insert(0, {tests!r})
from test_training import tiny_spec
from zoo import registry
from training import curves, train as T

registry.REGISTRY[tiny_spec().id] = tiny_spec()
registry.PRETRAINED_DIR = {pretrained!r}
step = curves.CurveLog.on_train_batch_end

def slow(self, batch, logs=None):  # slow enough to be killed between two checkpoints
    step(self, batch, logs)
    time.sleep(0.3)

curves.CurveLog.on_train_batch_end = slow
sys.exit(T.main({argv!r}))
"""


def _global_step(run):
    state = cb.read_state(str(run / "checkpoint"))
    return None if state is None else state["epoch"] * 10 + state["step"]


def _last_logged(run):
    try:
        return max((int(r["step"]) for r in rows(run / "steps.csv")), default=0)
    except (OSError, KeyError, ValueError):
        return 0


def test_a_killed_run_resumes_to_the_weights_of_an_uninterrupted_one(sandbox, monkeypatch):
    monkeypatch.setitem(registry.REGISTRY, TINY_ID, tiny_spec(recipe=tiny_recipe(epochs=2, checkpoint_every=4)))
    killed, whole = sandbox / "killed", sandbox / "whole"
    argv = [TINY_ID, "--max-steps", "10", "--out", str(killed)]
    script = KILLED_RUN.format(tests=os.path.join(ROOT, "tests"), pretrained=str(sandbox / "pretrained"), argv=argv)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 120
        while True:  # kill two steps after a checkpoint: rows past it are on disk
            ckpt = _global_step(killed)
            if ckpt is not None and _last_logged(killed) >= ckpt + 2:
                proc.send_signal(signal.SIGKILL)
                break
            assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
            assert time.time() < deadline, "the run never wrote a checkpoint"
            time.sleep(0.02)
    finally:
        proc.kill()
        proc.wait()
    ckpt = _global_step(killed)
    assert ckpt < 20 and _last_logged(killed) > ckpt  # killed mid-run, with steps logged past the checkpoint
    # what a kill during a save leaves behind: a half-written weights file and a temp state
    (killed / "checkpoint" / "ckpt-e0001-s0000009.weights.h5").write_bytes(b"half written")
    (killed / "checkpoint" / "state.json.tmp").write_text("{")

    assert T.main(argv) == 0  # resumes
    assert T.main([TINY_ID, "--max-steps", "10", "--out", str(whole)]) == 0
    a = zoo.load(str(killed / "model"), compile=False).get_weights()
    b = zoo.load(str(whole / "model"), compile=False).get_weights()
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, atol=1e-6, rtol=0)
    assert [int(r["step"]) for r in rows(killed / "steps.csv")] == list(range(1, 21))
    assert [int(r["step"]) for r in rows(killed / "probes.csv")] == [4, 8, 10, 12, 16, 20]
    assert [int(r["epoch"]) for r in rows(killed / "history.csv")] == [0, 1]
    state = cb.read_state(str(killed / "checkpoint"))
    assert sorted(os.listdir(killed / "checkpoint")) == sorted(["state.json", state["weights"]])
    assert not [n for n in os.listdir(killed) if n.endswith(".tmp")]


def test_rerunning_a_finished_run_keeps_its_metrics(sandbox, capsys):
    run = sandbox / "run"
    argv = [TINY_ID, "--max-steps", "5", "--out", str(run)]
    assert T.main(argv) == 0
    before = (run / "metrics.json").read_bytes()
    assert json.loads(before)["training"]["final"]["d_loss"] > 0
    capsys.readouterr()
    assert T.main(argv) == 0
    assert "finished run" in capsys.readouterr().out
    assert (run / "metrics.json").read_bytes() == before


def test_a_finished_run_of_another_config_is_refused_not_reused(sandbox, capsys, monkeypatch):
    run = sandbox / "run"
    argv = [TINY_ID, "--max-steps", "5", "--out", str(run)]
    assert T.main(argv) == 0
    before = tree_digest(str(run))
    config = dict(registry.TINY["GAN"]["tiny-mlp"], units=12)  # the catalog entry's network changed since
    monkeypatch.setitem(registry.REGISTRY, TINY_ID, tiny_spec(config=config))
    capsys.readouterr()
    assert T.main(argv) == 1
    err = capsys.readouterr().err
    assert f"{run} holds a finished run of another config (units 8 there, 12 now)" in err
    assert tree_digest(str(run)) == before  # nothing touched
    # an option the saved config leaves out because it has its default value is no difference
    monkeypatch.setitem(registry.REGISTRY, TINY_ID, tiny_spec(config=dict(registry.TINY["GAN"]["tiny-mlp"], g_steps=1)))
    assert T.main(argv) == 0
    assert "finished run" in capsys.readouterr().out


# ----------------------------------------------------------------------------- install
def test_training_leaves_the_shipped_weights_and_checksums_alone(tmp_path, monkeypatch):
    """The default run (no --install) must not write into the real package, whatever happens."""
    monkeypatch.setitem(registry.REGISTRY, TINY_ID, tiny_spec())
    package = [registry.PRETRAINED_DIR, checksums.__file__]
    before = tree_digest(*package)
    sums = open(checksums.__file__, "rb").read()
    try:
        assert T.main([TINY_ID, "--max-steps", "5", "--epochs", "1", "--out", str(tmp_path / "run")]) == 0
        assert tree_digest(*package) == before
    finally:  # a failure must not leave the test id in the package
        import shutil

        shutil.rmtree(os.path.join(registry.PRETRAINED_DIR, TINY_ID), ignore_errors=True)
        if open(checksums.__file__, "rb").read() != sums:
            open(checksums.__file__, "wb").write(sums)
    assert os.path.isfile(tmp_path / "run" / "model" / "model.weights.h5")
    assert not os.path.exists(os.path.join(registry.PRETRAINED_DIR, TINY_ID))


def test_install_compares_the_primary_metric_and_force_replaces(sandbox, capsys):
    spec = registry.get_spec(TINY_ID)
    sums = sandbox / "checksums.py"
    run = sandbox / "run"
    # 1. No shipped weights: --install alone installs version 1.
    assert T.main([TINY_ID, "--max-steps", "5", "--out", str(run), "--install"]) == 0
    folder = spec.pretrained_dir
    assert sorted(os.listdir(folder)) == ["README.md", "config.json", "metrics.json", "model.weights.h5",
                                          f"{TINY_ID}-curves.png", f"{TINY_ID}.png"]
    assert spec.version == 1 and read_checksums(sums).VERSIONS[TINY_ID] == 1
    assert_pinned(TINY_ID, sums)
    assert zoo.load(TINY_ID).generate(3, seed=0).shape == (3, 2)  # through the catalog, every file checked
    new = json.load(open(os.path.join(folder, "metrics.json")))["eval"]["hq_percent_mean"]
    cpu = json.load(open(os.path.join(folder, "metrics.json")))["training"]["cpu_seconds"]
    assert cpu > 0 and f"CPU time of the training process {cpu} s" in open(spec.card_path).read()

    # 2. Shipped weights that are better: --install refuses and touches nothing.
    metrics = json.load(open(os.path.join(folder, "metrics.json")))
    metrics["eval"]["hq_percent_mean"] = 99.5
    saving._write_json(os.path.join(folder, "metrics.json"), metrics)
    T._refresh_config_record(folder)
    T.write_checksum(TINY_ID)
    shipped, pins = tree_digest(folder), sums.read_bytes()
    capsys.readouterr()
    assert T.main([TINY_ID, "--max-steps", "5", "--out", str(run), "--install"]) == 1
    err = capsys.readouterr().err
    assert "Not installed" in err and "99.5" in err and f"{new:.6g}" in err and "--force" in err
    assert tree_digest(folder) == shipped and sums.read_bytes() == pins

    # 3. --force replaces it, says what it replaces, bumps the version and logs it.
    assert T.main([TINY_ID, "--max-steps", "5", "--out", str(run), "--install", "--force"]) == 0
    out = capsys.readouterr().out
    assert "finished run" in out  # the run was reused, not trained again
    assert "replacing" in out and "version 1" in out and "99.5" in out and f"{new:.6g}" in out
    assert json.load(open(os.path.join(folder, "metrics.json")))["eval"]["hq_percent_mean"] == new
    assert read_checksums(sums).VERSIONS[TINY_ID] == 2
    assert_pinned(TINY_ID, sums)
    zoo.load(TINY_ID)
    assert not [n for n in os.listdir(sandbox / "pretrained") if n.startswith(".")]  # no staging folder left
    text = open(spec.card_path).read()
    assert text.startswith("---\nlibrary_name: keras\n") and "version 2" in text
    changelog = (sandbox / "pretrained" / "CHANGELOG.md").read_text().splitlines()
    assert f"`{TINY_ID}` | 0 -> 1 |" in changelog[-2] and "hq_percent_mean: none ->" in changelog[-2]
    assert f"`{TINY_ID}` | 1 -> 2 | hq_percent_mean: 99.5 -> {new:.6g}" in changelog[-1]
    assert "forced" in changelog[-1] and "at most 5 steps per epoch" in changelog[-1]


def test_a_weight_file_over_the_budget_is_never_installed_and_training_warns(sandbox, capsys, monkeypatch):
    spec = registry.get_spec(TINY_ID)
    sums = sandbox / "checksums.py"
    run = sandbox / "run"
    monkeypatch.setattr(T, "weight_budget", lambda s: 1000)  # the tiny model's file is larger than this
    pins = sums.read_bytes()
    assert T.main([TINY_ID, "--max-steps", "5", "--out", str(run), "--install", "--force"]) == 1
    out, err = capsys.readouterr()
    size = os.path.getsize(run / "model" / "model.weights.h5")
    assert f"Warning: {TINY_ID}'s weight file is {size:,} bytes, over the 0 MiB budget" in out
    assert "Not installed" in err and f"{size:,} bytes" in err and "shrink the configuration" in err
    assert not os.path.exists(spec.pretrained_dir) and sums.read_bytes() == pins
    monkeypatch.setattr(T, "weight_budget", lambda s: size)  # at the budget exactly: installed
    assert T.main([TINY_ID, "--max-steps", "5", "--out", str(run), "--install"]) == 0
    assert os.path.isfile(os.path.join(spec.pretrained_dir, "model.weights.h5"))


def test_the_tangentprop_driver_installs_by_the_same_rule(sandbox, capsys):
    import shutil

    import training.tangentprop as TP

    spec = registry.get_spec(TP.MODEL_ID)
    shutil.copytree(os.path.join(ROOT, "zoo", "pretrained", TP.MODEL_ID), spec.pretrained_dir)  # the shipped one
    shipped = spec.metrics["eval"]["test_accuracy"]
    model = zoo.load(TP.MODEL_ID, pretrained=False)
    worse = saving.read_metrics(spec.pretrained_dir)
    worse["eval"]["test_accuracy"] = shipped - 0.25
    folder = model.save_pretrained(str(sandbox / "run" / "model"), metrics=worse)
    chosen = {TP.SHIPPED_LABELS: spec.config["penalty_weight"]}
    with pytest.raises(T.InstallRefused, match=f"{shipped:.6g}"):
        TP.install_shipped(folder, chosen)
    assert read_checksums(sandbox / "checksums.py").VERSIONS[TP.MODEL_ID] == 1
    assert TP.install_shipped(folder, chosen, force=True) == 2
    assert "replacing" in capsys.readouterr().out
    assert spec.metrics["eval"]["test_accuracy"] == pytest.approx(shipped - 0.25)
    assert_pinned(TP.MODEL_ID, sandbox / "checksums.py")
    assert "Reproduce: `python -m training.tangentprop`" in open(spec.card_path).read()
    with pytest.raises(SystemExit) as e:
        TP.main(["--force"])
    assert e.value.code == 2


def test_card_only_and_evaluate_only_re_pin_the_files(sandbox):
    assert T.main([TINY_ID, "--max-steps", "5", "--out", str(sandbox / "run"), "--install"]) == 0
    spec = registry.get_spec(TINY_ID)
    os.remove(spec.card_path)
    assert T.main([TINY_ID, "--card-only"]) == 0
    assert os.path.isfile(spec.card_path)
    assert_pinned(TINY_ID, sandbox / "checksums.py")
    metrics = json.load(open(os.path.join(spec.pretrained_dir, "metrics.json")))
    metrics["eval"] = {"stale": 1.0}
    saving._write_json(os.path.join(spec.pretrained_dir, "metrics.json"), metrics)
    T._refresh_config_record(spec.pretrained_dir)
    T.write_checksum(TINY_ID)
    assert T.main([TINY_ID, "--evaluate-only"]) == 0
    assert "hq_percent_mean" in registry.get_spec(TINY_ID).metrics["eval"]
    assert_pinned(TINY_ID, sandbox / "checksums.py")
    zoo.load(TINY_ID)  # config.json's own record of metrics.json was refreshed too
    zoo.load(spec.pretrained_dir)
    assert read_checksums(sandbox / "checksums.py").VERSIONS[TINY_ID] == 1  # same weights, same version
    row = (sandbox / "pretrained" / "CHANGELOG.md").read_text().splitlines()[-1]
    new = registry.get_spec(TINY_ID).metrics["eval"]["hq_percent_mean"]
    assert f"`{TINY_ID}` | 1 -> 1 | hq_percent_mean: none -> {new:.6g}" in row and "weights unchanged" in row


def test_write_checksum_keeps_the_layout_and_other_ids(sandbox, monkeypatch):
    real_sums = os.path.join(ROOT, "zoo", "checksums.py")
    sums = sandbox / "checksums.py"
    original = sums.read_bytes()
    monkeypatch.setattr(registry, "PRETRAINED_DIR", os.path.join(ROOT, "zoo", "pretrained"))  # read only
    T.write_checksum("gan-ring8")  # unchanged files: a byte-identical file
    assert sums.read_bytes() == original
    monkeypatch.setattr(registry, "PRETRAINED_DIR", str(sandbox / "pretrained"))
    os.makedirs(sandbox / "pretrained" / "aaa-id")
    (sandbox / "pretrained" / "aaa-id" / "x.json").write_text("{}")
    T.write_checksum("aaa-id", version=3)
    mod = read_checksums(sums)
    assert list(mod.FILES)[0] == "aaa-id" and mod.VERSIONS["aaa-id"] == 3  # sorted
    assert mod.FILES["aaa-id"] == {"x.json": saving.sha256_file(sandbox / "pretrained" / "aaa-id" / "x.json")}
    real = read_checksums(real_sums)
    assert {k: v for k, v in mod.FILES.items() if k != "aaa-id"} == real.FILES  # the other ids are kept
    assert {k: v for k, v in mod.VERSIONS.items() if k != "aaa-id"} == real.VERSIONS
    assert checksums.VERSIONS["aaa-id"] == 3  # this process sees the new pins too


# ----------------------------------------------------------------------------- command line
@pytest.mark.parametrize("argv, message", [
    (["gan-ring8", "--epochs", "0"], "--epochs: must be a positive integer"),
    (["gan-ring8", "--epochs", "-1"], "--epochs: must be a positive integer"),
    (["gan-ring8", "--epochs", "two"], "--epochs: must be a positive integer"),
    (["gan-ring8", "--max-steps", "0"], "--max-steps: must be a positive integer"),
    (["gan-ring8", "--max-steps", "-5"], "--max-steps: must be a positive integer"),
    (["gan-ring8", "--force"], "--force only applies with --install"),
    (["gan-ring8", "--install", "--no-install"], "contradict"),
    (["gan-ring8", "--card-only", "--evaluate-only"], "not allowed with"),
    (["gan-ring8", "--card-only", "--install"], "take no training or install options"),
])
def test_bad_options_are_argparse_errors(argv, message, capsys):
    with pytest.raises(SystemExit) as e:
        T.main(argv)
    assert e.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_rejects_unknown_id(capsys):
    assert T.main(["dcgan-mnsit"]) == 1
    assert "Did you mean 'dcgan-mnist'" in capsys.readouterr().err


def test_data_that_cannot_be_loaded_is_a_clear_error(tmp_path, monkeypatch, capsys):
    def unavailable(name, *a, **kw):  # what tensorflow-datasets does here for celeb_a
        raise ModuleNotFoundError("No module named 'importlib_resources'")

    monkeypatch.setattr(zoo.data, "load", unavailable)
    assert T.main(["dcgan-celeba", "--max-steps", "1", "--out", str(tmp_path / "run")]) == 1
    err = capsys.readouterr().err
    assert "dcgan-celeba trains on 'celeb_a', which cannot be loaded here" in err and "importlib_resources" in err
    assert not os.path.exists(tmp_path / "run")


# ----------------------------------------------------------------------------- cards
def test_card_text_comes_from_the_catalog(sandbox):
    spec = tiny_spec(intended="Only for the tests of the card writer.", limitations=("- A limitation of its own.",),
                     paper_numbers={"hq_percent_mean": "42.0, Someone et al."})
    registry.REGISTRY[TINY_ID] = spec
    folder = sandbox / "card"
    folder.mkdir()
    (folder / "metrics.json").write_text(json.dumps({"eval": {"hq_percent_mean": 50.0}, "protocol": {}}))
    text = open(card.write_card(TINY_ID, folder=str(folder), version=7)).read()
    assert "Only for the tests of the card writer." in text and "- A limitation of its own." in text
    assert "| hq_percent_mean | 50.0000 | 42.0, Someone et al. |" in text
    assert spec.recipe.describe() in text and "A tiny test GAN." in text
    assert f"Reproduce: `python -m training.train {TINY_ID}`" in text
    assert "Primary metric: `hq_percent_mean` (higher is better)" in text
    assert "## Samples" in text  # a Generator
    assert "type: other" in text and "image" not in text.split("---")[1]  # 2D points: no image tags or task
    assert "version 7" not in text  # no weights in the folder: not a trained card
    (folder / "model.weights.h5").write_bytes(b"")
    assert "version 7" in open(card.write_card(TINY_ID, folder=str(folder), version=7, figures=False)).read()
    classifier = registry.get_spec("mnist-classifier")
    text = open(card.write_card(classifier.id, folder=str(sandbox / "clf"), figures=False)).read()
    assert "## Samples" not in text and "predict_labels" in text and "  - image-classification" in text


@pytest.mark.parametrize("model_id", registry.list_models(pretrained=True))
def test_card_metadata_names_each_tag_once_and_the_right_task(model_id):
    from huggingface_hub import ModelCard

    spec = registry.get_spec(model_id)
    data = ModelCard.load(spec.card_path).data
    assert len(data.tags) == len(set(data.tags)), data.tags
    task = data.eval_results[0].task_type if data.eval_results else None
    assert set(spec.card.tags) - set(data.tags) <= {t for t in spec.card.tags if "image" in t}
    if len(zoo.data.DATASETS[spec.dataset][0]) == 1:  # points, not images
        assert not any("image" in t for t in data.tags) and task == "other"
    elif task is not None:
        assert task == spec.card.task
    if cap.has(spec, cap.Generator):
        assert "## Samples" in open(spec.card_path).read()


def test_a_streamed_dataset_is_drawn_per_epoch_from_the_epoch_seed():
    """Text streams draw afresh each pass: epoch e is loaded with epoch_seed(seed, e), so the
    same epoch is the same batches in a resumed run, and two epochs differ."""
    pytest.importorskip("gensim")
    spec = tiny_spec(id="tiny-kjv-test", family="Word2Vec", config=dict(registry.TINY["Word2Vec"]["tiny-skipgram"]),
                     dataset="kjv-pairs", recipe=R.Recipe(epochs=2, batch_size=4, compile={}))
    try:
        make, steps = T.epoch_data(spec, spec.recipe, max_steps=3)
    except T.DataUnavailable as e:
        pytest.skip(str(e))
    assert steps == 3
    first = [[t.numpy() for t in batch] for batch in make(1)]
    again = [[t.numpy() for t in batch] for batch in make(1)]
    other = [[t.numpy() for t in batch] for batch in make(0)]
    assert len(first) == 3 and first[0][0].shape == (4, 64)
    assert all(np.array_equal(a, b) for x, y in zip(first, again) for a, b in zip(x, y))
    assert not np.array_equal(first[0][0], other[0][0])


# ----------------------------------------------------------------------------- warm starts
def test_warm_started_cycles_continue_the_installed_weights_and_add_up_their_time(sandbox, monkeypatch, capsys):
    long_id = TINY_ID + "-long"
    recipe = tiny_recipe(epochs=1, checkpoint_every=4, seed=50, warm_start=(long_id, TINY_ID))
    monkeypatch.setitem(registry.REGISTRY, long_id, tiny_spec(id=long_id, recipe=recipe))
    monkeypatch.chdir(sandbox)
    with pytest.raises(T.TrainError, match=f"none is installed. Train {TINY_ID} first"):
        T.train(long_id, max_steps=2)
    assert T.main([TINY_ID, "--max-steps", "5", "--out", str(sandbox / "base"), "--install"]) == 0
    base = registry.get_spec(TINY_ID).metrics["training"]

    origin = T._warm_origin(registry.get_spec(long_id), recipe)
    assert origin == {"from": TINY_ID, "version": 1, "cycle": 1, "seconds_before": base["seconds"],
                      "cpu_seconds_before": base["cpu_seconds"]}
    fresh = zoo.load(long_id, pretrained=False)
    (sandbox / "probe").mkdir()
    T._warm_start(fresh, origin, str(sandbox / "probe"))
    for a, b in zip(fresh.get_weights(), zoo.load(TINY_ID).get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)

    capsys.readouterr()
    assert T.main([long_id, "--max-steps", "2", "--install"]) == 0  # cycle 1 starts from the base id
    assert f"Warm start: the weights of {TINY_ID} version 1 (cycle 1)" in capsys.readouterr().out
    one = registry.get_spec(long_id).metrics["training"]
    assert os.path.isdir(sandbox / "runs" / f"{long_id}-cycle1" / "checkpoint")
    assert one["warm_start"]["from"] == TINY_ID and "seed 50" in one["recipe"]
    assert one["seconds_total"] == pytest.approx(one["seconds"] + base["seconds"], abs=0.11)
    card_text = open(registry.get_spec(long_id).card_path).read()
    assert f"this run continues `{TINY_ID}` version 1 (cycle 1 of warm restarts)" in card_text
    assert f"{one['seconds_total']} s wall" in card_text
    assert f"train `{TINY_ID}` first, then run `python -m training.train {long_id} --install` once per cycle" in card_text
    assert "is now version" not in card_text
    # the source is replaced: the card says a reproduction would begin from other weights
    assert T.main([TINY_ID, "--max-steps", "5", "--out", str(sandbox / "base2"), "--install", "--force"]) == 0
    assert T.main([long_id, "--card-only"]) == 0
    assert (f"`{TINY_ID}` is now version 2, so a reproduction that trains it first continues other weights than "
            "this chain's version 1.") in open(registry.get_spec(long_id).card_path).read()

    assert T.main([long_id, "--max-steps", "2", "--install", "--force"]) == 0  # cycle 2 continues itself
    assert f"Warm start: the weights of {long_id} version 1 (cycle 2)" in capsys.readouterr().out
    two = registry.get_spec(long_id).metrics["training"]
    assert two["warm_start"]["cycle"] == 2 and "seed 51" in two["recipe"]
    assert two["seconds_total"] == pytest.approx(two["seconds"] + one["seconds_total"], abs=0.11)
    assert registry.get_spec(long_id).version == 2


def test_a_warm_start_from_another_network_is_refused(sandbox, monkeypatch):
    assert T.main([TINY_ID, "--max-steps", "5", "--out", str(sandbox / "base"), "--install"]) == 0
    other = dict(registry.TINY["GAN"]["tiny-mlp"], latent_dim=3)
    spec = tiny_spec(id=TINY_ID + "-wide", config=other, recipe=tiny_recipe(warm_start=(TINY_ID,)))
    with pytest.raises(T.TrainError, match="whose network differs"):
        T._warm_origin(spec, spec.recipe)


def test_a_chain_of_its_own_begins_from_random_weights(sandbox, monkeypatch, capsys):
    own = TINY_ID + "-own"
    recipe = tiny_recipe(epochs=1, checkpoint_every=4, seed=70, warm_start=(own,))
    monkeypatch.setitem(registry.REGISTRY, own, tiny_spec(id=own, recipe=recipe))
    monkeypatch.chdir(sandbox)
    assert T._warm_origin(registry.get_spec(own), recipe) == {
        "from": None, "version": None, "cycle": 1, "seconds_before": 0.0, "cpu_seconds_before": 0.0}
    capsys.readouterr()
    assert T.main([own, "--max-steps", "2", "--install"]) == 0
    assert "Cycle 1 of warm restarts: from random weights." in capsys.readouterr().out
    one = registry.get_spec(own).metrics["training"]
    assert one["warm_start"]["cycle"] == 1 and one["warm_start"]["from"] is None and "seed 70" in one["recipe"]
    assert "continues the installed weights of its own id (the first cycle from random weights)" in one["recipe"]
    assert "warm start from the installed weights of" not in recipe.describe(own)
    assert f"warm start from the installed weights of {own}" in recipe.describe("another-id")
    assert one["seconds_total"] == pytest.approx(one["seconds"], abs=0.11)
    card_text = open(registry.get_spec(own).card_path).read()
    assert "this run starts from random weights (cycle 1 of warm restarts)" in card_text
    assert f"run `python -m training.train {own} --install` once per cycle of warm restarts (the first starts " \
        "from random weights" in card_text

    assert T.main([own, "--max-steps", "2", "--install", "--force"]) == 0  # cycle 2 continues cycle 1
    assert f"Warm start: the weights of {own} version 1 (cycle 2)" in capsys.readouterr().out
    two = registry.get_spec(own).metrics["training"]
    assert two["warm_start"]["cycle"] == 2 and "seed 71" in two["recipe"]
    assert "is now version" not in open(registry.get_spec(own).card_path).read()  # its own source moves on by design
    assert two["seconds_total"] == pytest.approx(two["seconds"] + one["seconds_total"], abs=0.11)
