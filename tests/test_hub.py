"""Catalog, loader and saver: handles, sha256 checks, atomic writes, Hub paths."""

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

import zoo
from zoo import checksums, hub, registry
from zoo.models.gan import GAN

PRESETS = registry.TINY["GAN"]

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def saved(tmp_path):
    g = GAN(**PRESETS["tiny"])
    g.compile()
    return g, g.save_pretrained(tmp_path / "model")


def test_list_models_wildcards_and_filters():
    assert zoo.list_models("dcgan*") == ["dcgan-celeba", "dcgan-fashion", "dcgan-mnist", "dcgan-stacked-mnist"]
    assert "dcgan-celeba" in zoo.list_models(pretrained=False)
    assert "dcgan-celeba" not in zoo.list_models(pretrained=True)
    assert zoo.list_models("no-such-*") == []
    assert "dcgan-mnist" in zoo.list_models(task="generate")


def test_info_describes_the_model():
    i = zoo.info("dcgan-celeba")
    assert i["family"] == "GAN" and i["dataset"] == "celeb_a"
    assert i["status"] == "recipe only" and i["params"] > 100_000
    assert "Radford" in i["paper"] and i["license"]


def test_info_says_when_the_recipe_moved_on_from_the_installed_weights(monkeypatch):
    import dataclasses

    from zoo import registry

    spec = registry.get_spec("dcgan-mnist")
    assert "note" not in zoo.info("dcgan-mnist")
    monkeypatch.setitem(registry.REGISTRY, "dcgan-mnist",
                        dataclasses.replace(spec, config={**spec.config, "g_filters": 96, "pack": 2}))
    i = zoo.info("dcgan-mnist")
    assert i["config"]["g_filters"] == 96 and i["config_of_weights"]["g_filters"] == spec.config["g_filters"]
    assert "differs from the installed weights' in ['g_filters', 'pack']" in i["note"]


def test_unknown_id_names_the_closest_ids():
    with pytest.raises(zoo.UnknownModelError, match="Did you mean 'dcgan-mnist'"):
        zoo.load("dcgan-mnsit")
    with pytest.raises(zoo.UnknownModelError, match="Did you mean"):
        zoo.info("dcgan_mnist")


def test_missing_folder_is_not_mistaken_for_an_id(tmp_path):
    with pytest.raises(zoo.ZooLoadError, match="No model folder"):
        zoo.load(str(tmp_path / "nope"))


def test_unpublished_weights_say_how_to_train_them():
    with pytest.raises(zoo.WeightsNotAvailableError, match="python -m training.train dcgan-celeba"):
        zoo.load("dcgan-celeba")
    g = zoo.load("dcgan-celeba", pretrained=False)
    assert g.data_shape == (64, 64, 3)
    assert g.generate(1, seed=0).shape == (1, 64, 64, 3)
    assert g.d_optimizer is not None  # compiled with its recipe's optimizers


def test_save_writes_a_manifest_and_no_temp_files(saved, tmp_path):
    g, folder = saved
    cfg = json.load(open(os.path.join(folder, "config.json")))
    assert cfg["format"] == "zoo" and cfg["family"] == "GAN"
    assert cfg["files"]["model.weights.h5"] == hub.sha256_file(os.path.join(folder, "model.weights.h5"))
    assert cfg["compile_config"]["d_optimizer"]["class_name"] == "Adam"
    assert sorted(os.listdir(tmp_path)) == ["model"]


def test_save_over_existing_folder_replaces_it(saved, tmp_path):
    g, folder = saved
    (tmp_path / "model" / "stale.txt").write_text("x")
    g.save_pretrained(folder)
    assert sorted(os.listdir(folder)) == ["config.json", "model.weights.h5"]
    assert sorted(os.listdir(tmp_path)) == ["model"]


def test_failed_save_leaves_the_previous_model_intact(saved, tmp_path, monkeypatch):
    g, folder = saved
    before = hub.sha256_file(os.path.join(folder, "model.weights.h5"))

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(GAN, "save_weights", boom)
    with pytest.raises(OSError, match="disk full"):
        g.save_pretrained(folder)
    assert hub.sha256_file(os.path.join(folder, "model.weights.h5")) == before
    assert sorted(os.listdir(tmp_path)) == ["model"]


def _flip_byte(path, offset=-100):
    data = bytearray(open(path, "rb").read())
    data[offset] ^= 0xFF
    open(path, "wb").write(bytes(data))


