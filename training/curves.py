"""Training curves of an adversarial model: per-step losses, the critic's Wasserstein estimate,
modes over time.

`CurveLog` (a Keras callback used by ``training/train.py``) appends every step's own losses
(each ``<name>_step`` a family logs: the GAN family's ``d_loss``, ``g_loss`` and a Wasserstein
critic's estimate; every term of a family with ``STEP_LOGS``, e.g. pix2pix, SRGAN, CycleGAN; a
growing GAN's resolution and alpha) to ``<run>/steps.csv`` and, every ``probe_every`` steps, the
mode coverage of fresh samples to ``<run>/probes.csv``:

- ring8 / grid25: modes covered and % high-quality of ``generate(2500, seed=0)``;
- mnist, fashion_mnist: classes covered by ``generate(1000, seed=0)`` and the share the pinned
  feature classifier labels with p > 0.9;
- stacked_mnist: modes hit (of 1,000) by ``generate(2600, seed=0)``.

Probes run only for a model that logs per-step losses (the curves are about adversarial
training). `rewind(path, keep)` cuts a log back to a checkpoint when a killed run resumes, so
no step is logged twice. `plot(run_dir, path)` draws the three panels into one PNG, shown in
the model card.
"""

import csv
import os

import keras
import numpy as np

from training.callbacks import STEP_SUFFIX

SCHEDULE_KEYS = ("resolution", "alpha")  # a growing GAN's schedule, logged beside the losses



def mode_probe(dataset):
    """A function model -> {"modes": int, "num_modes": int, ...} for a dataset, or None."""
    from zoo.data import MIXTURES

    if dataset in MIXTURES:
        from zoo.eval.mixtures import mixture_metrics

        def probe(model):
            m = mixture_metrics(model.generate(2500, seed=0), dataset)
            return {"modes": m["modes_covered"], "num_modes": m["num_modes"], "hq_percent": m["hq_percent"]}

        return probe
    if dataset in ("mnist", "fashion_mnist", "stacked_mnist"):
        from zoo.eval import features as F
        from zoo.eval.stacked import CONFIDENT

        try:
            net = F.feature_network("fashion_mnist" if dataset == "fashion_mnist" else "mnist")
        except Exception as e:  # noqa: BLE001 (no feature network: curves without modes)
            print(f"Mode probe disabled: {e}", flush=True)
            return None
        if dataset != "stacked_mnist":
            def probe(model):
                p = net.predict_proba(model.generate(1000, seed=0))
                return {"modes": int(len(np.unique(p.argmax(-1)))), "num_modes": 10,
                        "confident_percent": float(100 * np.mean(p.max(-1) > CONFIDENT))}

            return probe
        from zoo.eval.stacked import stacked_modes

        def probe(model):
            return {"modes": stacked_modes(model, net, n=2600, seed=0)["modes_hit"], "num_modes": 1000}

        return probe
    return None


class CurveLog(keras.callbacks.Callback):
    """Append per-step losses to steps.csv and periodic mode probes to probes.csv.

    Args:
        run_dir: the run folder.
        probe: model -> dict (see `mode_probe`), or None for no probes.
        probe_every: steps between probes (default 200); also probed at every epoch end.
        steps_per_epoch: to number steps globally across epochs (and resumed runs).
        start: (epoch, step) the run resumes from.
    """

    def __init__(self, run_dir, probe=None, probe_every=200, steps_per_epoch=None, start=(0, 0)):
        super().__init__()
        self.steps_path = os.path.join(run_dir, "steps.csv")
        self.probes_path = os.path.join(run_dir, "probes.csv")
        self.probe, self.probe_every = probe, probe_every
        self.steps_per_epoch = steps_per_epoch or 0
        self.epoch, self.offset = start
        self._first_epoch = start[0]
        self._logs_steps = False  # probes only for a model that logs per-step losses

    def _global(self, batch):
        local = batch + 1 + (self.offset if self.epoch == self._first_epoch else 0)
        return self.epoch * self.steps_per_epoch + local

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    @staticmethod
    def _append(path, row):
        """Append `row`; a log begun by an older version keeps its columns (new keys are dropped)."""
        new = not os.path.exists(path)
        fields = list(row)
        if not new:
            with open(path, newline="", encoding="utf-8") as f:
                fields = next(csv.reader(f), None) or fields
        with open(path, "a", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
            if new:
                w.writeheader()
            w.writerow(row)

    def _probe(self, step):
        if self.probe is None or not self._logs_steps:
            return
        res = self.probe(self.model)
        self._append(self.probes_path, {"step": step, "epoch": self.epoch + 1, **res})

    def on_train_batch_end(self, batch, logs=None):
        logs = logs or {}
        step = self._global(batch)
        own = {k[:-len(STEP_SUFFIX)]: float(v) for k, v in logs.items() if k.endswith(STEP_SUFFIX)}
        if own:
            own.update({k: float(logs[k]) for k in SCHEDULE_KEYS if k in logs})
            self._logs_steps = True
            self._append(self.steps_path, {"step": step, "epoch": self.epoch + 1, **own})
        if self.probe_every and step % self.probe_every == 0:
            self._probe(step)

    def on_epoch_end(self, epoch, logs=None):
        if not self.steps_per_epoch:
            return
        step = (epoch + 1) * self.steps_per_epoch
        if not self.probe_every or step % self.probe_every:
            self._probe(step)


def rewind(path, keep):
    """Keep the header and the rows of a CSV log for which `keep(row)` is true (atomic rewrite);
    no-op when the file does not exist. Returns the number of rows dropped."""
    if not os.path.exists(path):
        return 0
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    kept = [r for r in rows if keep(r)]
    if len(kept) == len(rows):
        return 0
    tmp = path + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields or [])
        if fields:
            w.writeheader()
        w.writerows(kept)
    os.replace(tmp, path)
    return len(rows) - len(kept)


