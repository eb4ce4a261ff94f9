"""Train a catalog model from its recipe into a run folder; install it only when asked.

    python -m training.train dcgan-mnist                  # train into runs/dcgan-mnist/
    python -m training.train dcgan-mnist --install        # ... then install it if it is at least as good
    python -m training.train dcgan-mnist --epochs 1 --max-steps 50 --out /tmp/try   # a smoke run
    python -m training.train dcgan-mnist --strategy mirrored            # on all local GPUs

Training never touches the shipped weights: the run folder (default ``runs/<id>``, or
``--out``) holds ``checkpoint/`` (resumed automatically when the command is run again; the
logs are cut back to the checkpoint, so no step is logged twice), ``samples/epoch_XXX.png``,
``history.csv``, ``steps.csv`` / ``probes.csv`` (training curves), ``tensorboard/`` (the same
curves, learning rates and per-epoch samples for ``tensorboard --logdir runs``), ``metrics.json``
and the final ``model/``. Each epoch's batches are the train split shuffled with a seed made of
(recipe seed, epoch), and the checkpoint keeps the model's random state, so a killed and
resumed run ends with the weights of an uninterrupted one. Training stops on NaN, keeping
the last good checkpoint. Running the command again on a finished run folder trains nothing:
it says so and reuses the run's model and metrics (so ``--install`` can follow a run).

``--install`` copies the run's model into ``zoo/pretrained/<id>/`` only when its primary
metric (`ModelSpec.primary_metric`) is at least as good as the shipped weights'; otherwise it
refuses and names both numbers. ``--force`` installs anyway and says what it replaces. A weight
file over the bundled-model budget (8 MiB; 16 MiB for a float16 embedding table) is never
installed; training says so at its start. An
install writes the new folder (weights, config, metrics, card, images) beside the old one
and swaps it in whole, re-pins every file's sha256 in ``zoo/checksums.py``, bumps the id's
version and appends an entry to ``zoo/pretrained/CHANGELOG.md``. ``--no-install`` is
accepted for old scripts and does nothing: not installing is the default.

``--strategy mirrored`` trains on all local GPUs (``--devices N``: the CPU split into N logical
devices, to try it out), ``--strategy multiworker`` on the workers of the ``TF_CONFIG`` cluster
(every worker runs the same command; the chief, or worker 0, writes the run folder, the other
workers their checkpoints under ``<run>/workers/``). The recipe's batch is the global batch, split
evenly across the replicas, so a step is the one-device step (docs/distribute.md).

A recipe with ``warm_start`` (`zoo.recipes.Recipe`) begins from installed weights instead of
random ones: each run is one cycle of warm restarts, in its own folder ``runs/<id>-cycle<n>``,
and its metrics add up the training seconds of the whole chain. That is how a training longer
than one sitting is split into runs that each end installed. A recipe whose only warm-start id
is its own begins its first cycle from random weights.

``--card-only`` rewrites the card of the installed weights (and redraws its images);
``--evaluate-only`` evaluates them again and rewrites metrics.json and the card. Both re-pin
the id's files. Exit status: 0 on success, 1 on an error or a refused install, 2 on bad options.
"""

import argparse
import ast
import contextlib
import dataclasses
import datetime
import json
import math
import os
import shutil
import sys
import tempfile
import time

import keras
import numpy as np

import zoo
from zoo import capabilities as cap
from zoo import data, distribute, hub, registry, saving, viz
from training import callbacks as cb
from training import curves
from training.card import CHANGELOG, has_figures, write_card

SHUFFLE_BUFFER = 100_000  # a dataset up to this size is shuffled whole, larger ones through this buffer


class TrainError(RuntimeError):
    """A training or install that cannot proceed; the message says why and what to do."""


class TrainingDiverged(TrainError):
    """Losses became NaN/inf; the last good checkpoint is kept."""


class InstallRefused(TrainError):
    """The new model is not at least as good as the shipped one (and --force was not given)."""


class DataUnavailable(TrainError):
    """The training data cannot be loaded on this machine."""


# ----------------------------------------------------------------------------- data
def _steps(ds):
    import tensorflow as tf

    n = int(ds.cardinality())
    return None if n in (tf.data.INFINITE_CARDINALITY, tf.data.UNKNOWN_CARDINALITY) else n


def epoch_seed(seed, epoch):
    """The shuffle seed of one epoch: a function of (recipe seed, epoch) only."""
    return int(np.random.SeedSequence([int(seed), int(epoch)]).generate_state(1)[0])


def epoch_data(spec, recipe, k=1, max_steps=None):
    """(epoch -> tf.data.Dataset of that epoch's batches, steps per epoch).

    Epoch e is the train split shuffled with `epoch_seed(recipe.seed, e)` and cut into
    batches of ``recipe.batch_size * k`` (a GAN step takes K critic batches), at most
    `max_steps` of them. A streamed dataset (`zoo.data.is_stream`: word2vec's and doc2vec's
    text streams, Moving MNIST), whose every pass is drawn afresh, is loaded once per epoch with
    that seed instead. The order depends on nothing else, so a resumed run sees the same
    batches as an uninterrupted one. `DataUnavailable` when the data cannot be loaded here.
    """
    import tensorflow as tf

    if data.is_stream(spec.dataset):
        return _stream_epochs(spec, recipe, recipe.batch_size * k, max_steps)
    try:
        single = data.load(spec.dataset, split="train", batch_size=1, shuffle=False, drop_remainder=False,
                           with_labels=recipe.with_labels)
        n = _steps(single)
        if n is None:
            n = int(single.reduce(0, lambda count, _: count + 1))
    except Exception as e:  # noqa: BLE001 (a missing package, no network, no files: all say the same)
        raise _unavailable(spec, e) from None
    batch = recipe.batch_size * k
    steps = n // batch if not max_steps else min(n // batch, max_steps)
    if steps < 1:
        raise DataUnavailable(f"{spec.dataset} has {n} training examples, fewer than one batch of {batch}.")
    elements = single.unbatch()
    buffer = n if n <= SHUFFLE_BUFFER else 10_000

    def make(epoch):
        ds = (elements.shuffle(buffer, seed=epoch_seed(recipe.seed, epoch), reshuffle_each_iteration=False)
              .batch(batch, drop_remainder=True).take(steps))
        return ds.apply(tf.data.experimental.assert_cardinality(steps)).prefetch(tf.data.AUTOTUNE)

    return make, steps


