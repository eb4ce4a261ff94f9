"""Model cards: Hub-style README for each catalog id, generated from registry + metrics.json."""

import json
import os
import shutil

from zoo import registry
from training.recipes import RECIPES

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CARDS = os.path.join(ROOT, "model_cards")

DATASET_HUB = {"mnist": "mnist", "celeb_a": "celeb_a"}
TAGS = {"GAN": ["gan", "generative-adversarial-network", "unconditional-image-generation"],
        "Classifier": ["image-classification"]}
INTENDED = {
    "GAN": "Teaching and research on generative models: sampling, latent interpolation, "
           "fine-tuning with `model.fit`, and as a baseline for the GAN variants of the zoo. "
           "Not for producing data that is passed off as real, nor for any decision about people.",
    "Classifier": "The feature network of the zoo's evaluation suite (FID, KID, precision/recall "
                  "and mode counts on digit data) and a teaching baseline. Not for reading "
                  "handwriting in any setting where errors affect people.",
}
LIMITS = {
    "GAN": ["- Trained on one dataset at low resolution; samples are not photorealistic and "
            "carry the biases of the data.",
            "- GAN samples can miss modes of the data (mode collapse); the evaluation table, "
            "not the sample grid, says how well the data is covered."],
    "Classifier": ["- Trained on MNIST only: digits that are not centred 28x28 light-on-dark "
                   "strokes are out of distribution.",
                   "- Many units of its 128-d feature layer are inactive on MNIST, so FID/KID "
                   "built on it compare zoo models with each other, not with Inception-based "
                   "numbers."],
}
# The 2D mixtures are teaching data: (intended use, limitations) replace the family's.
_TOY_USE = ("Teaching and research on mode collapse: compare this model's samples, training curves "
            "and mode counts with the other variants trained on the same data with the same network "
            "and recipe (`benchmarks/modes.md`), and fine-tune it with `model.fit`.")
_TOY_LIMITS = ["- A 2D toy problem: the numbers say how this recipe behaves on this mixture, not how "
               "the method ranks on real data.",
               "- One training run (seed 0) per variant: GAN training is noisy, and another seed can "
               "cover more or fewer modes; the std in the table is over sampling seeds, not "
               "training seeds.",
               "- High quality means within 3 standard deviations of a mode, a strict bar on these "
               "narrow modes (an exact sample of the mixture scores 98.9%)."]
TOY = {"ring8": (_TOY_USE, _TOY_LIMITS), "grid25": (_TOY_USE, _TOY_LIMITS)}
TASK = {"GAN": "unconditional-image-generation", "Classifier": "image-classification"}


def _tags(spec):
    """Hub tags: zoo, the family and its own tags, once each; no image task for 2D points."""
    tags = ["zoo", spec.family.lower(), *TAGS.get(spec.family, [])]
    if spec.dataset in TOY:
        tags = [t for t in tags if "image" not in t]
    return list(dict.fromkeys(tags))


# Datasets whose cards have their own (intended use, limitations) instead of their family's.
_STACKED_USE = ("Teaching and research on mode collapse at scale: Stacked MNIST has 1,000 modes (one per "
                "triple of digits), so how many of them the samples hit, and how evenly, is a direct "
                "measure of collapse. Compare `dcgan-stacked-mnist` with `mbd-dcgan-stacked-mnist` (the "
                "same DCGAN with minibatch discrimination) and the published numbers in "
                "`benchmarks/modes.md`; watch the modes-over-training curve. Not for producing data that "
                "is passed off as real, nor for any decision about people.")
_STACKED_LIMITS = [
    "- A short recipe (3 epochs) on 2 CPU cores: the samples are rough stacked digits, and a "
    "collapsed run stays collapsed; the mode count is the result, not the sample grid.",
    "- Modes are counted with `mnist-classifier` on each channel: a blurry channel still gets a "
    "label, so a hit mode is not a clean sample of it.",
]
DATASET_TEXT = {"stacked_mnist": (_STACKED_USE, _STACKED_LIMITS), **TOY}

