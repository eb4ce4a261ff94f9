"""The demo's tab registry: each tab declares the capability it serves; `demos.tasks` fills it.

`demos.app.build_app` makes one tab per entry of `DEMOS`, offering the pretrained models
that have any of the tab's capabilities (`zoo.list_models(task=<capability name>,
pretrained=True)`). A leaf: it imports no other demo module, so the app never imports
the tabs back.

    from demos.registry import demo
    from zoo import capabilities as cap

    @demo("Super-resolution", serves=cap.Upscaler)
    def super_resolution_tab(tab): ...
"""

import dataclasses
import re
from typing import Callable

from zoo import capabilities as cap


@dataclasses.dataclass(frozen=True)
class Demo:
    """A registered tab: its label, the capabilities it serves and its build function.

    Args:
        label: the tab's title.
        serves: tuple of `zoo.capabilities.Capability`; a model with any of them is offered.
        build: build(tab: demos.app.TabContext), called inside the tab.
        accepts: extra filter on a ModelSpec, e.g. images only (default None).
        about: Markdown shown at the top of the tab (default "").
    """

    label: str
    serves: tuple
    build: Callable
    accepts: Callable | None = None
    about: str = ""

    @property
    def tasks(self):
        """The capability names, as `zoo.list_models(task=...)` takes them."""
        return tuple(c.name for c in self.serves)

    @property
    def slug(self):
        return re.sub(r"[^a-z0-9]+", "-", self.label.lower()).strip("-")


DEMOS = []


def demo(label, serves, accepts=None, about=""):
    """Register `build(tab)` as the tab `label`, serving models with any capability in `serves`
    (one `zoo.capabilities.Capability` or a tuple of them). Registering a label again
    replaces that tab (a reloaded module does not add it twice)."""
    serves = (serves,) if isinstance(serves, cap.Capability) else tuple(serves)
    if not serves or not all(isinstance(c, cap.Capability) for c in serves):
        raise TypeError(f"serves must be a zoo.capabilities.Capability or a tuple of them, got {serves!r}.")

    def register(build):
        entry = Demo(label, serves, build, accepts, about.strip())
        for i, d in enumerate(DEMOS):
            if d.label == label:
                DEMOS[i] = entry
                break
        else:
            DEMOS.append(entry)
        return build

    return register
