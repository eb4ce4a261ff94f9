"""The balance between G and D, measured: K (critic steps per generator step) on the ring8 mixture.

    python benchmarks/k_sweep.py --write            # benchmarks/k_sweep.md and k_sweep.png
    python benchmarks/k_sweep.py --gsteps 300 --every 100 --ks 1 5    # a quick look, prints only

Trains the minimax GAN of `gan-ring8` (its MLP, the original saturating game) with K = 1, 5 and
25 discriminator updates per generator update, for the same number of generator updates, and a
WGAN-GP critic (K = 5, the MLP of `wgan-gp-ring8`) beside them. Every --every generator updates,
on a fixed probe (2,048 real points, 2,048 fixed codes):

- D's loss of the minimax game, -E log D(x) - E log(1 - D(G(c))) = log 4 - 2 JS_D, where JS_D <=
  log 2 is the Jensen-Shannon divergence D can certify (equal to JS(p_data, p_g) for the optimal D):
  a D loss near 0 means D separates the two perfectly (JS at its ceiling), whatever the samples are;
- the gradient G receives: the mean over the probe codes of |d log(1 - D(x)) / dx| at x = G(c), the
  signal of the saturating generator loss, which vanishes when D is confident;
- for the critic, its Wasserstein estimate E f(x) - E f(G(c));
- the samples' quality: modes covered and high-quality share of 2,500 samples (seed 0;
  `zoo.eval.mixtures`).

The table reports the last evaluation of each run and the Spearman correlation, over the
evaluations of a run, of D's loss (or the Wasserstein estimate) with the high-quality share: how
well each signal tracks sample quality.
"""

import argparse
import datetime
import math
import os
import platform
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

PROBE = 2048
BETA_1 = 0.5


def _runs(ks):
    runs = [(f"minimax, K = {k}", "gan-ring8", {"loss": "minimax", "n_critic": k}) for k in ks]
    return runs + [("WGAN-GP, K = 5", "wgan-gp-ring8", {})]


def train_and_probe(model_id, overrides, gsteps, every, batch, seed, lr):
    """[(generator updates, seconds, d_loss, grad_norm, w_estimate, modes, hq)] of one run."""
    import keras
    import numpy as np
    import tensorflow as tf

    from zoo import data, losses as L, registry
    from zoo.eval.mixtures import mixture_metrics
    from zoo.models.gan import GAN

    spec = registry.get_spec(model_id)
    keras.utils.set_random_seed(seed)
    model = GAN(**{**spec.config, **overrides, "seed": seed})
    b2 = 0.9 if model.gp_weight else 0.999
    model.compile(d_optimizer=keras.optimizers.Adam(lr, beta_1=BETA_1, beta_2=b2),
                  g_optimizer=keras.optimizers.Adam(lr, beta_1=BETA_1, beta_2=b2))
    k = model.n_critic
    ds = data.load(spec.dataset, split="train", batch_size=batch * k, seed=seed).repeat()
    real = next(iter(data.load(spec.dataset, split="train", batch_size=PROBE, seed=seed + 1)))
    real = real[0] if isinstance(real, tuple) else real
    codes = tf.constant(model.sample_codes(PROBE, seed=seed + 2))
    rows, done, t0 = [], 0, time.time()
    while done < gsteps:
        n = min(every, gsteps - done)
        model.fit(ds, steps_per_epoch=n, epochs=1, verbose=0)
        done += n
        fake = tf.Variable(model.generator(codes, training=False))  # the points whose gradient G gets
        with tf.GradientTape() as tape:
            fake_s = model.discriminator(fake, training=False)
            total = tf.reduce_sum(-tf.math.softplus(fake_s))  # sum of log(1 - sigmoid(s)) per point
        grad = tape.gradient(total, fake)
        real_s = model.discriminator(real, training=False)
        d_loss = float(L.minimax_discriminator_loss(real_s, fake_s))
        w = float(tf.reduce_mean(real_s) - tf.reduce_mean(fake_s))
        m = mixture_metrics(model.generate(2500, seed=0), spec.dataset)
        rows.append((done, time.time() - t0, d_loss, float(tf.reduce_mean(tf.norm(grad, axis=1))), w,
                     m["modes_covered"], m["hq_percent"]))
        print(f"  {model_id} {overrides or ''} update {done:,} ({rows[-1][1]:.0f} s): D loss {d_loss:.3f} "
              f"|grad| {rows[-1][3]:.2e} W {w:.3f} modes {m['modes_covered']} HQ {m['hq_percent']:.1f}%",
              flush=True)
    return rows


