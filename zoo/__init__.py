"""zoo: pretrained unsupervised and generative models for Keras 3.

>>> import zoo
>>> g = zoo.load("dcgan-mnist")
>>> g.generate(16, seed=0).shape
(16, 28, 28, 1)

Importing `zoo` reads the catalog only (`list_models`, `info`, `registry`), without Keras or
TensorFlow; they are imported on first use of what needs them (`zoo.load`, `zoo.cluster`,
`zoo.eval`, ...), with TensorFlow's start-up lines hidden (`zoo.progress`).
"""

from zoo import progress  # noqa: F401  (first: sets TensorFlow's log level before anything imports it)

__version__ = "0.1.0"

from zoo import models  # noqa: E402,F401  (every presets module registers its ids; no Keras)
from zoo import data  # noqa: E402,F401  (numpy only until a dataset is loaded)
from zoo.registry import UnknownModelError, info, list_models  # noqa: E402
from zoo.saving import WeightsNotAvailableError, ZooLoadError  # noqa: E402

__all__ = [
    "load",
    "list_models",
    "info",
    "save_pretrained",
    "push_to_hub",
    "cluster",
    "data",
    "ZooLoadError",
    "WeightsNotAvailableError",
    "UnknownModelError",
]


def __getattr__(name):
    """What needs Keras, imported on first use (PEP 562)."""
    if name in ("load", "save_pretrained", "push_to_hub"):
        progress.import_tensorflow()
        from zoo import hub

        return getattr(hub, name)
    # `cluster` is a callable module: zoo.cluster(model, x, k); zoo.cluster.nmi etc. are its helpers
    if name in ("cluster", "eval", "manifold", "viz", "export", "distribute"):
        progress.import_tensorflow()
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

