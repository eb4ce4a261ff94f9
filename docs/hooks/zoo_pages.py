"""MkDocs hook: the pages that follow from the catalog, generated at build time.

- ``families/index.md``: every catalog id with its family, status, dataset and summary;
- ``families/<family>.md``: one page per registered family (`zoo.registry.FAMILIES`): its
  module's docstring, capabilities, ids, and each id's model card, the shipped
  ``zoo/pretrained/<id>/README.md`` (YAML front matter dropped, headings one level down, its
  images copied beside the page) or, for an id without one, the card that
  `training.card.write_card` writes from the registry's text (`ModelSpec.card`, recipe,
  paper) into a temporary folder;
- ``api/models/<module>.md``: the API reference of every module of ``zoo/models`` except the
  ``*_presets`` catalog modules (their ids are on the family pages);
- the navigation: the hand-written pages, any other top-level page of ``docs/`` (found at
  build time, so a new page needs no edit here), the families, the API reference.

A new family (its module + presets module) therefore gets its page, its API page and its nav
entries with no edit to the docs. Nothing generated is written into ``docs/``.
"""

import ast
import os
import re
import sys
import tempfile

from mkdocs.structure.files import File

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIRST_PAGES = {"index.md": "Home", "getting-started.md": "Getting started", "architecture.md": "Architecture"}
FIRST_API = ["zoo.md", "registry.md", "capabilities.md", "models.md", "hub.md", "saving.md", "data.md", "eval.md"]

_pages = {}  # src_uri -> markdown, filled by on_config
_images = {}  # src_uri -> absolute path of a card image


def _catalog():
    """zoo's registry, filled by importing the package (every presets module registers its ids)."""
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import zoo  # noqa: F401  (fills the registry; family classes, and Keras, are not imported)
    from zoo import registry

    return registry


def _slug(family):
    return family.lower()


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def _first_paragraph(doc):
    doc = (doc or "").strip()
    return " ".join(doc.split("\n\n")[0].split()) if doc else ""


def _recipe_card(model_id):
    """The card `training.card.write_card` writes for an id that has none shipped (registry text)."""
    from training import card

    with tempfile.TemporaryDirectory() as tmp:
        path = card.write_card(model_id, folder=tmp, figures=False)
        with open(path, encoding="utf-8") as f:
            return f.read()


