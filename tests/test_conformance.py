"""The conformance suite: every registered family, on each of its tiny presets.

Parametrized over `zoo.registry.TINY`, so a new family is covered as soon as its presets
module calls `register_presets` (keras-hub's `run_backbone_test` idea). What a family can
be asked to do is chosen by its capabilities (`zoo.capabilities.has`), never by its name:
config round trip, `save_pretrained` -> `zoo.load` and `.keras` round trips, two `fit`
steps that train every sub-network, optimizers restored from the compile config, clear
errors for bad inputs, a stop with finite weights at NaN data. Also here: the rules of
registration, and the import structure of the `zoo` package (no cycle, no import of
training/ or demos/, no file over 400 lines).
"""

import ast
import functools
import inspect
import json
import os
import re

import numpy as np
import pytest
import keras
import tensorflow as tf

import zoo
from zoo import capabilities as cap
from zoo import registry
from zoo.models.base import NonFiniteLossError, ZooModel

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ZOO_DIR = os.path.join(ROOT, "zoo")
CASES = [(family, preset) for family in sorted(registry.TINY) for preset in registry.TINY[family]]
IDS = [f"{family}-{preset}" for family, preset in CASES]
N, BATCH = 16, 8  # two fit steps
BAD_KINDS = ("shape", "dtype", "nan", "range")
# What each kind of bad input must say (besides naming the argument), by data protocol: examples
# (images, points) with float values, or a recommender's (user index, item index) pairs with the
# ratings as labels (its NaN goes in the ratings; its "range" is an index out of range).
BAD_MESSAGES = {
    "examples": {"shape": "shape", "dtype": "float", "nan": "NaN", "range": r"\[0, 1\]"},
    "pairs": {"shape": "shape", "dtype": "integer", "nan": "NaN", "range": "must be in"},
    # an embedding's (target, context, negatives) word ids: a NaN can only come as a float id
    "words": {"shape": "shape", "dtype": "integer", "nan": "integer", "range": "must be in"},
}
# The inference methods that take data, by capability name (so a capability a family does not
# declare, or one this version of zoo/capabilities.py lacks, is simply not asked for), with
# arguments that keep them cheap; MASK stands for an all-ones mask of one example's shape.
MASK = object()
DATA_METHODS = [
    ("reconstruct", "encode", {}), ("reconstruct", "reconstruct", {}),
    ("denoise", "denoise", {}), ("denoise", "corrupt", {}),
    ("contract", "jacobian_norms", {}), ("log_likelihood", "log_likelihood", {"k": 2}),
    ("elbo", "elbo", {"k": 2}), ("classify", "predict_proba", {}), ("classify", "predict_labels", {}),
    ("features", "features", {}), ("project", "project", {"steps": 0, "candidates": 4}),
    ("inpaint", "inpaint", {"mask": MASK}),
]
# A recommender's inference takes ids (`predict(user, item)`, `recommend(user, n)`): the bad ids
# of each kind, and what the message must say.
BAD_IDS = {"shape": ([0, 1], [0, 1, 2], "same length"), "dtype": (0.5, 0, "integer"),
           "nan": (float("nan"), 0, "integer"), "range": (10**6, 0, "not known")}
# The nouns the input checks use for the data argument of a method or of `fit`.
ARGUMENT = r"^(images|examples|x|training data|training labels|user_id|movie_id|item_id)\b"


# ----------------------------------------------------------------------------- helpers
def build(family, preset):
    return registry.FAMILIES[family](**registry.TINY[family][preset])


@functools.lru_cache(maxsize=None)
def compiled(family, preset):
    """One compiled, untrained model per preset, shared by the bad-input tests (which must leave
    it untouched: a rejected input trains nothing)."""
    model = build(family, preset)
    model.compile()
    return model


def protocol(model):
    """How the family takes data: "pairs" for a recommender, "words" for an embedding
    ((target, context, negatives) word ids from the family's own `example_batch`), "examples"
    otherwise."""
    if cap.has(model, cap.Recommender):
        return "pairs"
    return "words" if cap.has(model, cap.Embedding) else "examples"