# --- autoencoders (zoo/models/autoencoder.py, denoising.py, contractive.py, vae.py)
_AE_USE = ("Teaching and research on representation learning: codes (`encode`) to visualise, cluster "
           "or use as features, reconstructions and interpolations between digits, and a baseline "
           "against PCA at the same code size. ")
_AE_LIMITS = ["- Trained on MNIST only: anything but centred 28x28 light-on-dark digits is out of "
              "distribution and comes back as a digit-like blur.",
              "- Reconstructions are blurrier than the inputs: a 32-d code keeps the shape of a digit, "
              "not every detail of its strokes.",
              "- There is no prior over codes: decoding arbitrary codes, or points far from the codes of "
              "real digits, need not give digits."]
TAGS.update({"Autoencoder": ["dimensionality-reduction", "image-to-image"],
             "DenoisingAutoencoder": ["autoencoder", "denoising-autoencoder", "image-to-image"],
             "ContractiveAutoencoder": ["autoencoder", "contractive-autoencoder", "image-to-image"],
             "VAE": ["vae", "variational-autoencoder", "unconditional-image-generation"]})
INTENDED.update({
    "Autoencoder": _AE_USE + "Not for compressing data whose details matter, nor for any decision "
                             "about people.",
    "DenoisingAutoencoder": _AE_USE + "Also a demonstration of denoising: corrupt a digit and let the "
                                      "model restore it. Not for restoring documents or any data whose "
                                      "details matter, nor for any decision about people.",
    "ContractiveAutoencoder": _AE_USE + "Also a demonstration of the contraction penalty (compare its "
                                        "Jacobian norm and reconstructions with the plain autoencoder's). "
                                        "Not for any decision about people.",
    "VAE": "Teaching and research on latent-variable generative models: sampling, latent "
           "interpolation, likelihood evaluation by importance sampling, posterior means as "
           "features, fine-tuning with `model.fit`. Not for producing data that is passed off as "
           "real, nor for any decision about people.",
})
LIMITS.update({
    "Autoencoder": _AE_LIMITS,
    "DenoisingAutoencoder": _AE_LIMITS + ["- Trained on one kind and level of noise (see the "
                                          "architecture line); other corruptions are removed less well."],
    "ContractiveAutoencoder": _AE_LIMITS + ["- lambda trades reconstruction for contraction: the codes are "
                                            "sigmoid units, many of them saturated."],
    "VAE": ["- Trained on MNIST only, at 28x28; samples are blurry digits and carry the biases of the data.",
            "- Samples and reconstructions are the Bernoulli means p(x|z) (grey levels); binary samples "
            "drawn from them look noisier.",
            "- The test NLL is measured on one fixed stochastic binarization of the test split; other "
            "binarizations (e.g. the static one of Larochelle & Murray 2011) give somewhat different "
            "numbers, so compare with published figures with care.",
            "- Some latent dimensions may be unused (KL near 0, posterior collapse)."],
})
TASK.update({"Autoencoder": "image-to-image", "DenoisingAutoencoder": "image-to-image",
             "ContractiveAutoencoder": "image-to-image", "VAE": "unconditional-image-generation"})

# --- Tangent Prop (zoo/models/tangentprop.py), trained by training/tangentprop.py
TAGS["TangentPropClassifier"] = ["image-classification", "tangent-prop", "manifold-tangent-classifier"]
INTENDED["TangentPropClassifier"] = (
    "Teaching and research on invariance priors: how much the tangent vectors of an autoencoder help "
    "a classifier that sees few labels (see the table below), and a starting point for fine-tuning "
    "with `model.fit((x, tangents), y)`. Not for reading handwriting in any setting where errors "
    "affect people.")
LIMITS["TangentPropClassifier"] = [
    "- Trained on 1,000 labelled MNIST images: far less accurate than a classifier trained on all "
    "60,000 labels (`mnist-classifier`).",
    "- The tangents describe the MNIST manifold as one autoencoder learned it, and the penalty acts "
    "at the labelled images only; whether it helps is measured, not assumed (see the table)."]
TASK["TangentPropClassifier"] = "image-classification"
# Ids trained by their own script rather than `python -m training.train ID`.
REPRODUCE = {"tangentprop-mnist": "python -m training.tangentprop"}


