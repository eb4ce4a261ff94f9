"""zoo: pretrained unsupervised and generative models for Keras 3.

>>> import zoo
>>> g = zoo.load("dcgan-mnist")
>>> g.generate(16, seed=0).shape
(16, 28, 28, 1)
"""

import os as _os

_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's C++ banner out of user output

__version__ = "0.1.0"

from zoo import models  # noqa: E402,F401  (every family and its presets register themselves)
from zoo import data  # noqa: E402
from zoo.hub import load, push_to_hub, save_pretrained  # noqa: E402
from zoo.registry import UnknownModelError, info, list_models  # noqa: E402
from zoo.saving import WeightsNotAvailableError, ZooLoadError  # noqa: E402
# A callable module: zoo.cluster(model, x, k) clusters; zoo.cluster.nmi etc. are its helpers.
from zoo import cluster  # noqa: E402

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
