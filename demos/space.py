"""The demo as a Hugging Face Space: the server address from Gradio's variables, and the export.

A Space starts ``python app.py`` with ``GRADIO_SERVER_NAME`` / ``GRADIO_SERVER_PORT`` set;
`server_address` reads them (flags given on the command line win) and `export_space` writes a
folder that is a ready Space:

    python -m demos --export-space my-space --models "dcgan*"
    cd my-space && GRADIO_SERVER_PORT=8080 python app.py      # what the Space runs

The folder holds ``app.py``, ``requirements.txt``, ``README.md`` (the Space's YAML front matter:
``sdk: gradio``, ``sdk_version``, ``app_file``, ``models``, ...) and ``.gitattributes``. The zoo
is not on PyPI, and a Space installs ``requirements.txt`` in a build step of its own, apart from
the Space's other files, so a wheel kept in the Space is no reliable source. The export therefore
copies the zoo's packages (``zoo/`` with only the selected models' weights, and ``demos/``)
into the folder, where ``app.py`` imports them, and ``requirements.txt`` pins their dependencies
as installed here. With ``zoo_requirement`` (``--zoo-requirement``), e.g.
``"zoo[demo] @ git+https://github.com/<you>/zoo@<commit>"``, nothing is copied and the
requirements install the zoo from there instead.
"""

import argparse
import datetime
import importlib.metadata
import os
import shutil
import subprocess
import sys
import tempfile

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 7860
HOST_VAR, PORT_VAR = "GRADIO_SERVER_NAME", "GRADIO_SERVER_PORT"
MARKER = "Written by `python -m demos --export-space`"  # in app.py: this folder may be replaced
VENDORED = ("zoo", "demos")
LFS = ("*.h5", "*.png", "*.npz", "*.npy")


def port_number(text):
    """argparse type: a TCP port, an int from 1 to 65535."""
    try:
        value = int(str(text).strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a port number from 1 to 65535, got {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number from 1 to 65535, got {value}")
    return value


def server_address(host=None, port=None, environ=None):
    """(host, port) to listen on: `host` / `port` when given (command-line flags), else Gradio's
    ``GRADIO_SERVER_NAME`` / ``GRADIO_SERVER_PORT`` (what a Hugging Face Space sets), else
    127.0.0.1:7860. A bad ``GRADIO_SERVER_PORT`` is a ValueError that names the variable."""
    environ = os.environ if environ is None else environ
    if host is None:
        host = environ.get(HOST_VAR, "").strip() or DEFAULT_HOST
    if port is None:
        text = environ.get(PORT_VAR, "").strip()
        try:
            port = port_number(text) if text else DEFAULT_PORT
        except argparse.ArgumentTypeError as e:
            raise ValueError(f"{PORT_VAR} {e}") from None
    else:
        port = port_number(port)
    return host, port


# ----------------------------------------------------------------------------- export
def space_models(models=None):
    """The catalog ids the demo's tabs would offer (published weights), restricted by `models`."""
    import demos  # noqa: F401  (registers the tabs)
    from demos import registry as tabs
    from demos.app import models_for

    ids = set()
    for demo in tabs.DEMOS:
        ids.update(models_for(demo.tasks, True, demo.accepts, models))
    return sorted(ids)


def _installed_version(name):
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _zoo_source():
    """'zoo <version> (git <commit>[, with uncommitted changes])', as far as it is known."""
    import zoo

    text = f"zoo {_installed_version('zoo') or '(not installed)'}"
    root = os.path.dirname(os.path.dirname(os.path.abspath(zoo.__file__)))
    try:
        commit = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10)
        dirty = subprocess.run(["git", "-C", root, "status", "--porcelain", "--", *VENDORED], capture_output=True,
                               text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return text
    if commit.returncode == 0 and commit.stdout.strip():
        text += f" (git {commit.stdout.strip()}{', with uncommitted changes' if dirty.stdout.strip() else ''})"
    return text


def requirements(zoo_requirement=None):
    """The lines of requirements.txt: the zoo's dependencies pinned to the versions installed here
    (its `demo` extra, gradio, excluded: a Space installs the gradio of `sdk_version`), or
    `zoo_requirement` alone."""
    from packaging.requirements import Requirement

    gradio = _installed_version("gradio")
    head = [f"# {MARKER} from {_zoo_source()}, {datetime.date.today().isoformat()}."]
    if zoo_requirement:
        return head + ["# The zoo and its dependencies, from where the exporter said it is published.",
                       zoo_requirement.strip()]
    head += ["# The zoo is not on PyPI: its packages zoo/ and demos/ are copied into this folder, and",
             "# these are their dependencies, pinned as installed where the Space was exported.",
             f"# gradio=={gradio} comes with the Space (sdk_version in README.md); to run this folder",
             f"# elsewhere: pip install -r requirements.txt gradio=={gradio} && python app.py"]
    lines = []
    for text in _zoo_dependencies():
        req = Requirement(text)
        if req.marker is not None and "extra" in str(req.marker):
            continue  # the demo / dev extras
        version = _installed_version(req.name)
        extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
        lines.append(f"{req.name}{extras}=={version}" if version else str(req))
    return head + sorted(lines, key=str.lower)


def _zoo_dependencies():
    """The zoo's requirements: from the pyproject.toml of the source tree it is imported from (an
    editable install's metadata can be older than its pyproject), else from the installed metadata."""
    import zoo

    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(zoo.__file__))), "pyproject.toml")
    try:
        import tomllib

        with open(path, "rb") as f:
            project = tomllib.load(f).get("project", {})
        if project.get("name") == "zoo":
            return list(project.get("dependencies", []))
    except (ImportError, OSError, ValueError):
        pass
    return importlib.metadata.requires("zoo") or []