def _module(family):
    """Source file of a family, e.g. zoo/models/denoising.py."""
    from zoo.models import FAMILIES

    cls = FAMILIES.get(family)
    return (cls.__module__.replace(".", "/") + ".py") if cls else f"zoo/models/{family.lower()}.py"


def _figures(spec):
    """Card sections with figures drawn from the installed model (autoencoders: reconstructions
    beside the inputs and PCA's, interpolations); [] for other families or untrained ids."""
    from zoo.eval import reconstruction

    if spec.family not in reconstruction.FAMILIES or spec.status != "trained":
        return []
    return reconstruction.card_figures(spec.id, CARDS)


def _clustering_section(ev):
    """("Clustering the codes", table of cluster accuracy / NMI, codes vs pixels) or None."""
    if "cluster_acc_kmeans_codes" not in ev:
        return None
    rows = ["| method | codes: accuracy | codes: NMI | pixels: accuracy | pixels: NMI |",
            "| --- | --- | --- | --- | --- |"]
    for method, name in (("kmeans", "k-means"), ("agglomerative", "Ward agglomerative")):
        if f"cluster_acc_{method}_codes" in ev:
            rows.append(f"| {name} | " + " | ".join(
                f"{ev[f'{m}_{method}_{space}']:.3f}" for space in ("codes", "pixels") for m in ("cluster_acc", "nmi"))
                + " |")
    body = ("k = 10 clusters of the MNIST test split, on the model's codes (`encode`) and on the raw "
            "pixels, compared with the digit labels (accuracy of the best one-to-one cluster-to-class "
            "map; normalized mutual information). Reproduce with `zoo.cluster(model, x, 10, "
            "method=\"kmeans\")` or `zoo.cluster.clustering_metrics(model, x, y)`; the protocol of each "
            "number is in the table above.\n\n" + "\n".join(rows))
    return "Clustering the codes", body


def _yaml_metrics(metrics):
    ev = metrics.get("eval", {})
    rows = []
    for k, v in sorted(ev.items()):
        if isinstance(v, (int, float)):
            rows.append(f"          - type: {k}\n            value: {v:.6g}\n            name: {k}")
    return "\n".join(rows)


def _fmt(v):
    return f"{v:.4f}" if isinstance(v, float) else str(v)


def _copy_in(src, name):
    shutil.copy(src, os.path.join(CARDS, name + ".tmp"))
    os.replace(os.path.join(CARDS, name + ".tmp"), os.path.join(CARDS, name))


