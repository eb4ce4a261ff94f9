"""The catalog: families and their presets register here; this module only collects,
lists and looks up.

A leaf module (the standard library and the zoo's stdlib-only `catalog_index`, `checksums`,
`progress`): every `ZooModel` subclass registers itself in `FAMILIES` when its class is defined,
and each family's presets module (`zoo/models/<family>_presets.py`) calls `register_presets`
with its catalog ids, its card text and its tiny presets for the conformance suite. `zoo.models` imports every
presets module, so importing `zoo` fills the catalog without importing Keras: a presets module
names its family as "zoo.models.<family>.<Class>", and that module (which imports Keras) is
imported when the class is first needed (`family_class`, `FAMILIES[name]`; iterating `FAMILIES`
imports them all). What listings and `info` say about a family without its class (capabilities,
parameter counts) comes from `zoo.catalog_index`, a machine-written file; an entry it lacks or
that no longer matches its config is computed from the class instead.

>>> import zoo
>>> zoo.list_models("dcgan*")
['dcgan-celeba', 'dcgan-mnist', 'dcgan-stacked-mnist']
"""

import collections.abc
import dataclasses
import difflib
import fnmatch
import hashlib
import importlib
import json
import os

from zoo import catalog_index, checksums, progress

PRETRAINED_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pretrained")
WEIGHTS_FILE = "model.weights.h5"
CONFIG_FILE = "config.json"
METRICS_FILE = "metrics.json"
CARD_FILE = "README.md"

FAMILY_PATHS = {}  # family name -> "module.Class" (filled by register_presets)


class _Families(collections.abc.MutableMapping):
    """Family name -> ZooModel subclass, filled by ZooModel.__init_subclass__. Reading a name
    not yet defined imports its module (from `FAMILY_PATHS`); iterating imports every family."""

    def __init__(self):
        self.classes = {}

    def __getitem__(self, name):
        if name not in self.classes:
            import_families(FAMILY_PATHS.get(name) if isinstance(name, str) else None)
        return self.classes[name]

    def __iter__(self):
        import_families()
        return iter(dict(self.classes))

    def __len__(self):
        import_families()
        return len(self.classes)

    def __setitem__(self, name, cls):
        self.classes[name] = cls

    def __delitem__(self, name):
        del self.classes[name]


FAMILIES = _Families()
REGISTRY = {}  # model id -> ModelSpec (filled by register_presets)
CARDS = {}  # family name -> Card
TINY = {}  # family name -> {preset name: constructor kwargs}: the conformance suite's models


class UnknownModelError(KeyError):
    """An id that is not in the catalog."""

    def __str__(self):  # KeyError would quote the message
        return self.args[0]


class RegistrationError(ValueError):
    """A family or preset that does not meet the catalog's rules (raised at import time)."""


@dataclasses.dataclass(frozen=True)
class Card:
    """The text of a model card that is not measured.

    Args:
        intended: intended use (one paragraph).
        limitations: list of "- ..." lines.
        tags: Hub tags besides "zoo" and the family's name.
        task: the Hub pipeline tag, e.g. "unconditional-image-generation" or "other".
    """

    intended: str
    limitations: tuple
    tags: tuple = ()
    task: str = "other"

    def __post_init__(self):
        if not (isinstance(self.intended, str) and self.intended.strip()):
            raise RegistrationError("A card needs its intended-use text.")
        if not self.limitations or not all(isinstance(s, str) and s.strip() for s in self.limitations):
            raise RegistrationError("A card needs at least one limitation.")
        object.__setattr__(self, "limitations", tuple(self.limitations))
        object.__setattr__(self, "tags", tuple(self.tags))


