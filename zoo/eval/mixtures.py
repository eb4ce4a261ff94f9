"""Mode coverage on the 2D Gaussian mixtures ``ring8`` and ``grid25``.

The protocol of the mode-collapse literature (Metz et al. 2017, Unrolled GANs;
Srivastava et al. 2017, VEEGAN): a sample is *high quality* (HQ) when it lies within
3 standard deviations of its nearest mode; a mode is *covered* when at least one HQ
sample has it as nearest mode. 2,500 samples per seed, mean and std over seeds.
"""

import numpy as np

from zoo.data import mixture_modes

N_SAMPLES = 2500
SEEDS = (0, 1, 2)
HQ_STDS = 3.0


def kl_to_uniform(counts):
    """KL(p || u) = sum_i p_i log(m p_i) in nats, p = counts / sum(counts), u = 1/m over the
    m = len(counts) bins, with 0 log 0 = 0. 0 for a balanced histogram, log(m) when one
    bin holds everything; NaN when the histogram is empty."""
    c = np.asarray(counts, np.float64)
    total = c.sum()
    if total <= 0:
        return float("nan")
    p = c[c > 0] / total
    return float(np.sum(p * np.log(len(c) * p)))


def mixture_metrics(samples, name):
    """Mode coverage of 2D samples against a mixture's modes.

    Args:
        samples: (n, 2) points. Rows with NaN / inf count as low quality.
        name: a mixture of `zoo.data.MIXTURES` ("ring8", "grid25", "ring8_r2"; `zoo.data.mixture_modes`).

    Returns:
        dict with
        - ``modes_covered``: number of modes that are the nearest mode of >= 1 HQ sample;
        - ``num_modes``: m (8 or 25);
        - ``hq_fraction`` / ``hq_percent``: share of samples within 3 std (Euclidean
          distance <= 3 * std) of their nearest mode; an exact sample of the mixture
          scores 1 - exp(-4.5) = 98.9% (2-D Gaussian);
        - ``kl_to_uniform``: KL(p || uniform) = sum_i p_i log(m p_i) in nats, where p_i is
          the share of the *HQ* samples whose nearest mode is i (0 log 0 = 0): 0 when the
          HQ samples are spread evenly, log(m) when they all sit at one mode; with no
          HQ sample at all it is set to log(m), its worst value (KL is undefined there);
        - ``n``: number of samples.

    Example:
        x, _ = zoo.data.sample_mixture("ring8", 2500, seed=0)
        mixture_metrics(x, "ring8")["modes_covered"]     # 8
    """
    means, std = mixture_modes(name)
    x = np.asarray(samples, np.float64)
    if x.ndim != 2 or x.shape[1] != means.shape[1] or len(x) == 0:
        raise ValueError(f"samples must have shape (n, {means.shape[1]}) with n >= 1, got {x.shape}.")
    finite = np.all(np.isfinite(x), axis=1)
    x = np.where(finite[:, None], x, 0.0)
    d2 = ((x[:, None, :] - np.asarray(means, np.float64)[None]) ** 2).sum(-1)  # (n, m)
    nearest = d2.argmin(1)
    hq = finite & (np.sqrt(d2.min(1)) <= HQ_STDS * std)
    counts = np.bincount(nearest[hq], minlength=len(means))
    return {
        "modes_covered": int((counts > 0).sum()),
        "num_modes": int(len(means)),
        "hq_fraction": float(hq.mean()),
        "hq_percent": float(100.0 * hq.mean()),
        "kl_to_uniform": kl_to_uniform(counts) if counts.sum() else float(np.log(len(means))),
        "n": int(len(x)),
    }


def _mean_std(values):
    v = np.asarray(values, np.float64)
    return float(np.mean(v)), float(np.std(v, ddof=1) if len(v) > 1 else 0.0)


def evaluate_mixture(model, name, seeds=SEEDS, n=N_SAMPLES):
    """Mixture metrics of `model.generate(n, seed)` for each seed, as mean and std.

    Args:
        model: anything with ``generate(n, seed=...)`` returning (n, 2) points.
        name: a mixture of `zoo.data.MIXTURES`.
        seeds: sampling seeds (default (0, 1, 2)).
        n: samples per seed (default 2,500).

    Returns:
        {"modes_covered_mean", "modes_covered_std", "hq_percent_mean", "hq_percent_std",
         "kl_to_uniform_mean", "kl_to_uniform_std"}; std is the sample std (ddof=1) over
        the seeds (0 for one seed).

    Example:
        evaluate_mixture(zoo.load("gan-ring8"), "ring8")
    """
    seeds = tuple(seeds)
    if not seeds:
        raise ValueError("seeds must not be empty.")
    runs = [mixture_metrics(model.generate(n, seed=s), name) for s in seeds]
    out = {}
    for key in ("modes_covered", "hq_percent", "kl_to_uniform"):
        out[f"{key}_mean"], out[f"{key}_std"] = _mean_std([r[key] for r in runs])
    return out