def data(model, n=N, seed=0):
    """Seeded random examples in the family's data range (standard normal when unbounded); for a
    recommender, (user index, item index) pairs of its first two users and items."""
    rng = np.random.default_rng(seed)
    if protocol(model) == "pairs":
        return rng.integers(0, 2, (n, 2)).astype(np.int64)
    if protocol(model) == "words":
        return model.example_batch(n, seed)
    shape = (n, *model.data_shape)
    if model.data_range is None:
        return rng.standard_normal(shape).astype(np.float32)
    low, high = model.data_range
    return rng.uniform(low, high, shape).astype(np.float32)


def labels(model, n=N, seed=0):
    """Integer labels for classifiers and class-conditional models, ratings in [1, 5] for
    recommenders, else None."""
    rng = np.random.default_rng(seed + 1)
    if cap.has(model, cap.Classifier) or cap.has(model, cap.Conditional):
        return rng.integers(0, 2, n)
    if cap.has(model, cap.Recommender):
        return rng.uniform(1.0, 5.0, n).astype(np.float32)
    return None


def dataset(model, x, y=None):
    y = labels(model, len(x)) if y is None else y
    return tf.data.Dataset.from_tensor_slices(x if y is None else (x, y)).batch(BATCH, drop_remainder=True)


def sub_networks(model):
    """{attribute: keras.Model} of the family's sub-networks with trainable weights (the model
    itself when it has none, e.g. a factorization)."""
    nets = {k: v for k, v in vars(model).items()
            if isinstance(v, keras.Model) and v is not model and v.trainable_weights}
    return nets or {"model": model}


def outputs(model):
    """What the model computes, chosen by capability; the weights when nothing applies."""
    x = data(model, 6, seed=3)
    out = {}
    if cap.has(model, cap.Generator):
        out["generate"] = model.generate(4, seed=0)
    if cap.has(model, cap.Encoder):
        out["reconstruct"] = model.reconstruct(x)
    if cap.has(model, cap.Classifier):
        out["predict_proba"] = model.predict_proba(x)
    if not out:
        out = {f"weight {i}": w for i, w in enumerate(model.get_weights())}
    return out


def optimizers(model):
    """{slot: (class name, config)} of the model's named optimizers."""
    return {name: (type(model.named_optimizer(name)).__name__,
                   keras.optimizers.serialize(model.named_optimizer(name))["config"])
            for name in model.OPTIMIZERS}


def bad_input(model, kind, n=4):
    """(x, y) for `fit` (or x alone for an inference method) with one kind of fault."""
    x, y = data(model, n), labels(model, n)
    if protocol(model) == "words":
        target, context, negatives = x
        if kind == "shape":
            return (target[..., None], context, negatives), y
        if kind in ("dtype", "nan"):
            target = target.astype(np.float32)
            target[1] = np.nan if kind == "nan" else 0.5
            return (target, context, negatives), y
        target[1] = 10**6  # a word id out of the vocabulary
        return (target, context, negatives), y
    if protocol(model) == "pairs":
        if kind == "shape":
            return np.zeros((n, 3), np.int64), y
        if kind == "dtype":
            return x.astype(np.float32), y
        if kind == "nan":
            y[1] = np.nan
            return x, y
        x[1, 0] = 10**6  # a user index out of range
        return x, y
    if kind == "shape":
        return np.zeros((n, model.data_shape[0] + 1, *model.data_shape[1:]), np.float32), y
    if kind == "dtype":
        return np.zeros(x.shape, np.uint8), y
    if kind == "nan":
        x[1] = np.nan
        return x, y
    if model.data_range != (0.0, 1.0):
        pytest.skip(f"range check: data_range is {model.data_range}")
    return np.floor(x * 255.0).astype(np.float32), y  # 0-255 pixels, not scaled


def assert_clear(excinfo, expected):
    msg = str(excinfo.value)
    assert re.match(ARGUMENT, msg), f"the message does not name the argument: {msg!r}"
    assert re.search(expected, msg), f"the message does not say what is wrong ({expected!r}): {msg!r}"


