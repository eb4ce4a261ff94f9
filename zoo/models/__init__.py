"""Model families of the zoo: `<family>.py` (builders and the `ZooModel` class) and
`<family>_presets.py` (its catalog ids), one pair each.

Importing this package imports every presets module, so each family's ids, card and tiny presets
are in `zoo.registry` without importing Keras; a presets module names its family class as
"zoo.models.<family>.<Class>", and `zoo.registry.family_class` imports that module when the class
is first needed (`import_families()` imports them all). Adding a family adds files here and edits
nothing else.
"""

import importlib
import pkgutil

from zoo.registry import FAMILIES, import_families  # noqa: F401  (name -> class, imported on first use)

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _info.name.endswith("_presets"):
        importlib.import_module(f"{__name__}.{_info.name}")