def write_card(model_id, samples=None, extra_sections=None, curves=None):
    """Write model_cards/<id>.md (and <id>.png from `samples`, <id>-curves.png from `curves`);
    returns the card path. Images already in model_cards/ are kept and shown."""
    spec = registry.get_spec(model_id)
    recipe = RECIPES.get(model_id)
    metrics = spec.metrics
    os.makedirs(CARDS, exist_ok=True)
    image = f"{model_id}.png"
    if samples:
        _copy_in(samples, image)
    curves_image = f"{model_id}-curves.png"
    if curves:
        _copy_in(curves, curves_image)
    has_image = os.path.exists(os.path.join(CARDS, image))
    ds = DATASET_HUB.get(spec.dataset, spec.dataset)
    front = [
        "---",
        "library_name: keras",
        f"license: {spec.license}",
        "tags:",
        *[f"  - {t}" for t in _tags(spec)],
        "datasets:",
        f"  - {ds}",
    ]
    if metrics.get("eval"):
        front += [
            "model-index:",
            f"  - name: {model_id}",
            "    results:",
            "      - task:",
            f"          type: {'other' if spec.dataset in TOY else TASK.get(spec.family, 'other')}",
            "        dataset:",
            f"          name: {ds}",
            f"          type: {ds}",
            "          split: test",
            "        metrics:",
            _yaml_metrics(metrics),
        ]
    front.append("---")
    train = metrics.get("training", {})
    ev = metrics.get("eval", {})
    lines = [
        *front,
        "",
        f"# {model_id}",
        "",
        spec.summary + ".",
        "",
        "```python",
        "import zoo",
        f'model = zoo.load("{model_id}")',
        *((["points = model.generate(2500, seed=0)   # float32 (2500, 2)"] if spec.dataset in TOY
           else ["images = model.generate(64, seed=0)   # float32 (64, H, W, C) in [0, 1]"])
          if "generate" in spec.tasks else []),
        *(["x, _ = zoo.data.arrays(\"mnist\", \"test\")    # float32 (n, 28, 28, 1) in [0, 1]",
           "codes = model.encode(x)                 # (n, code_dim)",
           "x_hat = model.reconstruct(x)            # same shape as x"]
          if "reconstruct" in spec.tasks else []),
        "```",
        "",
        f"Status: **{spec.status}**. Family: `{spec.family}` (`{_module(spec.family)}`). "
        f"Paper: {spec.paper}.",
        "",
        "## Intended use",
        "",
        DATASET_TEXT[spec.dataset][0] if spec.dataset in DATASET_TEXT
        else INTENDED.get(spec.family, INTENDED["GAN"]),
        "",
        "## Training recipe",
        "",
        f"- Data: `{spec.dataset}` train split (`zoo.data.load(\"{spec.dataset}\", split=\"train\")`), "
        + ("2D points, each mode a Gaussian (`zoo/data/mixtures.py`)." if spec.dataset in TOY
           else "pixels scaled to [0, 1]."),
        f"- Architecture: `{json.dumps(spec.config)}`.",
        f"- Recipe: {recipe.describe() if recipe else 'none'}.",
        f"- Reproduce: `{REPRODUCE.get(model_id, 'python -m training.train ' + model_id)}`.",
    ]
    if train:
        lines += [
            f"- Final running losses: "
            + ", ".join(f"{k} {_fmt(v)}" for k, v in train.get("final", {}).items()
                       if not k.endswith("_step")) + ".",
            f"- Wall time: {train.get('seconds', train.get('seconds_this_run', '?'))} s on {train.get('hardware', 'CPU')} "
            "(2 cores)" + (f"; {train['seconds_note']}" if train.get("seconds_note") else "") + ".",
        ]
    lines += ["", "## Evaluation", ""]
    if ev:
        protocol = metrics.get("protocol", {})
        lines += ["| metric | value | protocol |", "| --- | --- | --- |"]
        lines += [f"| {k} | {_fmt(v)} | {protocol.get(k, 'test split')} |" for k, v in sorted(ev.items())]
        lines += ["", f"Recompute: `python -m zoo evaluate {model_id}`."]
    else:
        lines += ["Not evaluated yet: the weights are not published."]
    if "generate" in spec.tasks:
        lines += ["", "## Samples", ""]
        lines += [f"![samples of {model_id}]({image})" if has_image else "No samples yet."]
        if has_image:
            lines += ["", "2,500 samples, `generate(2500, seed=0)` (blue), and the test split (orange)."
                      if spec.dataset in ("ring8", "grid25") else "64 samples, `generate(64, seed=0)`."]
    if os.path.exists(os.path.join(CARDS, curves_image)):
        lines += ["", "## Training curves", "", f"![training curves of {model_id}]({curves_image})", "",
                  "Left: this step's discriminator and generator losses (moving mean). Middle: the "
                  "critic's Wasserstein estimate E D(real) - E D(fake) at every step (the stop "
                  "indicator of WGAN). Right, when present: modes covered by fresh samples during "
                  "training (see `training/curves.py` for the sample counts)."]
    # Sections stored in metrics.json ("card_sections": [[title, markdown], ...]) survive --card-only.
    stored = [tuple(sec) for sec in metrics.get("card_sections", [])]
    clustering = _clustering_section(ev)
    for title, body in [*(extra_sections or []), *stored, *([clustering] if clustering else []), *_figures(spec)]:
        lines += ["", f"## {title}", "", body]
    lines += [
        "",
        "## Limitations",
        "",
        *(DATASET_TEXT[spec.dataset][1] if spec.dataset in DATASET_TEXT
          else LIMITS.get(spec.family, LIMITS["GAN"])),
        "- Weights are deterministic given the recipe only up to floating point "
        "non-determinism of the CPU kernels.",
        "",
    ]
    path = os.path.join(CARDS, f"{model_id}.md")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    os.replace(path + ".tmp", path)
    return path