@pytest.fixture(scope="module", params=CASES, ids=IDS)
def trained(request):
    """A tiny model compiled with its default optimizers and fitted for two steps: traced (as a user's
    `fit` runs) for each family's first preset, eagerly for its other presets. Tracing is most of a
    tiny model's cost (measured 197 s traced against 51 s eager over all presets); the traced step of
    the other presets' paths (losses, packing, unrolling, EMA, biases ...) is run by the families' own
    tests and by tests/test_distribute.py, whose two-replica step is traced."""
    family, preset = request.param
    model = build(family, preset)
    model.compile()
    model.run_eagerly = preset != next(iter(registry.TINY[family]))
    before = {k: [w.numpy().copy() for w in net.trainable_weights] for k, net in sub_networks(model).items()}
    history = model.fit(dataset(model, data(model)), epochs=1, verbose=0)
    return model, before, history.history


# ----------------------------------------------------------------------------- config
@pytest.mark.parametrize("family,preset", CASES, ids=IDS)
def test_config_is_json_and_rebuilds_the_same_model(family, preset):
    model = build(family, preset)
    cfg = model.get_config()
    assert json.loads(json.dumps(cfg)) == cfg, "get_config() must be JSON-serializable as is"
    assert type(model).from_config(cfg).get_config() == cfg
    for key, value in registry.TINY[family][preset].items():  # the constructor's arguments are the config
        assert cfg[key] == json.loads(json.dumps(value)), key
    assert model.get_compile_config() == {}  # not compiled yet


# ----------------------------------------------------------------------------- training
def test_two_fit_steps_train_every_sub_network(trained):
    model, before, history = trained
    assert history, "fit logged nothing"
    for key, values in history.items():
        assert len(values) == 1 and np.isfinite(values[-1]), f"{key} = {values}"
    for name, net in sub_networks(model).items():
        changed = [not np.allclose(a, w.numpy()) for a, w in zip(before[name], net.trainable_weights)]
        assert any(changed), f"fit did not change the weights of {name}"
    for name in model.OPTIMIZERS:
        assert int(model.named_optimizer(name).iterations) >= 2, name


def test_fit_on_nan_data_stops_with_finite_weights(trained):
    model = trained[0]
    if protocol(model) == "words":
        pytest.skip("word ids are integers and cannot hold NaN; float ids are refused by the bad-input tests")
    x, y = data(model, seed=1), labels(model, seed=1)
    # The first batch is clean (it passes fit's first-batch check); a recommender's NaN is a rating.
    if protocol(model) == "pairs":
        y[BATCH + 3] = np.nan
    else:
        x[BATCH + 3] = np.nan
    with pytest.raises(NonFiniteLossError, match="step 2"):
        model.fit(dataset(model, x, y), epochs=1, verbose=0)
    bad = zoo.saving.nonfinite_weights(model)
    assert not bad, f"NaN weights left behind: {bad}"
    for name, out in outputs(model).items():
        assert np.all(np.isfinite(out)), name


# ----------------------------------------------------------------------------- saving
def test_save_pretrained_then_zoo_load_gives_the_same_outputs(trained, tmp_path):
    model = trained[0]
    folder = model.save_pretrained(tmp_path / "m")
    loaded = zoo.load(folder)
    assert type(loaded) is type(model) and loaded.get_config() == model.get_config()
    expected = outputs(model)
    got = outputs(loaded)
    assert set(got) == set(expected)
    for name in expected:
        np.testing.assert_array_equal(got[name], expected[name], err_msg=name)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert optimizers(loaded) == optimizers(model)  # compiled like the saved model, ready for fit


