"""Tangent Prop with few labels: the experiment behind ``tangentprop-mnist``.

    python -m training.tangentprop                    # sweep + table into runs/tangentprop-mnist (~55 min, 2 busy cores)
    python -m training.tangentprop --install          # ... then install it if it is at least as good
    python -m training.tangentprop --sweep-only       # choose the penalty weight only
    python -m training.tangentprop --steps 100 --out runs/tp-try   # smoke run

Protocol (Simard et al. 1992; tangents from a contractive autoencoder as in the Manifold
Tangent Classifier, Rifai et al. 2011):
- Data: MNIST train images 0..49,999 are the labelled pool, 50,000..59,999 the validation
  split; the test split is only used to report accuracy, never to choose anything.
- Labels: a class-balanced subset of the pool (n / 10 images per class) drawn with the
  run's seed; n in {100, 1,000}, seeds {0, 1, 2}.
- Tangents: the K leading right-singular vectors of the encoder Jacobian of the
  autoencoder (default ``cae-mnist``) at each labelled image (`zoo.manifold`).
- Training: the ``tangentprop-mnist`` architecture and recipe (optimizer, batch size,
  the same number of updates for every n), cross-entropy alone (penalty weight 0, the
  baseline) or plus the Tangent Prop penalty.
- Penalty weight: for each n, the weight of SWEEP_WEIGHTS with the best accuracy on the
  validation split for seed 0; the baseline and the chosen weight then run for 3 seeds.
16 trainings in all (the sweep's seed-0 runs are reused in the table), 10 with the penalty,
which costs ~10x a plain step. Results are cached in ``<out>/runs.json`` (a rerun skips finished runs). The shipped model
is the n = 1,000, seed 0 run with the penalty; the table goes into its metrics.json and card.

Like ``python -m training.train``, the experiment never touches the shipped weights by default:
the shipped run's model is saved in ``<out>/model`` (with metrics.json and the card's figure),
and only ``--install`` installs it, when its test accuracy (the id's primary metric) is at least
as good as the shipped one's; ``--force`` installs it anyway (`training.train.install`).
``--no-install`` is accepted and does nothing.
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import keras

MODEL_ID = "tangentprop-mnist"
LABELS = (100, 1000)
SEEDS = (0, 1, 2)
SWEEP_SEED = 0
SWEEP_WEIGHTS = (1.0, 10.0, 100.0)  # decades: from negligible next to the cross-entropy to dominant
K_TANGENTS = 8
ENCODER = "cae-mnist"
N_POOL = 50_000  # train images 0..49,999 may be labelled; the rest is the validation split
SHIPPED_LABELS = 1000


# ----------------------------------------------------------------------------- data
def mnist_splits():
    """(pool x, y), (validation x, y), (test x, y): float32 images (n, 28, 28, 1) in [0, 1]."""
    from zoo import data

    x, y = data.arrays("mnist", "train")
    xt, yt = data.arrays("mnist", "test")
    return (x[:N_POOL], y[:N_POOL]), (x[N_POOL:], y[N_POOL:]), (xt, yt)


def balanced_subset(y, n, seed):
    """Sorted indices of n examples, n / C of each of the C classes, drawn with `seed`."""
    classes = np.unique(y)
    if n % len(classes) or n < len(classes):
        raise ValueError(f"n={n} is not a positive multiple of the {len(classes)} classes.")
    rng = np.random.default_rng(seed)
    idx = [rng.choice(np.flatnonzero(y == c), n // len(classes), replace=False) for c in classes]
    return np.sort(np.concatenate(idx))


def total_steps(recipe):
    """Updates per run: the recipe's epochs over the 1,000-label set, for every n."""
    return recipe.epochs * (SHIPPED_LABELS // recipe.batch_size)


# ----------------------------------------------------------------------------- one run
def train_run(x, y, tangents, penalty_weight, seed, recipe, steps, config, log=print, chunks=10):
    """Train one TangentPropClassifier; returns (model, final logs, seconds).

    With penalty_weight 0 the tangents are not fed (plain cross-entropy); the batches are
    the same either way (same shuffle seed).
    """
    import tensorflow as tf

    from zoo.models.tangentprop import TangentPropClassifier

    keras.utils.set_random_seed(seed)
    model = TangentPropClassifier(**{**config, "penalty_weight": float(penalty_weight), "seed": seed})
    model.compile_from_config(recipe.compile_config())
    inputs = (x, tangents) if penalty_weight > 0 else x
    ds = (tf.data.Dataset.from_tensor_slices((inputs, y))
          .shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
          .repeat().batch(recipe.batch_size, drop_remainder=True).prefetch(2))
    chunks = max(1, min(chunks, steps))
    t0 = time.time()

    class Log(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            vals = " ".join(f"{k}={float(v):.4g}" for k, v in (logs or {}).items())
            done = (epoch + 1) * (steps // chunks)
            log(f"    step {done}/{steps} {vals} ({done / (time.time() - t0):.1f} steps/s)")

    h = model.fit(ds, epochs=chunks, steps_per_epoch=steps // chunks, verbose=0, callbacks=[Log()])
    final = {k: float(v[-1]) for k, v in h.history.items()}
    if not all(np.isfinite(v) for v in final.values()):
        raise RuntimeError(f"Training diverged: {final}")
    return model, final, time.time() - t0


def _key(n, w, seed, encoder, steps):
    """Cache key of a run; `encoder` names the weights too (e.g. cae-mnist@<sha256 prefix>)."""
    return f"labels={n} weight={w:g} seed={seed} encoder={encoder} k={K_TANGENTS} steps={steps}"


class Experiment:
    """The runs of the protocol, cached in `out`/runs.json (see the module docstring)."""

    def __init__(self, encoder, encoder_name, out, recipe, config, steps=None, log=print, encoder_sha=""):
        self.encoder, self.encoder_name, self.out = encoder, encoder_name, out
        # A retrained encoder must not reuse runs cached with the old one.
        self.encoder_tag = f"{encoder_name}@{encoder_sha[:12]}" if encoder_sha else encoder_name
        self.recipe, self.config, self.log = recipe, config, log
        self.steps = steps or total_steps(recipe)
        (self.xp, self.yp), (self.xv, self.yv), (self.xt, self.yt) = mnist_splits()
        os.makedirs(out, exist_ok=True)
        self.cache_path = os.path.join(out, "runs.json")
        self.runs = json.load(open(self.cache_path)) if os.path.exists(self.cache_path) else {}
        self._tangents = {}

    def subset(self, n, seed):
        from zoo import manifold

        if (n, seed) not in self._tangents:
            idx = balanced_subset(self.yp, n, seed)
            t0 = time.time()
            t, s = manifold.tangent_vectors(self.encoder, self.xp[idx], K_TANGENTS)
            self.log(f"  tangents of {n} images ({self.encoder_name}, k={K_TANGENTS}) in "
                     f"{time.time() - t0:.0f}s; mean singular values {np.round(s.mean(0), 3).tolist()}")
            self._tangents[(n, seed)] = (idx, t, s)
        return self._tangents[(n, seed)]

    def model_dir(self, key):
        return os.path.join(self.out, "models", key.replace(" ", "_").replace("=", "-"))

    def run(self, n, w, seed, keep_model=False):
        """Train (or reuse) one run; returns its record."""
        from zoo import hub

        key = _key(n, w, seed, self.encoder_tag, self.steps)
        folder = self.model_dir(key)
        if key in self.runs and (not keep_model or os.path.isdir(folder)):
            return self.runs[key]
        idx, t, _ = self.subset(n, seed)
        self.log(f"  run {key}")
        model, final, secs = train_run(self.xp[idx], self.yp[idx], t, w, seed, self.recipe, self.steps,
                                       self.config, log=self.log)
        rec = {"labels": n, "penalty_weight": w, "seed": seed, "encoder": self.encoder_tag,
               "k": K_TANGENTS, "steps": self.steps, "final": final, "seconds": round(secs, 1),
               "val_accuracy": float(np.mean(model.predict_labels(self.xv) == self.yv)),
               "test_accuracy": float(np.mean(model.predict_labels(self.xt) == self.yt))}
        self.log(f"  -> validation accuracy {rec['val_accuracy']:.4f} ({secs:.0f}s)")
        if keep_model:
            hub.save_pretrained(model, folder, model_id=MODEL_ID)
        self.runs[key] = rec
        with open(self.cache_path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(self.runs, f, indent=2, sort_keys=True)
        os.replace(self.cache_path + ".tmp", self.cache_path)
        return rec

    def sweep(self):
        """{n: chosen weight}, and the sweep records. Chosen on validation accuracy only."""
        chosen, records = {}, []
        for n in LABELS:
            self.log(f"Sweep, {n} labels, seed {SWEEP_SEED}: weights {(0.0,) + SWEEP_WEIGHTS}")
            recs = [self.run(n, w, SWEEP_SEED, keep_model=(n == SHIPPED_LABELS and w > 0))
                    for w in (0.0,) + SWEEP_WEIGHTS]
            best = max((r for r in recs if r["penalty_weight"] > 0), key=lambda r: r["val_accuracy"])
            chosen[n] = best["penalty_weight"]
            records += recs
            self.log(f"  validation accuracy: " + ", ".join(
                f"w={r['penalty_weight']:g}: {r['val_accuracy']:.4f}" for r in recs)
                + f" -> chosen weight {chosen[n]:g}")
        return chosen, records

    def table(self, chosen):
        """Baseline and chosen weight for every n and seed: {n: {"baseline"|"tangentprop": stats}}."""
        out = {}
        for n in LABELS:
            row = {}
            for name, w in (("baseline", 0.0), ("tangentprop", chosen[n])):
                self.log(f"{n} labels, {name} (weight {w:g}), seeds {list(SEEDS)}")
                recs = [self.run(n, w, s, keep_model=(n == SHIPPED_LABELS and w > 0 and s == 0))
                        for s in SEEDS]
                acc = np.array([r["test_accuracy"] for r in recs])
                row[name] = {"penalty_weight": w, "test_accuracy": acc.tolist(),
                             "mean": float(acc.mean()), "std": float(acc.std(ddof=1)),
                             "val_accuracy": [r["val_accuracy"] for r in recs]}
                self.log(f"  test accuracy {acc.mean():.4f} +- {acc.std(ddof=1):.4f} "
                         f"({', '.join(f'{a:.4f}' for a in acc)})")
            out[str(n)] = row
        return out


# ----------------------------------------------------------------------------- report
def markdown(table, chosen, sweep, encoder_name, steps, recipe):
    """The card section: protocol, the 12-run table and the validation sweep."""
    rows = ["| labels | training | penalty weight | test accuracy, mean ± std | seeds 0, 1, 2 |",
            "| --- | --- | --- | --- | --- |"]
    for n, row in table.items():
        for name, r in row.items():
            what = "cross-entropy" if name == "baseline" else "cross-entropy + Tangent Prop"
            rows.append(f"| {int(n):,} | {what} | {r['penalty_weight']:g} | {r['mean']:.4f} ± {r['std']:.4f} | "
                        + ", ".join(f"{a:.4f}" for a in r["test_accuracy"]) + " |")
    srows = ["| labels | " + " | ".join(f"w={w:g}" for w in (0.0,) + SWEEP_WEIGHTS) + " |",
             "| --- |" + " --- |" * (1 + len(SWEEP_WEIGHTS))]
    for n in LABELS:
        by_w = {r["penalty_weight"]: r["val_accuracy"] for r in sweep if r["labels"] == n}
        srows.append(f"| {n:,} | " + " | ".join(f"{by_w[w]:.4f}" for w in (0.0,) + SWEEP_WEIGHTS) + " |")
    verdict = []
    for n, row in table.items():
        # Paired by seed: the same labelled images and batches with and without the penalty.
        d = np.subtract(row["tangentprop"]["test_accuracy"], row["baseline"]["test_accuracy"]) * 100
        word = ("helped on every seed" if np.all(d > 0) else "hurt on every seed" if np.all(d < 0)
                else "helped on some seeds and not on others")
        verdict.append(f"with {int(n):,} labels the penalty {word} (paired differences "
                       f"{', '.join(f'{v:+.2f}' for v in d)} points; mean {d.mean():+.2f} ± {d.std(ddof=1):.2f})")
    return "\n".join([
        f"Test accuracy on all 10,000 MNIST test images of the same network trained on "
        f"{', '.join(f'{n:,}' for n in LABELS)} labelled images, with and without the Tangent Prop "
        f"penalty. Tangents: the {K_TANGENTS} leading right-singular vectors of the Jacobian of "
        f"`{encoder_name}`'s encoder at each labelled image (`zoo.manifold.tangent_vectors`). "
        f"Labelled images: a class-balanced subset of MNIST train images 0..49,999 drawn with the "
        f"run's seed; every run takes {steps:,} updates of batch {recipe.batch_size} "
        f"({recipe.describe()}). Mean ± sample std (ddof=1) over seeds {', '.join(map(str, SEEDS))}.",
        "",
        *rows,
        "",
        f"Tangent Prop minus baseline, seed by seed: {'; '.join(verdict)}. Three seeds are few: "
        "read differences smaller than the spread over seeds as no measurable effect.",
        "",
        f"The penalty weight was chosen per label count on the validation split (MNIST train "
        f"images 50,000..59,999, never the test split), seed {SWEEP_SEED}; validation accuracy:",
        "",
        *srows,
        "",
        f"Chosen: " + ", ".join(f"{n:,} labels -> {chosen[n]:g}" for n in LABELS)
        + f". Reproduce: `python -m training.tangentprop` (the shipped weights are the "
        f"{SHIPPED_LABELS:,}-label, seed-0 run with the penalty).",
    ])


def shipped_model(exp, chosen, sweep, table, figure_x=None):
    """Evaluate the shipped run's model and save it with its metrics.json (experiment table and
    card section) into ``<out>/model``; returns (model folder, figure path or None)."""
    import zoo
    from zoo import hub, manifold, registry
    from training.train import evaluate

    spec = registry.get_spec(MODEL_ID)
    w = chosen[SHIPPED_LABELS]
    key = _key(SHIPPED_LABELS, w, 0, exp.encoder_tag, exp.steps)
    model = zoo.load(exp.model_dir(key))
    rec = exp.runs[key]
    metrics = {
        "training": {
            "epochs": exp.recipe.epochs,
            "recipe": exp.recipe.describe() + f"; {SHIPPED_LABELS:,} labelled images (class-balanced, "
                      f"seed 0), tangents: {K_TANGENTS} per image from {exp.encoder_name}",
            "final": rec["final"],
            "seconds_this_run": rec["seconds"],
            "hardware": "CPU",
        },
        **evaluate(model, spec, exp.recipe),
        "experiment": {"encoder": exp.encoder_name, "encoder_run_tag": exp.encoder_tag, "k_tangents": K_TANGENTS, "steps": exp.steps,
                       "labels": list(LABELS), "seeds": list(SEEDS), "sweep_weights": list(SWEEP_WEIGHTS),
                       "chosen_weight": {str(n): chosen[n] for n in LABELS}, "sweep": sweep,
                       "table": table},
    }
    if abs(metrics["eval"]["test_accuracy"] - rec["test_accuracy"]) > 0:
        raise RuntimeError("The reloaded model's test accuracy differs from the run's: "
                           f"{metrics['eval']['test_accuracy']} vs {rec['test_accuracy']}.")
    fig = None
    if figure_x is not None:
        fig = manifold.save_tangent_figure(os.path.join(exp.out, "tangents.png"), exp.encoder, figure_x,
                                           k=6, title=exp.encoder_name)
    text = markdown(table, chosen, sweep, exp.encoder_name, exp.steps, exp.recipe)
    if fig:
        text += (f"\n\n![tangent vectors of {exp.encoder_name}]({MODEL_ID}.png)\n\nThe first 6 MNIST "
                 f"test images and the 6 leading tangent vectors of `{exp.encoder_name}` there "
                 "(red +, blue -; s = singular value): the directions the penalty makes the "
                 "classifier insensitive to.")
    metrics["card_sections"] = [["Tangent Prop with few labels", text]]
    folder = hub.save_pretrained(model, os.path.join(exp.out, "model"), metrics=metrics, model_id=MODEL_ID)
    print(f"Saved the shipped run's model in {folder}; test accuracy {metrics['eval']['test_accuracy']:.4f}.")
    return folder, fig


def install_shipped(folder, chosen, fig=None, force=False):
    """Install the saved model like `python -m training.train ID --install` (same comparison)."""
    from zoo import registry
    from training.train import install

    spec = registry.get_spec(MODEL_ID)
    w = chosen[SHIPPED_LABELS]
    if spec.config.get("penalty_weight") != w:
        raise SystemExit(
            f"The sweep chose penalty weight {w:g} for {SHIPPED_LABELS} labels but the catalog config "
            f"of {MODEL_ID} says {spec.config.get('penalty_weight')!r}: update the preset in "
            f"zoo/models/tangentprop_presets.py, then run this command again (runs are cached).")
    return install(MODEL_ID, folder, samples=fig, force=force)


def positive_int(text):
    from training.train import positive_int as check

    return check(text)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m training.tangentprop", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--encoder", default=ENCODER, help=f"autoencoder giving the tangents (default {ENCODER})")
    p.add_argument("--out", default=os.path.join("runs", MODEL_ID), help="run folder (default runs/<id>)")
    p.add_argument("--steps", type=positive_int, help="override the updates per run (smoke runs; a positive integer)")
    p.add_argument("--sweep-only", action="store_true", help="only choose the penalty weights")
    p.add_argument("--install", action="store_true",
                   help="install the shipped run into zoo/pretrained if its test accuracy is at least as good")
    p.add_argument("--force", action="store_true", help="with --install: install even if it is worse")
    p.add_argument("--no-install", action="store_true",
                   help="accepted for old scripts; does nothing (not installing is the default)")
    a = p.parse_args(argv)
    if a.force and not a.install:
        p.error("--force only applies with --install")
    if a.install and (a.no_install or a.sweep_only):
        p.error("--install cannot go with --no-install or --sweep-only")

    import zoo
    from zoo import registry

    t0 = time.time()
    spec = registry.get_spec(MODEL_ID)
    encoder = zoo.load(a.encoder, compile=False)
    sha = registry.get_spec(a.encoder).weights.get(registry.WEIGHTS_FILE, "") if a.encoder in registry.REGISTRY else ""
    exp = Experiment(encoder, a.encoder, a.out, spec.recipe, dict(spec.config), steps=a.steps,
                     log=lambda s: print(s, flush=True), encoder_sha=sha)
    print(f"Tangent Prop experiment: encoder {a.encoder}, k={K_TANGENTS}, {exp.steps} updates per run, "
          f"run folder {a.out}", flush=True)
    chosen, sweep = exp.sweep()
    if a.sweep_only:
        print(json.dumps({str(n): w for n, w in chosen.items()}))
        return 0
    table = exp.table(chosen)
    print(markdown(table, chosen, sweep, a.encoder, exp.steps, exp.recipe))
    folder, fig = shipped_model(exp, chosen, sweep, table, figure_x=exp.xt[:6])
    if a.install:
        from training.train import TrainError

        try:
            install_shipped(folder, chosen, fig, force=a.force)
        except TrainError as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
    else:
        out = "" if a.out == os.path.join("runs", MODEL_ID) else f" --out {a.out}"
        print(f"Not installed (the default): `python -m training.tangentprop --install{out}` installs {folder} "
              "(the runs are cached) if its test accuracy is at least as good as the shipped one's.")
    print(f"Done in {time.time() - t0:.0f}s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
