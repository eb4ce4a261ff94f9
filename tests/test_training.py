"""Training driver: resume after a kill, stop on NaN, install weights + card."""

import json
import os
import time

import numpy as np
import pytest
import tensorflow as tf

import zoo
from zoo import hub, registry
from zoo.models.gan import GAN, PRESETS
from training import callbacks as cb
from training import card, recipes, train as T


def tiny_recipe(**kw):
    base = dict(epochs=2, batch_size=16, compile=recipes.gan(recipes.adam(1e-3), recipes.adam(1e-3)),
                checkpoint_every=3)
    base.update(kw)
    return recipes.Recipe(**base)


def model():
    g = GAN(**PRESETS["tiny-mlp"])
    g.compile()
    return g


def ring(n=160):
    x, _ = zoo.data.sample_mixture("ring8", n, seed=0)
    return tf.data.Dataset.from_tensor_slices(x).batch(16, drop_remainder=True)  # 10 steps


def test_resume_after_a_kill_continues_where_it_stopped(tmp_path, monkeypatch):
    recipe = tiny_recipe()
    g = model()
    real_hook = cb.StopOnNaN.on_train_batch_end

    def killed(self, batch, logs=None):
        if batch == 4:
            time.sleep(1.0)  # training time before the kill that the resumed run must still count
        if batch == 7:  # the 8th step of the first epoch
            raise KeyboardInterrupt
        real_hook(self, batch, logs)

    monkeypatch.setattr(cb.StopOnNaN, "on_train_batch_end", killed)
    with pytest.raises(KeyboardInterrupt):
        T.fit_with_checkpoints(g, ring(), 2, str(tmp_path), recipe, verbose=False)
    state = json.load(open(tmp_path / "checkpoint" / "state.json"))
    assert (state["epoch"], state["step"]) == (0, 6)  # last multiple of checkpoint_every
    assert state["seconds"] >= 1.0
    monkeypatch.setattr(cb.StopOnNaN, "on_train_batch_end", real_hook)

    h = model()  # a fresh process would start from an untrained model
    t0 = time.time()
    T.fit_with_checkpoints(h, ring(), 2, str(tmp_path), recipe, verbose=False)
    resumed = time.time() - t0
    # the reported time is the first run's (up to its checkpoint) plus the resumed run's
    assert state["seconds"] <= T.training_seconds(str(tmp_path)) <= state["seconds"] + resumed + 0.05
    # 6 restored + 4 to finish epoch 1 + 10 of epoch 2: exactly one uninterrupted run's worth
    assert int(h.g_optimizer.iterations) == 20
    assert int(h.d_optimizer.iterations) == 20
    assert json.load(open(tmp_path / "checkpoint" / "state.json"))["epoch"] == 2
    assert sorted(os.listdir(tmp_path / "samples")) == ["epoch_001.png", "epoch_002.png"]


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


def test_train_installs_weights_checksum_and_card(tmp_path, monkeypatch):
    spec = registry.ModelSpec(id="tiny-ring8-test", family="GAN", config=dict(PRESETS["tiny-mlp"]),
                              dataset="ring8", summary="test model", paper="none")
    monkeypatch.setitem(registry.REGISTRY, spec.id, spec)
    monkeypatch.setitem(recipes.RECIPES, spec.id, tiny_recipe(epochs=1))
    monkeypatch.setattr(registry, "PRETRAINED_DIR", str(tmp_path / "pretrained"))
    monkeypatch.setattr(card, "CARDS", str(tmp_path / "cards"))
    written = {}
    monkeypatch.setattr(T, "write_checksum", lambda mid, sha: written.update({mid: sha}))
    monkeypatch.setitem(registry.SHA256, spec.id, None)

    metrics = T.train(spec.id, out=str(tmp_path / "run"), max_steps=5, verbose=False)
    assert metrics["training"]["epochs"] == 1
    # ring8 models are scored by the evaluation suite: modes covered over 3 seeds
    assert 0 <= metrics["eval"]["modes_covered_mean"] <= 8
    assert "2,500" in metrics["protocol"]["modes_covered_mean"] or "2500" in metrics["protocol"]["modes_covered_mean"]
    target = tmp_path / "pretrained" / spec.id
    assert sorted(os.listdir(target)) == ["config.json", "metrics.json", "model.weights.h5"]
    assert written[spec.id] == hub.sha256_file(target / "model.weights.h5")
    monkeypatch.setitem(registry.SHA256, spec.id, written[spec.id])
    g = zoo.load(spec.id)  # through the catalog, digest-checked
    assert g.generate(3, seed=0).shape == (3, 2)
    text = open(tmp_path / "cards" / f"{spec.id}.md").read()
    assert text.startswith("---\nlibrary_name: keras\n")
    assert "model-index:" in text and "modes_covered_mean" in text
    assert f"python -m training.train {spec.id}" in text
    assert os.path.exists(tmp_path / "cards" / f"{spec.id}.png")


def test_write_checksum_round_trips_through_python(tmp_path, monkeypatch):
    import importlib.util

    from zoo import checksums

    path = tmp_path / "checksums.py"
    path.write_text(open(checksums.__file__).read())
    monkeypatch.setattr(checksums, "__file__", str(path))
    monkeypatch.setattr(checksums, "SHA256", dict(checksums.SHA256))
    T.write_checksum("some-id", "f" * 64)
    spec = importlib.util.spec_from_file_location("cs", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.SHA256["some-id"] == "f" * 64


def test_cli_rejects_unknown_id(capsys):
    assert T.main(["dcgan-mnsit"]) == 1
    assert "Did you mean 'dcgan-mnist'" in capsys.readouterr().err


@pytest.mark.parametrize("model_id", registry.list_models(pretrained=True))
def test_card_metadata_names_each_tag_once_and_the_right_task(model_id):
    from huggingface_hub import ModelCard

    path = os.path.join(card.CARDS, f"{model_id}.md")
    data = ModelCard.load(path).data
    assert len(data.tags) == len(set(data.tags)), data.tags
    spec = registry.get_spec(model_id)
    task = data.eval_results[0].task_type if data.eval_results else None
    if spec.dataset in ("ring8", "grid25"):  # 2D points, not images
        assert not any("image" in t for t in data.tags) and task == "other"
    elif spec.family == "GAN":
        assert "unconditional-image-generation" in data.tags and task == "unconditional-image-generation"