def _license():
    text = (importlib.metadata.metadata("zoo").get("License") or "apache-2.0").strip().lower()
    return text if " " not in text else "other"


def space_readme(ids, title="zoo demo"):
    """README.md of the Space: the YAML front matter Hugging Face reads, then a short description."""
    from zoo import registry

    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    front = ["---", f"title: {title}", "emoji: 🧪", "colorFrom: indigo", "colorTo: gray", "sdk: gradio",
             f"sdk_version: {_installed_version('gradio')}", f'python_version: "{python}"', "app_file: app.py",
             "pinned: false", f"license: {_license()}",
             "short_description: Pretrained generative models of the zoo, on CPU", "models:",
             *[f"  - {i}" for i in ids], "tags:", "  - keras", "  - generative", "  - zoo", "---", ""]
    rows = [f"- `{i}`: {registry.get_spec(i).summary} ({registry.get_spec(i).paper})" for i in ids]
    body = f"""# {title}

The Gradio demo of the zoo (pretrained unsupervised and generative models for Keras 3),
serving these catalog models on the Space's CPU:

{chr(10).join(rows)}

`models:` above lists zoo catalog ids; their weights, checked by sha256, are in
`zoo/pretrained/<id>/` in this Space (Hub model ids can replace them once the models are
pushed with `python -m zoo push`).

Every button is also an API endpoint for `gradio_client`:

```python
from gradio_client import Client
png = Client("<you>/<this-space>").predict("{ids[0]}", 16, 0, api_name="/generate")
```

Run it anywhere: `pip install -r requirements.txt gradio=={_installed_version('gradio')} && python app.py`
(`GRADIO_SERVER_NAME` / `GRADIO_SERVER_PORT` choose the address, as on a Space).
Publish it: `hf upload <you>/<space-name> . --repo-type space` (or `git push` to the Space).

{MARKER}; export again rather than editing it.
"""
    return "\n".join(front) + body