@dataclasses.dataclass(frozen=True)
class ModelSpec:
    """One catalog entry.

    Args:
        id: the model id, e.g. "dcgan-mnist".
        family: name of the family class, e.g. "GAN".
        config: constructor arguments of the family class (JSON-able).
        dataset: dataset name in `zoo.data` (or a tfds name).
        summary: one line for listings.
        paper: citation of the method.
        license: license of the weights (default "apache-2.0").
        recipe: how `python -m training.train ID` trains it (`zoo.recipes.Recipe`, default None).
        primary_metric: (key in metrics.json's "eval", "max" | "min"): the number an install
            must not make worse (default None: any install needs --force).
        paper_numbers: {metric: "the paper's number and protocol"} for the card (default {}).
        intended: intended-use text of this id replacing its family's (default None).
        limitations: limitation lines of this id replacing its family's (default None).
        trainer: module that trains this id instead of `training.train` (default None).
    """

    id: str
    family: str
    config: dict
    dataset: str
    summary: str
    paper: str
    license: str = "apache-2.0"
    recipe: object = None
    primary_metric: tuple = None
    paper_numbers: dict = dataclasses.field(default_factory=dict)
    intended: str = None
    limitations: tuple = None
    trainer: str = None

    @property
    def family_class(self):
        return family_class(self.family)

    @property
    def capabilities(self):
        """The capability names of its family, e.g. ("generate", "interpolate")."""
        cls = _defined(self.family)
        if cls is None and self.family in catalog_index.CAPABILITIES:
            return tuple(catalog_index.CAPABILITIES[self.family])
        return (cls or self.family_class).capability_names()

    tasks = capabilities  # the demo's and the CLI's word for them

    @property
    def binary_data(self):
        """True when its family models 0 / 1 pixels (`ZooModel.binary_data`)."""
        return bool(self.family_class.binary_data)

    @property
    def card(self):
        """Its family's `Card` with this id's own intended use / limitations."""
        card = CARDS[self.family]
        return dataclasses.replace(card, intended=self.intended or card.intended,
                                   limitations=tuple(self.limitations or card.limitations))

    @property
    def files(self):
        """{filename: sha256} of the published files ({} when none)."""
        return dict(checksums.FILES.get(self.id, {}))

    @property
    def weights(self):
        """{weights filename: sha256} ({} when not published)."""
        sha = self.files.get(WEIGHTS_FILE)
        return {WEIGHTS_FILE: sha} if sha else {}

    @property
    def version(self):
        """Version of the published weights (bumped by every install; 0 when none)."""
        return int(checksums.VERSIONS.get(self.id, 0))

    @property
    def status(self):
        """"trained" when weights are published, else "recipe only"."""
        return "trained" if self.weights else "recipe only"

    @property
    def pretrained_dir(self):
        return os.path.join(PRETRAINED_DIR, self.id)

    @property
    def card_path(self):
        """Path of the model card (README.md in the id's package folder)."""
        return os.path.join(self.pretrained_dir, CARD_FILE)

    @property
    def metrics(self):
        """Contents of the model's metrics.json ({} when absent)."""
        path = os.path.join(self.pretrained_dir, METRICS_FILE)
        if not os.path.exists(path):
            return {}
        with open(path, encoding="utf-8") as f:
            return json.load(f)


def _defined(name):
    """The class of a family whose module has run, else None (imports nothing)."""
    return (FAMILIES.classes if isinstance(FAMILIES, _Families) else FAMILIES).get(name)


def import_families(path=None):
    """Import the module of one family ("module.Class"), or of every family presets name."""
    progress.import_tensorflow()  # families import Keras: TensorFlow first, its start-up lines hidden
    for p in [path] if path else list(FAMILY_PATHS.values()):
        importlib.import_module(p.rpartition(".")[0])


def family_class(name):
    """The class of a family, its module imported on first use."""
    try:
        return FAMILIES[name]
    except KeyError:
        if name in FAMILY_PATHS:
            raise RegistrationError(f"{FAMILY_PATHS[name]} is not a registered family (subclass "
                                    "zoo.models.base.ZooModel).") from None
        raise


def register_family(cls):
    """Record a family class under its name (called by `ZooModel.__init_subclass__`)."""
    name = cls.__name__
    known = _defined(name)
    if known is not None and known.__module__ != cls.__module__:
        raise RegistrationError(f"Two families are named {name!r}: {known.__module__} "
                                f"and {cls.__module__}.")
    FAMILIES[name] = cls
    return cls


def register_presets(family, specs, card, tiny):
    """Register a family's catalog ids, card text and tiny presets.

    Args:
        family: where the family class is, "zoo.models.<family>.<Class>" (imported when first
            needed, so the catalog is read without Keras), or the class itself.
        specs: iterable of `ModelSpec` whose `family` is that class's name.
        card: the family's `Card`; required, so no id ever gets another family's text.
        tiny: {name: constructor kwargs} of small models (8x8 or 16x16 inputs, 4-8 filters)
            that the conformance suite builds, trains two steps, saves and reloads.
    """
    if isinstance(family, str):
        module, _, name = family.rpartition(".")
        if not (module and name.isidentifier()):
            raise RegistrationError(f"family must be 'module.Class' or a class, got {family!r}.")
    else:
        name, module = family.__name__, family.__module__
        if _defined(name) is not family:
            raise RegistrationError(f"{name} is not a registered family (subclass zoo.models.base.ZooModel).")
    if not isinstance(card, Card):
        raise RegistrationError(f"{name}: register_presets needs the family's Card (intended use, "
                                "limitations, tags, task).")
    if not tiny:
        raise RegistrationError(f"{name}: register_presets needs at least one tiny preset.")
    CARDS[name] = card
    TINY[name] = {k: dict(v) for k, v in tiny.items()}
    FAMILY_PATHS[name] = f"{module}.{name}"
    for spec in specs:
        if spec.family != name:
            raise RegistrationError(f"{spec.id}: registered by {name} but names family {spec.family!r}.")
        if spec.id in REGISTRY and REGISTRY[spec.id] != spec:
            raise RegistrationError(f"Model id {spec.id!r} is registered twice.")
        if spec.primary_metric is not None and (len(spec.primary_metric) != 2
                                                or spec.primary_metric[1] not in ("max", "min")):
            raise RegistrationError(f"{spec.id}: primary_metric must be (key, 'max' | 'min').")
        REGISTRY[spec.id] = spec


