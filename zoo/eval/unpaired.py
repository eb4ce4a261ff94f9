"""Metrics of an unpaired translator (CycleGAN) between printed and handwritten digits, each with its protocol.

On the first n printed test digits of `zoo.data.fonts` (domain A, with their classes) and the first n MNIST
test digits (domain B), n = 10,000 by default, the pinned MNIST feature classifier (`features.FEATURE_NETWORKS`)
reads the translations, as the paper's FCN-score reads its outputs:

- ``classifier_accuracy``: the share of the a2b translations G(a) that it assigns to the printed digit's class,
  beside ``classifier_input_accuracy``, its accuracy on the printed inputs themselves (what a translation that
  changed nothing would score);
- ``confusion_top1`` .. ``confusion_top3``: the three most frequent swaps, each the share of the translations
  of printed digit d that it reads as e (d != e); the protocol names the pair;
- ``fid`` / ``kid``: the a2b translations vs the MNIST test digits on its 128-d features, beside ``fid_inputs``
  / ``kid_inputs``, the printed inputs untranslated vs the same digits (how far apart the domains start);
- ``cycle_l1_aba`` / ``cycle_l1_bab``: mean |F(G(a)) - a| and |G(F(b)) - b| per pixel, how well each
  translation can be undone (no classifier needed).

Without a usable classifier only the cycle metrics are reported, and their protocol says why. Chosen by the
`Translator` capability on the unpaired sets (`zoo.eval.suite`).

>>> from zoo.eval import unpaired
>>> unpaired.unpaired_metrics(model, "printed2handwritten", n_samples=1000)["eval"]["classifier_accuracy"]
"""

import warnings

import numpy as np

from zoo.data import fonts
from zoo.eval import conditional
from zoo.eval import features as F
from zoo.eval.fid_kid import fid, kid

DATASETS = tuple(fonts.UNPAIRED)
N_TEST = 10_000  # the whole test split of each domain
KID_SUBSETS, KID_SUBSET_SIZE = 100, 1000
TOP_CONFUSIONS = 3


def confusions(labels, predicted, k=TOP_CONFUSIONS, classes=10):
    """The k most frequent swaps [(d, e, share), ...]: share = the fraction of the examples of class d read as
    e != d, largest first (ties: smaller d, then e); classes without examples count 0."""
    counts = np.zeros((classes, classes))
    np.add.at(counts, (np.asarray(labels), np.asarray(predicted)), 1)
    rates = counts / np.maximum(counts.sum(1, keepdims=True), 1)
    pairs = sorted(((-rates[d, e], d, e) for d in range(classes) for e in range(classes) if d != e))[:k]
    return [(int(d), int(e), float(-r)) for r, d, e in pairs]


def unpaired_metrics(model, dataset, n_samples=None, classifier=None):
    """Class accuracy and swaps of the a2b translations, FID / KID to the target domain and both cycle L1s of
    `model` on `dataset`, with their protocol; {} for a dataset that is not an unpaired set.

    Args:
        model: a model with the `Translator` capability and the directions "a2b" and "b2a".
        dataset: "printed2handwritten".
        n_samples: the first n test images of each domain (default all 10,000).
        classifier: the classifier to use instead of the pinned one (tests, quick looks).
    """
    if dataset not in DATASETS:
        return {}
    a_set, b_set = fonts.UNPAIRED[dataset]
    n = min(n_samples or N_TEST, N_TEST)
    a, labels = fonts.arrays(a_set, "test", num_examples=n)
    b = F.real_images("test", n, dataset=b_set)[0]
    a2b, b2a = model.translate(a, direction="a2b"), model.translate(b, direction="b2a")
    a_side = f"the first {len(a):,} {a_set} test images (zoo.data.fonts)"
    b_side = f"the first {len(b):,} {F.dataset_name(b_set)} test images"
    why = None
    if classifier is None:
        why = conditional._unavailable(b_set)
        if why:
            warnings.warn(f"Classifier accuracy and FID of the translations skipped for {dataset}: {why}.",
                          RuntimeWarning, stacklevel=2)
    note = f"; no classifier accuracy or FID: {why}" if why else ""
    ev = {"cycle_l1_aba": float(np.mean(np.abs(model.translate(a2b, direction="b2a") - a))),
          "cycle_l1_bab": float(np.mean(np.abs(model.translate(b2a, direction="a2b") - b)))}
    proto = {"cycle_l1_aba": f"mean |F(G(a)) - a| per pixel (pixels in [0, 1]): translate(translate(a, 'a2b'), "
                             f"'b2a') of {a_side}{note}",
             "cycle_l1_bab": f"mean |G(F(b)) - b| per pixel: translate(translate(b, 'b2a'), 'a2b') of {b_side}{note}"}
    if why:
        return {"eval": ev, "protocol": proto}
    net = "the given classifier" if classifier is not None else F.feature_network_id(b_set)
    classifier = classifier if classifier is not None else F.feature_network(b_set)
    outputs = f"the a2b translations translate(a, 'a2b') of {a_side}"
    predicted = classifier.predict_labels(a2b)
    ev.update(classifier_accuracy=float(np.mean(predicted == labels)),
              classifier_input_accuracy=float(np.mean(classifier.predict_labels(a) == labels)))
    proto.update(
        classifier_accuracy=f"share of {outputs} that {net} assigns to the printed digit's class (the FCN-score "
                            f"idea of Zhu et al. 2017, {net} in the place of the FCN)",
        classifier_input_accuracy=f"accuracy of {net} on {a_side} themselves, untranslated: what a translation "
                                  "that changed nothing would score")
    for k, (d, e, share) in enumerate(confusions(labels, predicted), 1):
        ev[f"confusion_top{k}"] = share
        proto[f"confusion_top{k}"] = (f"swap {k} by frequency: printed {d} read as {e}, the share of the "
                                      f"translations of printed {d}s that {net} assigns to {e} ({outputs})")
    real = F.real_features(classifier, "test", len(b), dataset=b_set)
    feats = "features: " + ("the given classifier's" if net.startswith("the given") else
                            f"{net} '{F.FEATURE_LAYER}' layer") + " (penultimate activations)"
    kid_how = (f"unbiased MMD^2, kernel (x.y/d + 1)^3, {KID_SUBSETS} random subset pairs of "
               f"{min(KID_SUBSET_SIZE, len(b)):,} (seed 0)")
    for key, images, what in (("", a2b, outputs), ("_inputs", a, f"{a_side}, untranslated")):
        f = classifier.features(images)
        ev[f"fid{key}"] = fid(real, f)
        ev[f"kid{key}"] = kid(real, f, KID_SUBSETS, KID_SUBSET_SIZE, seed=0)[0]
        proto[f"fid{key}"] = f"FID, {what} vs {b_side}; {feats}"
        proto[f"kid{key}"] = f"KID mean ({kid_how}), {what} vs {b_side}; {feats}"
    return {"eval": ev, "protocol": proto}
