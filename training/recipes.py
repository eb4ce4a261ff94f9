"""Training recipes, by id: each one lives in its family's presets module
(`zoo/models/<family>_presets.py`, `ModelSpec.recipe`); this shim collects them for the
scripts that still look them up by id (`RECIPES[id]` is `registry.get_spec(id).recipe`).
The `Recipe` class and the optimizer helpers are `zoo.recipes`'.
"""

import zoo  # noqa: F401  (fills the catalog)
from zoo.models.gan_presets import MIXTURE_G_STEPS  # noqa: F401  (benchmarks/modes.py, mixture_steps.py)
from zoo.recipes import Recipe, adam, adam_cosine, gan, rmsprop  # noqa: F401
from zoo.registry import REGISTRY

RECIPES = {mid: spec.recipe for mid, spec in REGISTRY.items() if spec.recipe is not None}
