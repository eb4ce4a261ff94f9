"""The demo app: cached model loading through `zoo.load`, one tab per registered task, launch.

The tabs are declared in `demos/tasks.py` (imported by the `demos` package, which fills
`demos.registry.DEMOS`); widgets and image helpers live in `demos/widgets.py`. This module
reads the registry and never imports the tabs.

    from demos.app import build_app, launch
    launch(build_app(), port=7860)
"""

import fnmatch
import functools
import os
import threading

import gradio as gr

import zoo
from demos import registry as tabs
from demos.widgets import (  # noqa: F401  (encode, picture, reconstruct: the helpers tests and scripts use)
    data_shape,
    encode,
    picture,
    reconstruct,
    user_error,
)
from zoo import capabilities as cap
from zoo import registry

# Small grids (a 28x28 digit is 28 pixels) are enlarged to the box, pixels kept sharp.
CSS = """
.pixelated img { image-rendering: pixelated; width: 100%; height: 100%; object-fit: contain; }
"""
MAX_FILE_SIZE = "50mb"  # Gradio refuses bigger uploads before they reach a handler
ROOT = os.path.dirname(os.path.dirname(registry.PRETRAINED_DIR))  # the folder that holds zoo/


def check_model(model_id, allowed):
    """`model_id` if this tab offers it, else a `gr.Error` listing what it offers."""
    if not model_id:
        raise user_error("Pick a model first.")
    if model_id not in allowed:
        raise user_error(f"{model_id!r} is not offered here; choose one of {', '.join(allowed)}.")
    return model_id


# ----------------------------------------------------------------------------- models
_LOAD_LOCK = threading.Lock()  # 8 first requests at once must not load the model 8 times


@functools.lru_cache(maxsize=None)
def _load(model_id, pretrained):
    # compile=False: the demo never trains, so no optimizer state is built.
    return zoo.load(model_id, pretrained=pretrained, compile=False)


def get_model(model_id, pretrained=True):
    """The model of a catalog id via `zoo.load`, loaded once per process; errors become messages."""
    with _LOAD_LOCK:
        try:
            return _load(model_id, bool(pretrained))
        except (zoo.UnknownModelError, zoo.WeightsNotAvailableError, zoo.ZooLoadError) as e:
            raise user_error(str(e)) from e


def selected(model_id, models=None):
    """Whether `models` selects `model_id`: None selects all; else a shell wildcard ("dcgan*"),
    several separated by commas, or a list of ids / wildcards."""
    if models is None:
        return True
    patterns = models.split(",") if isinstance(models, str) else list(models)
    return any(fnmatch.fnmatchcase(model_id, p.strip()) for p in patterns if p.strip())


def models_for(tasks, pretrained=True, accepts=None, models=None):
    """Sorted ids of catalog models that can do any of `tasks` (capability names, or
    `zoo.capabilities.Capability` objects), weights published unless `pretrained` is False,
    optionally filtered by `accepts(spec)` and by the selection `models` (see `selected`)."""
    ids = set()
    for task in tasks:
        name = task.name if isinstance(task, cap.Capability) else task
        ids.update(zoo.list_models(task=name, pretrained=True if pretrained else None))
    return sorted(i for i in ids if (accepts is None or accepts(registry.get_spec(i))) and selected(i, models))


def card_link(spec):
    """Where the model card of a catalog id is: its path under the repository (zoo/pretrained/<id>/README.md)."""
    if not os.path.isfile(spec.card_path):
        return "no card yet"
    return f"`{os.path.relpath(spec.card_path, ROOT)}`"


def describe(model_id):
    """One Markdown paragraph about a model, shown under a tab's dropdown."""
    if not model_id:
        return ""
    spec = registry.get_spec(model_id)
    status = "" if spec.status == "trained" else " **(untrained: recipe only)**"
    shape = "x".join(map(str, data_shape(spec)))  # text and rating streams have no example shape
    return (
        f"**{spec.id}**{status}: {spec.summary}. Family `{spec.family}`, data `{spec.dataset}`"
        f"{' ' + shape if shape else ''}, tasks: {', '.join(spec.tasks)}.  \n"
        f"Paper: {spec.paper}. Card: {card_link(spec)}."
    )


# ----------------------------------------------------------------------------- the app
HEADER = """# zoo demo
Pretrained generative models of the course, running on this machine's CPU. Every tab lists
the catalog models (`zoo.list_models`) that can do its task; models load once through `zoo.load`.
"""


class TabContext:
    """What a tab's build function gets: the models it offers and helpers bound to them."""

    def __init__(self, models, pretrained=True):
        self.models, self.pretrained = list(models), pretrained

    def model(self, model_id):
        """The loaded model for a dropdown value (checked against this tab's list)."""
        return get_model(check_model(model_id, self.models), self.pretrained)

    def model_dropdown(self, label="Model"):
        """A dropdown of this tab's models with a description that follows the choice."""
        dropdown = gr.Dropdown(self.models, value=self.models[0], label=label, elem_classes=["model-choice"])
        about = gr.Markdown(describe(self.models[0]))
        dropdown.change(describe, dropdown, about, api_visibility="private", queue=False)
        return dropdown


def build_app(pretrained=True, preload=False, models=None):
    """The Gradio Blocks app with one tab per entry of `demos.registry.DEMOS`.

    Args:
        pretrained: offer only models with published weights (default True); False offers
            every catalog model, untrained where no weights exist (for development).
        preload: load each tab's first model in the background now (default False), so the
            first click does not wait for TensorFlow.
        models: offer only these models (default None: all), e.g. "dcgan*" (see `selected`);
            then a tab none of them can fill is left out.
    """
    first = []
    with gr.Blocks(title="zoo demo", analytics_enabled=False) as app:
        gr.Markdown(HEADER)
        with gr.Tabs():
            for demo in tabs.DEMOS:
                ids = models_for(demo.tasks, pretrained, demo.accepts, models)
                if models is not None and not ids:
                    continue
                with gr.Tab(demo.label, id=demo.slug):
                    if demo.about:
                        gr.Markdown(demo.about)
                    if ids:
                        demo.build(TabContext(ids, pretrained))
                        first.append(ids[0])
                    else:
                        waiting = [i for i in models_for(demo.tasks, False, demo.accepts)
                                   if registry.get_spec(i).status != "trained"]
                        gr.Markdown(
                            "No model with published weights can do this yet."
                            + (f" Recipes waiting for training: {', '.join(waiting)}"
                               " (`python -m training.train <id>`)." if waiting else "")
                        )
    # Each event runs at most 2 at a time (2 CPU cores); the rest wait in Gradio's queue.
    app.queue(default_concurrency_limit=2, max_size=128)
    if preload:
        threading.Thread(target=_preload, args=(sorted(set(first)), pretrained), daemon=True).start()
    return app


def _preload(ids, pretrained):
    for model_id in ids:
        try:
            get_model(model_id, pretrained)
        except gr.Error as e:  # reported again, visibly, when someone picks the model
            print(f"demos: could not preload {model_id}: {e}")


def launch(app, host="127.0.0.1", port=7860, share=False, **kwargs):
    """`app.launch` with the demo's CSS and upload limit; returns what `launch` returns."""
    kwargs.setdefault("css", CSS)
    kwargs.setdefault("max_file_size", MAX_FILE_SIZE)
    kwargs.setdefault("footer_links", ["api", "settings"])
    return app.launch(server_name=host, server_port=port, share=share, **kwargs)
