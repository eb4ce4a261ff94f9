"""Callbacks of the training driver: checkpoints that resume exactly, NaN stop, samples, progress,
TensorBoard event files."""

import hashlib
import json
import math
import os
import sys
import time

import keras
import numpy as np

from zoo import viz

STATE_FILE = "state.json"
LEGACY_WEIGHTS = "last.weights.h5"  # the one weights file of checkpoints written before state.json named it


def _finite_logs(logs):
    return all(math.isfinite(float(v)) for v in (logs or {}).values())


def _finite_weights(model):
    return all(np.all(np.isfinite(w)) for w in model.get_weights())


def seed_states(model):
    """The model's random-number states (its `keras.random.SeedGenerator`s, e.g. a GAN's noise):
    variables that ``save_weights`` does not store but an exact resume needs."""
    saved = {id(v) for v in model.weights}
    return [v for v in model.variables if id(v) not in saved and "seed_generator" in v.path]


class CheckpointMismatch(ValueError):
    """The checkpoint was written by a network of another shape than the model restoring it."""


def weights_signature(model):
    """A digest of the shapes of `model`'s weights, in order: equal for two builds of one config,
    different when a layer, a filter count or a normalisation is added or changed."""
    shapes = [list(map(int, v.shape)) for v in model.weights]
    return hashlib.sha256(json.dumps(shapes).encode()).hexdigest()[:16]


def read_state(folder):
    """The checkpoint's state.json as a dict, or None when the folder holds no checkpoint."""
    path = os.path.join(folder, STATE_FILE)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class Checkpoint(keras.callbacks.Callback):
    """Save weights + optimizer state + random state every `every` steps and at each epoch end.

    Only a state whose losses and weights are all finite is saved, so the checkpoint on
    disk is always the last good one. Each save writes a new weights file
    (``ckpt-e<epoch>-s<step>.weights.h5``), then atomically replaces ``state.json`` that
    names it, then deletes the previous weights file: a kill at any moment leaves a
    state.json and the weights it names, never one without the other. `restore()` deletes
    whatever else is in the folder (a weights file a kill interrupted, temp files) and
    returns (epoch, step) where training should continue; `seconds` is then the training
    time the checkpoint holds. `clock` (a function returning seconds) gives the total
    training time to store with each save, so a resumed run still reports the time of all runs;
    `cpu_clock` likewise the CPU seconds of the training process (`cpu_seconds` after `restore()`:
    None when an earlier part of the run did not record them).

    Args:
        folder: the checkpoint folder.
        every: steps between mid-epoch saves (0: only at epoch ends; default 200).
        start: (epoch, step) this fit starts from (default (0, 0)).
        clock: callable returning the training seconds so far (default None).
        cpu_clock: callable returning the process's CPU seconds of training so far, or None when
            unknown (default None).
        steps_per_epoch: recorded in state.json so a resume with other options is refused.
    """

    def __init__(self, folder, every=200, start=(0, 0), clock=None, steps_per_epoch=None, cpu_clock=None):
        super().__init__()
        self.folder, self.every, self.clock, self.cpu_clock = folder, every, clock, cpu_clock
        self.steps_per_epoch = steps_per_epoch
        self.seconds, self.cpu_seconds = 0.0, 0.0
        self.epoch, self.step = start
        self._start_epoch = start[0]
        self._offset = start[1]  # steps already done in the first (resumed) epoch
        self.state = os.path.join(folder, STATE_FILE)

    def _clean(self, keep=()):
        """Delete every file of the folder but state.json and `keep`."""
        if not os.path.isdir(self.folder):
            return
        for name in os.listdir(self.folder):
            path = os.path.join(self.folder, name)
            if name != STATE_FILE and name not in keep and os.path.isfile(path):
                os.remove(path)

    def restore(self, model):
        """Load the checkpoint into `model`; returns (epoch, step), (0, 0) when there is none."""
        state = read_state(self.folder)
        if state is None:
            self._clean()
            return 0, 0
        weights = state.get("weights", LEGACY_WEIGHTS)
        mismatch = (f"The checkpoint in {self.folder} was written by a network of another shape than this "
                    "model's (its config changed since); give another run folder, or delete that one to start over.")
        if state.get("signature") not in (None, weights_signature(model)):
            raise CheckpointMismatch(mismatch)
        self._clean(keep=(weights,))
        try:
            model.load_weights(os.path.join(self.folder, weights))
        except ValueError as err:  # a checkpoint from before the signature was recorded
            raise CheckpointMismatch(f"{mismatch} ({str(err).splitlines()[0]})") from None
        seeds = state.get("seeds", [])
        variables = seed_states(model)
        if len(seeds) == len(variables):
            for var, value in zip(variables, seeds):
                var.assign(np.asarray(value, dtype=var.dtype))
        self.seconds = float(state.get("seconds", 0.0))
        self.cpu_seconds = state.get("cpu_seconds")  # None: a part of the run before this was not measured
        return int(state["epoch"]), int(state["step"])

    def _save(self, epoch, step):
        if not _finite_weights(self.model):
            return False
        os.makedirs(self.folder, exist_ok=True)
        old = (read_state(self.folder) or {}).get("weights")
        name = f"ckpt-e{epoch:04d}-s{step:07d}.weights.h5"
        self.model.save_weights(os.path.join(self.folder, name), overwrite=True)
        state = {"epoch": epoch, "step": step, "time": time.time(), "weights": name,
                 "signature": weights_signature(self.model),
                 "seeds": [np.asarray(v.numpy()).tolist() for v in seed_states(self.model)]}
        if self.steps_per_epoch:
            state["steps_per_epoch"] = int(self.steps_per_epoch)
        if self.clock is not None:
            state["seconds"] = round(float(self.clock()), 1)
        cpu = self.cpu_clock() if self.cpu_clock is not None else None
        if cpu is not None:
            state["cpu_seconds"] = round(float(cpu), 1)
        tmp = self.state + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(state, f)
        os.replace(tmp, self.state)
        if old and old != name and os.path.exists(os.path.join(self.folder, old)):
            os.remove(os.path.join(self.folder, old))
        return True

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        step = batch + 1 + (self._offset if self.epoch == self._start_epoch else 0)
        if self.every and step % self.every == 0 and _finite_logs(logs) and not self.model.stop_training:
            self._save(self.epoch, step)

    def on_epoch_end(self, epoch, logs=None):
        if _finite_logs(logs) and not self.model.stop_training:
            self._save(epoch + 1, 0)


