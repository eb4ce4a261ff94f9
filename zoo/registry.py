"""The catalog: model id -> `ModelSpec`.

A spec names the family, the constructor arguments, the dataset, the weight files
with their sha256 (from `zoo/checksums.py`, written when weights are installed),
the paper and license, and whether trained weights are published.

>>> import zoo
>>> zoo.list_models("dcgan*")
['dcgan-celeba', 'dcgan-mnist']
"""

import dataclasses
import difflib
import fnmatch
import json
import os

from zoo.checksums import SHA256  # noqa: F401 (tests patch it)

PRETRAINED_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pretrained")
WEIGHTS_FILE = "model.weights.h5"
CONFIG_FILE = "config.json"
METRICS_FILE = "metrics.json"


@dataclasses.dataclass(frozen=True)
class ModelSpec:
    """One catalog entry.

    Args:
        id: the model id, e.g. "dcgan-mnist".
        family: key of `zoo.models.FAMILIES`, e.g. "GAN".
        config: constructor arguments of the family class (JSON-able).
        dataset: dataset name in `zoo.data` (or a tfds name).
        summary: one line for listings.
        paper: citation of the method.
        license: license of the weights (default "apache-2.0").
        tasks: what the demo and CLI can do with it (default ("generate",)).
        recipe: id of the training recipe in `training/recipes.py` (default: the id).
    """

    id: str
    family: str
    config: dict
    dataset: str
    summary: str
    paper: str
    license: str = "apache-2.0"
    tasks: tuple = ("generate",)

    @property
    def weights(self):
        """{filename: sha256} of the published weight files ({} when none)."""
        sha = SHA256.get(self.id)
        return {WEIGHTS_FILE: sha} if sha else {}

    @property
    def status(self):
        """"trained" when weights are published, else "recipe only"."""
        return "trained" if self.weights else "recipe only"

    @property
    def pretrained_dir(self):
        return os.path.join(PRETRAINED_DIR, self.id)

    @property
    def metrics(self):
        """Contents of the model's metrics.json ({} when absent)."""
        path = os.path.join(self.pretrained_dir, METRICS_FILE)
        if not os.path.exists(path):
            return {}
        with open(path, encoding="utf-8") as f:
            return json.load(f)


_DCGAN = "Radford, Metz, Chintala 2016, Unsupervised Representation Learning with Deep Convolutional GANs, arXiv:1511.06434"

_SPECS = [
    ModelSpec(
        id="dcgan-mnist",
        family="GAN",
        config=dict(architecture="dcgan", data_shape=[28, 28, 1], latent_dim=64,
                    g_filters=64, d_filters=64, loss="non-saturating", n_critic=1),
        dataset="mnist",
        summary="DCGAN on MNIST digits (28x28, non-saturating loss)",
        paper=_DCGAN,
        license="cc-by-sa-3.0",  # follows the MNIST license
    ),
    ModelSpec(
        id="dcgan-celeba",
        family="GAN",
        config=dict(architecture="dcgan", data_shape=[64, 64, 3], latent_dim=100,
                    g_filters=64, d_filters=64, loss="non-saturating", n_critic=1),
        dataset="celeb_a",
        summary="DCGAN on CelebA faces (64x64); recipe only, train with tensorflow-datasets",
        paper=_DCGAN,
        license="other",  # CelebA is for non-commercial research only
    ),
    ModelSpec(
        id="mnist-classifier",
        family="Classifier",
        config=dict(input_shape=[28, 28, 1], num_classes=10, filters=32, blocks=2,
                    convs_per_block=2, units=128, dropout=0.5, batch_norm=True,
                    translate=0.08, rotate=0.025),
        dataset="mnist",
        summary="MNIST digit classifier (small CNN); the feature network of FID/KID and mode counts",
        paper="LeCun, Bottou, Bengio, Haffner 1998, Gradient-Based Learning Applied to Document "
              "Recognition; used as the feature network of Heusel et al. 2017 (FID), arXiv:1706.08500",
        license="cc-by-sa-3.0",  # follows the MNIST license
        tasks=("classify",),
    ),
]

REGISTRY = {s.id: s for s in _SPECS}


def closest_ids(model_id, n=3):
    """Catalog ids that look like `model_id` (for error messages)."""
    return difflib.get_close_matches(str(model_id), list(REGISTRY), n=n, cutoff=0.4)


class UnknownModelError(KeyError):
    """An id that is not in the catalog."""

    def __str__(self):  # KeyError would quote the message
        return self.args[0]


def get_spec(model_id):
    """The `ModelSpec` of an id; `UnknownModelError` naming the closest ids otherwise."""
    if model_id in REGISTRY:
        return REGISTRY[model_id]
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
        task: keep ids that can do this task, e.g. "generate" (default: any).
    """
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
    """A dict describing a catalog model: family, dataset, params, metrics, paper, license, status."""
    spec = get_spec(model_id)
    from zoo.models import FAMILIES

    model = FAMILIES[spec.family](**spec.config)
    return {
        "id": spec.id,
        "family": spec.family,
        "summary": spec.summary,
        "dataset": spec.dataset,
        "config": dict(spec.config),
        "params": int(model.count_params()),
        "tasks": list(spec.tasks),
        "metrics": spec.metrics,
        "paper": spec.paper,
        "license": spec.license,
        "status": spec.status,
        "weights": spec.weights,
    }
