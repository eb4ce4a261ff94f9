"""Train a catalog model from its recipe, evaluate it, and install weights + model card.

    python -m training.train dcgan-mnist                # reproduce the shipped weights
    python -m training.train dcgan-mnist --epochs 1 --out runs/try --no-install

The run folder (default ``runs/<id>``) holds ``checkpoint/`` (resumed automatically
when the command is run again), ``samples/epoch_XXX.png``, ``history.csv`` and the
final ``model/``. Training stops on NaN, keeping the last good checkpoint.
With installation (the default) the weights go to ``zoo/pretrained/<id>/``, their
sha256 to ``zoo/checksums.py`` and the card to ``model_cards/<id>.md``.
"""

import argparse
import dataclasses
import json
import os
import shutil
import sys
import time

import keras

import zoo
from zoo import data, hub, registry, viz
from zoo.registry import WEIGHTS_FILE
from training import callbacks as cb
from training import curves
from training.card import write_card
from training.recipes import RECIPES

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class TrainingDiverged(RuntimeError):
    """Losses became NaN/inf; the last good checkpoint is kept."""


def _steps(ds):
    import tensorflow as tf

    n = int(ds.cardinality())
    return None if n in (tf.data.INFINITE_CARDINALITY, tf.data.UNKNOWN_CARDINALITY) else n


def fit_with_checkpoints(model, ds, epochs, run_dir, recipe, verbose=True, max_steps=None, modes=None):
    """`model.fit` over `epochs`, resuming from ``run_dir/checkpoint`` when present.

    Per-step losses (GANs) go to ``run_dir/steps.csv``; `modes` (model -> dict of mode
    counts, see `training.curves.mode_probe`) is logged every ``recipe.probe_every`` steps.
    Returns the keras History logs of the last epoch. Raises `TrainingDiverged` on NaN.
    The checkpoint's ``state.json`` keeps the training seconds of all runs so far
    (`training_seconds`), counting the time before an interruption too.
    """
    if max_steps:
        ds = ds.take(max_steps)
    steps = _steps(ds)
    ckpt_dir = os.path.join(run_dir, "checkpoint")
    probe = cb.Checkpoint(ckpt_dir)
    epoch, step = probe.restore(model)
    if epoch or step:
        print(f"Resuming from {ckpt_dir}: epoch {epoch + 1}, step {step}.", flush=True)
    t0, before = time.time(), probe.seconds

    def clock():
        return before + time.time() - t0

    nan = cb.StopOnNaN()
    logs = {}

    def run(dataset, first_epoch, last_epoch, start_step):
        cbs = [
            nan,  # first, so a NaN step is flagged before anything is saved
            cb.Checkpoint(ckpt_dir, every=recipe.checkpoint_every, start=(first_epoch, start_step), clock=clock),
            keras.callbacks.CSVLogger(os.path.join(run_dir, "history.csv"), append=True),
            curves.CurveLog(run_dir, modes, recipe.probe_every, steps, start=(first_epoch, start_step)),
        ]
        if hasattr(model, "generate"):
            cbs.append(cb.SampleGrid(os.path.join(run_dir, "samples"), seed=recipe.sample_seed))
        if verbose:
            cbs.append(cb.Progress(steps, epochs))
        h = model.fit(dataset, initial_epoch=first_epoch, epochs=last_epoch, callbacks=cbs, verbose=0,
                      shuffle=False)  # the dataset shuffles itself
        return {k: v[-1] for k, v in h.history.items()}

    if step and steps and step < steps and epoch < epochs:  # finish the interrupted epoch first
        logs = run(ds.skip(step), epoch, epoch + 1, step)
        epoch += 1
    if epoch < epochs and not nan.bad:
        logs = run(ds, epoch, epochs, 0)
    if nan.bad:
        probe.restore(model)
        raise TrainingDiverged(
            f"Losses became non-finite ({nan.bad[1]}); stopped. The last good checkpoint is "
            f"kept in {ckpt_dir} and the model was restored from it."
        )
    return logs


def training_seconds(run_dir):
    """Training seconds over all runs of `run_dir` (resumes included) up to its last checkpoint,
    or None when the checkpoint does not record them."""
    try:
        with open(os.path.join(run_dir, "checkpoint", "state.json"), encoding="utf-8") as f:
            return json.load(f).get("seconds")
    except (OSError, ValueError):
        return None