def card_markdown(text, image_dir):
    """A card as a section of a family page: no front matter, headings one level down, image
    links into `image_dir`, `|` inside table cells escaped (Hub cards write "KL(p || q)")."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            text = text[end + 5:]
    out, fence = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fence = not fence
        elif not fence and re.match(r"#{1,5} ", line):
            line = "#" + line
        elif not fence and line.startswith("|"):
            line = "| " + line[1:-1].replace("||", "\\|\\|").strip() + " |" if line.endswith("|") else line
        if not fence:
            line = re.sub(r"(!\[[^\]]*\]\()([^)/:]+\.(?:png|jpg|gif|svg))\)", rf"\1{image_dir}/\2)", line)
        out.append(line)
    return "\n".join(out).strip() + "\n"


def _docstrings(registry, family):
    """(module path, module docstring, class docstring) of a family, read from its source file
    (`registry.FAMILY_PATHS`) without importing it."""
    path = registry.FAMILY_PATHS[family]
    module = path.rpartition(".")[0]
    source = os.path.join(os.path.dirname(os.path.dirname(registry.__file__)), *module.split(".")) + ".py"
    with open(source, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    cls = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == family), None)
    return module, ast.get_docstring(tree), ast.get_docstring(cls) if cls else ""


def _family_page(registry, family, specs):
    module, module_doc, class_doc = _docstrings(registry, family)
    stem = module.rsplit(".", 1)[-1]
    caps = ", ".join(f"`{c}`" for c in specs[0].capabilities) or "none"
    lines = [
        f"# {family}", "",
        _first_paragraph(module_doc), "",
        _first_paragraph(class_doc), "",
        f"- Class: `{module}.{family}` ([API](../api/models/{stem}.md))",
        f"- Capabilities: {caps} (see [Architecture](../architecture.md#capabilities))",
        f"- Source: `zoo/models/{stem}.py`, catalog ids in `zoo/models/{stem}_presets.py`", "",
        "| id | status | dataset | summary |", "| --- | --- | --- | --- |",
    ]
    lines += [f"| [{s.id}](#{s.id}) | {s.status} | `{s.dataset}` | {_cell(s.summary)} |" for s in specs]
    lines.append("")
    for spec in specs:
        if os.path.isfile(spec.card_path):
            with open(spec.card_path, encoding="utf-8") as f:
                text = f.read()
            for name in sorted(os.listdir(spec.pretrained_dir)):
                if name.endswith(".png") and f"]({name})" in text:
                    _images[f"families/{spec.id}/{name}"] = os.path.join(spec.pretrained_dir, name)
        else:
            text = _recipe_card(spec.id)
        lines += ["---", "", card_markdown(text, spec.id)]
    return "\n".join(lines)


def _catalog_page(registry, families):
    lines = ["# Catalog", "",
             f"{len(registry.REGISTRY)} ids in {len(families)} families; `python -m zoo list` prints the same "
             "catalog, `zoo.list_models(\"pattern*\")` filters it. A *trained* id loads its bundled weights with "
             "`zoo.load(id)`; a *recipe only* id is trained with `python -m training.train ID`.", "",
             "| id | family | status | dataset | summary |", "| --- | --- | --- | --- | --- |"]
    for mid in sorted(registry.REGISTRY):
        s = registry.REGISTRY[mid]
        lines.append(f"| [{mid}]({_slug(s.family)}.md#{mid}) | [{s.family}]({_slug(s.family)}.md) | {s.status} "
                     f"| `{s.dataset}` | {_cell(s.summary)} |")
    return "\n".join(lines) + "\n"


def _model_modules(registry):
    """Module names of zoo/models, presets and private modules left out."""
    folder = os.path.join(os.path.dirname(registry.__file__), "models")
    names = [f[:-3] for f in os.listdir(folder) if f.endswith(".py") and not f.startswith("_")]
    return sorted(n for n in names if not n.endswith("_presets"))


def on_config(config):
    _pages.clear()
    _images.clear()
    registry = _catalog()
    by_family = {}
    for spec in registry.REGISTRY.values():
        by_family.setdefault(spec.family, []).append(spec)
    families = sorted(by_family)
    for family in families:
        _pages[f"families/{_slug(family)}.md"] = _family_page(registry, family, by_family[family])
    _pages["families/index.md"] = _catalog_page(registry, families)
    modules = _model_modules(registry)
    for stem in modules:
        _pages[f"api/models/{stem}.md"] = f"# zoo.models.{stem}\n\n::: zoo.models.{stem}\n"

    docs = config["docs_dir"]
    top = sorted(f for f in os.listdir(docs) if f.endswith(".md") and f not in FIRST_PAGES)
    api = sorted((f for f in os.listdir(os.path.join(docs, "api")) if f.endswith(".md") and f != "index.md"),
                 key=lambda f: (FIRST_API.index(f) if f in FIRST_API else len(FIRST_API), f))

    def api_entry(page):  # api/models.md opens the section of the generated zoo.models pages
        if page == "models.md":
            return {"zoo.models": ["api/models.md", *[f"api/models/{m}.md" for m in modules]]}
        return f"api/{page}"

    config["nav"] = [
        *[{title: p} for p, title in FIRST_PAGES.items() if os.path.isfile(os.path.join(docs, p))],
        *top,
        {"Families": ["families/index.md", *[f"families/{_slug(f)}.md" for f in families]]},
        {"API reference": ["api/index.md", *[api_entry(p) for p in api]]},
    ]
    return config


def on_files(files, config):
    for uri, text in _pages.items():
        files.append(File.generated(config, uri, content=text))
    for uri, path in _images.items():
        files.append(File.generated(config, uri, abs_src_path=path))
    return files