def _unavailable(spec, e):
    return DataUnavailable(
        f"{spec.id} trains on {spec.dataset!r}, which cannot be loaded here ({type(e).__name__}: "
        f"{str(e)[:300]}). {data.DATASETS.get(spec.dataset, ('', ''))[1]}. Make the dataset available "
        f"(see zoo/data), or load trained weights with zoo.load('hf://<org>/<repo>')."
    )


def _stream_epochs(spec, recipe, batch, max_steps):
    """`epoch_data` of a streamed dataset: epoch e is ``data.load(..., seed=epoch_seed(seed, e))``,
    its sentences (sequences) shuffled and its random draws (subsampling, windows, negatives,
    trajectories) made from that seed, so a resumed epoch is the uninterrupted one."""
    import tensorflow as tf

    def load(epoch):
        return data.load(spec.dataset, split="train", batch_size=batch, seed=epoch_seed(recipe.seed, epoch),
                         shuffle=True, drop_remainder=True, with_labels=recipe.with_labels)

    try:
        n = _steps(load(0))
    except Exception as e:  # noqa: BLE001 (a missing package, no network, no files: all say the same)
        raise _unavailable(spec, e) from None
    if not n:
        raise DataUnavailable(f"{spec.dataset} streams fewer than one batch of {batch} an epoch, or an "
                              "unknown number of them.")
    steps = min(n, max_steps) if max_steps else n

    def make(epoch):
        ds = load(epoch).take(steps)
        return ds.apply(tf.data.experimental.assert_cardinality(steps))

    return make, steps


# ----------------------------------------------------------------------------- fit
def _rewind_logs(run_dir, epoch, step, steps):
    """Cut steps.csv / probes.csv / history.csv back to the checkpoint (epoch, step)."""
    last = epoch * steps + step if steps else None

    def upto(row):
        return int(float(row["step"])) <= last if last is not None else int(row["epoch"]) <= epoch

    dropped = sum(curves.rewind(os.path.join(run_dir, name), upto) for name in ("steps.csv", "probes.csv"))
    dropped += curves.rewind(os.path.join(run_dir, "history.csv"), lambda row: int(row["epoch"]) < epoch)
    if last is not None:  # TensorBoard's events are numbered by the same global step
        dropped += cb.rewind_tensorboard(os.path.join(run_dir, cb.TENSORBOARD_DIR), last)
    return dropped


def last_logs(run_dir):
    """The last row of the run's history.csv as {name: float} ({} when there is none)."""
    import csv

    path = os.path.join(run_dir, "history.csv")
    if not os.path.exists(path):
        return {}
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = {}
    for k, v in (rows[-1] if rows else {}).items():
        if k == "epoch" or k.startswith("val_"):
            continue
        try:
            out[k] = float(v)
        except (TypeError, ValueError):
            pass
    return out


