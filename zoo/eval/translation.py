"""Metrics of a paired image-to-image translator on held-out pairs, each with its protocol.

On the first n test pairs of its dataset (`zoo.data.paired`: all 10,000 by default), the outputs
`translate(sources, seed=0)` are compared with the real targets:

- ``l1``: mean absolute difference per pixel (the paper's L1 term, in [0, 1] pixel units), beside
  ``l1_copy_source``, the same distance for the source itself as the output (a trivial baseline);
- ``ssim``: mean structural similarity (Wang et al. 2004; `tf.image.ssim`, Gaussian window 11,
  sigma 1.5, k1 0.01, k2 0.03, max value 1);
- the FCN-score idea of Isola et al. 2017 (an off-the-shelf recognizer applied to the outputs):
  ``classifier_accuracy``, the share of outputs that the dataset's pinned feature classifier
  (`features.FEATURE_NETWORKS`) assigns to the class of their target, beside
  ``classifier_real_accuracy``, its accuracy on the real targets (the ceiling). A dataset whose
  classifier is not pinned or not trained gets L1 and SSIM only, and their protocol says why; so do
  the font glyph pairs (`zoo.data.fonts`), 62 letters and digits that no pinned classifier reads.

Chosen by the `Translator` capability on the paired sets (`zoo.eval.suite`).

>>> from zoo.eval import translation
>>> translation.translation_metrics(model, "edges2digits", n_samples=1000)["eval"]["ssim"]
"""

import warnings

import numpy as np

from zoo.data import fonts, paired
from zoo.eval import conditional
from zoo.eval import features as F

DATASETS = tuple(paired.PAIRED) + tuple(fonts.PAIRED)
GLYPHS_WHY = ("its pairs are glyphs of 62 letters and digits, which no pinned feature classifier reads "
              "(mnist-classifier knows the digits 0-9 only)")
N_PAIRS = 10_000  # the whole test split
SEED = 0  # of the dropout masks of translate
SSIM_WINDOW = 11


def ssim(a, b):
    """Per-image SSIM float64 (n,) of images a, b (n, H, W, C) in [0, 1] (`tf.image.ssim`, Gaussian
    window of side min(11, H, W), sigma 1.5, k1 0.01, k2 0.03, max value 1; channels averaged)."""
    import tensorflow as tf

    side = min(SSIM_WINDOW, a.shape[1], a.shape[2])
    out = [tf.image.ssim(tf.constant(a[i: i + 1000]), tf.constant(b[i: i + 1000]), max_val=1.0, filter_size=side)
           for i in range(0, len(a), 1000)]
    return np.concatenate([np.asarray(o, np.float64) for o in out])


def translation_metrics(model, dataset, n_samples=None, classifier=None, seed=SEED):
    """L1, SSIM and classifier accuracy of `model`'s translations of the held-out pairs of `dataset`,
    with their protocol; {} for a dataset that is not a paired set.

    Args:
        model: a model with the `Translator` capability.
        dataset: "edges2digits", "edges2fashion" or "glyphs".
        n_samples: the first n test pairs (default all 10,000).
        classifier: the classifier to use instead of the pinned one (tests, quick looks).
        seed: the seed of `translate` (default 0).
    """
    if dataset not in DATASETS:
        return {}
    n = min(n_samples or N_PAIRS, N_PAIRS)
    if dataset in fonts.PAIRED:  # no class a digit classifier could check
        source, target = fonts.arrays(dataset, "test", num_examples=n)
        pairs, kind, base, why = (f"the first {len(source):,} {dataset} test pairs ({fonts.PAIRED[dataset]}, "
                                  "zoo.data.fonts)", "glyph", None, GLYPHS_WHY)
    else:
        source, target = paired.arrays(dataset, "test", num_examples=n)
        base, kind, why = paired.PAIRED[dataset][0], "edge map", None
        pairs = (f"the first {len(source):,} {dataset} test pairs (edge map -> image, zoo.data.paired, from the "
                 f"{F.dataset_name(base)} test split)")
    out = model.translate(source, seed=seed)
    outputs = f"translate(sources, seed={seed}) of {pairs}"
    if classifier is None and base is not None:  # the conditional suite's reason, naming the classifier to train
        why = conditional._unavailable(base)
        if why:
            warnings.warn(f"Classifier accuracy of the translations skipped for {dataset}: {why}.", RuntimeWarning,
                          stacklevel=2)
    note = f"; no classifier accuracy: {why}" if why else ""
    ev = {"l1": float(np.mean(np.abs(out - target))), "l1_copy_source": float(np.mean(np.abs(source - target))),
          "ssim": float(np.mean(ssim(out, target)))}
    proto = {
        "l1": f"mean |G(x) - y| per pixel (pixels in [0, 1]), {outputs} vs their targets{note}",
        "l1_copy_source": f"mean |x - y| per pixel: the source {kind} itself as the output, on {pairs}",
        "ssim": f"mean SSIM (tf.image.ssim: Gaussian window {min(SSIM_WINDOW, *source.shape[1:3])}, sigma 1.5, "
                f"k1 0.01, k2 0.03, max value 1) of {outputs} vs their targets{note}",
    }
    if why:
        return {"eval": ev, "protocol": proto}
    net = "the given classifier" if classifier is not None else F.feature_network_id(base)
    classifier = classifier if classifier is not None else F.feature_network(base)
    y = paired.classes(dataset, "test", num_examples=n)
    fake_acc = float(np.mean(classifier.predict_labels(out) == y))
    real_acc = float(np.mean(classifier.predict_labels(target) == y))
    ev.update(classifier_accuracy=fake_acc, classifier_real_accuracy=real_acc,
              classifier_accuracy_gap=real_acc - fake_acc)
    proto.update(
        classifier_accuracy=f"share of the {outputs} that {net} assigns to the class of their target (the "
                            f"FCN-score idea of Isola et al. 2017, {net} in the place of the FCN)",
        classifier_real_accuracy=f"accuracy of {net} on the real targets of {pairs}: the ceiling of "
                                 "classifier_accuracy",
        classifier_accuracy_gap="classifier_real_accuracy - classifier_accuracy (0 or below: the outputs are "
                                "classified as well as the real targets)")
    return {"eval": ev, "protocol": proto}
