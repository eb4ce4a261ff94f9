"""Callbacks of the training driver: checkpoints that resume, NaN stop, samples, progress."""

import json
import math
import os
import sys
import time

import keras
import numpy as np

from zoo import viz


def _finite_logs(logs):
    return all(math.isfinite(float(v)) for v in (logs or {}).values())


def _finite_weights(model):
    return all(np.all(np.isfinite(w)) for w in model.get_weights())


class Checkpoint(keras.callbacks.Callback):
    """Save weights + optimizer state every `every` steps and at each epoch end.

    Only a state whose losses and weights are all finite is saved, so the checkpoint on
    disk is always the last good one. Files are written to a temp name and renamed.
    `restore()` returns (epoch, step) where training should continue; `seconds` is then the
    training time the checkpoint holds. `clock` (a function returning seconds) gives the total
    training time to store with each save, so a resumed run still reports the time of all runs.
    """

    def __init__(self, folder, every=200, start=(0, 0), clock=None):
        super().__init__()
        self.folder, self.every, self.clock = folder, every, clock
        self.seconds = 0.0
        self.epoch, self.step = start
        self._offset = start[1]  # steps already done in the first (resumed) epoch
        self.weights = os.path.join(folder, "last.weights.h5")
        self.state = os.path.join(folder, "state.json")

    def restore(self, model):
        if not os.path.exists(self.state):
            return 0, 0
        with open(self.state, encoding="utf-8") as f:
            state = json.load(f)
        model.load_weights(self.weights)
        self.seconds = float(state.get("seconds", 0.0))
        return int(state["epoch"]), int(state["step"])

    def _save(self, epoch, step):
        if not _finite_weights(self.model):
            return False
        os.makedirs(self.folder, exist_ok=True)
        tmp = self.weights + ".tmp.weights.h5"
        self.model.save_weights(tmp, overwrite=True)
        os.replace(tmp, self.weights)
        with open(self.state + ".tmp", "w", encoding="utf-8") as f:
            state = {"epoch": epoch, "step": step, "time": time.time()}
            if self.clock is not None:
                state["seconds"] = round(float(self.clock()), 1)
            json.dump(state, f)
        os.replace(self.state + ".tmp", self.state)
        return True

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        step = batch + 1 + (self._offset if self.epoch == self._start_epoch else 0)
        if self.every and step % self.every == 0 and _finite_logs(logs):
            self._save(self.epoch, step)

    def on_train_begin(self, logs=None):
        self._start_epoch = self.epoch

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
        viz.save_samples(os.path.join(self.folder, f"epoch_{epoch + 1:03d}.png"),
                         self.model.generate(self.n, seed=self.seed))


class Progress(keras.callbacks.Callback):
    """One line every `every` steps with the losses, speed and the epoch's ETA (for logs)."""

    def __init__(self, steps_per_epoch, epochs, every=50, stream=None):
        super().__init__()
        self.steps, self.epochs, self.every = steps_per_epoch, epochs, every
        self.stream = stream or sys.stdout

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch, self.t0 = epoch, time.time()

    def on_train_batch_end(self, batch, logs=None):
        if (batch + 1) % self.every == 0:
            dt = time.time() - self.t0
            eta = dt / (batch + 1) * (self.steps - batch - 1) if self.steps else float("nan")
            vals = " ".join(f"{k}={float(v):.4f}" for k, v in (logs or {}).items() if not k.endswith("_step"))
            print(f"epoch {self.epoch + 1}/{self.epochs} step {batch + 1}/{self.steps} {vals} "
                  f"({(batch + 1) / dt:.1f} steps/s, epoch ETA {eta:.0f}s)", file=self.stream, flush=True)

    def on_epoch_end(self, epoch, logs=None):
        vals = " ".join(f"{k}={float(v):.4f}" for k, v in (logs or {}).items() if not k.endswith("_step"))
        print(f"epoch {epoch + 1}/{self.epochs} done in {time.time() - self.t0:.0f}s: {vals}",
              file=self.stream, flush=True)
