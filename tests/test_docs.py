"""The documentation site: `mkdocs build --strict` passes, and the pages generated from the
registry (one per family, one API page per module of zoo/models) exist with their content.

The build (about 25 s: importing TensorFlow for the registry, rendering every docstring) runs
once per session; the hook's helpers are also tested alone, without a build."""

import importlib.util
import os
import subprocess
import sys

import pytest

pytest.importorskip("mkdocs", reason="mkdocs is not installed (it is in the dev extra: pip install -e '.[dev]')")

from zoo import registry  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOOKS = os.path.join(ROOT, "docs", "hooks")


def _module(name):
    spec = importlib.util.spec_from_file_location(f"_docs_{name}", os.path.join(HOOKS, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q",
                           "-f", os.path.join(ROOT, "mkdocs.yml"), "-d", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}"
    return out


def _page(site, *parts):
    path = os.path.join(site, *parts, "index.html")
    assert os.path.isfile(path), f"{os.path.relpath(path, site)} was not built"
    with open(path, encoding="utf-8") as f:
        return f.read()


@pytest.mark.slow
def test_family_pages_follow_the_registry(site):
    families = {spec.family for spec in registry.REGISTRY.values()}
    for family in families:
        html = _page(site, "families", family.lower())
        for spec in registry.REGISTRY.values():
            if spec.family == family:
                assert f'id="{spec.id}"' in html, f"{spec.id} has no section on the {family} page"
    gan = _page(site, "families", "gan")
    assert "Intended use" in gan and "Limitations" in gan  # the cards' sections
    assert "Radford" in gan  # dcgan-mnist's paper, from its card
    assert 'src="../dcgan-mnist/dcgan-mnist.png"' in gan  # the card's sample grid, copied beside the page
    assert os.path.isfile(os.path.join(site, "families", "dcgan-mnist", "dcgan-mnist.png"))
    catalog = _page(site, "families")
    assert all(mid in catalog for mid in registry.REGISTRY)


@pytest.mark.slow
def test_api_pages_render_the_docstrings(site):
    top = _page(site, "api", "zoo")
    for name in ("zoo.list_models", "zoo.info", "zoo.ZooLoadError"):
        assert f'id="{name}"' in top, f"{name} is not documented on the zoo API page"
    assert 'href="../hub/#zoo.hub.load"' in top  # zoo.load, imported on first use, links to its page
    hub = _page(site, "api", "hub")
    assert 'id="zoo.hub.load"' in hub and 'id="zoo.hub.save_pretrained"' in hub
    gan = _page(site, "api", "models", "gan")
    assert 'id="zoo.models.gan.GAN"' in gan and 'id="zoo.models.gan.GAN.generate"' in gan
    assert "n_critic" in gan  # the Args section of its docstring
    assert 'id="zoo.registry.ModelSpec"' in _page(site, "api", "registry")
    assert 'id="zoo.capabilities.Generator"' in _page(site, "api", "capabilities")
    for path in registry.FAMILY_PATHS.values():  # "zoo.models.<module>.<Class>"; no import of Keras here
        if path.startswith("zoo.models."):  # not the families other tests define in their own modules
            _page(site, "api", "models", path.split(".")[2])  # every family module has its page
    assert not os.path.exists(os.path.join(site, "hooks"))  # the build scripts are not published


def test_nav_lists_every_top_level_page_and_family(tmp_path, monkeypatch):
    hook = _module("zoo_pages")
    monkeypatch.setattr(hook, "_recipe_card", lambda model_id: f"# {model_id}\n")  # no TensorFlow here
    (tmp_path / "api").mkdir()
    for name in ("index.md", "getting-started.md", "portability.md", "api/index.md", "api/zoo.md",
                 "api/models.md"):
        (tmp_path / name).write_text("# page\n")
    config = hook.on_config({"docs_dir": str(tmp_path)})
    nav = config["nav"]
    assert nav[0] == {"Home": "index.md"} and {"Getting started": "getting-started.md"} in nav
    assert "portability.md" in nav  # any other top-level page is listed, architecture.md is not (absent)
    assert not any(isinstance(e, dict) and "Architecture" in e for e in nav)
    families = next(e["Families"] for e in nav if isinstance(e, dict) and "Families" in e)
    assert families[0] == "families/index.md"
    assert {f"families/{spec.family.lower()}.md" for spec in registry.REGISTRY.values()} == set(families[1:])
    api = next(e["API reference"] for e in nav if isinstance(e, dict) and "API reference" in e)
    assert api[:2] == ["api/index.md", "api/zoo.md"]
    models = api[2]["zoo.models"]
    assert models[0] == "api/models.md" and "api/models/gan.md" in models and "api/models/base.md" in models
    assert not any(m.endswith("_presets.md") for m in models)


def test_cards_become_sections_of_a_family_page():
    hook = _module("zoo_pages")
    card = ("---\nlibrary_name: keras\ntags:\n  - zoo\n---\n\n# my-id\n\n```python\n# not a heading\n```\n\n"
            "## Evaluation\n\n| metric | protocol |\n| --- | --- |\n| kl | KL(p || uniform) |\n\n"
            "![samples of my-id](my-id.png)\n")
    out = hook.card_markdown(card, "my-id")
    assert "library_name" not in out  # the Hub front matter is dropped
    assert out.startswith("## my-id\n")
    assert "\n# not a heading\n" in out  # code is left alone
    assert "\n### Evaluation\n" in out
    assert "| kl | KL(p \\|\\| uniform) |" in out  # one cell, not three
    assert "![samples of my-id](my-id/my-id.png)" in out


def test_docstring_examples_render_as_code():
    pytest.importorskip("griffe", reason="mkdocstrings[python] is not installed")
    fence = _module("griffe_examples").fence_examples
    doc = ("Summary.\n\n>>> import zoo\n>>> zoo.list_models()[\"x\"]\n\nArgs:\n    n: count.\n\n"
           "Example:\n    g = zoo.load(\"dcgan-mnist\")\n    g.generate(4)\n\nReturns:\n    numpy.")
    out = fence(doc)
    assert "```pycon\n>>> import zoo\n>>> zoo.list_models()[\"x\"]\n```" in out
    assert "Example:\n    ```python\n    g = zoo.load(\"dcgan-mnist\")\n    g.generate(4)\n    ```\n\nReturns:" in out
    assert "Args:\n    n: count." in out
    doctest_section = "Examples:\n    >>> 1 + 1\n    2"
    assert fence(doctest_section) == doctest_section  # griffe renders these itself
