"""Frozen feature networks of the sample metrics, and the real images and features they compare.

FID, KID, precision / recall and class coverage are only comparable between models (and
with the numbers of their cards) while the network that computes the features stays the
same. `FEATURE_NETWORKS` pins it per dataset: the catalog id of the classifier and the
sha256 of its weights. `feature_network(dataset)` refuses to run when the catalog's digest
of that id differs from the pin, so retraining the classifier is a deliberate change:
update the pin here and re-evaluate every model of that dataset.

>>> from zoo.eval import features
>>> net = features.feature_network("mnist")     # mnist-classifier, pinned
>>> features.real_features(net, "test").shape
(10000, 128)
"""

import weakref

import numpy as np

from zoo import capabilities as cap
from zoo import registry

# dataset -> (catalog id of its frozen feature classifier, sha256 of that id's model.weights.h5)
FEATURE_NETWORKS = {
    "mnist": ("mnist-classifier", "180c2505abea6334eac8e12972f48985795da83ca4ba46b58b5a4cdf60171ebb"),
    "fashion_mnist": ("fashion-classifier", "39681ef8fdca7e5b7c74926b8c706ff567c7820be5679a83552547c7bcdb1617"),
}
FEATURE_LAYER = "features"  # the classifier's penultimate Dense + ReLU layer (128-d)
N_REAL = 10_000  # real images per side: the whole test split, a train subset of the same size
REAL_SEED = 0  # which train images form the subset
DATASET_NAMES = {"mnist": "MNIST", "fashion_mnist": "Fashion-MNIST"}  # for protocol strings

_NETS = {}
_REAL = weakref.WeakKeyDictionary()  # classifier -> {(dataset, split, n, seed): features}


class FeatureNetworkChangedError(ValueError):
    """The catalog's weights of a feature network differ from the digest pinned here."""


def dataset_name(dataset):
    """How protocol strings name a dataset, e.g. "MNIST"."""
    return DATASET_NAMES.get(dataset, dataset)


def feature_network_id(dataset="mnist"):
    """The catalog id of the frozen feature classifier of `dataset` (ValueError when none is pinned)."""
    if dataset not in FEATURE_NETWORKS:
        raise ValueError(f"dataset {dataset!r} has no pinned feature network; FEATURE_NETWORKS in "
                         f"zoo/eval/features.py covers {sorted(FEATURE_NETWORKS)}.")
    return FEATURE_NETWORKS[dataset][0]


def check_pin(dataset="mnist"):
    """The feature network's id after checking the catalog's weights digest against the pin.

    Raises:
        FeatureNetworkChangedError: the catalog's digest differs from `FEATURE_NETWORKS`.
        zoo.UnknownModelError: the id is not in the catalog (a process started before it was).
    """
    model_id = feature_network_id(dataset)
    pinned = FEATURE_NETWORKS[dataset][1]
    actual = registry.get_spec(model_id).weights.get(registry.WEIGHTS_FILE)
    if actual and actual != pinned:
        raise FeatureNetworkChangedError(
            f"The weights of the feature network {model_id!r} (dataset {dataset!r}) changed: the catalog "
            f"has sha256 {actual[:12]}..., the evaluation code pins {pinned[:12]}... . Every FID / KID / "
            f"precision-recall number of {dataset} models depends on these weights; if the retraining is "
            f"deliberate, update FEATURE_NETWORKS in zoo/eval/features.py and re-evaluate those models.")
    return model_id


def feature_network(dataset="mnist"):
    """The pinned pretrained classifier of `dataset` (loaded once per process, uncompiled).

    Raises `FeatureNetworkChangedError` when its weights differ from the pin, and
    `zoo.ZooLoadError` / `zoo.UnknownModelError` when it is not installed.
    """
    model_id = check_pin(dataset)
    if model_id not in _NETS:
        from zoo.hub import load

        net = load(model_id, compile=False)
        cap.require(net, cap.Features, what="feature network")
        cap.require(net, cap.Classifier, what="feature network")
        _NETS[model_id] = net
    return _NETS[model_id]


def real_images(split="test", n=N_REAL, seed=REAL_SEED, dataset="mnist", binary=False):
    """(x float32 (n, 28, 28, 1) in [0, 1], labels) of an image set (MNIST by default): the first
    n test images, or n train images drawn without replacement with `seed`; `binary` binarizes
    them once (`zoo.data.binarize`, seed 0), for models of 0 / 1 pixels."""
    from zoo import data

    x, y = data.image_arrays(dataset, split)
    if n > len(x):
        raise ValueError(f"The {dataset_name(dataset)} {split} split has {len(x)} images, asked for {n}.")
    if split == "train":
        idx = np.sort(np.random.default_rng(seed).choice(len(x), n, replace=False))
        x, y = x[idx], y[idx]
    else:
        x, y = x[:n], y[:n]
    x = data.scale(x)[..., None]
    return (data.binarize(x) if binary else x), y


def real_features(classifier, split="test", n=N_REAL, seed=REAL_SEED, dataset="mnist", binary=False):
    """Features of `real_images(split, n, seed, dataset, binary)` under `classifier`, cached per classifier."""
    cache = _REAL.setdefault(classifier, {})
    key = (dataset, split, int(n), int(seed), bool(binary))
    if key not in cache:
        x, _ = real_images(split, n, seed, dataset, binary)
        cache[key] = classifier.features(x)
    return cache[key]