def test_tampered_weights_are_refused(saved):
    _, folder = saved
    _flip_byte(os.path.join(folder, "model.weights.h5"))
    with pytest.raises(zoo.ZooLoadError, match="does not match its sha256"):
        zoo.load(folder)


def test_truncated_weights_are_refused(saved):
    _, folder = saved
    w = os.path.join(folder, "model.weights.h5")
    data = open(w, "rb").read()
    open(w, "wb").write(data[: len(data) // 2])
    with pytest.raises(zoo.ZooLoadError, match="sha256"):
        zoo.load(folder)


def test_missing_weights_are_refused(saved):
    _, folder = saved
    os.remove(os.path.join(folder, "model.weights.h5"))
    with pytest.raises(zoo.ZooLoadError, match="missing"):
        zoo.load(folder)


def test_catalog_digest_wins_over_the_folder_manifest(saved):
    # an attacker who rewrites weights AND config.json still fails against the catalog digest
    _, folder = saved
    with pytest.raises(zoo.ZooLoadError, match="catalog"):
        hub.load_folder(folder, expected_sha256="0" * 64)


def test_tampered_catalog_weights_are_refused(saved, monkeypatch, tmp_path):
    g, folder = saved
    fake_root = tmp_path / "pretrained"
    shutil.copytree(folder, fake_root / "dcgan-mnist")
    monkeypatch.setattr(registry, "PRETRAINED_DIR", str(fake_root))
    pinned = {n: hub.sha256_file(os.path.join(folder, n)) for n in os.listdir(folder)}
    monkeypatch.setitem(checksums.FILES, "dcgan-mnist", pinned)
    np.testing.assert_array_equal(zoo.load("dcgan-mnist").generate(2, seed=0), g.generate(2, seed=0))
    _flip_byte(str(fake_root / "dcgan-mnist" / "model.weights.h5"))
    with pytest.raises(zoo.ZooLoadError, match="does not match its sha256 \\(catalog\\)"):
        zoo.load("dcgan-mnist")


def test_catalog_pins_every_file_of_an_id(saved, monkeypatch, tmp_path):
    # A rewritten config.json (with the digest of rewritten weights) fails against the catalog's
    # digest of config.json; a file the catalog pins but the folder lacks is missing.
    g, folder = saved
    fake = tmp_path / "pretrained" / "dcgan-mnist"
    shutil.copytree(folder, fake)
    monkeypatch.setattr(registry, "PRETRAINED_DIR", str(fake.parent))
    pinned = {n: hub.sha256_file(os.path.join(folder, n)) for n in os.listdir(folder)}
    monkeypatch.setitem(checksums.FILES, "dcgan-mnist", dict(pinned, **{"README.md": "cd" * 32}))
    with pytest.raises(zoo.ZooLoadError, match="README.md is missing"):
        zoo.load("dcgan-mnist")
    monkeypatch.setitem(checksums.FILES, "dcgan-mnist", pinned)
    cfg = json.load(open(fake / "config.json"))
    cfg["config"]["seed"] = 1
    json.dump(cfg, open(fake / "config.json", "w"))
    with pytest.raises(zoo.ZooLoadError, match="config.json does not match its sha256 \\(catalog\\)"):
        zoo.load("dcgan-mnist")


def test_every_published_file_is_pinned_in_checksums():
    for model_id in registry.list_models(pretrained=True):
        spec = registry.get_spec(model_id)
        on_disk = sorted(n for n in os.listdir(spec.pretrained_dir) if not n.startswith("."))
        assert sorted(spec.files) == on_disk, model_id
        assert {"config.json", "model.weights.h5", "metrics.json", "README.md"} <= set(spec.files), model_id
        assert spec.weights == {"model.weights.h5": spec.files["model.weights.h5"]} and spec.version >= 1
        assert spec.card_path == os.path.join(spec.pretrained_dir, "README.md")


@pytest.mark.parametrize("edit,msg", [
    (lambda c: c.update(family="os.system"), "unknown model family 'os.system'"),
    (lambda c: c.update(format="pickle"), "not a zoo model config"),
    (lambda c: c["config"].update(latent_dim=9), "does not fit"),
    (lambda c: c["config"].update(evil="x"), "cannot build a GAN"),
    (lambda c: c["compile_config"]["d_optimizer"].update(class_name="Lambda"), "built-in optimizers"),
])
def test_configs_that_name_foreign_code_or_wrong_shapes_are_refused(saved, edit, msg):
    _, folder = saved
    path = os.path.join(folder, "config.json")
    cfg = json.load(open(path))
    edit(cfg)
    json.dump(cfg, open(path, "w"))
    with pytest.raises(zoo.ZooLoadError, match=msg):
        zoo.load(folder)


def test_config_that_is_not_json_is_refused(saved):
    _, folder = saved
    open(os.path.join(folder, "config.json"), "wb").write(b"\x80\x04pickle")
    with pytest.raises(zoo.ZooLoadError, match="not valid JSON"):
        zoo.load(folder)


@pytest.mark.parametrize("handle", ["hf://", "hf://just-a-name", "hf://a/b/c", "hf:///x"])
def test_bad_hf_handles(handle):
    with pytest.raises(ValueError, match="hf://org/repo"):
        zoo.load(handle)


def test_hf_handle_parsing():
    assert hub.parse_hf_handle("hf://org/repo@abc") == ("org/repo", "abc")
    assert hub.parse_hf_handle("hf://org/repo") == ("org/repo", None)


def test_hf_load_from_the_offline_cache(saved, tmp_path):
    """A real huggingface_hub snapshot_download, served from its cache with HF_HUB_OFFLINE=1."""
    g, folder = saved
    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "hub" / "models--someone--some-dcgan"
    shutil.copytree(folder, repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    expected = g.generate(2, seed=5)
    np.save(tmp_path / "expected.npy", expected)
    code = (
        "import numpy as np, zoo, sys\n"
        f"a = zoo.load('hf://someone/some-dcgan@{commit}').generate(2, seed=5)\n"
        "b = zoo.load('hf://someone/some-dcgan').generate(2, seed=5)\n"
        f"e = np.load({str(tmp_path / 'expected.npy')!r})\n"
        "assert np.array_equal(a, e) and np.array_equal(b, e), 'mismatch'\n"
        "try:\n    zoo.load('hf://someone/other-repo')\nexcept Exception as ex:\n"
        "    print('MISSING', type(ex).__name__)\n"
    )
    env = dict(os.environ, HF_HUB_OFFLINE="1", HF_HUB_CACHE=str(tmp_path / "hub"))
    r = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "MISSING" in r.stdout  # not cached + offline -> an error, never a network call


def test_push_to_hub_creates_the_repo_and_uploads_the_folder(saved, monkeypatch):
    g, _ = saved
    calls = []

    class FakeApi:
        def __init__(self, token=None):
            calls.append(("init", token))

        def create_repo(self, **kw):
            calls.append(("create_repo", kw))

        def upload_folder(self, **kw):
            files = sorted(os.listdir(kw["folder_path"]))
            cfg = json.load(open(os.path.join(kw["folder_path"], "config.json")))
            calls.append(("upload_folder", kw["repo_id"], files, cfg["family"]))
            return "commit-info"

    import huggingface_hub

    monkeypatch.setattr(huggingface_hub, "HfApi", FakeApi)
    assert g.push_to_hub("me/tiny-gan", token="t0k", private=True) == "commit-info"
    assert calls[0] == ("init", "t0k")
    assert calls[1] == ("create_repo", dict(repo_id="me/tiny-gan", repo_type="model", private=True, exist_ok=True))
    assert calls[2] == ("upload_folder", "me/tiny-gan", ["config.json", "model.weights.h5"], "GAN")


def test_push_to_hub_of_a_catalog_model_uploads_its_card_images_and_metrics(monkeypatch):
    uploaded = {}

    class FakeApi:
        def __init__(self, token=None):
            pass

        def create_repo(self, **kw):
            pass

        def upload_folder(self, **kw):
            folder = kw["folder_path"]
            uploaded.update({n: hub.sha256_file(os.path.join(folder, n)) for n in os.listdir(folder)})
            uploaded["config"] = json.load(open(os.path.join(folder, "config.json")))

    import huggingface_hub

    monkeypatch.setattr(huggingface_hub, "HfApi", FakeApi)
    spec = registry.get_spec("gan-ring8")
    zoo.load("gan-ring8").push_to_hub("me/gan-ring8")
    cfg = uploaded.pop("config")
    # The card (spec.card_path) and its images, byte for byte; metrics.json as the catalog has it.
    assert set(uploaded) == set(spec.files)
    for name in spec.files:
        if name not in ("config.json", "metrics.json", "model.weights.h5"):  # those three are rewritten
            assert uploaded[name] == spec.files[name], name
    assert json.load(open(os.path.join(spec.pretrained_dir, "metrics.json"))) == spec.metrics
    assert cfg["id"] == "gan-ring8" and cfg["files"]["README.md"] == spec.files["README.md"]


def test_load_rejects_non_string_handles():
    with pytest.raises(TypeError):
        zoo.load(42)
