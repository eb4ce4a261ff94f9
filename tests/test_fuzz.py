"""Fuzzing the loader: damaged model folders must fail with `zoo.ZooLoadError`, never load.

Two folders are damaged in many seeded ways, one file at a time:
- a catalog id (a copy of ``zoo/pretrained/gan-ring8``, loaded the way `zoo.load("gan-ring8")`
  does: `hub.load_folder(tmp, pinned=spec.files)`, every file checked against the catalog);
- a `save_pretrained` folder of a tiny GAN with metrics (loaded with `zoo.load(folder)`, every
  file checked against the digests config.json records).

Weights: bit flips, truncations, junk appended, zeroed ranges, another model's weights.
config.json / metrics.json: byte flips, truncations, junk, edited values (data_shape,
latent_dim, ...), injected keys, swapped files, a huge data_shape, NaN literals, a non-zoo
family, a damaged optimizer. Each outcome is counted: refused (ZooLoadError), silent (the
model loaded) or raw (any other exception); silent and raw must both be 0.

A `save_pretrained` folder's config.json cannot record its own digest, so an edit of it that
is still a valid config of the same network (another seed, another learning rate) loads:
that is what editing a config is for. The edits here are the ones a loader must catch. The
byte flips XOR a byte with 0xFF, which never leaves valid UTF-8 JSON.
"""

import hashlib
import json
import os
import shutil

import numpy as np
import pytest

import zoo
from zoo import hub, registry
from zoo.saving import CONFIG_FILE, METRICS_FILE, WEIGHTS_FILE

CATALOG_ID, OTHER_ID = "gan-ring8", "gan-grid25"  # the same network, trained on another mixture


# ----------------------------------------------------------------------------- damage
def _changed(fn):
    """A damage that is retried (new random draws) until the bytes differ from the original."""
    def damage(data, rng):
        for _ in range(100):
            out = fn(data, rng)
            if out != data:
                return out
        raise AssertionError(f"{fn.__name__} did not change the file")
    damage.__name__ = fn.__name__
    return damage


@_changed
def flip_bit(data, rng):
    b = bytearray(data)
    b[int(rng.integers(len(b)))] ^= 1 << int(rng.integers(8))
    return bytes(b)


@_changed
def flip_byte(data, rng):
    b = bytearray(data)
    b[int(rng.integers(len(b)))] ^= 0xFF
    return bytes(b)


@_changed
def truncate(data, rng):
    return data[: int(rng.integers(0, len(data)))]


@_changed
def append_junk(data, rng):
    return data + rng.bytes(int(rng.integers(1, 4096)))


@_changed
def zero_range(data, rng):
    start = int(rng.integers(len(data)))
    n = int(rng.integers(1, 4096))
    return data[:start] + bytes(min(n, len(data) - start)) + data[start + n:]


def replace_with(path):
    def damage(data, rng):
        return open(path, "rb").read()
    damage.__name__ = f"replace with {os.path.basename(os.path.dirname(path))}/{os.path.basename(path)}"
    return damage


def delete(data, rng):
    return None


def edit_json(edit, name=None):
    """A damage that rewrites the JSON object with `edit(obj)` (which changes it in place)."""
    def damage(data, rng):
        obj = json.loads(data)
        edit(obj)
        return json.dumps(obj, indent=2).encode()
    damage.__name__ = name or edit.__name__
    return damage


def edit_text(old, new):
    def damage(data, rng):
        text = data.decode()
        assert old in text, old
        return text.replace(old, new, 1).encode()
    damage.__name__ = f"{old!r} -> {new!r}"
    return damage


def _set(path, value):
    def edit(obj):
        *parents, last = path
        for p in parents:
            obj = obj[p]
        obj[last] = value
    return edit_json(edit, f"{'.'.join(map(str, path))} = {json.dumps(value)[:40]}")


def _pop(path):
    def edit(obj):
        *parents, last = path
        for p in parents:
            obj = obj[p]
        del obj[last]
    return edit_json(edit, f"del {'.'.join(map(str, path))}")


