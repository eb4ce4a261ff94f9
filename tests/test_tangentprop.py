"""Tangent Prop family on tiny presets; the experiment driver's helpers; the shipped model."""

import json

import numpy as np
import pytest
import keras
import tensorflow as tf

import zoo
from zoo import registry
from zoo.registry import FAMILIES
from zoo.models.tangentprop import TangentPropClassifier, tangent_penalty

PRESETS = registry.TINY["TangentPropClassifier"]

from conftest import pretrained_available


def tiny(**kw):
    m = TangentPropClassifier(**{**PRESETS["tiny"], **kw})
    m.compile(optimizer=keras.optimizers.Adam(1e-2))
    return m


def data(n=16, k=2, side=8, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, (n, side, side, 1)).astype(np.float32)
    t = rng.normal(0, 1, (n, k, side, side, 1)).astype(np.float32) / side  # ~unit norm
    return x, t, np.arange(n) % 10


def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_registered_family_and_catalog_entry():
    assert FAMILIES["TangentPropClassifier"] is TangentPropClassifier
    spec = zoo.registry.get_spec("tangentprop-mnist")
    assert spec.family == "TangentPropClassifier" and spec.tasks == ("classify",)
    m = zoo.load("tangentprop-mnist", pretrained=False)
    assert isinstance(m, TangentPropClassifier)
    assert m.count_params() * 4 < 8e6  # bundled weights budget
    assert m.optimizer.learning_rate.numpy() == pytest.approx(1e-3)  # the recipe's Adam


def test_penalty_matches_hand_computation_on_a_linear_model():
    m = tiny(architecture="linear")
    x, t, _ = data(n=3, k=2)
    W, b = [np.asarray(w, np.float64) for w in m.network.get_weights()]  # logits = x W + b
    X, T = x.reshape(3, -1).astype(np.float64), t.reshape(3, 2, -1).astype(np.float64)
    jv = np.einsum("nkd,dc->nkc", T, W)  # d logits along each tangent
    hand_logits = (jv ** 2).sum() / 3
    p = softmax(X @ W + b)[:, None, :]  # d softmax = (diag(p) - p p^T) d logits
    jp = p * jv - p * (p * jv).sum(-1, keepdims=True)
    hand_probs = (jp ** 2).sum() / 3
    assert float(tangent_penalty(m.network, x, t, "logits")) == pytest.approx(hand_logits, rel=1e-5)
    assert float(tangent_penalty(m.network, x, t, "probabilities")) == pytest.approx(hand_probs, rel=1e-5)
    # Its gradient (backward over the forward-mode JVP): d/dW mean_n sum_k |W^T v|^2 = 2/n sum v v^T W.
    with tf.GradientTape() as tape:
        pen = tangent_penalty(m.network, x, t, "logits")
    grad = tape.gradient(pen, m.network.trainable_variables[0])
    np.testing.assert_allclose(grad.numpy(), 2 / 3 * np.einsum("nkd,nke->de", T, T) @ W, rtol=1e-4, atol=1e-7)


def test_penalty_of_the_cnn_matches_finite_differences():
    from zoo.models.tangentprop import build_network

    keras.utils.set_random_seed(0)
    m = tiny(dropout=0.0)
    x, t, _ = data(n=2, k=2)
    # The same network in float64, so the difference quotient does not drown in float32 rounding.
    policy = keras.config.dtype_policy()
    keras.config.set_dtype_policy("float64")
    try:
        net64 = build_network([8, 8, 1], 10, "cnn", PRESETS["tiny"]["filters"], PRESETS["tiny"]["units"], 0.0)
    finally:
        keras.config.set_dtype_policy(policy)
    net64.set_weights([w.astype(np.float64) for w in m.network.get_weights()])
    x64, t64, eps = x.astype(np.float64), t.astype(np.float64), 1e-3  # agrees to ~1e-5 relative
    logits = lambda z: keras.ops.convert_to_numpy(net64(z))
    assert logits(x64).dtype == np.float64
    fd = np.stack([(logits(x64 + eps * t64[:, j]) - logits(x64 - eps * t64[:, j])) / (2 * eps)
                   for j in range(2)], 1)
    assert float(tangent_penalty(m.network, x, t, "logits")) == pytest.approx((fd ** 2).sum() / 2, rel=1e-3)