def fit_with_checkpoints(model, ds, epochs, run_dir, recipe, verbose=True, max_steps=None, modes=None, steps=None):
    """Fit `model` for `epochs`, resuming from ``run_dir/checkpoint`` when present.

    Args:
        ds: a `tf.data.Dataset` used for every epoch, or a function epoch -> Dataset
            (`epoch_data`), which makes a resumed run exact.
        max_steps: cap on the steps per epoch (default None).
        modes: model -> dict of mode counts (`training.curves.mode_probe`), logged every
            ``recipe.probe_every`` steps (default None).
        steps: steps per epoch when known (default: the first epoch's cardinality).

    Per-step losses go to ``run_dir/steps.csv``, epoch logs to ``history.csv``; on resume
    both (and probes.csv) are cut back to the checkpoint. Each epoch is one ``fit`` call.
    Returns the logs of the last epoch (from history.csv when no epoch was left to run).
    Raises `TrainingDiverged` on a non-finite loss (the model is restored from the last good
    checkpoint). The checkpoint's ``state.json`` keeps the training seconds of all runs so far
    (`training_seconds`), counting the time before an interruption too.
    """
    from zoo.models.base import NonFiniteLossError

    per_epoch = ds if callable(ds) else (lambda epoch: ds)
    if max_steps:
        unlimited = per_epoch
        per_epoch = lambda epoch: unlimited(epoch).take(max_steps)  # noqa: E731
    steps = steps or _steps(per_epoch(0))
    ckpt_dir = os.path.join(run_dir, "checkpoint")
    state = cb.read_state(ckpt_dir)
    if state and steps and state.get("steps_per_epoch") not in (None, steps):
        raise TrainError(f"{ckpt_dir} was written by a run with {state['steps_per_epoch']} steps per epoch; this "
                         f"one has {steps} (another --max-steps?). Resume with the same options, or give another --out.")
    if state and int(state["epoch"]) > epochs:
        raise TrainError(f"{ckpt_dir} is at epoch {state['epoch']}, past the {epochs} epochs asked for; give "
                         "another --out (or more --epochs).")
    ckpt = cb.Checkpoint(ckpt_dir)
    try:
        epoch, step = ckpt.restore(model)
    except cb.CheckpointMismatch as err:
        raise TrainError(str(err)) from None
    _rewind_logs(run_dir, epoch, step, steps)
    if epoch or step:
        print(f"Resuming from {ckpt_dir}: epoch {epoch + 1}, step {step}.", flush=True)
    t0, before = time.time(), ckpt.seconds
    p0, cpu_before = time.process_time(), ckpt.cpu_seconds

    def clock():
        return before + time.time() - t0

    def cpu_clock():  # every thread of this process: with one TF thread, about the run's time alone
        return None if cpu_before is None else cpu_before + time.process_time() - p0

    logs = {}
    # TensorBoard: one writer for this process, numbered by global step like steps.csv (cut back above)
    board = cb.TensorBoardLog(os.path.join(run_dir, cb.TENSORBOARD_DIR), steps, start=(epoch, step),
                              flush_every=recipe.checkpoint_every, seed=recipe.sample_seed)
    modes = board.wrap_probe(modes)  # the probes CurveLog runs are written to TensorBoard too
    try:
        for e in range(epoch, epochs):
            offset = step if e == epoch else 0
            if steps and offset >= steps:
                continue  # the epoch's last step was saved just before its end-of-epoch save
            dataset = per_epoch(e).skip(offset) if offset else per_epoch(e)
            cbs = [  # logs before the checkpoint: a kill between them leaves rows the resume cuts back
                curves.CurveLog(run_dir, modes, recipe.probe_every, steps, start=(e, offset)),
                board,
                keras.callbacks.CSVLogger(os.path.join(run_dir, "history.csv"), append=True),
                cb.Checkpoint(ckpt_dir, every=recipe.checkpoint_every, start=(e, offset), clock=clock,
                              steps_per_epoch=steps, cpu_clock=cpu_clock),
            ]
            if cap.has(model, cap.Generator):
                cbs.append(cb.SampleGrid(os.path.join(run_dir, "samples"), seed=recipe.sample_seed))
            if verbose:
                cbs.append(cb.Progress(steps, epochs, start_step=offset))
            try:
                h = model.fit(dataset, initial_epoch=e, epochs=e + 1, callbacks=cbs, verbose=0,
                              shuffle=False)  # the dataset is shuffled already
            except NonFiniteLossError as err:
                board.close()  # before the rewind: nothing may be written after it
                saved = cb.read_state(ckpt_dir) is not None
                at = ckpt.restore(model)
                _rewind_logs(run_dir, *at, steps)
                raise TrainingDiverged(
                    f"{err} " + (f"The last good checkpoint (epoch {at[0] + 1}, step {at[1]}) is kept in {ckpt_dir} "
                                 "and the model was restored from it." if saved else
                                 "No checkpoint was written yet: nothing to resume from.")) from None
            logs = {k: v[-1] for k, v in h.history.items()}
    finally:  # an interrupted fit leaves no pending event to be written after a later resume's rewind
        board.close()
    return logs or last_logs(run_dir)


def step_label(model):
    """The training curves' x-axis label: a logged step of `model` (a GAN's step holds `g_steps` G updates)."""
    g_steps = getattr(model, "g_steps", 1)
    return f"training step ({g_steps} G updates each)" if g_steps > 1 else "generator step"


def training_seconds(run_dir, key="seconds"):
    """Training seconds (`key` "cpu_seconds": CPU seconds of the training processes) over all runs of
    `run_dir` (resumes included) up to its last checkpoint, or None when the checkpoint does not
    record them."""
    try:
        return (cb.read_state(os.path.join(run_dir, "checkpoint")) or {}).get(key)
    except (OSError, ValueError):
        return None


# ----------------------------------------------------------------------------- evaluation
def _save_samples(model, spec, recipe, run_dir):
    """The card's sample figure: 64 images, or for points 2,500 samples over the test split."""
    path = os.path.join(run_dir, "samples.png")
    seed = recipe.sample_seed if recipe else 0
    shape = data.DATASETS.get(spec.dataset, (None,))[0]
    if shape is not None and len(shape) == 1:
        ref, _ = data.arrays(spec.dataset, "test")
        return viz.save_scatter(path, model.generate(2500, seed=seed), reference=ref,
                                title=f"{spec.id}: generate(2500, seed={seed})")
    return viz.save_samples(path, model.generate(64, seed=seed))


def evaluate(model, spec, recipe):
    """{"eval": {...}, "protocol": {...}} of a trained model.

    The seeded metrics of `zoo.eval.evaluate` (what `python -m zoo evaluate ID` recomputes)
    when the suite knows this id; otherwise the family's own losses on the test split.
    """
    from zoo.eval import evaluate as suite

    out = suite(model, spec) or {}
    if out.get("eval"):
        return {"eval": dict(out["eval"]), "protocol": dict(out.get("protocol", {}))}
    batch = recipe.batch_size if recipe else 128
    test = data.load(spec.dataset, split="test", batch_size=batch, with_labels=bool(recipe and recipe.with_labels))
    res = model.evaluate(test, verbose=0, return_dict=True)
    return {"eval": {f"test_{k}": float(v) for k, v in res.items()},
            "protocol": {f"test_{k}": f"{spec.dataset} test split, batch {batch}, "
                         "fresh random codes (varies slightly between runs)" for k in res}}