# ----------------------------------------------------------------------------- folders
@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """{target: (folder, load function, other model's folder)}: pristine copies to damage."""
    root = tmp_path_factory.mktemp("fuzz")
    spec = registry.get_spec(CATALOG_ID)
    catalog = str(root / CATALOG_ID)
    shutil.copytree(spec.pretrained_dir, catalog)
    g = registry.FAMILIES["GAN"](**registry.TINY["GAN"]["tiny"])
    g.compile()
    saved = g.save_pretrained(root / "saved", metrics={"eval": {"fid": 12.5}, "protocol": {"fid": "a test"}})
    other = registry.FAMILIES["Autoencoder"](**registry.TINY["Autoencoder"]["tiny"])
    other.compile()
    other_saved = other.save_pretrained(root / "other", metrics={"eval": {"test_bce": 40.0}})
    return {
        "catalog": (catalog, lambda: hub.load_folder(catalog, pinned=spec.files),
                    registry.get_spec(OTHER_ID).pretrained_dir),
        "saved": (saved, lambda: zoo.load(saved), other_saved),
    }


def run(folders, cases, seed):
    """Apply each (target, file, damage) to a pristine folder, load, and count the outcomes."""
    rng = np.random.default_rng(seed)
    counts, silent, raw = {"refused": 0, "silent": 0, "raw": 0}, [], []
    for target, filename, damage in cases:
        folder, load, _ = folders[target]
        path = os.path.join(folder, filename)
        original = open(path, "rb").read()
        try:
            damaged = damage(original, rng)
            if damaged is None:
                os.remove(path)
            else:
                open(path, "wb").write(damaged)
            label = f"{target}/{filename}: {damage.__name__}"
            try:
                load()
            except zoo.ZooLoadError:
                counts["refused"] += 1
            except Exception as e:  # the loader let a raw error through
                counts["raw"] += 1
                raw.append(f"{label}: {type(e).__name__}: {str(e)[:200]}")
            else:
                counts["silent"] += 1
                silent.append(label)
        finally:
            open(path, "wb").write(original)
    return counts, silent, raw


def check(counts, silent, raw, what):
    print(f"\n{what}: {sum(counts.values())} corruptions, {counts}")
    assert not silent, f"{len(silent)} damaged folders loaded silently: {silent}"
    assert not raw, f"{len(raw)} damaged folders raised a raw error instead of ZooLoadError: {raw}"


def test_pristine_folders_load(folders):
    for target, (folder, load, _) in folders.items():
        model = load()
        assert model.get_config() == json.load(open(os.path.join(folder, CONFIG_FILE)))["config"], target


# ----------------------------------------------------------------------------- weights
def weights_cases(folders):
    cases = []
    for target in ("catalog", "saved"):
        other = os.path.join(folders[target][2], WEIGHTS_FILE)
        damages = ([flip_bit] * 20 + [truncate] * 10 + [append_junk] * 6 + [zero_range] * 12
                   + [replace_with(other), delete])
        cases += [(target, WEIGHTS_FILE, d) for d in damages]
    # The other mixture's weights: the same network, a valid file, only the digest tells them apart.
    cases.append(("catalog", WEIGHTS_FILE, replace_with(os.path.join(registry.get_spec(OTHER_ID).pretrained_dir,
                                                                     WEIGHTS_FILE))))
    return cases


def test_damaged_weights_are_refused(folders):
    cases = weights_cases(folders)
    assert len(cases) >= 100
    check(*run(folders, cases, seed=0), "weights")


