"""Model families of the zoo: `<family>.py` (builders and the `ZooModel` class) and
`<family>_presets.py` (its catalog ids), one pair each.

Importing this package imports every module in it, so each family registers itself and
its presets in `zoo.registry`; adding a family adds files here and edits nothing else.
"""

import importlib
import pkgutil

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: (m.name.endswith("_presets"), m.name)):
    importlib.import_module(f"{__name__}.{_info.name}")

from zoo.registry import FAMILIES  # noqa: E402,F401  (name -> class, filled by the imports above)