def _write_json(path, obj):
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, sort_keys=True, allow_nan=False)
        f.write("\n")
    os.replace(tmp, path)


def _refresh_config_record(folder):
    """Update the digests config.json records for files of `folder` that were rewritten
    (metrics.json after --evaluate-only), so the folder stays loadable on its own."""
    path = os.path.join(folder, registry.CONFIG_FILE)
    cfg = saving.read_json(path, saving.MAX_CONFIG_BYTES, "a model config")
    files = cfg.get("files", {})
    fresh = {n: saving.sha256_file(os.path.join(folder, n)) for n in files if os.path.isfile(os.path.join(folder, n))}
    if any(files[n] != sha for n, sha in fresh.items()):
        cfg["files"] = {**files, **fresh}
        _write_json(path, cfg)


def _installed(model_id):
    spec = registry.get_spec(model_id)
    if spec.status != "trained":
        how = f"python -m {spec.trainer} --install" if spec.trainer else f"python -m training.train {model_id} --install"
        raise TrainError(f"{model_id} has no installed weights (train and install them with `{how}`).")
    return spec


def _load_installed(spec, compile=True):
    """The installed model, its model files (config, weights, metrics) checked against their pins;
    the card and its images are not needed, they are what --card-only / --evaluate-only rewrite."""
    model_files = {k: v for k, v in spec.files.items()
                   if k in (registry.CONFIG_FILE, registry.WEIGHTS_FILE, registry.METRICS_FILE)}
    return hub.load_folder(spec.pretrained_dir, compile=compile, pinned=model_files)


def reevaluate(model_id):
    """Evaluate the installed weights again; rewrite their metrics.json and card, re-pin the files."""
    spec = _installed(model_id)
    model = _load_installed(spec)
    metrics = dict(spec.metrics)
    key = spec.primary_metric[0] if spec.primary_metric else None
    before = metrics.get("eval", {}).get(key)
    metrics.update(evaluate(model, spec, spec.recipe))
    _write_json(os.path.join(spec.pretrained_dir, registry.METRICS_FILE), metrics)
    _changelog(spec, spec.version, spec.version, before, metrics.get("eval", {}).get(key), metrics, False,
               note="re-evaluated (--evaluate-only): weights unchanged")
    _refresh_config_record(spec.pretrained_dir)
    write_checksum(model_id)  # before the card: drawing its figures loads the model through the pins
    write_card(model_id)
    write_checksum(model_id)
    print(json.dumps(metrics["eval"], indent=2))
    return metrics


def redraw_card(model_id):
    """Rewrite the card of installed weights, drawing its images again from them; re-pin.

    The model files (config, weights, metrics) must match their pins; the card and its
    images are regenerated whatever state they are in (missing, stale, hand-edited).
    """
    spec = _installed(model_id)
    model = _load_installed(spec, compile=False)
    with tempfile.TemporaryDirectory() as tmp:
        samples = _save_samples(model, spec, spec.recipe, tmp) if cap.has(spec, cap.Generator) else None
        write_checksum(model_id)  # the model files are checked; the figures load the model through the pins
        path = write_card(model_id, samples=samples)
    write_checksum(model_id)
    print(f"Wrote {os.path.relpath(path)} (version {registry.get_spec(model_id).version}) and re-pinned its files.")
    return path


