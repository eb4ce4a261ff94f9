"""Training recipes, by id: each one lives in its family's presets module
(`zoo/models/<family>_presets.py`, `ModelSpec.recipe`); this module collects them for the
training scripts. The `Recipe` class and the optimizer helpers are `zoo.recipes`'.
"""

import zoo  # noqa: F401  (fills the catalog)
from zoo.recipes import Recipe, adam, adam_cosine, gan, rmsprop  # noqa: F401
from zoo.registry import REGISTRY

RECIPES = {mid: spec.recipe for mid, spec in REGISTRY.items() if spec.recipe is not None}
