import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# CI exports ZOO_DATA_DIR=../shared/data; default to the same place for local runs.
os.environ.setdefault("ZOO_DATA_DIR", os.path.join(os.path.dirname(_ROOT), "shared", "data"))

import numpy as np  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def pretrained_available(model_id):
    from zoo import registry

    return registry.get_spec(model_id).status == "trained"


def with_steps(names):
    """The keys a STEP_LOGS family's `fit` history has: each loss's running mean and "<name>_step",
    the step's own value (the training curves)."""
    return {*names, *(f"{name}_step" for name in names)}