# ----------------------------------------------------------------------------- checksums
def _read_checksums(path):
    """(text before FILES, FILES, VERSIONS) of a checksums.py file."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    values = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            values[node.targets[0].id] = ast.literal_eval(node.value)
    head = text[:text.index("\nFILES = ") + 1] if "\nFILES = " in text else '"""sha256 of every published file."""\n\n'
    return head, dict(values.get("FILES", {})), dict(values.get("VERSIONS", {}))


def _render_checksums(head, files, versions):
    out = [head, "FILES = {\n"]
    for mid in sorted(files):
        out.append(f"    {json.dumps(mid)}: {{\n")
        out += [f"        {json.dumps(name)}: {json.dumps(sha)},\n" for name, sha in sorted(files[mid].items())]
        out.append("    },\n")
    out.append("}\n\nVERSIONS = {\n")
    out += [f"    {json.dumps(mid)}: {int(v)},\n" for mid, v in sorted(versions.items())]
    out.append("}\n")
    return "".join(out)


def write_checksum(model_id, version=None):
    """Re-pin every file of zoo/pretrained/<id>/ in zoo/checksums.py (and set its version).

    The file is read from disk, not from the imported module, so entries another run wrote
    in the meantime are kept; it is rewritten atomically, ids sorted. The imported
    `zoo.checksums` is updated too, so this process loads the new files. Returns the pins.

    Args:
        model_id: catalog id.
        version: the id's new version (default None: unchanged).
    """
    from zoo import checksums

    folder = os.path.join(registry.PRETRAINED_DIR, model_id)
    pins = {}
    if os.path.isdir(folder):
        pins = {name: saving.sha256_file(os.path.join(folder, name)) for name in sorted(os.listdir(folder))
                if os.path.isfile(os.path.join(folder, name)) and not name.startswith(".") and not name.endswith(".tmp")}
    path = checksums.__file__
    head, files, versions = _read_checksums(path)
    if pins:
        files[model_id] = pins
    else:
        files.pop(model_id, None)
        versions.pop(model_id, None)
    if version is not None and pins:
        versions[model_id] = int(version)
    saving.write_file_atomic(path, text=_render_checksums(head, files, versions))
    checksums.FILES.clear()
    checksums.FILES.update(files)
    checksums.VERSIONS.clear()
    checksums.VERSIONS.update(versions)
    return pins


# ----------------------------------------------------------------------------- install
def judge(spec, metrics):
    """Whether `metrics` (a new model's metrics.json) may replace the shipped weights of `spec`.

    Returns (ok, shipped value, new value, explanation). No shipped weights: ok. Otherwise the
    new primary metric must be finite and at least as good as the shipped one.
    """
    key, mode = spec.primary_metric or (None, None)
    new = metrics.get("eval", {}).get(key) if key else None
    if spec.status != "trained":
        return True, None, new, f"{spec.id} has no shipped weights"
    if not key:
        return False, None, None, f"{spec.id} declares no primary metric to compare the new model with"
    old = spec.metrics.get("eval", {}).get(key)
    better = "higher" if mode == "max" else "lower"
    if not isinstance(new, (int, float)) or not math.isfinite(new):
        return False, old, new, f"the new model has no finite {key} (got {new!r})"
    if not isinstance(old, (int, float)) or not math.isfinite(old):
        return False, old, new, f"the shipped version {spec.version} records no {key} to compare with"
    ok = new >= old if mode == "max" else new <= old
    word = "at least as good as" if ok else "worse than"
    return ok, old, new, (f"the new model's {key} is {new:.6g}, {word} the shipped version {spec.version}'s "
                          f"{old:.6g} ({better} is better)")


def _changelog(spec, old_version, version, old, new, metrics, forced, note=None):
    """Append one row to zoo/pretrained/CHANGELOG.md (atomic rewrite)."""
    path = os.path.join(registry.PRETRAINED_DIR, CHANGELOG)
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else CHANGELOG_HEADER
    key = spec.primary_metric[0] if spec.primary_metric else "(no primary metric)"

    def num(v):
        return f"{v:.6g}" if isinstance(v, (int, float)) else "none"

    train = metrics.get("training", {})
    seconds = train.get("seconds", train.get("seconds_this_run"))
    row = [datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"), f"`{spec.id}`",
           f"{old_version} -> {version}", f"{key}: {num(old)} -> {num(new)}", str(train.get("recipe", "?")),
           f"{seconds} s" if seconds is not None else "?", note or ("forced (--force)" if forced else "")]
    text = text.rstrip("\n") + "\n| " + " | ".join(c.replace("|", "/") for c in row) + " |\n"
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)
    return path


CHANGELOG_HEADER = """# Changelog of the shipped weights

One row per install into `zoo/pretrained/<id>/` (`python -m training.train ID --install`,
`python -m training.tangentprop --install`), newest last, written by the install itself; a
re-evaluation of shipped weights (`--evaluate-only`) adds a row with the version unchanged.
Every install bumps the id's version (`VERSIONS` in `zoo/checksums.py`, stated on its card);
version 1 of each id is the weights shipped before this log began. An install replaces
shipped weights only when the new model's primary metric is at least as good, unless forced.

| date (UTC) | id | version | primary metric: shipped -> new | recipe | wall time | note |
| --- | --- | --- | --- | --- | --- | --- |
"""


MIB = 1024 * 1024


def weight_budget(spec):
    """Bytes a bundled weight file of `spec` may take (DESIGN.md): 8 MiB, or 16 MiB for an embedding
    family, whose table ships in float16."""
    return 16 * MIB if cap.has(spec, cap.Embedding) else 8 * MIB


def weight_bytes(model):
    """Size in bytes of `model`'s shipped weight file (written into a temporary folder, then removed)."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, registry.WEIGHTS_FILE)
        hub.write_weights(model, path)
        return os.path.getsize(path)


def _over_budget(spec, size):
    """A sentence when `size` bytes exceed `spec`'s weight budget, else None."""
    limit = weight_budget(spec)
    if size <= limit:
        return None
    return (f"{spec.id}'s weight file is {size:,} bytes, over the {limit // MIB} MiB budget of a bundled model "
            f"(DESIGN.md; {limit:,} bytes): shrink the configuration (ModelSpec.config) to ship it")


def install(model_id, model_dir, samples=None, curves=None, force=False):
    """Install a saved model (a `save_pretrained` folder with metrics.json) as the id's weights.

    Refuses (`InstallRefused`) a weight file over the id's budget (`weight_budget`; not even
    with `force`), and unless the new primary metric is at least as good as the shipped one's,
    or `force`. The new folder (model files, card, sample and curve images)
    is assembled in a temporary sibling of zoo/pretrained/<id> and swapped in whole, so the old
    files stay in place until the new ones are complete; then every file is re-pinned in
    zoo/checksums.py, the version bumped and the changelog appended. Returns the new version.
    """
    from zoo import checksums

    spec = registry.get_spec(model_id)
    metrics = saving.read_metrics(model_dir, required=True)
    weights = os.path.join(model_dir, registry.WEIGHTS_FILE)
    over = _over_budget(spec, os.path.getsize(weights)) if os.path.isfile(weights) else None
    if over:  # not even with --force: the budget holds for every bundled file
        raise InstallRefused(f"Not installed: {over}. The new model stays in {model_dir}.")
    ok, old, new, why = judge(spec, metrics)
    if not ok and not force:
        raise InstallRefused(f"Not installed: {why}. The new model stays in {model_dir}; add --force to replace "
                             "the shipped weights anyway.")
    old_version = int(_read_checksums(checksums.__file__)[2].get(model_id, 0)) if spec.status == "trained" else 0
    version = old_version + 1
    if not ok:
        print(f"--force: replacing {model_id} version {old_version} ({why}) with version {version}.", flush=True)
    elif spec.status == "trained":
        print(f"Installing {model_id} version {version} over version {old_version}: {why}.", flush=True)
    target = spec.pretrained_dir
    os.makedirs(os.path.dirname(target), exist_ok=True)
    stage = tempfile.mkdtemp(prefix=f".{model_id}.installing-", dir=os.path.dirname(target))
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(stage, 0o777 & ~umask)
        for name in os.listdir(model_dir):
            if os.path.isfile(os.path.join(model_dir, name)):
                shutil.copyfile(os.path.join(model_dir, name), os.path.join(stage, name))
        write_card(model_id, samples=samples, curves=curves, folder=stage, version=version, figures=False)
        saving.replace_dir(stage, target)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    write_checksum(model_id, version=version)
    if has_figures(registry.get_spec(model_id)):  # figures are drawn from the installed model
        write_card(model_id)
        write_checksum(model_id)
    _changelog(spec, old_version, version, old, new, metrics, forced=not ok)
    print(f"Installed {model_id} version {version} into {target}; its files are pinned in zoo/checksums.py.")
    return version


# ----------------------------------------------------------------------------- train
def _finished(run_dir, epochs, steps, config=None, defaults=None):
    """The metrics of a finished run folder (checkpoint at the end, model saved), else None.
    Raises TrainError when the saved model's config differs from `config` (the spec's) in a key; a key
    the saved config leaves out has its value in `defaults` (the family's `ADDED_OPTIONS`)."""
    state = cb.read_state(os.path.join(run_dir, "checkpoint"))
    if not state or int(state["epoch"]) != epochs or int(state["step"]) != 0:
        return None
    if state.get("steps_per_epoch") not in (None, steps):
        return None
    try:
        metrics = saving.read_metrics(os.path.join(run_dir, "model"), required=True)
        saved = saving.read_config(os.path.join(run_dir, "model"))["config"]
    except saving.ZooLoadError:
        return None
    saved = {**json.loads(json.dumps(defaults or {})), **saved}
    differ = sorted(k for k, v in json.loads(json.dumps(config or {})).items() if saved.get(k) != v)
    if differ:
        raise TrainError(f"{run_dir} holds a finished run of another config ("
                         + ", ".join(f"{k} {saved.get(k)!r} there, {config[k]!r} now" for k in differ)
                         + "); give another --out.")
    return metrics if metrics.get("training", {}).get("epochs") == epochs else None


def _warm_origin(spec, recipe):
    """The installed weights a warm-started run begins from (`Recipe.warm_start`): a record of the
    source id, its version, the cycle this run is and the training seconds before it; None when the
    recipe starts from random weights. Raises TrainError when none of its ids is installed."""
    if not recipe.warm_start:
        return None
    for source in recipe.warm_start:
        src = registry.get_spec(source)
        if src.status != "trained":
            continue
        if src.config != spec.config:
            raise TrainError(f"{spec.id} warm-starts from {source}, whose network differs: {src.config} against "
                             f"{spec.config}.")
        before = src.metrics.get("training", {})
        earlier = before.get("warm_start", {})
        return {"from": source, "version": src.version, "cycle": int(earlier.get("cycle", 0)) + 1,
                "seconds_before": before.get("seconds_total", before.get("seconds")),
                "cpu_seconds_before": before.get("cpu_seconds_total", before.get("cpu_seconds"))}
    if tuple(recipe.warm_start) == (spec.id,):  # a chain of its own: the first cycle from random weights
        return {"from": None, "version": None, "cycle": 1, "seconds_before": 0.0, "cpu_seconds_before": 0.0}
    raise TrainError(f"{spec.id} warm-starts from the installed weights of {' or '.join(recipe.warm_start)}; none is "
                     f"installed. Train {recipe.warm_start[-1]} first.")


def _warm_start(model, origin, run_dir):
    """Load the source weights of `origin` into `model` (their files checked against their pins),
    unless the run folder has a checkpoint, which then holds later weights. The origin is kept in
    the run folder, so a resumed run reports where it began even after another install."""
    path = os.path.join(run_dir, "warm_start.json")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            origin = json.load(f)
    if origin["from"] is None:
        print("Cycle 1 of warm restarts: from random weights.", flush=True)
    elif cb.read_state(os.path.join(run_dir, "checkpoint")) is None:
        source = _load_installed(registry.get_spec(origin["from"]), compile=False)
        model.set_weights(source.get_weights())
        print(f"Warm start: the weights of {origin['from']} version {origin['version']} (cycle {origin['cycle']}).",
              flush=True)
    _write_json(path, origin)
    return origin


def _add_earlier(record, origin):
    """Training seconds over the whole chain of warm starts, this run included."""
    for key in ("seconds", "cpu_seconds"):
        if record.get(key) is not None and origin.get(f"{key}_before") is not None:
            record[f"{key}_total"] = round(record[key] + origin[f"{key}_before"], 1)
    return {**record, "warm_start": origin}


def _hardware(strategy, name):
    """What a run trained on, for metrics.json and the card: "CPU" on one device, else the replicas."""
    if name == "none":
        return "CPU"
    kinds = sorted({d.split("device:")[-1].split(":")[0] for d in strategy.extended.worker_devices})
    n = strategy.num_replicas_in_sync
    return f"{n} replica{'s' if n != 1 else ''} ({name}, {'/'.join(kinds)})"


def _shard_by_data(per_epoch):
    """`per_epoch` whose datasets each worker shards by element: every worker builds the same
    batches and keeps its replicas' part of each global batch (the data are not files to split)."""
    import tensorflow as tf

    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return lambda epoch: per_epoch(epoch).with_options(options)


def train(model_id, epochs=None, out=None, install_weights=False, force=False, max_steps=None, verbose=True,
          strategy="none", devices=None):
    """Train `model_id` from its recipe into its run folder; install only if `install_weights`.

    `strategy` ("none", "mirrored", "multiworker") and `devices` choose the replicas
    (`zoo.distribute.strategy`); the recipe's batch is the global batch, split evenly across
    them. In a multi-worker run only the chief evaluates, saves the run's model and installs;
    another worker keeps its checkpoints and model in ``<run>/workers/<type>-<index>``.
    Returns the metrics dict (the run's metrics.json).
    """
    spec = registry.get_spec(model_id)
    if spec.trainer:
        raise TrainError(f"{model_id} is trained by its own experiment: python -m {spec.trainer}")
    if spec.recipe is None:
        raise TrainError(f"{model_id!r} has no training recipe (ModelSpec.recipe in its presets module).")
    try:  # first: the CPU can only be split before TensorFlow's first operation
        dist = distribute.strategy(strategy, devices)
        cluster = distribute.read_tf_config() if strategy == "multiworker" else None
    except distribute.DistributeError as e:
        raise TrainError(str(e)) from None
    recipe = dataclasses.replace(spec.recipe, epochs=epochs or spec.recipe.epochs)  # describe() says what ran
    origin = _warm_origin(spec, recipe)
    if origin:  # each cycle of warm restarts sees its own data order, in its own run folder
        recipe = dataclasses.replace(recipe, seed=recipe.seed + origin["cycle"] - 1)
    epochs, replicas, chief = recipe.epochs, dist.num_replicas_in_sync, distribute.is_chief(cluster)
    if recipe.batch_size % replicas:
        raise TrainError(f"The recipe's batch of {recipe.batch_size} examples is the global batch; it does not split "
                         f"evenly over {replicas} replicas. Train on a number of devices that divides it.")
    run_dir = os.path.abspath(out or os.path.join("runs", model_id + (f"-cycle{origin['cycle']}" if origin else "")))
    pretrained = os.path.abspath(registry.PRETRAINED_DIR)
    if os.path.commonpath([run_dir, pretrained]) == pretrained:
        raise TrainError(f"--out {run_dir} is inside {pretrained}: runs go elsewhere, --install puts them there.")
    if not chief:  # same steps, own checkpoints: a resumed worker restarts where the chief does
        run_dir = os.path.join(run_dir, "workers", f"{cluster['task']['type']}-{cluster['task']['index']}")
    keras.utils.set_random_seed(recipe.seed)
    k = int(spec.config.get("n_critic", 1))  # a GAN fit step takes K critic batches
    per_epoch, steps = epoch_data(spec, recipe, k, max_steps)
    if strategy == "multiworker":
        per_epoch = _shard_by_data(per_epoch)
    os.makedirs(run_dir, exist_ok=True)
    model_dir = os.path.join(run_dir, "model")
    options = getattr(registry.FAMILIES[spec.family], "ADDED_OPTIONS", {})
    metrics = _finished(run_dir, epochs, steps, spec.config, options)
    if metrics is not None:
        print(f"{run_dir} is a finished run ({epochs} epochs): nothing to train; its model and metrics are kept "
              "(another --out or a larger --epochs trains again).", flush=True)
    else:
        # weights, optimizers, seed generators and trackers made in the scope: one copy per replica
        with dist.scope() if strategy != "none" else contextlib.nullcontext():
            model = zoo.load(model_id, pretrained=False)
        if origin:
            origin = _warm_start(model, origin, run_dir)
        if chief and (over := _over_budget(spec, weight_bytes(model))):
            print(f"Warning: {over}; --install will refuse this run.", flush=True)
        split = (f"; {_hardware(dist, strategy)}, {recipe.batch_size * k // replicas} examples each per step"
                 if strategy != "none" else "")
        print(f"Training {model_id}: {recipe.describe(model_id)}, K={k}, {steps} steps per epoch{split}; run folder "
              f"{run_dir}", flush=True)
        t0 = time.time()
        probe = curves.mode_probe(spec.dataset) if cap.has(spec, cap.Generator) else None
        logs = fit_with_checkpoints(model, per_epoch, epochs, run_dir, recipe, verbose, modes=probe, steps=steps)
        seconds = time.time() - t0
        described = recipe.describe(model_id) + (f", at most {max_steps} steps per epoch" if max_steps else "")
        record = {
            "epochs": epochs,
            "recipe": described,
            "final": {k_: float(v) for k_, v in logs.items() if not k_.endswith("_step")},
            "seconds_this_run": round(seconds, 1),
            # all runs of this folder, resumes included (this run alone when unrecorded)
            "seconds": training_seconds(run_dir) or round(seconds, 1),
            **({"cpu_seconds": cpu} if (cpu := training_seconds(run_dir, "cpu_seconds")) is not None else {}),
            "hardware": _hardware(dist, strategy),
            **({"max_steps": max_steps} if max_steps else {}),
        }
        metrics = {"training": _add_earlier(record, origin) if origin else record,
                   **(evaluate(model, spec, recipe) if chief else {})}
        hub.save_pretrained(model, model_dir, metrics=metrics, model_id=model_id)
        if not chief:
            print(f"This worker's copy of the model is in {model_dir}; the chief writes the run's results.",
                  flush=True)
            return metrics
        if cap.has(model, cap.Generator):
            _save_samples(model, spec, recipe, run_dir)
        curves.plot(run_dir, os.path.join(run_dir, "curves.png"), title=model_id, xlabel=step_label(model))
        _write_json(os.path.join(run_dir, "metrics.json"), metrics)
        print(json.dumps(metrics, indent=2))
    if not chief:
        return metrics
    samples, curve_png = (os.path.join(run_dir, n) for n in ("samples.png", "curves.png"))
    if install_weights:
        install(model_id, model_dir, samples=samples if os.path.exists(samples) else None,
                curves=curve_png if os.path.exists(curve_png) else None, force=force)
    else:
        ok, _, _, why = judge(spec, metrics)
        print(f"Not installed (the default): the model is in {model_dir} ({why}). "
              f"`python -m training.train {model_id} --install{'' if ok else ' --force'}"
              f"{' --out ' + run_dir if out else ''}` installs this run without training it again.", flush=True)
    return metrics


# ----------------------------------------------------------------------------- command line
def positive_int(text):
    """argparse type: an int >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer (1 or more), got {value}")
    return value


def _hand_off(a, spec):
    """Run the own driver of an id (`ModelSpec.trainer`) with the options that carry over."""
    import importlib

    module = spec.trainer
    if a.strategy != "none":
        print(f"error: {a.model_id} is trained by `python -m {module}`, which has no --strategy.", file=sys.stderr)
        return 2
    if a.epochs or a.max_steps:
        print(f"error: {a.model_id} is trained by `python -m {module}`, which has no --epochs / "
              f"--max-steps; see `python -m {module} --help` (e.g. --steps for a smoke run).", file=sys.stderr)
        return 2
    argv = [*(["--out", a.out] if a.out else []), *(["--install"] if a.install else []),
            *(["--force"] if a.force else []), *(["--no-install"] if a.no_install else [])]
    print(f"{a.model_id} is trained by its own experiment: python -m {module} {' '.join(argv)}".rstrip(),
          flush=True)
    return importlib.import_module(module).main(argv)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m training.train", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model_id", help="catalog id, e.g. dcgan-mnist")
    p.add_argument("--epochs", type=positive_int, help="override the recipe's epochs (a positive integer)")
    p.add_argument("--max-steps", type=positive_int, help="cap steps per epoch (smoke tests; a positive integer)")
    p.add_argument("--out", help="run folder (default runs/<id>)")
    p.add_argument("--install", action="store_true",
                   help="install the trained model into zoo/pretrained/<id> if its primary metric is at least "
                        "as good as the shipped weights'")
    p.add_argument("--force", action="store_true", help="with --install: install even if it is worse")
    p.add_argument("--no-install", action="store_true",
                   help="accepted for old scripts; does nothing (not installing is the default)")
    only = p.add_mutually_exclusive_group()
    only.add_argument("--card-only", action="store_true",
                      help="rewrite the model card (and redraw its samples) from the installed weights")
    only.add_argument("--evaluate-only", action="store_true",
                      help="evaluate the installed weights again, update metrics.json and the card")
    p.add_argument("--strategy", choices=distribute.STRATEGIES, default="none",
                   help="none: one device (default); mirrored: all local GPUs, or the CPU split by --devices; "
                        "multiworker: the workers of the TF_CONFIG cluster (run the same command on each). The "
                        "recipe's batch is the global batch, split evenly across the replicas")
    p.add_argument("--devices", type=positive_int,
                   help="with --strategy mirrored: split the CPU into N logical devices and train on them (to try "
                        "multi-device training without GPUs)")
    p.add_argument("--quiet", action="store_true",
                   help="no per-step progress lines and no progress bars (results and errors are still printed)")
    a = p.parse_args(argv)
    if a.quiet:
        from zoo import progress

        progress.set_quiet()  # the library's progress bars (evaluation, ...) too
    if a.force and not a.install:
        p.error("--force only applies with --install")
    if a.install and a.no_install:
        p.error("--install and --no-install contradict each other")
    if a.devices and a.strategy != "mirrored":
        p.error("--devices N splits the CPU for --strategy mirrored")
    if (a.card_only or a.evaluate_only) and (a.epochs or a.max_steps or a.out or a.install or a.force
                                             or a.strategy != "none"):
        p.error("--card-only / --evaluate-only work on the installed weights; they take no training or "
                "install options")
    try:
        spec = registry.get_spec(a.model_id)
        if a.no_install:
            print("note: --no-install is the default now (only --install touches zoo/pretrained).", file=sys.stderr)
        if spec.trainer and not (a.card_only or a.evaluate_only):
            return _hand_off(a, spec)
        if a.card_only:
            redraw_card(a.model_id)
        elif a.evaluate_only:
            reevaluate(a.model_id)
        else:
            train(a.model_id, a.epochs, a.out, a.install, a.force, a.max_steps, verbose=not a.quiet,
                  strategy=a.strategy, devices=a.devices)
    except (registry.UnknownModelError, TrainError, saving.ZooLoadError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