class StopOnNaN(keras.callbacks.Callback):
    """Stop as soon as any logged loss is NaN or infinite (the driver restores the checkpoint)."""

    def __init__(self):
        super().__init__()
        self.bad = None

    def on_train_batch_end(self, batch, logs=None):
        if not _finite_logs(logs):
            self.bad = (batch, dict(logs))
            self.model.stop_training = True


class SampleGrid(keras.callbacks.Callback):
    """Write samples of fixed codes to folder/epoch_XXX.png after every epoch."""

    def __init__(self, folder, n=64, seed=0):
        super().__init__()
        self.folder, self.n, self.seed = folder, n, seed

    def on_epoch_end(self, epoch, logs=None):
        if not _finite_logs(logs):
            return
        viz.save_samples(os.path.join(self.folder, f"epoch_{epoch + 1:03d}.png"),
                         self.model.generate(self.n, seed=self.seed))


class Progress(keras.callbacks.Callback):
    """One line every `every` steps with the losses, speed and the epoch's ETA (for logs).

    `start_step` is the step a resumed epoch starts after (its first batch is step start_step + 1).
    """

    def __init__(self, steps_per_epoch, epochs, every=50, stream=None, start_step=0):
        super().__init__()
        self.steps, self.epochs, self.every = steps_per_epoch, epochs, every
        self.stream = stream or sys.stdout
        self.start_step = start_step

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch, self.t0 = epoch, time.time()

    def on_train_batch_end(self, batch, logs=None):
        if (batch + 1) % self.every == 0:
            dt = time.time() - self.t0
            step = self.start_step + batch + 1
            eta = dt / (batch + 1) * (self.steps - step) if self.steps else float("nan")
            vals = " ".join(f"{k}={float(v):.4f}" for k, v in (logs or {}).items() if not k.endswith("_step"))
            print(f"epoch {self.epoch + 1}/{self.epochs} step {step}/{self.steps} {vals} "
                  f"({(batch + 1) / dt:.1f} steps/s, epoch ETA {eta:.0f}s)", file=self.stream, flush=True)

    def on_epoch_end(self, epoch, logs=None):
        vals = " ".join(f"{k}={float(v):.4f}" for k, v in (logs or {}).items() if not k.endswith("_step"))
        print(f"epoch {epoch + 1}/{self.epochs} done in {time.time() - self.t0:.0f}s: {vals}",
              file=self.stream, flush=True)


