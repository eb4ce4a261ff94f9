"""Text-to-image metrics: does a text-conditional generator draw what its caption says?

Captions are written from the held-out templates of `zoo.data.captions` (`TEST_TEMPLATES`, never
seen in training), 1,000 per template over a balanced grid of class x thickness x slant x width
(`captions.template_captions`). For each, `generate(n, seed, text=captions)`, then:

- class accuracy: the share of samples the dataset's pinned feature classifier
  (`features.FEATURE_NETWORKS`, ``mnist-classifier``) assigns to the class named, per template too;
- the Spearman rank correlation (`scipy.stats.spearmanr`) between the level asked for (0, 1, 2:
  thin / regular / thick, left / upright / right) and the attribute measured on the sample with
  the functions that wrote the training captions (`captions.measure`); width (narrow / medium /
  wide within the class) against the measured width divided by its class's mean tercile edge, on
  the templates that name a width;
- level accuracy: the share of samples whose measured attribute falls in the asked tercile (1/3
  by chance), over all captions and over the (class, thickness, slant) combinations left out of
  training (`captions.HELD_OUT_COMBOS`: composition).

Chosen by the `TextConditional` capability on captioned MNIST. Targets of a trained model: class
accuracy >= 0.95, correlations >= 0.5.

>>> from zoo.eval import text2image
>>> text2image.text2image_metrics(zoo.load("text2digit"), "captioned_mnist")["eval"]["text_class_accuracy"]
"""

import warnings

import numpy as np
from scipy import stats

from zoo.data import captions as C
from zoo.eval import features as F

DATASETS = {"captioned_mnist": "mnist"}  # captioned set -> the image set of its feature classifier
N_PER_TEMPLATE = 1_000
SAMPLE_SEED = 0


def _classifier(classifier, dataset):
    if classifier is not None:
        return classifier
    from zoo.registry import UnknownModelError
    from zoo.saving import ZooLoadError

    try:
        return F.feature_network(DATASETS[dataset])
    except (ZooLoadError, UnknownModelError) as e:
        warnings.warn(f"Text-to-image class accuracy skipped: {e}", RuntimeWarning, stacklevel=3)
        return None


def spearman(asked, measured):
    """Spearman's rho of two samples; 0.0 when either is constant (no ranking to correlate)."""
    asked, measured = np.asarray(asked, np.float64), np.asarray(measured, np.float64)
    if len(asked) < 2 or np.ptp(asked) == 0 or np.ptp(measured) == 0:
        return 0.0
    return float(stats.spearmanr(asked, measured).statistic)


def samples(model, n_per_template=N_PER_TEMPLATE, seed=SAMPLE_SEED):
    """(images, `captions.Captions` of all held-out templates, template index per sample): n
    captions of each `TEST_TEMPLATES` entry, `model.generate(n, seed, text=captions)` for each."""
    k = model.num_classes
    images, caps, which = [], [], []
    for j, template in enumerate(C.TEST_TEMPLATES):
        c = C.template_captions(template, n_per_template, seed=seed, num_classes=k)
        images.append(model.generate(n_per_template, seed=seed, text=c.texts))
        caps.append(c)
        which.append(np.full(n_per_template, j))
    joined = C.Captions([t for c in caps for t in c.texts], np.concatenate([c.labels for c in caps]),
                        np.concatenate([c.levels for c in caps]), [t for c in caps for t in c.templates])
    return np.concatenate(images), joined, np.concatenate(which)


def text2image_metrics(model, dataset, n_samples=None, classifier=None, seed=SAMPLE_SEED):
    """Class accuracy, attribute correlations and level accuracies of a text-to-image model on the
    held-out templates, each with its protocol; {} for a dataset without captions.

    Args:
        model: a model with the `TextConditional` capability drawing 28x28 digits.
        dataset: "captioned_mnist".
        n_samples: samples in all, split evenly over the templates (default 1,000 per template).
        classifier: the classifier to use instead of the pinned one (tests, quick looks).
        seed: the seed of the codes and of the captions' synonyms (default 0).
    """
    if dataset not in DATASETS:
        return {}
    per = max(1, (n_samples or N_PER_TEMPLATE * len(C.TEST_TEMPLATES)) // len(C.TEST_TEMPLATES))
    x, caps, which = samples(model, per, seed)
    measured = C.measure(x)
    got = C.levels(measured, caps.labels)
    held = np.array([tuple(v) in C.HELD_OUT_COMBOS for v in np.c_[caps.labels, caps.levels[:, :2]]])
    names_width = np.array(["{w}" in t for t in caps.templates])
    rel_width = measured[:, 2] / C.tercile_edges()["width"][caps.labels].mean(axis=1)
    n, t = len(which), len(C.TEST_TEMPLATES)
    gen = (f"{n:,} samples generate(n, seed={seed}, text=captions), {per:,} captions of each of the {t} held-out "
           f"templates of zoo.data.captions (classes x thickness x slant x width cycled, synonyms from seed {seed})")
    ev, proto = {}, {}

    def put(key, value, text):
        ev[key], proto[key] = float(value), text

    for a, name in enumerate(("thickness", "slant")):
        words = "/".join(C.LEVEL_NAMES[a])
        put(f"text_{name}_spearman", spearman(caps.levels[:, a], measured[:, a]),
            f"Spearman rho between the {name} level asked ({words} = 0/1/2) and the {name} measured on the sample "
            f"(zoo.data.captions.{name}); {gen}; 0 when either side is constant")
        put(f"text_{name}_level_accuracy", np.mean(got[:, a] == caps.levels[:, a]),
            f"share of the {gen} whose measured {name} falls in the train-set tercile asked for (chance 1/3)")
        put(f"text_heldout_combo_{name}_level_accuracy",
            np.mean(got[held, a] == caps.levels[held, a]) if held.any() else 0.0,
            f"as text_{name}_level_accuracy, on the {int(held.sum()):,} samples whose (class, thickness, slant) is "
            "one of the combinations left out of training (zoo.data.captions.HELD_OUT_COMBOS)")
    put("text_width_spearman", spearman(caps.levels[names_width, 2], rel_width[names_width]),
        f"Spearman rho between the width asked (narrow/medium/wide within the class = 0/1/2) and the measured "
        f"width over the class's mean train tercile edge, on the {int(names_width.sum()):,} of the {gen} whose "
        "template names a width; 0 when either side is constant")
    clf = _classifier(classifier, dataset)
    if clf is not None:
        net = F.FEATURE_NETWORKS[DATASETS[dataset]][0] if classifier is None else "the given classifier"
        hits = clf.predict_labels(x) == caps.labels
        put("text_class_accuracy", hits.mean(), f"share of the {gen} that {net} assigns to the class the caption names")
        put("text_heldout_combo_class_accuracy", hits[held].mean() if held.any() else 0.0,
            f"as text_class_accuracy, on the {int(held.sum()):,} samples of combinations left out of training")
        for j, template in enumerate(C.TEST_TEMPLATES):
            put(f"text_class_accuracy_template_{j}", hits[which == j].mean(),
                f"as text_class_accuracy, on the {per:,} captions of held-out template {j}: {template!r}")
    return {"eval": ev, "protocol": proto}