def _save_samples(model, spec, recipe, run_dir):
    """The card's sample figure: 64 images, or for 2D data 2,500 points over the data."""
    path = os.path.join(run_dir, "samples.png")
    if data.DATASETS.get(spec.dataset, (None,))[0] == (2,):
        ref, _ = data.arrays(spec.dataset, "test")
        return viz.save_scatter(path, model.generate(2500, seed=recipe.sample_seed), reference=ref,
                                title=f"{spec.id}: generate(2500, seed={recipe.sample_seed})")
    return viz.save_samples(path, model.generate(64, seed=recipe.sample_seed))


def evaluate(model, spec, recipe):
    """{"eval": {...}, "protocol": {...}} of a trained model.

    The seeded metrics of `zoo.eval.evaluate` (what `python -m zoo evaluate ID` recomputes)
    when the suite knows this id; otherwise the family's own losses on the test split.
    """
    from zoo.eval import evaluate as suite

    out = suite(model, spec) or {}
    if out.get("eval"):
        return {"eval": dict(out["eval"]), "protocol": dict(out.get("protocol", {}))}
    test = data.load(spec.dataset, split="test", batch_size=recipe.batch_size,
                     with_labels=recipe.with_labels)
    res = model.evaluate(test, verbose=0, return_dict=True)
    return {"eval": {f"test_{k}": float(v) for k, v in res.items()},
            "protocol": {f"test_{k}": f"{spec.dataset} test split, batch {recipe.batch_size}, "
                         "fresh random codes (varies slightly between runs)" for k in res}}


def reevaluate(model_id):
    """Evaluate the installed weights again; update their metrics.json and the model card."""
    spec = registry.get_spec(model_id)
    model = zoo.load(model_id)
    metrics = dict(spec.metrics)
    metrics.update(evaluate(model, spec, RECIPES[model_id]))
    path = os.path.join(spec.pretrained_dir, registry.METRICS_FILE)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(metrics, f, indent=2, sort_keys=True)
    os.replace(path + ".tmp", path)
    write_card(model_id)
    print(json.dumps(metrics["eval"], indent=2))
    return metrics


def redraw_card(model_id):
    """Rewrite the card of installed weights, drawing its sample figure again from them."""
    import tempfile

    spec = registry.get_spec(model_id)
    samples = None
    if spec.status == "trained" and "generate" in spec.tasks:
        model = zoo.load(model_id, compile=False)
        with tempfile.TemporaryDirectory() as tmp:
            samples = _save_samples(model, spec, RECIPES[model_id], tmp)
            return write_card(model_id, samples=samples)
    return write_card(model_id)


def install(model_id, model_dir, card_args):
    """Copy a saved model into zoo/pretrained/<id>, record its sha256, write the card."""
    target = os.path.join(registry.PRETRAINED_DIR, model_id)
    tmp = target + ".installing"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(model_dir, tmp)
    hub._atomic_replace_dir(tmp, target)
    sha = hub.sha256_file(os.path.join(target, WEIGHTS_FILE))
    write_checksum(model_id, sha)
    write_card(model_id, **card_args)
    return sha


def write_checksum(model_id, sha):
    """Record `sha` for `model_id` in zoo/checksums.py (re-read from disk, atomic rewrite).

    Reading the file, not the imported module, keeps entries that another training run
    installed while this one was running.
    """
    import ast

    from zoo import checksums

    path = checksums.__file__
    text = open(path, encoding="utf-8").read()
    head, _, table_src = text.partition("SHA256 = ")
    table = ast.literal_eval(table_src.strip())
    table[model_id] = sha
    body = "\n".join(f'    "{k}": "{v}",' for k, v in sorted(table.items()))
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(head + "SHA256 = {\n" + body + "\n}\n")
    os.replace(path + ".tmp", path)
    checksums.SHA256[model_id] = sha


