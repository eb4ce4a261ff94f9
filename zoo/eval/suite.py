"""`evaluate(model, spec)`: the metrics of a catalog model, each with its protocol.

The suites are chosen from the spec's capabilities and its dataset, never from its family:
a Classifier gets its test accuracy, an Encoder its reconstruction metrics, a Generator the
sample metrics of its dataset (mode coverage on mixtures and Stacked MNIST, FID / KID /
precision-recall where a feature network is pinned), a Recommender its held-out RMSE beside
baselines (`zoo.eval.recommend`), a Translator its L1 / SSIM / classifier accuracy on held-out
pairs (`zoo.eval.translation`) or, on unpaired sets, its class accuracy, FID and cycle L1
(`zoo.eval.unpaired`), an Upscaler its PSNR / SSIM beside bicubic
(`zoo.eval.superres`); a model with several gets them all.
"""

import warnings

import numpy as np

from zoo import capabilities as cap
from zoo.data import MIXTURES, NPZ_SETS, mixture_modes
from zoo.eval import features as F
from zoo.eval import embedding, reconstruction
from zoo.eval import documents, recommend
from zoo.eval import video
from zoo.eval import conditional
from zoo.eval import text2image
from zoo.eval import translation
from zoo.eval import unpaired
from zoo.eval import superres
from zoo.eval.fid_kid import fid, kid
from zoo.eval.mixtures import N_SAMPLES as MIX_N, SEEDS as MIX_SEEDS, evaluate_mixture, kl_to_uniform
from zoo.eval.prdc import precision_recall
from zoo.eval.stacked import CHANNEL_DATASET, CONFIDENT, N_SAMPLES as STACKED_N, stacked_modes
from zoo.progress import progress

N_GENERATED = 10_000
SAMPLE_SEED = 0
KID_SUBSETS, KID_SUBSET_SIZE = 100, 1000
PR_K = 3
STACKED = ("stacked_mnist",)  # datasets whose modes are counted channel by channel


def _feature_net(classifier, dataset):
    """The given classifier, else the pinned feature network of `dataset`; None (with a warning)
    when it cannot be loaded (not installed, or unknown to a process started before it was
    added), so a finished training run never fails for lack of it. A feature network whose
    weights differ from the pin is an error (`features.FeatureNetworkChangedError`)."""
    if classifier is not None:
        return classifier
    from zoo.registry import UnknownModelError
    from zoo.saving import ZooLoadError

    try:
        return F.feature_network(dataset)
    except (ZooLoadError, UnknownModelError) as e:
        warnings.warn(f"Feature-network metrics skipped: {e}", RuntimeWarning, stacklevel=3)
        return None


def _fmt(n):
    return f"{n:,}"


def classifier_metrics(model, n=None, dataset="mnist"):
    """Test accuracy of a classifier on the test split of its image set (first n images)."""
    x, y = F.real_images("test", n or 10_000, dataset=dataset)
    acc = float(np.mean(model.predict_labels(x) == y))
    which = "all 10,000" if len(y) == 10_000 else f"the first {_fmt(len(y))}"
    return {
        "eval": {"test_accuracy": acc},
        "protocol": {"test_accuracy": f"top-1 accuracy of predict_labels on {which} images of the "
                                      f"{F.dataset_name(dataset)} test split"},
    }