# ----------------------------------------------------------------------------- config and metrics
def config_cases(folders):
    cases = []
    for target in ("catalog", "saved"):
        other = folders[target][2]
        data_shape = [2] if target == "catalog" else [8, 8, 1]
        cases += [(target, CONFIG_FILE, d) for d in [flip_byte] * 6 + [truncate] * 4 + [append_junk] * 2]
        cases += [(target, CONFIG_FILE, d) for d in [
            edit_text("{", "{} {"),  # two JSON documents
            _set(("config", "data_shape"), [d + 1 for d in data_shape]),
            _set(("config", "data_shape"), [4096] * len(data_shape)),  # huge: refused before it is built
            _set(("config", "data_shape"), [10**12] * len(data_shape)),
            _set(("config", "data_shape"), "8x8"),
            _set(("config", "latent_dim"), 9),
            _set(("config", "latent_dim"), -1),
            _set(("config", "latent_dim"), 10**9),
            _set(("config", "evil"), "os.system('rm -rf /')"),  # injected key
            _set(("config", "architecture"), "resnet"),
            _set(("family",), "keras.Model"),  # not a zoo family
            _set(("family",), "Sequential"),
            _set(("family",), "os.system"),
            _set(("format",), "pickle"),
            _set(("version",), 99),
            _set(("config",), [1, 2]),
            _set(("files", WEIGHTS_FILE), "0" * 64),
            _set(("files", "../escape.h5"), "0" * 64),
            _pop(("files", WEIGHTS_FILE)),
            _set(("compile_config", "d_optimizer", "class_name"), "Lambda"),  # damaged optimizer
            _set(("compile_config", "d_optimizer", "config"), "adam"),
            _set(("compile_config", "d_optimizer", "config", "learning_rate"), "fast"),
            _set(("compile_config", "d_optimizer", "config", "evil"), 1),
            _set(("compile_config", "g_optimizer", "config", "learning_rate"),
                 {"class_name": "os.system", "config": {}}),
            _set(("compile_config", "jit_compile"), "yes"),
            _set(("compile_config",), [1]),
            edit_text('"clip_value": null', '"clip_value": NaN'),  # NaN literals
            edit_text('"gp_weight": 0.0', '"gp_weight": Infinity'),
            edit_text('"latent_dim": ', '"latent_dim": -Infinity, "x": '),
            edit_json(lambda c: c.clear(), "an empty object"),
            replace_with(os.path.join(other, CONFIG_FILE)),  # swapped with another model's config
            replace_with(os.path.join(folders[target][0], METRICS_FILE)),  # swapped with its metrics
            delete,
        ]]
        cases += [(target, METRICS_FILE, d) for d in [flip_byte] * 3 + [truncate] * 2 + [append_junk] * 2 + [
            _set(("eval", "fid" if target == "saved" else "hq_percent_mean"), 100.0),  # a better number
            edit_json(lambda m: m.update(eval=float("nan")), "eval = NaN"),
            replace_with(os.path.join(other, METRICS_FILE)),
            replace_with(os.path.join(folders[target][0], CONFIG_FILE)),
            delete,
        ]]
    return cases


def test_damaged_config_and_metrics_are_refused(folders):
    cases = config_cases(folders)
    assert len(cases) >= 30
    check(*run(folders, cases, seed=1), "config.json / metrics.json")


# ----------------------------------------------------------------------------- re-signed weights
def test_structurally_damaged_weights_are_refused_even_with_a_matching_digest(folders):
    """Someone rewrote config.json's digest to match damaged weights (or saved them with a
    broken tool): the digest no longer helps, the HDF5 reader and the shape and finiteness
    checks must still refuse the file, with a ZooLoadError."""
    folder, _, other = folders["saved"]

    def nan_weights(data, rng):
        g = registry.FAMILIES["GAN"](**registry.TINY["GAN"]["tiny"])
        g.set_weights([np.full_like(w, np.nan) if i == 0 else w for i, w in enumerate(g.get_weights())])
        path = os.path.join(folder, ".nan.weights.h5")
        g.save_weights(path)
        out = open(path, "rb").read()
        os.remove(path)
        return out

    def resign(damage):
        def damaged(data, rng):
            out = damage(data, rng)
            cfg_path = os.path.join(folder, CONFIG_FILE)
            cfg = json.load(open(cfg_path))
            cfg["files"][WEIGHTS_FILE] = hashlib.sha256(out).hexdigest()
            resigned.append((cfg_path, open(cfg_path, "rb").read()))
            json.dump(cfg, open(cfg_path, "w"))
            return out
        damaged.__name__ = f"re-signed {damage.__name__}"
        return damaged

    def zeroed_superblock(data, rng):
        return bytes(512) + data[512:]

    def empty_file(data, rng):
        return b""

    def a_json_file(data, rng):
        return b'{"not": "hdf5"}'

    resigned = []
    damages = [truncate] * 8 + [zeroed_superblock, empty_file, a_json_file,
                                replace_with(os.path.join(other, WEIGHTS_FILE)), nan_weights]
    try:
        counts, silent, raw = run(folders, [("saved", WEIGHTS_FILE, resign(d)) for d in damages], seed=2)
    finally:
        for path, original in resigned[:1]:  # the first saved copy is the pristine config
            open(path, "wb").write(original)
    check(counts, silent, raw, "re-signed weights")
    folders["saved"][1]()  # the folder is pristine again