def train(model_id, epochs=None, out=None, do_install=True, max_steps=None, verbose=True):
    """Train `model_id` from its recipe; returns the metrics dict."""
    spec = registry.get_spec(model_id)
    if model_id not in RECIPES:
        raise SystemExit(f"{model_id!r} has no training recipe in training/recipes.py.")
    recipe = RECIPES[model_id]
    epochs = epochs or recipe.epochs
    recipe = dataclasses.replace(recipe, epochs=epochs)  # so describe() states what actually ran
    run_dir = os.path.abspath(out or os.path.join("runs", model_id))
    os.makedirs(run_dir, exist_ok=True)
    keras.utils.set_random_seed(recipe.seed)
    model = zoo.load(model_id, pretrained=False)
    k = spec.config.get("n_critic", 1)
    ds = data.load(spec.dataset, split="train", batch_size=recipe.batch_size * k, seed=recipe.seed,
                   with_labels=recipe.with_labels)
    print(f"Training {model_id}: {recipe.describe()}, K={k}; run folder {run_dir}", flush=True)
    t0 = time.time()
    probe = curves.mode_probe(spec.dataset) if spec.family == "GAN" else None
    logs = fit_with_checkpoints(model, ds, epochs, run_dir, recipe, verbose, max_steps, probe)
    seconds = time.time() - t0
    metrics = {
        "training": {
            "epochs": epochs,
            "recipe": recipe.describe(),
            "final": {k_: float(v) for k_, v in logs.items() if not k_.endswith("_step")},
            "seconds_this_run": round(seconds, 1),
            # all runs of this folder, resumes included (this run alone when unrecorded)
            "seconds": training_seconds(run_dir) or round(seconds, 1),
            "hardware": "CPU",
        },
        **evaluate(model, spec, recipe),
    }
    model_dir = hub.save_pretrained(model, os.path.join(run_dir, "model"), metrics=metrics, model_id=model_id)
    samples = None
    if hasattr(model, "generate"):
        samples = _save_samples(model, spec, recipe, run_dir)
    curve_png = curves.plot(run_dir, os.path.join(run_dir, "curves.png"), title=model_id)
    with open(os.path.join(run_dir, "metrics.json"), "w", encoding="utf-8") as f:
        json.dump(metrics, f, indent=2)
    print(json.dumps(metrics, indent=2))
    if do_install:
        sha = install(model_id, model_dir, dict(samples=samples, curves=curve_png))
        print(f"Installed {model_id} (sha256 {sha}) and wrote model_cards/{model_id}.md")
    return metrics


# Ids whose weights come from an experiment with its own driver (python -m <module>).
OWN_SCRIPT = {"tangentprop-mnist": "training.tangentprop"}


def _hand_off(a):
    """Run the own driver of an id in OWN_SCRIPT with the options that carry over."""
    import importlib

    module = OWN_SCRIPT[a.model_id]
    if a.epochs or a.max_steps:
        print(f"error: {a.model_id} is trained by `python -m {module}`, which has no --epochs / "
              f"--max-steps; see `python -m {module} --help` (e.g. --steps for a smoke run).", file=sys.stderr)
        return 2
    argv = [*(["--out", a.out] if a.out else []), *(["--no-install"] if a.no_install else [])]
    print(f"{a.model_id} is trained by its own experiment: python -m {module} {' '.join(argv)}".rstrip(),
          flush=True)
    return importlib.import_module(module).main(argv)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m training.train", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model_id", help="catalog id, e.g. dcgan-mnist")
    p.add_argument("--epochs", type=int, help="override the recipe's epochs")
    p.add_argument("--out", help="run folder (default runs/<id>)")
    p.add_argument("--no-install", action="store_true", help="leave zoo/pretrained and model_cards alone")
    p.add_argument("--max-steps", type=int, help="cap steps per epoch (smoke tests)")
    p.add_argument("--card-only", action="store_true",
                   help="rewrite the model card (and redraw its samples) from the installed weights")
    p.add_argument("--evaluate-only", action="store_true",
                   help="evaluate the installed weights again, update metrics.json and the card")
    a = p.parse_args(argv)
    if a.model_id in OWN_SCRIPT and not (a.card_only or a.evaluate_only):
        return _hand_off(a)
    try:
        if a.card_only:
            redraw_card(a.model_id)
            return 0
        if a.evaluate_only:
            reevaluate(a.model_id)
            return 0
        train(a.model_id, a.epochs, a.out, not a.no_install, a.max_steps)
    except (registry.UnknownModelError, TrainingDiverged) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