def digit_metrics(model, classifier, n=N_GENERATED, seed=SAMPLE_SEED, dataset="mnist", binary=False):
    """FID, KID, precision / recall, real-vs-real floors, class coverage of an image generator,
    on the features of `dataset`'s feature network. `binary`: the model draws 0 / 1 pixels (its
    family's `binary_data`), so it is compared with the real images binarized once (seed 0), as
    it was trained."""
    samples = model.generate(n, seed=seed)
    fake, labels = classifier.features_and_labels(samples)
    confident = float(np.mean(classifier.predict_proba(samples).max(-1) > CONFIDENT))
    real_x, _ = F.real_images("test", n, dataset=dataset, binary=binary)
    real_confident = float(np.mean(classifier.predict_proba(real_x).max(-1) > CONFIDENT))
    test = F.real_features(classifier, "test", n, dataset=dataset, binary=binary)
    train = F.real_features(classifier, "train", n, F.REAL_SEED, dataset=dataset, binary=binary)
    counts = np.bincount(labels, minlength=classifier.num_classes)
    kid_mean, kid_std = kid(test, fake, KID_SUBSETS, KID_SUBSET_SIZE, seed=0)
    floor_mean, floor_std = kid(test, train, KID_SUBSETS, KID_SUBSET_SIZE, seed=0)
    pr = precision_recall(test, fake, k=PR_K)
    ev = {
        "fid": fid(test, fake),
        "kid": kid_mean,
        "kid_std": kid_std,
        "precision": pr["precision"],
        "recall": pr["recall"],
        "fid_real_vs_real": fid(test, train),
        "kid_real_vs_real": floor_mean,
        "kid_real_vs_real_std": floor_std,
        "classes_covered": int((counts > 0).sum()),
        "class_kl_to_uniform": kl_to_uniform(counts),
        "class_share_min": float(counts.min() / n),
        "class_share_max": float(counts.max() / n),
        "confident_share": confident,
        "confident_share_real": real_confident,
    }
    net_id, name = F.feature_network_id(dataset), F.dataset_name(dataset)
    net = f"{net_id} '{F.FEATURE_LAYER}' layer ({fake.shape[1]}-d penultimate activations)"
    gen = f"{_fmt(n)} samples generate({_fmt(n)}, seed={seed})"
    bin_ = " binarized once (x_b = (u < x), u ~ U[0, 1) from numpy default_rng(0))" if binary else ""
    real = f"the first {_fmt(len(test))} {name} test images{bin_}"
    floor = (f"{_fmt(len(train))} {name} train images{bin_} (drawn without replacement, seed {F.REAL_SEED}) "
             f"vs {real}; the value a perfect generator would get")
    kid_how = (f"unbiased MMD^2, kernel (x.y/d + 1)^3, {KID_SUBSETS} random subset pairs of "
               f"{_fmt(min(KID_SUBSET_SIZE, n))} (seed 0)")
    kind = "digit classes" if dataset == "mnist" else "classes"
    proto = {
        "fid": f"FID, {gen} vs {real}; features: {net}",
        "kid": f"KID mean ({kid_how}), {gen} vs {real}; features: {net}",
        "kid_std": "std of the KID estimate over its subsets (same protocol as kid)",
        "precision": f"k-NN manifold precision (Kynkaanniemi et al. 2019, k={PR_K}): share of the "
                     f"{gen} inside the real manifold of {real}; features: {net}",
        "recall": f"k-NN manifold recall (Kynkaanniemi et al. 2019, k={PR_K}): share of {real} inside "
                  f"the manifold of the {gen}; features: {net}",
        "fid_real_vs_real": f"FID floor: {floor}; features: {net}",
        "kid_real_vs_real": f"KID floor ({kid_how}): {floor}; features: {net}",
        "kid_real_vs_real_std": "std of the KID floor over its subsets",
        "classes_covered": f"{kind} (of {classifier.num_classes}) that {net_id} assigns "
                           f"to at least one of the {gen}",
        "class_kl_to_uniform": f"KL(p || uniform) = sum_c p_c log({classifier.num_classes} p_c) in nats, "
                               f"p the {net_id} label histogram of the {gen}",
        "class_share_min": f"share of the {gen} that {net_id} assigns to its rarest class",
        "class_share_max": f"share of the {gen} that {net_id} assigns to its most frequent class",
        "confident_share": f"share of the {gen} that {net_id} labels with probability > {CONFIDENT} "
                           "(a sharp, unambiguous sample)",
        "confident_share_real": f"the same share for {real}: what real images score",
    }
    return {"eval": ev, "protocol": proto}