def test_keras_format_round_trip(trained, tmp_path):
    model = trained[0]
    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert type(loaded) is type(model) and loaded.get_config() == model.get_config()
    assert len(loaded.weights) == len(model.weights)
    for a, b in zip(loaded.weights, model.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=b.path)
    assert loaded.compiled and optimizers(loaded) == optimizers(model)
    for name in model.OPTIMIZERS:  # the optimizer state (step count, moments) comes back too
        a, b = loaded.named_optimizer(name).variables, model.named_optimizer(name).variables
        assert len(a) == len(b) and int(loaded.named_optimizer(name).iterations) >= 2, name
        for va, vb in zip(a, b):
            np.testing.assert_array_equal(va.numpy(), vb.numpy(), err_msg=f"{name}: {vb.path}")
    # A working compile: one training step (eager, so no second trace of the train function).
    steps = {name: int(loaded.named_optimizer(name).iterations) for name in model.OPTIMIZERS}
    batch = next(iter(dataset(loaded, data(loaded, seed=2))))
    logs = loaded.train_step(batch)
    assert logs and all(np.all(np.isfinite(keras.ops.convert_to_numpy(v))) for v in logs.values())
    assert all(int(loaded.named_optimizer(n).iterations) > steps[n] for n in steps)


@pytest.mark.parametrize("family,preset", CASES, ids=IDS)
def test_compile_config_restores_the_optimizers(family, preset):
    model = build(family, preset)
    schedule = keras.optimizers.schedules.CosineDecay(3e-3, 1000, alpha=0.1)
    opts = {name: keras.optimizers.Adam(schedule, beta_1=0.5) if i == 0 else keras.optimizers.RMSprop(2e-4)
            for i, name in enumerate(model.OPTIMIZERS)}
    model.compile(**opts)
    cfg = json.loads(json.dumps(model.get_compile_config()))  # what config.json stores
    clone = build(family, preset)
    clone.compile_from_config(cfg)
    assert clone.compiled and optimizers(clone) == optimizers(model)
    first = clone.named_optimizer(model.OPTIMIZERS[0])
    assert float(first.learning_rate) == pytest.approx(3e-3)  # the schedule at step 0
    assert clone.get_compile_config() == cfg


# ----------------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize("kind", BAD_KINDS)
@pytest.mark.parametrize("family,preset", CASES, ids=IDS)
def test_inference_rejects_bad_input_naming_the_argument(family, preset, kind):
    model = compiled(family, preset)
    if cap.has(model, cap.Recommender):
        user, item, expected = BAD_IDS[kind]
        calls = [("predict", (user, item))] + ([("recommend", (user, 2))] if kind != "shape" else [])
        for name, args in calls:
            with pytest.raises(ValueError) as excinfo:
                getattr(model, name)(*args)
            assert_clear(excinfo, expected)
        return
    methods = [(name, kw) for c, name, kw in DATA_METHODS if cap.has(model, c)]
    if not methods:
        pytest.skip(f"{family} has no inference method that takes data")
    bad = bad_input(model, kind)[0]
    for name, kw in methods:
        method = getattr(model, name)
        kw = {k: np.ones(model.data_shape, np.float32) if v is MASK else v for k, v in kw.items()
              if k in inspect.signature(method).parameters}
        with pytest.raises(ValueError) as excinfo:
            method(bad, **kw)
        assert_clear(excinfo, BAD_MESSAGES["examples"][kind])


@pytest.mark.parametrize("kind", BAD_KINDS)
@pytest.mark.parametrize("family,preset", CASES, ids=IDS)
def test_fit_rejects_bad_input_naming_the_argument(family, preset, kind):
    model = compiled(family, preset)
    x, y = bad_input(model, kind, n=N)
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(ValueError) as excinfo:
        model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
    assert_clear(excinfo, BAD_MESSAGES[protocol(model)][kind])
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)  # nothing was trained


# ----------------------------------------------------------------------------- registration
@pytest.mark.parametrize("family", sorted(registry.FAMILIES))
def test_every_family_has_a_card_and_tiny_presets(family):
    assert isinstance(registry.CARDS.get(family), registry.Card), f"{family} registered no Card"
    assert registry.TINY.get(family), f"{family} registered no tiny presets (the conformance suite's models)"
    assert registry.FAMILIES[family].CAPABILITIES, f"{family} declares no capability"


@pytest.fixture
def scratch_registry(monkeypatch):
    """Registry tables that a test may fill with throwaway families; the real ones come back after."""
    for table in ("FAMILIES", "REGISTRY", "CARDS", "TINY"):
        monkeypatch.setattr(registry, table, dict(getattr(registry, table)))
    custom = keras.saving.get_custom_objects()
    known = set(custom)
    yield registry
    for key in set(custom) - known:  # classes registered as keras-serializable by the test
        del custom[key]