APP = '''"""The zoo's Gradio demo as a Hugging Face Space. {marker}.

A Space runs `python app.py` with GRADIO_SERVER_NAME / GRADIO_SERVER_PORT set; so can you
(default http://127.0.0.1:7860).
"""

import os

import zoo  # the copy beside this file when the export vendored it, else the installed package
import demos
from demos.space import server_address

MODELS = {models!r}  # the catalog ids this Space serves

demo = demos.build_app(models=MODELS, preload=True)

if __name__ == "__main__":
    host, port = server_address()
    print(f"zoo demo: {{', '.join(MODELS)}} from {{os.path.dirname(os.path.abspath(zoo.__file__))}}, "
          f"on http://{{host}}:{{port}}", flush=True)
    demos.launch(demo, host=host, port=port)
'''


def _vendor(package, target, ids):
    """Copy an imported package's folder (no caches; for zoo, only the selected models' weights)."""
    import importlib

    src = os.path.dirname(os.path.abspath(importlib.import_module(package).__file__))
    pretrained = os.path.join(src, "pretrained")

    def ignore(folder, names):
        skip = {n for n in names if n == "__pycache__" or n.endswith((".pyc", ".tmp")) or n.startswith(".")}
        if os.path.abspath(folder) == pretrained:
            skip |= {n for n in names if os.path.isdir(os.path.join(folder, n)) and n not in ids}
        return skip

    shutil.copytree(src, os.path.join(target, package), ignore=ignore)


def _check_target(directory):
    """Refuse to replace a folder that is not an earlier export (or empty)."""
    if not os.path.exists(directory):
        return
    if not os.path.isdir(directory):
        raise ValueError(f"{directory} exists and is not a folder.")
    if not os.listdir(directory):
        return
    app = os.path.join(directory, "app.py")
    try:
        with open(app, encoding="utf-8") as f:
            earlier = MARKER in f.read(4096)
    except OSError:
        earlier = False
    if not earlier:
        raise ValueError(f"{directory} is not empty and not an earlier Space export (its app.py does not say "
                         f"{MARKER!r}); give a new or empty folder.")


def export_space(directory, models=None, title="zoo demo", zoo_requirement=None):
    """Write a ready Hugging Face Space of the demo into `directory`, atomically.

    Args:
        directory: the Space folder; created, or replaced when it holds an earlier export.
        models: the models to serve (default None: every model with published weights), a
            wildcard such as "dcgan*", several separated by commas, or a list.
        title: the Space's title (default "zoo demo").
        zoo_requirement: a pip requirement that installs the zoo (e.g. from git); by default
            (None) the zoo's packages are copied into the folder.

    Returns (directory, the catalog ids served). ValueError when nothing matches `models` or
    `directory` holds something else. Example:
        export_space("my-space", "dcgan*")
    """
    from zoo import saving

    ids = space_models(models)
    if not ids:
        raise ValueError(f"No model with published weights matches {models!r}; the demo can serve: "
                         f"{', '.join(space_models()) or 'none'}.")
    directory = os.path.abspath(directory)
    _check_target(directory)
    parent = os.path.dirname(directory)
    os.makedirs(parent, exist_ok=True)
    stage = tempfile.mkdtemp(prefix="." + os.path.basename(directory) + ".export-", dir=parent)
    try:
        os.chmod(stage, 0o755)
        files = {
            "app.py": APP.format(marker=MARKER, models=ids),
            "requirements.txt": "\n".join(requirements(zoo_requirement)) + "\n",
            "README.md": space_readme(ids, title),
            ".gitattributes": "".join(f"{p} filter=lfs diff=lfs merge=lfs -text\n" for p in LFS),
        }
        for name, text in files.items():
            with open(os.path.join(stage, name), "w", encoding="utf-8") as f:
                f.write(text)
        if not zoo_requirement:
            for package in VENDORED:
                _vendor(package, stage, ids)
        saving.replace_dir(stage, directory)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return directory, ids
