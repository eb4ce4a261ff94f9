"""What weight clipping does to a Wasserstein critic: its weights pile up at ±tau.

Arjovsky et al. 2017 keep the critic f Lipschitz by clipping every weight to [-tau, tau]
after each update; Gulrajani et al. 2017 (WGAN-GP, Figure 1b) show the price: most weights
end at the bounds, so the critic is a much simpler function than its architecture allows.
The gradient penalty constrains ||grad f|| instead and leaves the weights spread out.
`critic_weight_figure` draws this from installed models: the histogram of every kernel
weight of the discriminator of each Wasserstein GAN trained on the same data, clipped
beside penalised, with the share of weights within 1% of ±tau.
"""

import os
import tempfile

import numpy as np

from zoo import capabilities as cap
from zoo import registry

AT_BOUND = 0.99  # |w| >= 0.99 tau counts as "at the bound"


def is_critic_spec(spec):
    """True for a catalog generator trained with the Wasserstein loss (its discriminator is a critic)."""
    return cap.has(spec, cap.Generator) and spec.config.get("loss") == "wasserstein"


def critic_peers(spec):
    """Installed Wasserstein GANs of `spec`'s dataset (itself first), for the side-by-side figure."""
    peers = [s for s in registry.REGISTRY.values() if is_critic_spec(s) and s.dataset == spec.dataset
             and s.id != spec.id and s.weights]
    return [spec, *sorted(peers, key=lambda s: s.id)]


def critic_weights(model):
    """Every kernel (not bias) weight of `model.discriminator`, float64 (n,)."""
    kernels = [w for w in model.discriminator.trainable_weights if w.path.rsplit("/", 1)[-1] == "kernel"]
    return np.concatenate([np.ravel(np.asarray(w)) for w in kernels]).astype(np.float64)


def share_at_bound(weights, tau):
    """The share of `weights` within 1% of the clipping bound ±tau (nan without clipping)."""
    return float(np.mean(np.abs(weights) >= AT_BOUND * tau)) if tau else float("nan")


def critic_weight_figure(specs, path):
    """One histogram per model of `specs` (installed catalog GANs with a critic) into `path`
    (PNG, written to a temporary name first). Returns {id: share of weights at ±tau}."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from zoo.hub import load

    fig = Figure(figsize=(4.2 * len(specs), 3.2), dpi=100)
    axes = np.atleast_1d(fig.subplots(1, len(specs)))
    shares = {}
    for ax, spec in zip(axes, specs):
        model = load(spec.id, compile=False)
        w, tau = critic_weights(model), model.clip_value
        shares[spec.id] = share_at_bound(w, tau)
        ax.hist(w, bins=101, color="C0" if tau else "C2")
        if tau:
            for b in (-tau, tau):
                ax.axvline(b, color="C3", lw=0.8, ls="--")
            what = f"clipped at ±{tau:g}: {100 * shares[spec.id]:.0f}% of weights at ±τ"
        else:
            what = f"gradient penalty λ = {model.gp_weight:g}"
        ax.set_title(f"{spec.id}\n{what}", fontsize=9)
        ax.set_xlabel("critic kernel weight")
        ax.set_yscale("log")
    axes[0].set_ylabel("count (log)")
    fig.tight_layout()
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(suffix=".png", dir=folder)
    os.close(fd)
    try:
        FigureCanvasAgg(fig).print_png(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return shares


def card_figures(spec, folder):
    """The card section [(title, markdown)] with `<id>-critic.png` drawn into `folder` ([] when no
    installed Wasserstein GAN of the same data clips its weights: nothing to compare)."""
    specs = critic_peers(spec)
    if not any(s.config.get("clip_value") for s in specs):
        return []
    name = f"{spec.id}-critic.png"
    shares = critic_weight_figure(specs, os.path.join(folder, name))
    rows = ["| model | weight constraint | weights within 1% of ±τ |", "| --- | --- | --- |"]
    for s in specs:
        c = s.config
        rule = f"clipped to ±{c['clip_value']:g}" if c.get("clip_value") else f"gradient penalty λ = {c.get('gp_weight', 0):g}"
        share = "—" if np.isnan(shares[s.id]) else f"{100 * shares[s.id]:.1f}%"
        rows.append(f"| `{s.id}` | {rule} | {share} |")
    body = ("The critic must stay Lipschitz. Clipping every weight to [-τ, τ] (WGAN) does it by piling the "
            "weights at the bounds, which limits what the critic can express; the gradient penalty (WGAN-GP) "
            "constrains the critic's gradient instead and leaves its weights free (Gulrajani et al. 2017, "
            "Figure 1b). Histograms of every kernel weight of the discriminator (log counts; dashed: ±τ):\n\n"
            f"![critic weights]({name})\n\n" + "\n".join(rows))
    return [("Critic weights: clipping against the gradient penalty", body)]