def closest_ids(model_id, n=3):
    """Catalog ids that look like `model_id` (for error messages)."""
    return difflib.get_close_matches(str(model_id), list(REGISTRY), n=n, cutoff=0.4)


def get_spec(model_id):
    """The `ModelSpec` of an id; `UnknownModelError` naming the closest ids otherwise."""
    if isinstance(model_id, str) and model_id in REGISTRY:
        return REGISTRY[model_id]
    if not isinstance(model_id, str):
        raise TypeError(f"model_id must be a str, got {type(model_id).__name__}.")
    close = closest_ids(model_id)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise UnknownModelError(
        f"Unknown model id {model_id!r}.{hint} zoo.list_models() shows all {len(REGISTRY)} ids."
    )


def list_models(pattern="*", pretrained=None, task=None):
    """Sorted catalog ids matching a shell wildcard.

    Args:
        pattern: fnmatch pattern, e.g. "dcgan*" (default "*").
        pretrained: True for ids with published weights, False for recipe-only ids,
            None for all (default).
        task: keep ids whose family has this capability, e.g. "generate" (default: any).

    Example:
        zoo.list_models("*gan*", pretrained=True)
    """
    if not isinstance(pattern, str):
        raise TypeError(f"pattern must be a str such as 'dcgan*', got {type(pattern).__name__}.")
    if pretrained not in (None, True, False):
        raise TypeError(f"pretrained must be True, False or None, got {pretrained!r}.")
    if task is not None and not isinstance(task, str):
        raise TypeError(f"task must be a str such as 'generate', got {type(task).__name__}.")
    out = []
    for mid, spec in REGISTRY.items():
        if not fnmatch.fnmatchcase(mid, pattern):
            continue
        if pretrained is not None and (spec.status == "trained") != pretrained:
            continue
        if task is not None and task not in spec.tasks:
            continue
        out.append(mid)
    return sorted(out)


def info(model_id):
    """A dict describing a catalog model: family, dataset, params, metrics, paper, license,
    status, version, card path."""
    spec = get_spec(model_id)
    params = catalog_index.PARAMS.get(spec.id)
    if params is None or params[0] != config_digest(spec):  # not indexed, or its config changed
        params = (None, spec.family_class(**spec.config).count_params())
    out = {
        "id": spec.id,
        "family": spec.family,
        "summary": spec.summary,
        "dataset": spec.dataset,
        "config": dict(spec.config),
        "params": int(params[1]),
        "tasks": list(spec.tasks),
        "metrics": spec.metrics,
        "paper": spec.paper,
        "license": spec.license,
        "status": spec.status,
        "version": spec.version,
        "weights": spec.weights,
        "card": spec.card_path if os.path.isfile(spec.card_path) else None,
    }
    shipped = _shipped_config(spec)  # a saved config leaves out added options at their defaults: a key the
    # recipe sets that it lacks is a change (a recipe writes such an option only to change it)
    changed = {k: v for k, v in spec.config.items() if shipped is not None and (k not in shipped or shipped[k] != v)}
    if changed:  # the recipe moved on and its weights are not retrained yet
        out["config_of_weights"] = shipped
        out["note"] = (f"The recipe's config differs from the installed weights' in {sorted(changed)}: zoo.load gives "
                       f"the installed model (config_of_weights); `python -m training.train {spec.id} --install` "
                       "trains the recipe's.")
    return out


def _shipped_config(spec):
    """The constructor config recorded with the installed weights, None when there are none."""
    path = os.path.join(spec.pretrained_dir, CONFIG_FILE)
    if spec.status != "trained" or not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f).get("config")


def config_digest(spec):
    """A short digest of an id's family and config: the key of its parameter count in the index."""
    text = json.dumps([spec.family, spec.config], sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