def _card():
    return registry.Card(intended="Tests only.", limitations=["- None."])


def test_a_family_without_card_or_tiny_presets_is_rejected(scratch_registry):
    class Throwaway(ZooModel):
        def __init__(self, width=4, **kwargs):
            super().__init__(**kwargs)
            self.width = width

    assert registry.FAMILIES["Throwaway"] is Throwaway  # defining the class registers it
    spec = registry.ModelSpec(id="throwaway-x", family="Throwaway", config={}, dataset="mnist", summary="s",
                              paper="p")
    with pytest.raises(registry.RegistrationError, match="Card"):
        registry.register_presets(Throwaway, [spec], None, {"tiny": {"width": 2}})
    with pytest.raises(registry.RegistrationError, match="Card"):
        registry.register_presets(Throwaway, [spec], {"intended": "x", "limitations": ["- y"]}, {"tiny": {}})
    with pytest.raises(registry.RegistrationError, match="tiny preset"):
        registry.register_presets(Throwaway, [spec], _card(), {})
    with pytest.raises(registry.RegistrationError, match="tiny preset"):
        registry.register_presets(Throwaway, [spec], _card(), None)
    assert "throwaway-x" not in registry.REGISTRY and "Throwaway" not in registry.TINY
    with pytest.raises(registry.RegistrationError, match="intended"):
        registry.Card(intended=" ", limitations=["- y"])
    with pytest.raises(registry.RegistrationError, match="limitation"):
        registry.Card(intended="x", limitations=[])
    other = registry.ModelSpec(id="throwaway-y", family="GAN", config={}, dataset="mnist", summary="s", paper="p")
    with pytest.raises(registry.RegistrationError, match="names family 'GAN'"):
        registry.register_presets(Throwaway, [other], _card(), {"tiny": {}})
    registry.register_presets(Throwaway, [spec], _card(), {"tiny": {"width": 2}})
    assert registry.TINY["Throwaway"] == {"tiny": {"width": 2}} and registry.get_spec("throwaway-x") is spec
    clash = registry.ModelSpec(id="throwaway-x", family="Throwaway", config={"width": 3}, dataset="mnist",
                               summary="s", paper="p")
    with pytest.raises(registry.RegistrationError, match="registered twice"):
        registry.register_presets(Throwaway, [clash], _card(), {"tiny": {}})


def test_a_class_that_is_not_a_registered_family_cannot_register_presets(scratch_registry):
    class NotAFamily(keras.Model):
        pass

    with pytest.raises(registry.RegistrationError, match="not a registered family"):
        registry.register_presets(NotAFamily, [], _card(), {"tiny": {}})


def test_a_family_declaring_a_capability_without_its_methods_is_rejected(scratch_registry):
    with pytest.raises(TypeError, match=f"declares 'generate' but has no {', '.join(cap.Generator.methods)}"):
        class Boaster(ZooModel):
            CAPABILITIES = (cap.Generator,)

    with pytest.raises(TypeError, match="declares 'reconstruct' but has no reconstruction_errors"):
        class HalfEncoder(ZooModel):
            CAPABILITIES = (cap.Encoder,)

            def encode(self, x):
                return x

            decode = reconstruct = encode

    with pytest.raises(TypeError, match="Capability objects"):
        class ByName(ZooModel):
            CAPABILITIES = ("generate",)

    assert not {"Boaster", "HalfEncoder", "ByName"} & set(registry.FAMILIES)


# ----------------------------------------------------------------------------- import structure
def _zoo_modules():
    """{module name: path} of every .py file under zoo/."""
    out = {}
    for folder, dirs, files in os.walk(ZOO_DIR):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__pycache__")))
        for f in sorted(files):
            if f.endswith(".py"):
                rel = os.path.relpath(os.path.join(folder, f), ROOT)[:-3].split(os.sep)
                out[".".join(rel[:-1] if rel[-1] == "__init__" else rel)] = os.path.join(folder, f)
    return out