def _spearman(a, b):
    from scipy.stats import spearmanr

    r = spearmanr(a, b).statistic
    return "n/a" if r != r else f"{r:+.2f}"  # constant series: no correlation


def _reading(results):
    """The paragraph that reads the table, from its numbers (so it cannot contradict them)."""
    import numpy as np

    minimax = {n: np.array(r) for n, r in results.items() if n.startswith("minimax")}
    critic = {n: np.array(r) for n, r in results.items() if not n.startswith("minimax")}
    parts = ["How to read it: the minimax D's loss is log 4 - 2 JS_D, so a loss near 0 means D separates real from "
             "generated points almost perfectly (the JS it certifies near its ceiling log 2), whatever the samples "
             "look like."]
    if minimax:
        last = "; ".join(f"{n}: D loss {r[-1, 2]:.3f}, gradient to G {r[-1, 3]:.2e}, {int(r[-1, 5])} modes, "
                         f"HQ {r[-1, 6]:.1f}%" for n, r in minimax.items())
        parts.append(f"At the last evaluation ({last}).")
        corr = "; ".join(f"{n}: {_spearman(r[:, 2], r[:, 6])}" for n, r in minimax.items())
        parts.append("A stop indicator should fall as the samples improve; Spearman correlation of D's loss with "
                     f"the HQ share over the evaluations: {corr}.")
    if critic:
        corr = "; ".join(f"{n}: {_spearman(r[:, 4], r[:, 6])}" for n, r in critic.items())
        parts.append(f"The critic's Wasserstein estimate against the HQ share: {corr} (negative: it falls as the "
                     "samples improve).")
    parts.append("Each number is one training run (seed above): another seed moves them.")
    return " ".join(parts)