def test_tiny_builds_and_outputs_have_documented_shapes():
    m = tiny()
    x, _, _ = data(5)
    assert m(x).shape == (5, 10)
    p = m.predict_proba(x)
    np.testing.assert_allclose(p.sum(1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(m.predict_labels(x), p.argmax(1))
    assert m.logits(x, batch_size=2).shape == (5, 10)


def test_two_train_steps_with_tangents_change_weights_and_report_the_penalty():
    m = tiny(penalty_weight=3.0)
    x, t, y = data(16)
    before = [np.array(w) for w in m.trainable_weights]
    h = m.fit((x, t), y, batch_size=8, epochs=1, verbose=0).history
    assert int(m.optimizer.iterations) == 2
    assert all(np.isfinite(h[k][-1]) for k in ("loss", "ce", "penalty", "accuracy"))
    assert h["penalty"][-1] > 0
    # Running means are linear: mean loss = mean ce + weight * mean penalty.
    assert h["loss"][-1] == pytest.approx(h["ce"][-1] + 3.0 * h["penalty"][-1], rel=1e-5)
    assert all(not np.allclose(a, np.array(b)) for a, b in zip(before, m.trainable_weights))
    # Images alone: cross-entropy only, no penalty reported.
    h = m.fit(x, y, batch_size=8, epochs=1, verbose=0).history
    assert "penalty" not in h and np.isfinite(h["loss"][-1])
    res = m.evaluate((x, t), y, verbose=0, return_dict=True)
    assert res["loss"] == pytest.approx(res["ce"] + 3.0 * res["penalty"], rel=1e-5)


def test_the_penalty_makes_the_network_flat_along_the_tangents():
    x, t, y = data(32, k=2, seed=1)
    pens = {}
    for w in (0.0, 10.0):  # same seed, same initial weights and batches
        keras.utils.set_random_seed(0)
        m = tiny(penalty_weight=w, dropout=0.0, scores="logits")
        m.fit((x, t), y, batch_size=16, epochs=5, verbose=0)
        pens[w] = float(tangent_penalty(m.network, x, t, "logits"))
    assert pens[10.0] < 0.25 * pens[0.0], pens  # ~0.06x here


def test_config_and_weights_round_trip_through_save_pretrained(tmp_path):
    m = tiny(scores="logits", penalty_weight=0.5)
    x, t, y = data(16)
    m.fit((x, t), y, batch_size=8, epochs=1, verbose=0)
    cfg = json.loads(json.dumps(m.get_config()))
    assert TangentPropClassifier.from_config(cfg).get_config() == m.get_config()
    loaded = zoo.load(m.save_pretrained(tmp_path / "tp"))
    assert isinstance(loaded, TangentPropClassifier) and loaded.get_config() == m.get_config()
    np.testing.assert_array_equal(loaded.logits(x), m.logits(x))
    assert loaded.optimizer.learning_rate.numpy() == pytest.approx(1e-2)
    loaded.fit((x, t), y, batch_size=8, epochs=1, verbose=0)  # compiled, ready to fine-tune


def test_bad_inputs_raise_clear_errors():
    m = tiny()
    x, t, y = data(8)
    with pytest.raises(ValueError, match="tangents must have shape"):
        m.fit((x, t[:, :, :4]), y, batch_size=4, verbose=0)
    with pytest.raises(ValueError, match="tangents must have shape"):
        tangent_penalty(m.network, x, t[:, 0])
    with pytest.raises(ValueError, match="scores"):
        tangent_penalty(m.network, x, t, scores="softmax")
    with pytest.raises(ValueError, match="sample weights"):
        m.fit(x, y, sample_weight=np.ones(8), batch_size=4, verbose=0)
    for bad, match in [(np.zeros((2, 9, 8, 1), np.float32), "shape"), (np.zeros((2, 8, 8, 1), np.uint8), "float"),
                       (np.full((2, 8, 8, 1), 2.0, np.float32), r"\[0, 1\]"), (x[:0], "empty")]:
        with pytest.raises(ValueError, match=match):
            m.predict_labels(bad)


@pytest.mark.parametrize(
    "kw",
    [dict(architecture="resnet"), dict(scores="softmax"), dict(penalty_weight=-1.0),
     dict(penalty_weight=float("nan")), dict(dropout=1.0), dict(input_shape=[6, 6, 1]), dict(num_classes=1),
     dict(input_shape=[8, 8])],
)
def test_bad_configs_raise(kw):
    with pytest.raises(ValueError):
        TangentPropClassifier(**{**PRESETS["tiny"], **kw})


def test_experiment_subsets_are_class_balanced_and_seeded():
    from training.tangentprop import balanced_subset

    y = np.repeat(np.arange(10), 50)[np.random.default_rng(0).permutation(500)]
    a, b, c = (balanced_subset(y, 100, s) for s in (0, 0, 1))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert len(np.unique(a)) == 100 and np.all(np.bincount(y[a]) == 10)
    with pytest.raises(ValueError, match="multiple"):
        balanced_subset(y, 105, 0)


def test_experiment_train_run_smoke():
    from training.recipes import RECIPES
    from training.tangentprop import train_run

    x, t, y = data(20)
    lines = []
    model, final, secs = train_run(x, y, t, 1.0, 0, RECIPES["tangentprop-mnist"], 4, PRESETS["tiny"],
                                   log=lines.append, chunks=2)
    assert int(model.optimizer.iterations) == 4 and len(lines) == 2 and "penalty" in final
    model, final, _ = train_run(x, y, t, 0.0, 0, RECIPES["tangentprop-mnist"], 2, PRESETS["tiny"],
                                log=lines.append)
    assert "penalty" not in final and model.penalty_weight == 0.0


def test_the_evaluation_suite_scores_the_family_as_a_classifier():
    from zoo.eval import evaluate

    spec = zoo.registry.get_spec("tangentprop-mnist")
    res = evaluate(zoo.load("tangentprop-mnist", pretrained=False, compile=False), spec, n_samples=20)
    assert 0.0 <= res["eval"]["test_accuracy"] <= 1.0
    assert "the first 20 images of the MNIST test split" in res["protocol"]["test_accuracy"]


def test_card_shows_the_stored_experiment_section_and_its_own_command(tmp_path, monkeypatch):
    from training import card

    # The card is written into the id's package folder (spec.pretrained_dir), here a temporary one.
    monkeypatch.setattr(zoo.registry, "PRETRAINED_DIR", str(tmp_path / "pretrained"))
    folder = tmp_path / "pretrained" / "tangentprop-mnist"
    folder.mkdir(parents=True)
    metrics = {"eval": {"test_accuracy": 0.9}, "protocol": {"test_accuracy": "all of it"},
               "card_sections": [["Tangent Prop with few labels", "| labels | ... |"]]}
    (folder / "metrics.json").write_text(json.dumps(metrics))
    path = card.write_card("tangentprop-mnist")
    assert path == zoo.registry.get_spec("tangentprop-mnist").card_path == str(folder / "README.md")
    text = open(path).read()
    assert "## Tangent Prop with few labels\n\n| labels | ... |" in text
    assert "Reproduce: `python -m training.tangentprop`" in text
    assert "tangent-prop" in text and "type: image-classification" in text


# ----------------------------------------------------------------------------- shipped
# logits(first 4 MNIST test images)[:, :5] of the shipped weights (float32, CPU)
GOLDEN = [[-6.4244514, -4.1121750, -2.1201313, 1.7876881, -13.7062759],
          [-0.9994266, 0.6425192, 15.8444710, -0.9959614, -13.2972546],
          [-6.0072718, 11.3483791, -4.5443645, -6.2917862, -5.3082342],
          [14.8290482, -14.9580736, -2.4858191, -2.7011869, -6.5271506]]


@pytest.mark.slow
@pytest.mark.skipif(not pretrained_available("tangentprop-mnist"), reason="tangentprop-mnist not trained")
def test_shipped_model_golden_slice():
    m = zoo.load("tangentprop-mnist")
    x, y = zoo.data.arrays("mnist", "test", num_examples=4)
    np.testing.assert_allclose(m.logits(x)[:, :5], np.array(GOLDEN, np.float32), rtol=1e-4, atol=1e-4)
    np.testing.assert_array_equal(m.predict_labels(x), y)  # 7 2 1 0
    assert m.get_config()["penalty_weight"] == zoo.registry.get_spec("tangentprop-mnist").config["penalty_weight"]


@pytest.mark.slow
@pytest.mark.skipif(not pretrained_available("tangentprop-mnist"), reason="tangentprop-mnist not trained")
def test_shipped_model_reproduces_its_card():
    from zoo.eval import evaluate_id

    spec = zoo.registry.get_spec("tangentprop-mnist")
    res = evaluate_id("tangentprop-mnist")
    assert res["eval"]["test_accuracy"] == spec.metrics["eval"]["test_accuracy"]
    table = spec.metrics["experiment"]["table"]
    assert set(table) == {"100", "1000"}
    assert all(len(r["test_accuracy"]) == 3 for row in table.values() for r in row.values())
    # The shipped weights are the 1,000-label, seed-0 run with the penalty.
    assert res["eval"]["test_accuracy"] == table["1000"]["tangentprop"]["test_accuracy"][0]


def test_training_train_hands_tangentprop_to_its_own_driver(monkeypatch, capsys):
    import training.tangentprop as TP
    from training import train as T

    calls = []
    monkeypatch.setattr(TP, "main", lambda argv=None: calls.append(argv) or 0)
    assert T.main(["tangentprop-mnist", "--out", "runs/x", "--no-install"]) == 0
    assert calls == [["--out", "runs/x", "--no-install"]]
    assert "python -m training.tangentprop" in capsys.readouterr().out
    assert T.main(["tangentprop-mnist", "--epochs", "3"]) == 2  # no such option there: refused
    assert calls == [["--out", "runs/x", "--no-install"]] and "--steps" in capsys.readouterr().err