# ----------------------------------------------------------------------------- TensorBoard
TENSORBOARD_DIR = "tensorboard"  # inside the run folder: `tensorboard --logdir runs` finds every run
CRITIC_KEYS = ("w_estimate",)  # logged by a Wasserstein critic: E D(real) - E D(fake)
STEP_SUFFIX = "_step"  # a family logs "<name>_step", the step's own value, beside the running mean "<name>"


def _summary_metadata(plugin, data_class, content=b""):
    """TensorBoard's metadata for a scalar ("scalars") or image ("images") summary, built with TF's own
    protos so that writing needs no `tensorboard` package (only viewing does)."""
    from tensorflow.core.framework import summary_pb2

    return summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(
        plugin_name=plugin, content=content), data_class=data_class)


class TensorBoardLog(keras.callbacks.Callback):
    """Write a run's curves for TensorBoard (``tensorboard --logdir runs``) with `tf.summary`.

    Sections, each written when the model has it:

    - ``batch/<name>``: every step's losses: the step's own value when the model logs
      ``<name>_step`` (the GAN family, a family with ``STEP_LOGS``), else Keras' running mean over the epoch;
    - ``critic/w_estimate``: a Wasserstein critic's estimate E D(real) - E D(fake), every step;
    - ``learning_rate/<slot>``: the learning rate of every named optimizer (``d_optimizer`` and
      ``g_optimizer``, or ``optimizer``; a schedule's value after the step's update), every step;
    - ``epoch/<name>``: the epoch's logs, at its last step;
    - ``modes/<key>``: the mode probes, when the driver's probe is wrapped by `wrap_probe`;
    - ``samples``: a grid of ``generate(n, seed)`` after each epoch, for a model with the
      Generator capability whose samples are images.

    Every value is written at the run's global step (epoch * steps_per_epoch + step, as in
    steps.csv), so after `rewind_tensorboard` has cut the files back to a checkpoint a resumed run
    continues the same curves with no step twice. The writer is flushed every `flush_every`
    steps (the checkpoint interval, so what a checkpoint holds is on disk), at each epoch end and
    by `close`. One instance can serve several ``fit`` calls (one per epoch).

    Args:
        folder: the event file folder (``<run>/tensorboard``).
        steps_per_epoch: steps of an epoch (None: steps are counted from 1 in this process).
        start: (epoch, step) the run starts or resumes from (default (0, 0)).
        flush_every: steps between flushes (default 200).
        samples: grid size of the per-epoch image (default 64; 0 for none).
        seed: sampling seed of that grid (default 0).
    """

    def __init__(self, folder, steps_per_epoch=None, start=(0, 0), flush_every=200, samples=64, seed=0):
        super().__init__()
        import tensorflow as tf

        self.folder, self.steps_per_epoch = folder, steps_per_epoch or 0
        self.flush_every, self.samples, self.seed = flush_every, samples, seed
        self.epoch, self._offset = start
        self._first_epoch = start[0]
        self.step = self.epoch * self.steps_per_epoch + self._offset
        os.makedirs(folder, exist_ok=True)
        self._tf = tf
        self._writer = tf.summary.create_file_writer(folder)
        self._scalar = _summary_metadata("scalars", 1).SerializeToString()  # DATA_CLASS_SCALAR
        # ImagePluginData(converted_to_tensor=True); DATA_CLASS_BLOB_SEQUENCE
        self._image = _summary_metadata("images", 3, b"\x10\x01").SerializeToString()

    # -- writing
    def scalars(self, values, step=None):
        """Write {tag: number} at `step` (default: the current global step); non-numbers are skipped."""
        if self._writer is None:
            return
        tf = self._tf
        with self._writer.as_default():
            for tag, value in values.items():
                try:
                    value = float(value)
                except (TypeError, ValueError):
                    continue
                tf.summary.write(tag, tf.constant(value, tf.float32), step=self.step if step is None else step,
                                 metadata=self._scalar)

    def image(self, tag, grid, step=None):
        """Write one uint8 image (H, W) or (H, W, C) as a PNG at `step` (default: the current step)."""
        if self._writer is None:
            return
        tf = self._tf
        grid = np.asarray(grid, np.uint8)
        grid = grid[..., None] if grid.ndim == 2 else grid
        png = tf.io.encode_png(grid)
        tensor = tf.stack([tf.constant(str(grid.shape[1])), tf.constant(str(grid.shape[0])), png])
        with self._writer.as_default():
            tf.summary.write(tag, tensor, step=self.step if step is None else step, metadata=self._image)

    def flush(self):
        if self._writer is not None:
            self._writer.flush()

    def close(self):
        """Flush and close the event file (safe to call twice)."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def wrap_probe(self, probe):
        """`probe` (model -> {key: number}, see training.curves.mode_probe) that also writes its result
        as ``modes/<key>`` at the current step; None stays None."""
        if probe is None:
            return None

        def logged(model):
            result = probe(model)
            self.scalars({f"modes/{k}": v for k, v in result.items()})
            return result

        return logged

    # -- Keras hooks
    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        if self.steps_per_epoch:
            local = batch + 1 + (self._offset if self.epoch == self._first_epoch else 0)
            self.step = self.epoch * self.steps_per_epoch + local
        else:
            self.step += 1

    def on_train_batch_end(self, batch, logs=None):
        logs = logs or {}
        values = {}
        for key, value in logs.items():
            name = key[:-len(STEP_SUFFIX)] if key.endswith(STEP_SUFFIX) else key
            if not key.endswith(STEP_SUFFIX) and name + STEP_SUFFIX in logs:
                continue  # the running mean of a value whose step value is logged
            values[f"critic/{name}" if name in CRITIC_KEYS else f"batch/{name}"] = value
        for slot in self.model.OPTIMIZERS:
            rate = self.model.named_optimizer(slot).learning_rate
            values[f"learning_rate/{slot}"] = np.asarray(keras.ops.convert_to_numpy(rate))
        self.scalars(values)
        if self.flush_every and self.step % self.flush_every == 0:
            self.flush()

    def on_epoch_end(self, epoch, logs=None):
        from zoo import capabilities as cap

        self.scalars({f"epoch/{k}": v for k, v in (logs or {}).items() if not k.endswith(STEP_SUFFIX)})
        if self.samples and _finite_logs(logs) and cap.has(self.model, cap.Generator):
            x = np.asarray(self.model.generate(self.samples, seed=self.seed))
            if x.ndim == 4 and x.shape[-1] in (1, 3):  # images; 2D points have the curves' scatter instead
                self.image("samples", viz.image_grid(x))
        self.flush()

    def on_train_end(self, logs=None):
        self.flush()


def rewind_tensorboard(folder, last_step):
    """Drop the events past global step `last_step` from the event files in `folder` (each file
    rewritten atomically; a file left with no summary is deleted), like `training.curves.rewind`
    for the CSV logs. A record cut short by a kill ends its file. Returns the events dropped."""
    import tensorflow as tf

    if not os.path.isdir(folder):
        return 0
    dropped = 0
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if "tfevents" not in name or not os.path.isfile(path):
            continue
        events, truncated = [], False
        try:
            for event in tf.compat.v1.train.summary_iterator(path):
                events.append(event)
        except tf.errors.DataLossError:
            truncated = True
        kept = [e for e in events if e.step <= last_step or not e.HasField("summary")]
        if len(kept) == len(events) and not truncated:
            continue
        dropped += len(events) - len(kept)
        if not any(e.HasField("summary") for e in kept):
            os.remove(path)
            continue
        tmp = os.path.join(folder, f".rewind-{os.getpid()}.tmp")  # no "tfevents": TensorBoard skips it
        with tf.io.TFRecordWriter(tmp) as w:
            for e in kept:
                w.write(e.SerializeToString())
        os.replace(tmp, path)
    return dropped