def mixture_suite(model, name, seeds=MIX_SEEDS, n=MIX_N):
    """Mixture metrics (mean and std over seeds) with their protocol."""
    ev = evaluate_mixture(model, name, seeds=seeds, n=n)
    per = f"{_fmt(n)} samples generate({_fmt(n)}, seed=s) for s in {list(seeds)}"
    std = "sample std (ddof=1)" if len(seeds) > 1 else "std (single seed: 0)"
    m = len(mixture_modes(name)[0])
    what = {
        "modes_covered": f"modes (of {m}) that are the nearest mode of at least one "
                         "high-quality sample (within 3 std, Euclidean, of its nearest mode)",
        "hq_percent": "percent of samples within 3 std (Euclidean) of their nearest mode",
        "kl_to_uniform": "KL(p || uniform) = sum_i p_i log(m p_i) in nats, p the nearest-mode "
                         "histogram of the high-quality samples (log m when there is none)",
    }
    proto = {}
    for key, desc in what.items():
        proto[f"{key}_mean"] = f"mean over seeds of {desc}; {name}, {per}"
        proto[f"{key}_std"] = f"{std} over seeds of {key} ({name}, {per})"
    return {"eval": ev, "protocol": proto}


def stacked_suite(model, classifier, n=STACKED_N, seed=SAMPLE_SEED):
    """Stacked MNIST modes hit and KL with their protocol."""
    res = stacked_modes(model, classifier, n=n, seed=seed)
    gen = f"{_fmt(n)} samples generate({_fmt(n)}, seed={seed})"
    how = f"each channel labelled by {F.feature_network_id(CHANNEL_DATASET)}, mode = 100 d_R + 10 d_G + d_B"
    return {
        "eval": {"modes_hit": res["modes_hit"], "mode_kl_to_uniform": res["kl_to_uniform"],
                 "channel_confident_share": res["channel_confident_share"]},
        "protocol": {
            "modes_hit": f"modes (of 1,000) that at least one of the {gen} falls in; {how}",
            "mode_kl_to_uniform": f"KL(p || uniform) = sum_i p_i log(1000 p_i) in nats, p the mode "
                                  f"histogram of the {gen}; {how}",
            "channel_confident_share": f"share of the 3 x {_fmt(n)} channel images of the {gen} that "
                                       f"{F.feature_network_id(CHANNEL_DATASET)} labels with probability > "
                                       f"{CONFIDENT}",
        },
    }


def generator_metrics(model, dataset, n_samples=None, classifier=None, binary=False):
    """The sample metrics of a generator of `dataset`: mode coverage (mixtures, Stacked MNIST)
    or FID / KID / precision-recall / class coverage (datasets with a pinned feature network);
    {} for other datasets or when the feature network is not installed (with a warning for an image
    set such as Fashion-MNIST whose feature network is not pinned yet)."""
    if dataset in MIXTURES:
        return mixture_suite(model, dataset, n=n_samples or MIX_N)
    if dataset in STACKED:
        net = _feature_net(classifier, CHANNEL_DATASET)
        return {} if net is None else stacked_suite(model, net, n=n_samples or STACKED_N)
    if dataset in F.FEATURE_NETWORKS:
        net = _feature_net(classifier, dataset)
        return {} if net is None else digit_metrics(model, net, n=n_samples or N_GENERATED, dataset=dataset,
                                                    binary=binary)
    if dataset in NPZ_SETS:  # an image set whose feature network is not pinned yet
        warnings.warn(f"FID / KID / precision-recall skipped for {F.dataset_name(dataset)}: "
                      f"{conditional._unavailable(dataset)}.", RuntimeWarning, stacklevel=3)
    return {}


class _Parts(list):
    """The suites' results; appending one advances the progress bar."""

    def __init__(self, bar):
        super().__init__()
        self.bar = bar

    def append(self, part):
        super().append(part)
        self.bar.advance()


def _merge(parts):
    out = {"eval": {}, "protocol": {}}
    for part in parts:
        for k in out:
            out[k].update(part.get(k, {}))
    return out if out["eval"] else {}


