"""Write benchmarks/modes.md: mode coverage of the zoo's GANs beside published numbers.

    python benchmarks/modes.py            # read the shipped metrics.json files, write the table
    python benchmarks/modes.py --check    # exit 1 when modes.md is not what the metrics give

The zoo's numbers are read from ``zoo/pretrained/<id>/metrics.json``, the output of
``python -m zoo evaluate <id>`` at install time; nothing is recomputed or typed in here
except the published reference numbers, each with its source.
"""

import argparse
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from zoo import registry  # noqa: E402
from training.recipes import MIXTURE_G_STEPS, RECIPES  # noqa: E402


def _stale(mid):
    """True when the shipped weights of `mid` come from another recipe than today's."""
    trained = registry.get_spec(mid).metrics.get("training", {}).get("recipe")
    return trained is not None and mid in RECIPES and trained != RECIPES[mid].describe()

OUT = os.path.join(ROOT, "benchmarks", "modes.md")
FLOORS = os.path.join(ROOT, "benchmarks", "real_floors.json")  # python benchmarks/real_floors.py
PREFIXES = ("gan", "gan-ns", "unrolled-gan", "mbd-gan", "wgan-gp", "wgan-gp1")
PAPER_SETTING = ("unrolled-gan-ring8-paper", "gan-ring8-paper")  # Metz et al.'s own 2D setting, on ring8_r2
TARGETS = {"grid25": (25, 95.0), "ring8": (8, 98.0)}

# (dataset, method, modes, HQ %, source). Protocols differ in details (sample counts, the
# ring's radius and std); each source says which it used.
PUBLISHED = [
    ("grid25", "GAN", "3.3", "", "VEEGAN (Srivastava et al. 2017), Table 1"),
    ("grid25", "Unrolled GAN", "23.6", "", "VEEGAN (Srivastava et al. 2017), Table 1"),
    ("grid25", "VEEGAN", "24.6", "", "VEEGAN (Srivastava et al. 2017), Table 1"),
    ("grid25", "PacGAN4", "24.8 ± 0.2", "93.6", "PacGAN (Lin et al. 2018), Table 1"),
    ("ring8", "PacGAN2", "7.9", "95.6", "PacGAN (Lin et al. 2018), Table 1"),
]
# (method, modes hit, KL to uniform, source): Stacked MNIST with 26,000 samples, the
# discriminator's capacity reduced (Metz et al. 2017's setting), so not our DCGAN's.
PUBLISHED_STACKED = [
    ("DCGAN", "99", "3.40", "VEEGAN (Srivastava et al. 2017), Table 2"),
    ("Unrolled GAN", "48.7", "4.32", "VEEGAN (Srivastava et al. 2017), Table 2"),
    ("VEEGAN", "150", "2.95", "VEEGAN (Srivastava et al. 2017), Table 2"),
    ("PacDCGAN2", "1000.0 ± 0.0", "0.06 ± 0.01", "PacGAN (Lin et al. 2018), Table 3"),
]


def _pm(ev, key, digits):
    m, s = ev.get(f"{key}_mean"), ev.get(f"{key}_std")
    if m is None:
        return "not trained"
    return f"{m:.{digits}f} ± {s:.{digits}f}"


def meeting():
    out = []
    for dataset, (want_m, want_hq) in TARGETS.items():
        for prefix in PREFIXES:
            ev = registry.get_spec(f"{prefix}-{dataset}").metrics.get("eval", {})
            if ev.get("modes_covered_mean", 0) >= want_m and ev.get("hq_percent_mean", 0) >= want_hq:
                out.append(f"`{prefix}-{dataset}`")
    return ", ".join(out)


def mixture_rows(dataset):
    rows = []
    for prefix in PREFIXES:
        mid = f"{prefix}-{dataset}"
        if mid not in registry.REGISTRY:
            continue
        ev = registry.get_spec(mid).metrics.get("eval", {})
        m, hq = ev.get("modes_covered_mean"), ev.get("hq_percent_mean")
        want_m, want_hq = TARGETS[dataset]
        meets = "" if m is None else ("yes" if m >= want_m and hq >= want_hq else "no")
        old = " (trained with an older recipe)" if _stale(mid) else ""
        rows.append(f"| `{mid}`{old} | {_pm(ev, 'modes_covered', 1)} | {_pm(ev, 'hq_percent', 1)} | "
                    f"{_pm(ev, 'kl_to_uniform', 3)} | {meets} |")
    return rows