def _read(path):
    if not os.path.exists(path):
        return {}
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        return {}
    # Runs written before `rewind` existed may log a step twice: keep the last row of each step.
    by_step = {int(float(r["step"])): r for r in rows}
    steps = sorted(by_step)
    return {k: np.array([float(by_step[s][k]) for s in steps]) for k in rows[0] if by_step[steps[0]].get(k)}


def _smooth(v, n):
    if len(v) < n or n < 2:
        return v
    return np.convolve(v, np.ones(n) / n, mode="valid")


def plot(run_dir, path, title=None, xlabel="generator step"):
    """Draw steps.csv / probes.csv of a run into a PNG (atomic write); None when no steps were logged.

    `xlabel` names the x axis, a logged step (e.g. "training step (2 G updates each)" for a GAN
    that updates G more than once a step)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = _read(os.path.join(run_dir, "steps.csv"))
    probes = _read(os.path.join(run_dir, "probes.csv"))
    if not steps:
        return None
    n = max(1, len(steps["step"]) // 200)  # moving average over ~0.5% of the run
    x = steps["step"][n - 1:] if n > 1 else steps["step"]
    wasserstein = "w_estimate" in steps  # logged per step by a Wasserstein critic only
    panels = 1 + wasserstein + bool(probes)
    fig, axes = plt.subplots(1, panels, figsize=(4.2 * panels, 3.2), dpi=100, squeeze=False)
    axes = list(axes[0])
    ax = axes.pop(0)
    losses = [k for k in steps if k not in ("step", "epoch", "w_estimate", *SCHEDULE_KEYS)]
    for k in losses:
        ax.plot(x, _smooth(steps[k], n), label=k, lw=1)
    if all(np.min(steps[k]) > 0 for k in losses) and (
            max(np.max(steps[k]) for k in losses) > 30 * min(np.min(steps[k]) for k in losses)):
        ax.set_yscale("log")  # e.g. a pixel loss of 0.01 beside an adversarial loss near 1
    ax.set_xlabel(xlabel)
    ax.set_title("losses" + (f" (moving mean of {n})" if n > 1 else ""))
    ax.legend(fontsize="small")
    if wasserstein:
        ax = axes.pop(0)
        ax.plot(steps["step"], steps["w_estimate"], lw=0.5, alpha=0.35, color="#2ca02c")
        ax.plot(x, _smooth(steps["w_estimate"], n), lw=1.2, color="#2ca02c")
        ax.set_xlabel(xlabel)
        ax.set_title("critic's Wasserstein estimate\nE D(real) - E D(fake)")
    if probes:
        ax = axes.pop(0)
        ax.plot(probes["step"], probes["modes"], marker="o", ms=3)
        ax.axhline(probes["num_modes"][0], color="#999999", ls="--", lw=1)
        ax.set_ylim(0, probes["num_modes"][0] * 1.08)
        ax.set_xlabel(xlabel)
        ax.set_title(f"modes covered (of {int(probes['num_modes'][0])})")
        for key, label in (("hq_percent", "% high quality"), ("confident_percent", "% confident (p > 0.9)")):
            if key in probes:
                twin = ax.twinx()
                twin.plot(probes["step"], probes[key], color="#d62728", lw=1, alpha=0.7)
                twin.set_ylim(0, 105)
                twin.set_ylabel(label, color="#d62728")
    if "resolution" in steps:  # a growing GAN: a dotted line where each resolution starts
        res = steps["resolution"]
        starts = [0] + [i for i in range(1, len(res)) if res[i] != res[i - 1]]
        for ax in fig.axes:
            for i in starts[1:]:
                ax.axvline(steps["step"][i], color="#999999", ls=":", lw=1)
        top = fig.axes[0]
        for i in starts:
            top.annotate(f"{int(res[i])}x{int(res[i])}", (steps["step"][i], 1.0), xycoords=("data", "axes fraction"),
                         fontsize="x-small", va="top", ha="left", color="#666666")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    from zoo.viz import save_figure

    return save_figure(fig, path)
