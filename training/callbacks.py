"""Callbacks of the training driver: checkpoints that resume exactly, NaN stop, samples, progress."""

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
    training time to store with each save, so a resumed run still reports the time of all runs.

    Args:
        folder: the checkpoint folder.
        every: steps between mid-epoch saves (0: only at epoch ends; default 200).
        start: (epoch, step) this fit starts from (default (0, 0)).
        clock: callable returning the training seconds so far (default None).
        steps_per_epoch: recorded in state.json so a resume with other options is refused.
    """

    def __init__(self, folder, every=200, start=(0, 0), clock=None, steps_per_epoch=None):
        super().__init__()
        self.folder, self.every, self.clock = folder, every, clock
        self.steps_per_epoch = steps_per_epoch
        self.seconds = 0.0
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
        self._clean(keep=(weights,))
        model.load_weights(os.path.join(self.folder, weights))
        seeds = state.get("seeds", [])
        variables = seed_states(model)
        if len(seeds) == len(variables):
            for var, value in zip(variables, seeds):
                var.assign(np.asarray(value, dtype=var.dtype))
        self.seconds = float(state.get("seconds", 0.0))
        return int(state["epoch"]), int(state["step"])

    def _save(self, epoch, step):
        if not _finite_weights(self.model):
            return False
        os.makedirs(self.folder, exist_ok=True)
        old = (read_state(self.folder) or {}).get("weights")
        name = f"ckpt-e{epoch:04d}-s{step:07d}.weights.h5"
        self.model.save_weights(os.path.join(self.folder, name), overwrite=True)
        state = {"epoch": epoch, "step": step, "time": time.time(), "weights": name,
                 "seeds": [np.asarray(v.numpy()).tolist() for v in seed_states(self.model)]}
        if self.steps_per_epoch:
            state["steps_per_epoch"] = int(self.steps_per_epoch)
        if self.clock is not None:
            state["seconds"] = round(float(self.clock()), 1)
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
