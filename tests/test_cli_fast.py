"""The catalog without TensorFlow: `python -m zoo list` / `info` and `import zoo` import neither
TensorFlow nor Keras; the machine-written index they read (zoo/catalog_index.py) matches the
classes; the recipes' plain optimizer configs say what Keras' own serialization says; TensorFlow's
start-up lines stay out of the output unless asked for."""

import json
import os
import subprocess
import sys

import pytest

from zoo import catalog_index, registry

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEAVY = ("tensorflow", "keras", "jax", "torch")


def _run(args, env=None):
    env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def _imported(importtime_stderr):
    """Top-level package names in a `python -X importtime` report."""
    names = set()
    for line in importtime_stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


@pytest.mark.parametrize("args", [["list"], ["list", "--task", "generate"], ["info", "dcgan-mnist"],
                                  ["info", "pixelcnn-mnist"]], ids=lambda a: " ".join(a))
def test_list_and_info_do_not_import_tensorflow_or_keras(args):
    r = _run(["-X", "importtime", "-m", "zoo", *args])
    assert r.returncode == 0, r.stderr[-2000:]
    imported = _imported(r.stderr)
    assert "zoo" in imported and "numpy" in imported  # the report is read right
    missing = sorted(set(registry.CARDS) - set(catalog_index.CAPABILITIES))
    assert not imported & set(HEAVY), (f"`python -m zoo {' '.join(args)}` imported {sorted(imported & set(HEAVY))}"
                                       f"{'; families not indexed: ' + str(missing) if missing else ''}; "
                                       "run python -m training.catalog_index")
    if args[0] == "info":
        assert f'"id": "{args[1]}"' in r.stdout and '"params": ' in r.stdout
    else:
        assert "dcgan-mnist" in r.stdout and ("mnist-classifier" in r.stdout) == (len(args) == 1)


def test_import_zoo_reads_the_catalog_without_keras():
    code = ("import json, sys, zoo; info = zoo.info('dcgan-mnist'); "
            "print(json.dumps([zoo.list_models(task='classify'), info['params'], info['tasks'], "
            f"[m for m in {HEAVY!r} if m in sys.modules]]))")
    r = _run(["-c", code])
    assert r.returncode == 0, r.stderr[-2000:]
    ids, params, tasks, heavy = json.loads(r.stdout)
    assert heavy == []
    assert ids == ["fashion-classifier", "mnist-classifier", "tangentprop-mnist"]
    assert params == catalog_index.PARAMS["dcgan-mnist"][1] > 500_000  # read from the index, not built
    assert tasks == list(catalog_index.CAPABILITIES["GAN"]) and "generate" in tasks


def test_the_index_matches_the_classes():
    """What list / info read without Keras is what the classes say (else: python -m training.catalog_index).
    The parameter count of every id is compared with its built model in tests/test_catalog.py, which
    builds them all; here the capabilities, the config digests, and three ids built."""
    caps = {name: list(registry.family_class(name).capability_names()) for name in sorted(registry.CARDS)}
    stale = [f for f in caps if catalog_index.CAPABILITIES.get(f, caps[f]) != caps[f]]
    stale += [m for m in registry.REGISTRY if m in catalog_index.PARAMS  # (an id missing: tests/test_catalog.py)
              and catalog_index.PARAMS[m][0] != registry.config_digest(registry.get_spec(m))]
    assert not stale, f"zoo/catalog_index.py is stale for {stale}: run python -m training.catalog_index"
    assert {"GAN", "Autoencoder", "VAE"} <= set(catalog_index.CAPABILITIES) and "dcgan-mnist" in catalog_index.PARAMS
    for mid in ("dcgan-mnist", "dcgan-celeba", "word2vec-sg-gcide"):  # indexed == built
        spec = registry.get_spec(mid)
        built = spec.family_class(**spec.config).count_params()
        assert registry.info(mid)["params"] == built == catalog_index.PARAMS[mid][1]
        assert spec.tasks == spec.family_class.capability_names()


def test_a_changed_config_is_not_read_from_the_index(monkeypatch):
    spec = registry.get_spec("gan-ring8")
    monkeypatch.setitem(catalog_index.PARAMS, "gan-ring8", (registry.config_digest(spec), 12345))
    assert registry.info("gan-ring8")["params"] == 12345  # a matching entry is used as it is
    monkeypatch.setitem(catalog_index.PARAMS, "gan-ring8", ("0" * 16, 12345))
    assert registry.info("gan-ring8")["params"] == spec.family_class(**spec.config).count_params() != 12345


