"""Write benchmarks/stacked_plain.md: the plain Stacked MNIST DCGAN trained with the cures' recipe.

    ZOO_DATA_DIR=../shared/data python benchmarks/stacked_plain.py     # about 50 CPU minutes
    python benchmarks/stacked_plain.py --epochs 1 --max-steps 20 --run /tmp/r --out /tmp/r.md   # a quick look

`mbd-dcgan-stacked-mnist` and `pacdcgan-stacked-mnist` train with one recipe (batch 64, G's
weights averaged, 20 epochs; the packed one with two G updates a step), `dcgan-stacked-mnist`
with a shorter one (batch 128, 3 epochs). This run is the control: `dcgan-stacked-mnist`'s
network, without either cure, trained with that recipe and averaging (`--g-steps 1`, the
default: as `mbd-dcgan-stacked-mnist`; `--g-steps 2`: as `pacdcgan-stacked-mnist`) by
`training.train` (the run folder is `runs/stacked-plain`; nothing is installed), then scored by
the same Stacked MNIST suite. The table puts it beside the installed cures, so what a cure adds
is measured at equal network, recipe and updates.
"""

import argparse
import dataclasses
import datetime
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from zoo import registry  # noqa: E402

OUT = os.path.join(ROOT, "benchmarks", "stacked_plain.md")
PLAIN, CURES = "dcgan-stacked-mnist", ("mbd-dcgan-stacked-mnist", "pacdcgan-stacked-mnist")
KEYS = ("modes_hit", "mode_kl_to_uniform", "channel_confident_share")


def control_spec(g_steps=1):
    """`dcgan-stacked-mnist`'s spec with the cures' shared recipe and G averaging, and `g_steps` G updates a
    step: with 1 it differs from `mbd-dcgan-stacked-mnist` in minibatch discrimination alone, with 2 from
    `pacdcgan-stacked-mnist` in packing alone."""
    plain, cure = registry.get_spec(PLAIN), registry.get_spec(CURES[0])
    config = dict(plain.config, g_ema=cure.config["g_ema"], **({"g_steps": g_steps} if g_steps != 1 else {}))
    return dataclasses.replace(plain, config=config, recipe=cure.recipe)


def _row(name, what, ev, training, config):
    config = config or {}
    cpu, ema = training.get("cpu_seconds"), config.get("g_ema", 0.0)
    return (f"| {name} | {what} | {ev['modes_hit']} | {ev['mode_kl_to_uniform']:.3f} | "
            f"{100 * ev['channel_confident_share']:.1f} | {training.get('recipe', '')} | "
            f"{f'beta {ema}' if ema else 'no'} | {config.get('g_steps', 1)} | "
            f"{'' if cpu is None else f'{cpu / 60:.0f}'} |")


def report(control, command, g_steps=1):
    """The Markdown page: the control run (`control`: its metrics dict) beside the installed ids."""
    rows = [_row("control: the plain DCGAN", "neither", control["eval"], control["training"],
                 control_spec(g_steps).config)]
    for mid, what in ((PLAIN, "neither (its own short recipe)"), (CURES[0], "minibatch discrimination"),
                      (CURES[1], "packing (PacGAN2)")):
        m = registry.get_spec(mid).metrics
        if "modes_hit" in m.get("eval", {}):
            spec = registry.get_spec(mid)
            rows.append(_row(f"`{mid}` (installed, version {spec.version})", what, m["eval"], m.get("training", {}),
                             registry._shipped_config(spec)))
    return "\n".join([
        "# The plain Stacked MNIST DCGAN with the cures' recipe", "",
        f"`{command}`, run {datetime.date.today().isoformat()}. The control trains `{PLAIN}`'s network "
        f"(no minibatch discrimination, no packing) with the recipe and G averaging of `{CURES[0]}` and "
        f"`{CURES[1]}`, {g_steps} G update{'s' if g_steps > 1 else ''} a step, through `training.train` "
        "(nothing installed). All rows: "
        "26,000 samples `generate(26000, seed=0)`, each channel labelled by `mnist-classifier` "
        "(`benchmarks/modes.md` gives the protocol and the published numbers).", "",
        "| model | cure of collapse | modes hit (of 1,000) | KL to uniform | confident channels % | recipe "
        "| G averaged | G updates a step | training CPU min |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        *rows, ""])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=OUT, help=f"Markdown file (default {OUT})")
    p.add_argument("--run", default=os.path.join(ROOT, "runs", "stacked-plain"), help="run folder")
    p.add_argument("--epochs", type=int, help="override the recipe's epochs (a quick look)")
    p.add_argument("--max-steps", type=int, help="cap steps per epoch (a quick look)")
    p.add_argument("--g-steps", type=int, default=1,
                   help="G updates a step: 1 (default) as mbd-dcgan-stacked-mnist, 2 as pacdcgan-stacked-mnist")
    a = p.parse_args(argv)
    default_run = os.path.join(ROOT, "runs", "stacked-plain")
    if (a.epochs or a.max_steps) and (os.path.abspath(a.out) == OUT or os.path.abspath(a.run) == default_run):
        p.error("a quick look (--epochs / --max-steps) must not replace the full run's table or folder: "
                "pass --out and --run elsewhere")
    from training import train as T

    shipped = registry.get_spec(PLAIN)
    registry.REGISTRY[PLAIN] = control_spec(a.g_steps)  # this process only: train() builds and trains from it
    try:
        metrics = T.train(PLAIN, epochs=a.epochs, out=a.run, max_steps=a.max_steps)
    finally:
        registry.REGISTRY[PLAIN] = shipped
    command = "python benchmarks/stacked_plain.py" + (f" --epochs {a.epochs}" if a.epochs else "") + (
        f" --max-steps {a.max_steps}" if a.max_steps else "") + (f" --g-steps {a.g_steps}" if a.g_steps != 1 else "")
    text = report(metrics, command, a.g_steps)
    tmp = a.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, a.out)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