def stacked_rows():
    rows = []
    for mid in ("dcgan-stacked-mnist", "mbd-dcgan-stacked-mnist", "pacdcgan-stacked-mnist"):
        if mid not in registry.REGISTRY:
            continue
        ev = registry.get_spec(mid).metrics.get("eval", {})
        if "modes_hit" in ev:
            confident = ev.get("channel_confident_share")
            confident = "not measured" if confident is None else f"{100 * confident:.1f}"
            rows.append(f"| `{mid}` | {ev['modes_hit']} | {ev['mode_kl_to_uniform']:.3f} | {confident} |")
        else:
            rows.append(f"| `{mid}` | not trained | | |")
    return rows


def _pct(ev, key):
    return "not measured" if ev.get(key) is None else f"{100 * ev[key]:.1f}"


def paper_setting_rows():
    rows = []
    for mid in PAPER_SETTING:
        ev = registry.get_spec(mid).metrics.get("eval", {})
        rows.append(f"| `{mid}` | {_pm(ev, 'modes_covered', 1)} | {_pm(ev, 'hq_percent', 1)} | "
                    f"{_pm(ev, 'kl_to_uniform', 3)} |")
    return rows


def _cpu_minutes(mid):
    """The CPU minutes of an id's training process (one TensorFlow thread: about its wall time alone)."""
    cpu = registry.get_spec(mid).metrics.get("training", {}).get("cpu_seconds")
    return "not recorded" if cpu is None else f"{cpu / 60:.0f}"


def _real_floors(dataset):
    """benchmarks/real_floors.json's numbers for `dataset` (None when the file lacks them)."""
    if not os.path.exists(FLOORS):
        return None
    with open(FLOORS, encoding="utf-8") as f:
        return json.load(f).get("datasets", {}).get(dataset)


def _row(name, ev, cpu=""):
    shares = ("not measured" if ev.get("class_share_min") is None
              else f"{_pct(ev, 'class_share_min')} to {_pct(ev, 'class_share_max')}")
    return (f"| {name} | {ev['fid']:.1f} | {ev['kid']:.1f} ± {ev['kid_std']:.1f} | "
            f"{ev['precision']:.3f} | {ev['recall']:.3f} | {ev['classes_covered']} | {shares} | "
            f"{_pct(ev, 'confident_share')} | {cpu} |")


def digit_rows(ids=("dcgan-mnist", "lsgan-mnist", "wgan-mnist", "wgan-gp-mnist", "progan-mnist"),
               real_name="MNIST", dataset="mnist"):
    rows, real = [], None
    for mid in ids:
        ev = registry.get_spec(mid).metrics.get("eval", {})
        if "fid" not in ev:
            rows.append(f"| `{mid}` | not trained | | | | | | | |")
            continue
        real = real if real is not None else ev.get("confident_share_real")
        rows.append(_row(f"`{mid}`", ev, _cpu_minutes(mid)))
    floors = _real_floors(dataset)
    if floors is not None:
        rows.append(_row(f"10,000 {real_name} train images scored as the samples (`real_floors.json`)", floors))
    if real is not None:
        rows.append(f"| the {real_name} test images themselves | | | | | 10 | | {100 * real:.1f} | |")
    return rows