def _same(plain, full):
    """Every value of a plain config is the one Keras' serialization gives (float32-rounded)."""
    if isinstance(plain, dict):
        return all(_same(v, full[k]) for k, v in plain.items())
    if isinstance(plain, float):
        return full == pytest.approx(plain, rel=1e-6)
    return plain == full


def test_recipes_are_plain_configs_that_keras_reads_back():
    """A recipe's optimizers are plain dicts (no Keras at import); deserialized and serialized again
    by Keras they hold the same values and describe the same training."""
    import dataclasses

    import keras

    from zoo.models.checks import safe_optimizer

    recipes = [s.recipe for s in registry.REGISTRY.values() if s.recipe is not None]
    assert len(recipes) >= 20
    for r in recipes:
        full = {k: keras.optimizers.serialize(safe_optimizer(v)) if isinstance(v, dict) else v
                for k, v in r.compile.items()}
        assert dataclasses.replace(r, compile=full).describe() == r.describe()
        for k, v in r.compile.items():
            if isinstance(v, dict):
                assert _same(v, full[k]), (k, v, full[k])
    assert not _same({"learning_rate": 1e-3}, {"learning_rate": 2e-3})


def test_hold_then_decay_holds_half_the_steps_then_falls_along_the_line():
    import keras

    from zoo import recipes as R
    from zoo.models.checks import safe_optimizer

    config = R.adam_hold_then_decay(2e-4, 1000, pieces=4)
    rate = safe_optimizer(config)._learning_rate
    assert isinstance(rate, keras.optimizers.schedules.PiecewiseConstantDecay)
    got = [float(rate(step)) for step in (0, 500, 501, 625, 626, 999)]
    expected = [2e-4, 2e-4, 2e-4 * (1 - 0.5 / 4), 2e-4 * (1 - 0.5 / 4), 2e-4 * (1 - 1.5 / 4), 2e-4 * (1 - 3.5 / 4)]
    assert got == pytest.approx(expected, rel=1e-6)
    assert R._lr(config["config"]["learning_rate"]) == ("0.0002 to step 500, then down in 4 equal steps to 2.5e-05 "
                                                        "from step 875 (a stepwise linear decay)")


FAKE_TF = """import os
os.write(2, b"I0000 port.cc:153] oneDNN custom operations are on.\\n")
if os.environ.get("FAKE_TF_FAILS"):
    raise ImportError("this tensorflow is broken")
"""


@pytest.mark.parametrize("case", ["hidden", "verbose", "user level", "error", "jax backend"])
def test_tensorflow_start_up_lines_are_hidden_unless_asked(tmp_path, case):
    """With a stand-in tensorflow that writes to file descriptor 2 as TensorFlow's C++ runtime does."""
    (tmp_path / "tensorflow").mkdir()
    (tmp_path / "tensorflow" / "__init__.py").write_text(FAKE_TF)
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), ROOT])
    if case == "user level":
        env["TF_CPP_MIN_LOG_LEVEL"] = "0"
    if case == "error":
        env["FAKE_TF_FAILS"] = "1"
    if case == "jax backend":  # Keras runs on another backend: the zoo does not import TensorFlow for it
        env["KERAS_BACKEND"] = "jax"
    show = "p.show_tensorflow_logs(); " if case == "verbose" else ""
    code = (f"import os, sys, zoo.progress as p; {show}p.import_tensorflow(); "
            "print(os.environ['TF_CPP_MIN_LOG_LEVEL'], 'tensorflow' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], cwd=str(tmp_path), env=env, capture_output=True, text=True,
                       timeout=120)
    if case == "error":  # the import error still reaches the user; the runtime's lines do not
        assert r.returncode != 0 and "this tensorflow is broken" in r.stderr and "oneDNN" not in r.stderr
        return
    assert r.returncode == 0, r.stderr
    assert ("oneDNN" in r.stderr) == (case in ("verbose", "user level")), r.stderr
    level, imported = r.stdout.split()
    assert level == {"hidden": "2", "verbose": "0", "user level": "0", "jax backend": "2"}[case]
    assert imported == str(case != "jax backend")


@pytest.mark.slow  # a fresh process that imports TensorFlow
def test_the_real_tensorflow_loads_without_a_line_on_stderr():
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    code = "import zoo.progress as p; p.import_tensorflow(); import keras; print('ok')"
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr[-2000:]
    assert r.stderr == "", f"TensorFlow's lines leaked: {r.stderr[:500]!r}"