def evaluate(model, spec, n_samples=None, classifier=None):
    """The metrics of `model` for its catalog entry `spec`, each with its protocol.

    Args:
        model: the loaded model (e.g. `zoo.load(spec.id)`).
        spec: its `zoo.registry.ModelSpec`: its capabilities and dataset choose the metrics.
        n_samples: override the sample counts (10,000 digits, 2,500 per mixture seed,
            26,000 Stacked MNIST; for encoders and classifiers, the first n test images) for
            quick looks; published numbers use the defaults.
        classifier: feature network (default: the one `features.FEATURE_NETWORKS` pins for
            the dataset, e.g. ``mnist-classifier``).

    Returns:
        {"eval": {name: number}, "protocol": {name: how it was computed}}; {} when the suite
        has no metric for these capabilities / this dataset, or when the feature network it
        needs is not installed (with a warning).

    Raises:
        features.FeatureNetworkChangedError: the pinned feature network was retrained.

    Example:
        from zoo import eval, registry
        eval.evaluate(zoo.load("dcgan-mnist"), registry.get_spec("dcgan-mnist"))["eval"]["fid"]
    """
    with progress(None, f"Evaluating {spec.id} ({', '.join(cap.names(spec))})", unit="suite") as bar:
        return _merge(_suites(model, spec, n_samples, classifier, _Parts(bar)))


def _suites(model, spec, n_samples, classifier, parts):
    """`parts` with the result of every suite that applies to `spec` appended."""
    dataset = spec.dataset
    if cap.has(spec, cap.Classifier) and dataset in NPZ_SETS:  # the labelled image sets (MNIST, Fashion-MNIST)
        parts.append(classifier_metrics(model, n_samples, dataset))
    if cap.has(spec, cap.Encoder) and dataset in reconstruction.DATASETS:
        parts.append(reconstruction.autoencoder_metrics(model, n_samples))
    if cap.has(spec, cap.Likelihood) and dataset in reconstruction.DATASETS:
        parts.append(reconstruction.likelihood_metrics(model, n_samples))
    if cap.has(spec, cap.Generator):  # a VAE gets these beside its reconstruction metrics
        parts.append(generator_metrics(model, dataset, n_samples, classifier, spec.binary_data))
    if cap.has(spec, cap.Conditional):  # class-conditional samples: accuracy of the asked class, per class
        parts.append(conditional.conditional_metrics(model, dataset, n_samples, classifier))
    if cap.has(spec, cap.TextConditional):  # captions: the class and attributes asked for, held-out templates
        parts.append(text2image.text2image_metrics(model, dataset, n_samples, classifier))
    if cap.has(spec, cap.Translator) and dataset in translation.DATASETS:  # paired translation: L1, SSIM, FCN idea
        parts.append(translation.translation_metrics(model, dataset, n_samples, classifier))
    if cap.has(spec, cap.Translator) and dataset in unpaired.DATASETS:  # unpaired: class kept, FID, cycle L1
        parts.append(unpaired.unpaired_metrics(model, dataset, n_samples, classifier))
    if cap.has(spec, cap.Upscaler):  # super-resolution: PSNR / SSIM beside bicubic, accuracy and FID where pinned
        parts.append(superres.superres_metrics(model, spec, n_samples, classifier))
    if cap.has(spec, cap.Embedding):  # word vectors: similarity and analogy sets (gensim's files)
        parts.append(embedding.embedding_metrics(model))
    if cap.has(spec, cap.Recommender) and dataset in recommend.DATASETS:
        parts.append(recommend.recommender_metrics(model, spec))
    if cap.has(spec, cap.Sequence):  # video prediction: per-frame MSE / BCE beside the trivial baselines
        parts.append(video.sequence_metrics(model, spec, n_samples))
    if cap.has(spec, cap.Documents):  # document vectors: inferred ones against human similarity judgements
        parts.append(documents.document_metrics(model, spec))
    return parts


def evaluate_id(handle, n_samples=None):
    """Load a catalog model (id, or a folder / hf:// handle saved from a catalog id) and
    `evaluate` it. Used by ``python -m zoo evaluate ID``.

    Example:
        zoo.eval.evaluate_id("dcgan-mnist")["eval"]["fid"]
    """
    from zoo import registry
    from zoo.hub import load

    model = load(handle, compile=False)
    model_id = getattr(model, "zoo_id", None)
    if model_id not in registry.REGISTRY:
        raise ValueError(
            f"{handle!r} is not a catalog model (its config names id {model_id!r}); call "
            "zoo.eval.evaluate(model, spec) with a ModelSpec that says which dataset it models."
        )
    return evaluate(model, registry.get_spec(model_id), n_samples=n_samples)
