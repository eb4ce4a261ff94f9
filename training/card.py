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
TASK = {"GAN": "unconditional-image-generation", "Classifier": "image-classification"}


def _yaml_metrics(metrics):
    ev = metrics.get("eval", {})
    rows = []
    for k, v in sorted(ev.items()):
        if isinstance(v, (int, float)):
            rows.append(f"          - type: {k}\n            value: {v:.6g}\n            name: {k}")
    return "\n".join(rows)


def _fmt(v):
    return f"{v:.4f}" if isinstance(v, float) else str(v)


def write_card(model_id, samples=None, extra_sections=None):
    """Write model_cards/<id>.md (and <id>.png from `samples`); returns the card path."""
    spec = registry.get_spec(model_id)
    recipe = RECIPES.get(model_id)
    metrics = spec.metrics
    os.makedirs(CARDS, exist_ok=True)
    image = f"{model_id}.png"
    if samples:
        shutil.copy(samples, os.path.join(CARDS, image + ".tmp"))
        os.replace(os.path.join(CARDS, image + ".tmp"), os.path.join(CARDS, image))
    has_image = os.path.exists(os.path.join(CARDS, image))
    ds = DATASET_HUB.get(spec.dataset, spec.dataset)
    front = [
        "---",
        "library_name: keras",
        f"license: {spec.license}",
        "tags:",
        *[f"  - {t}" for t in ["zoo", spec.family.lower(), *TAGS.get(spec.family, [])]],
        "datasets:",
        f"  - {ds}",
    ]
    if metrics.get("eval"):
        front += [
            "model-index:",
            f"  - name: {model_id}",
            "    results:",
            "      - task:",
            f"          type: {TASK.get(spec.family, 'other')}",
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
        *(["images = model.generate(64, seed=0)   # float32 (64, H, W, C) in [0, 1]"]
          if "generate" in spec.tasks else []),
        "```",
        "",
        f"Status: **{spec.status}**. Family: `{spec.family}` (`zoo/models/{spec.family.lower()}.py`). "
        f"Paper: {spec.paper}.",
        "",
        "## Intended use",
        "",
        INTENDED.get(spec.family, INTENDED["GAN"]),
        "",
        "## Training recipe",
        "",
        f"- Data: `{spec.dataset}` train split (`zoo.data.load(\"{spec.dataset}\", split=\"train\")`), "
        "pixels scaled to [0, 1].",
        f"- Architecture: `{json.dumps(spec.config)}`.",
        f"- Recipe: {recipe.describe() if recipe else 'none'}.",
        f"- Reproduce: `python -m training.train {model_id}`.",
    ]
    if train:
        lines += [
            f"- Final running losses: "
            + ", ".join(f"{k} {_fmt(v)}" for k, v in train.get("final", {}).items()) + ".",
            f"- Wall time: {train.get('seconds_this_run', '?')} s on {train.get('hardware', 'CPU')} "
            "(2 cores).",
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
            lines += ["", "64 samples, `generate(64, seed=0)`."]
    for title, body in (extra_sections or []):
        lines += ["", f"## {title}", "", body]
    lines += [
        "",
        "## Limitations",
        "",
        *LIMITS.get(spec.family, LIMITS["GAN"]),
        "- Weights are deterministic given the recipe only up to floating point "
        "non-determinism of the CPU kernels.",
        "",
    ]
    path = os.path.join(CARDS, f"{model_id}.md")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    os.replace(path + ".tmp", path)
    return path