def write_report(results, args, out_md, out_png):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from zoo import viz

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    for name, rows in results.items():
        r = np.array(rows)
        axes[1].plot(r[:, 0], r[:, 6], label=name)
        if name.startswith("minimax"):
            axes[0].plot(r[:, 0], r[:, 3], label=name)
            axes[2].plot(r[:, 0], r[:, 2], label=f"{name}: D loss")
        else:
            axes[2].plot(r[:, 0], r[:, 4], "k--", label=f"{name}: W estimate")
    axes[0].set(yscale="log", title="gradient G receives, |d log(1 - D(x)) / dx|", xlabel="generator updates")
    axes[1].set(title="high-quality samples (%)", xlabel="generator updates", ylim=(0, 100))
    axes[2].axhline(0.0, color="grey", lw=0.8)
    axes[2].axhline(math.log(4), color="grey", lw=0.8, ls=":")
    axes[2].set(title="D loss = log 4 - 2 JS (0: JS at log 2)\nand the critic's W estimate", xlabel="generator updates")
    for ax in axes:
        ax.legend(fontsize=7)
    fig.tight_layout()
    viz.save_figure(fig, out_png)

    import keras
    import tensorflow as tf

    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# The balance between G and D: K critic steps per generator step",
        "",
        f"`python benchmarks/k_sweep.py --write --gsteps {args.gsteps} --every {args.every} --lr {args.lr:g}`, run {when} on "
        f"{platform.machine()} with {os.cpu_count()} CPU cores, TensorFlow {tf.__version__}, Keras {keras.__version__}. "
        "Do not edit by hand.",
        "",
        f"ring8 (8 Gaussians on a circle), the MLPs of `gan-ring8` (minimax rows) and `wgan-gp-ring8`, "
        f"{args.gsteps:,} generator updates each, batch {args.batch} per update, Adam({args.lr:g}, beta_1 {BETA_1}) "
        f"for both networks (beta_2 0.9 for the critic run), seed {args.seed}. Probe: {PROBE:,} real points and "
        f"{PROBE:,} fixed codes; quality: 2,500 samples generate(2500, seed=0).",
        "",
        f"![K sweep]({os.path.basename(out_png)})",
        "",
        "| run | D updates | D loss (last) | JS certified by D (last, nats; ceiling 0.693) | gradient to G (last) "
        "| W estimate (last) | modes (last) | HQ % (last) | Spearman(D loss, HQ) | Spearman(W, HQ) | seconds |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, rows in results.items():
        r = np.array(rows)
        last = r[-1]
        k = int(name.rsplit("=", 1)[1])
        critic = not name.startswith("minimax")
        lines.append(
            f"| {name} | {k * args.gsteps:,} | {'—' if critic else f'{last[2]:.3f}'} | "
            f"{'—' if critic else f'{(math.log(4) - last[2]) / 2:.3f}'} | {'—' if critic else f'{last[3]:.2e}'} | "
            f"{f'{last[4]:.3f}' if critic else '—'} | {int(last[5])} | {last[6]:.1f} | "
            f"{'—' if critic else _spearman(r[:, 2], r[:, 6])} | {_spearman(r[:, 4], r[:, 6]) if critic else '—'} | "
            f"{last[1]:.0f} |")
    lines += [
        "",
        _reading(results),
        "",
        "## Every evaluation",
        "",
        "| run | generator updates | D loss | gradient to G | W estimate | modes | HQ % |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, rows in results.items():
        for g, _, d, gr, w, modes, hq in rows:
            lines.append(f"| {name} | {int(g):,} | {d:.3f} | {gr:.2e} | {w:.3f} | {int(modes)} | {hq:.1f} |")
    from zoo.saving import write_file_atomic

    write_file_atomic(out_md, "\n".join(lines) + "\n")


def main(argv=None):
    p = argparse.ArgumentParser(prog="python benchmarks/k_sweep.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--gsteps", type=int, default=3000, help="generator updates per run (default 3,000)")
    p.add_argument("--every", type=int, default=150, help="generator updates between probes (default 150)")
    p.add_argument("--ks", type=int, nargs="+", default=[1, 5, 25], help="K of the minimax runs (default 1 5 25)")
    p.add_argument("--batch", type=int, default=256, help="points per update (default 256)")
    p.add_argument("--lr", type=float, default=5e-4,
                   help="Adam's constant rate for both networks (default 5e-4, the mixture recipes' peak rate)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--write", action="store_true", help="write benchmarks/k_sweep.md and k_sweep.png")
    a = p.parse_args(argv)
    for name in ("gsteps", "every", "batch"):
        if getattr(a, name) < 1:
            p.error(f"--{name} must be a positive integer, got {getattr(a, name)}")
    if not a.lr > 0:
        p.error(f"--lr must be positive, got {a.lr}")
    if any(k < 1 for k in a.ks):
        p.error(f"--ks must be positive integers, got {a.ks}")
    results = {}
    for name, model_id, overrides in _runs(a.ks):
        print(name, flush=True)
        results[name] = train_and_probe(model_id, overrides, a.gsteps, a.every, a.batch, a.seed, a.lr)
    if a.write:
        here = os.path.dirname(os.path.abspath(__file__))
        write_report(results, a, os.path.join(here, "k_sweep.md"), os.path.join(here, "k_sweep.png"))
        print("wrote benchmarks/k_sweep.md and benchmarks/k_sweep.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
