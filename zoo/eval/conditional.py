"""Conditional accuracy of a class-conditional generator, with a row per class.

Ask for 1,000 samples of each class (`generate(n, seed, labels=y)`, codes from N(0, I), no
truncation) and count how many the dataset's pinned feature classifier (`features.FEATURE_NETWORKS`)
assigns to the class that was asked for. Beside it, the same classifier's accuracy on the real
test images, overall and per class: the ceiling the generator is measured against (a class the
classifier confuses on real images, such as Fashion-MNIST's shirts, cannot score high either).
Chosen by the `Conditional` capability on the labelled image sets; a dataset whose classifier is
not pinned (or not trained) is skipped with a warning that says which id to train.

>>> from zoo.eval import conditional
>>> conditional.conditional_metrics(zoo.load("cgan-mnist"), "mnist")["eval"]["conditional_accuracy"]
"""

import warnings

import numpy as np

from zoo import capabilities as cap
from zoo import registry
from zoo.data import NPZ_SETS
from zoo.eval import features as F

N_GENERATED = 10_000  # 1,000 per class for 10 classes
SAMPLE_SEED = 0
CLASS_NAMES = {
    "mnist": [str(d) for d in range(10)],
    "fashion_mnist": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                      "Ankle boot"],
}


def _unavailable(dataset):
    """Why no pinned classifier of `dataset` can be used, naming the catalog id to train."""
    name = F.dataset_name(dataset)
    if dataset in F.FEATURE_NETWORKS:
        from zoo.registry import UnknownModelError
        from zoo.saving import ZooLoadError

        try:
            F.feature_network(dataset)
            return None
        except (ZooLoadError, UnknownModelError) as e:
            return f"its feature classifier cannot be loaded ({e})"
    ids = sorted(s.id for s in registry.REGISTRY.values() if s.dataset == dataset and cap.has(s, cap.Classifier))
    todo = (f"{', '.join(ids)} ({', '.join(registry.get_spec(i).status for i in ids)}): train it with "
            f"`python -m training.train {ids[0]}`, then pin its weights' sha256" if ids else "train a classifier "
            f"of {name} and pin it")
    return f"no feature classifier of {name} is pinned in FEATURE_NETWORKS (zoo/eval/features.py); {todo} there"


def class_accuracies(model, classifier, n_per_class, seed=SAMPLE_SEED):
    """(share of hits, hits per class (K,)) of `n_per_class` samples of each of the classifier's K
    classes, `model.generate(K * n_per_class, seed, labels=[0]*n + [1]*n + ...)`."""
    k = classifier.num_classes
    y = np.repeat(np.arange(k), n_per_class)
    hits = classifier.predict_labels(model.generate(len(y), seed=seed, labels=y)) == y
    return float(hits.mean()), hits.reshape(k, n_per_class).mean(axis=1)


def conditional_metrics(model, dataset, n_samples=None, classifier=None, seed=SAMPLE_SEED):
    """Conditional accuracy (overall and per class) of `model` on `dataset`, beside the
    classifier's accuracy on the real test images, with their protocol; {} for a dataset without
    labelled images, or (with a RuntimeWarning saying why) without a usable pinned classifier.

    Args:
        model: a model with the `Conditional` capability.
        dataset: "mnist" or "fashion_mnist".
        n_samples: generated samples in all (default 10,000: 1,000 per class) and real test images
            (default all 10,000).
        classifier: the classifier to use instead of the pinned one (tests, quick looks).
        seed: the seed of `generate` (default 0).
    """
    if dataset not in NPZ_SETS:
        return {}
    if classifier is None:
        why = _unavailable(dataset)
        if why:
            warnings.warn(f"Conditional accuracy (and the FID / KID that need the same network) skipped for "
                          f"{F.dataset_name(dataset)}: {why}.", RuntimeWarning, stacklevel=2)
            return {}
        classifier = F.feature_network(dataset)
    k = classifier.num_classes
    per = max(1, (n_samples or N_GENERATED) // k)
    acc, rows = class_accuracies(model, classifier, per, seed)
    x, y = F.real_images("test", min(n_samples or F.N_REAL, F.N_REAL), dataset=dataset)
    real_hits = classifier.predict_labels(x) == y
    real_acc = float(real_hits.mean())
    net, name = (F.FEATURE_NETWORKS.get(dataset, ("the given classifier",))[0]), F.dataset_name(dataset)
    names = CLASS_NAMES.get(dataset, [str(c) for c in range(k)])
    gen = (f"{k * per:,} samples generate({k * per:,}, seed={seed}, labels=y), {per:,} of each class y, codes "
           f"from N(0, I) without truncation")
    real = f"the first {len(y):,} {name} test images"
    ev = {"conditional_accuracy": acc, "classifier_real_accuracy": real_acc, "conditional_accuracy_gap": real_acc - acc}
    proto = {
        "conditional_accuracy": f"share of the {gen} that {net} assigns to y",
        "classifier_real_accuracy": f"accuracy of {net} on {real}: the ceiling of conditional_accuracy",
        "conditional_accuracy_gap": "classifier_real_accuracy - conditional_accuracy (0 or below: the samples "
                                    "are classified as well as real images)",
    }
    for c in range(k):
        ev[f"conditional_accuracy_class_{c}"] = float(rows[c])
        proto[f"conditional_accuracy_class_{c}"] = (f"class {c} ({names[c]}): share of the {per:,} samples asked "
                                                    f"for as class {c} that {net} assigns to it (the samples of "
                                                    "conditional_accuracy)")
        mine = y == c
        ev[f"classifier_real_accuracy_class_{c}"] = float(real_hits[mine].mean()) if mine.any() else 0.0
        proto[f"classifier_real_accuracy_class_{c}"] = (f"class {c} ({names[c]}): accuracy of {net} on its "
                                                        f"{int(mine.sum()):,} images among {real}")
    return {"eval": ev, "protocol": proto}