def _imports(name, path, modules):
    """Modules `name` imports, anywhere in its file (top level, functions, try blocks), and the
    top-level names of every import.

    Package __init__ edges: importing ``zoo.a.b`` makes Python run ``zoo/__init__`` and
    ``zoo/a/__init__`` first, but a submodule never needs its parents' __init__ to have
    *finished* (the parent is in sys.modules, partly initialized, before the child runs), so
    those implicit parent imports are not edges; otherwise every package that imports its
    own submodules (``zoo/__init__`` imports ``zoo.models``) would be a cycle with each of them.
    An explicit dependency on a package's __init__ is an edge: ``import zoo`` and
    ``from zoo import load`` (a name its __init__ defines) need it to have run. ``from zoo
    import hub`` depends on the submodule ``zoo.hub`` only (Python imports it when the
    partly initialized package lacks the attribute). A package __init__ that imports every
    module of its folder through ``pkgutil.iter_modules`` (``zoo/models``) gets an edge to
    each of them, and ``importlib.import_module("zoo.x")`` with a literal counts.
    """
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    is_package = path.endswith("__init__.py")
    package = name if is_package else name.rpartition(".")[0]
    edges, tops = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                tops.add(alias.name.split(".")[0])
                edges.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            tops.add(base.split(".")[0])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                edges.add(sub if sub in modules else base)
        elif isinstance(node, ast.Call):
            fn = node.func
            fname = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
            if fname in ("import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
                target = str(node.args[0].value)
                tops.add(target.split(".")[0])
                edges.add(target)
            if fname == "iter_modules" and is_package:
                edges.update(m for m in modules if m.rpartition(".")[0] == name)
    return {e for e in edges if e in modules and e != name}, tops


def _cycles(graph):
    """One cycle (a list of nodes, first == last) per strongly connected component of `graph`
    that has more than one node; [] when the graph is acyclic (self-imports are not edges)."""
    index, low, on_stack, stack, components = {}, {}, set(), [], []

    def connect(v):  # Tarjan's algorithm
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(component)

    for v in sorted(graph):
        if v not in index:
            connect(v)
    cycles = []
    for component in components:  # walk inside the component until a node repeats
        path = [min(component)]
        while path.count(path[-1]) < 2:
            path.append(min(w for w in graph[path[-1]] if w in component))
        cycles.append(path[path.index(path[-1]):])
    return sorted(cycles)


def _import_graph():
    modules = _zoo_modules()
    graph, tops = {}, {}
    for name, path in modules.items():
        graph[name], tops[name] = _imports(name, path, modules)
    return modules, graph, tops


def test_the_import_graph_of_zoo_has_no_cycle():
    modules, graph, _ = _import_graph()
    assert "zoo.models.base" in graph["zoo.models.gan"] and "zoo.models" in graph["zoo"]  # the parser sees them
    assert "zoo.models.gan" in graph["zoo.models"]  # the pkgutil loop of zoo/models/__init__.py
    cycles = _cycles(graph)
    assert not cycles, "import cycles in zoo/ (imports inside functions count): " + "; ".join(
        " -> ".join(c) for c in cycles)


def test_the_cycle_finder_finds_every_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a", "e"}, "e": {"d"}, "f": {"a"}}
    assert _cycles(graph) == [["a", "b", "c", "a"], ["d", "e", "d"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_zoo_never_imports_training_or_demos():
    _, _, tops = _import_graph()
    bad = {name: sorted(t & {"training", "demos"}) for name, t in tops.items() if t & {"training", "demos"}}
    assert not bad, f"zoo/ imports training/ or demos/: {bad}"


def test_no_file_in_zoo_is_over_400_lines():
    """Hand-written modules stay short; the machine-written tables (whose docstring says which command
    writes them: the checksums of every published file, the catalog index) grow with the catalog."""
    long = {}
    for name, path in _zoo_modules().items():
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if text.startswith(('"""Machine-written by', '"""sha256 of every file of each published model')):
            assert "Machine-written by `python -m training." in text[:400], path  # says what writes it
            continue
        n = text.count("\n")
        if n > 400:
            long[os.path.relpath(path, ROOT)] = n
    assert not long, f"files over 400 lines: {long}"