def render():
    lines = [
        "# Mode collapse and its cures, measured",
        "",
        "Generated by `python benchmarks/modes.py` from the shipped `metrics.json` files "
        "(each recomputed by `python -m zoo evaluate ID`). Do not edit by hand.",
        "",
        "Protocol (`zoo/eval/mixtures.py`): 2,500 samples `generate(2500, seed=s)` for s in 0, 1, 2; "
        "a sample is high quality (HQ) when within 3 standard deviations of its nearest mode; a "
        "mode is covered when at least one HQ sample is nearest to it; KL is that of the HQ "
        "samples' mode histogram to uniform. Mean ± std over the 3 seeds. An exact sample of the "
        "mixture scores 98.9% HQ. All models of one dataset share the MLP sizes, the batch size, "
        "the learning-rate schedule and the number of generator updates (`training/recipes.py`: "
        + ", ".join(f"{n:,} on {d}" for d, n in MIXTURE_G_STEPS.items()) + "); only the method differs.",
        "",
        f"Models meeting the targets: {meeting() or 'none yet'}. Where a variant covers the modes, its "
        "HQ % grows while the learning rate is high and levels off as the cosine schedule anneals "
        "(the modes-over-training panel of each card); a longer schedule gets further "
        "(`python benchmarks/mixture_steps.py ID --gsteps N`).",
        "",
    ]
    for dataset in ("grid25", "ring8"):
        want_m, want_hq = TARGETS[dataset]
        lines += [
            f"## {dataset}",
            "",
            f"| model | modes covered | HQ % | KL to uniform | target ({want_m} modes, HQ ≥ {want_hq:g}%) |",
            "| --- | --- | --- | --- | --- |",
            *mixture_rows(dataset),
            "",
            "Published (as reported; not recomputed here):",
            "",
            "| method | modes covered | HQ % | source |",
            "| --- | --- | --- | --- |",
            *[f"| {m} | {c} | {h or 'not reported'} | {src} |" for d, m, c, h, src in PUBLISHED if d == dataset],
            "",
        ]
    lines += [
        "## ring8_r2: Metz et al.'s own setting",
        "",
        "Their ring (radius 2, std 0.02), networks, minimax game and Adam settings (`zoo/models/gan_presets.py` "
        "says where each comes from), seed-0 runs; the same protocol as above. Three training seeds each, and "
        "the target (the unrolled GAN: at least 7.5 of 8 modes on average over them): `unrolled_paper.md`, "
        "written by `python benchmarks/unrolled_paper.py --write`.",
        "",
        "| model | modes covered | HQ % | KL to uniform |",
        "| --- | --- | --- | --- |",
        *paper_setting_rows(),
        "",
        "## Stacked MNIST (1,000 modes)",
        "",
        "26,000 samples `generate(26000, seed=0)`, each channel labelled by `mnist-classifier`; confident "
        "channels: the share of the 78,000 channel images it labels with p > 0.9 (diverse junk can hit many "
        "modes; it is not confidently digits). Recipes differ: `dcgan-stacked-mnist` trains 3 epochs at batch "
        "128; the two cures 20 epochs at batch 64 with G's weights averaged (the packed one with two G updates "
        "a step). `stacked_plain.md` trains the plain network with the cures' recipe, the control of what each "
        "cure adds (`python benchmarks/stacked_plain.py`).",
        "",
        "| model | modes hit | KL to uniform | confident channels % |",
        "| --- | --- | --- | --- |",
        *stacked_rows(),
        "",
        "Published (as reported; not recomputed here; their discriminators differ from ours):",
        "",
        "| method | modes hit | KL to uniform | source |",
        "| --- | --- | --- | --- |",
        *[f"| {m} | {c} | {kl} | {src} |" for m, c, kl, src in PUBLISHED_STACKED],
        "",
        "## MNIST",
        "",
        "10,000 samples vs the 10,000 test images, features of `mnist-classifier` (not Inception: "
        "compare within this table only).",
        "",
        "Class shares: the rarest and the most frequent class among the samples, % (a uniform generator: 10 "
        "each); confident: the share of the samples `mnist-classifier` labels with p > 0.9. Training CPU "
        "minutes: the CPU time of the training process, which ran on one TensorFlow thread (about its wall time "
        "alone on an idle machine), so `progan-*` and the DCGAN compare as quality for the CPU time spent. "
        "The train-images row scores 10,000 real train images in place of the samples, with the same code "
        "(`python benchmarks/real_floors.py`): what a generator drawing exactly from the data would get, the "
        "reference for precision, recall and the confident share (not a strict ceiling: prototypical samples "
        "alone can score higher precision, at the cost of recall). The issue's targets for the MNIST GANs "
        "(precision and recall 0.80, 90% confident) sit below it.",
        "",
        "| model | FID | KID | precision | recall | classes covered | class shares % | confident % "
        "| training CPU min |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        *digit_rows(),
        "",
        "## Fashion-MNIST",
        "",
        "The same protocol with the features of `fashion-classifier` "
        f"({registry.get_spec('fashion-classifier').metrics.get('eval', {}).get('test_accuracy', float('nan')):.1%} "
        "test accuracy; compare within this table only). Targets: confident share at least 0.85 x the real test "
        "images', precision and recall at least 0.75, every class 5-15%.",
        "",
        "| model | FID | KID | precision | recall | classes covered | class shares % | confident % "
        "| training CPU min |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        *digit_rows(("dcgan-fashion", "wgan-gp-fashion", "progan-fashion"), "Fashion-MNIST", "fashion_mnist"),
        "",
    ]
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--check", action="store_true", help="compare with the existing file, write nothing")
    a = p.parse_args(argv)
    text = render()
    if a.check:
        current = open(OUT, encoding="utf-8").read() if os.path.exists(OUT) else ""
        if current != text:
            print(f"{OUT} is out of date; run python benchmarks/modes.py", file=sys.stderr)
            return 1
        return 0
    with open(OUT + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(OUT + ".tmp", OUT)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
