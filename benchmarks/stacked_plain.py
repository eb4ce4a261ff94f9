"""Write benchmarks/stacked_plain.md: the plain Stacked MNIST DCGAN trained with the cures' recipe.

    ZOO_DATA_DIR=../shared/data python benchmarks/stacked_plain.py     # about 50 CPU minutes

`mbd-dcgan-stacked-mnist` and `pacdcgan-stacked-mnist` train with one recipe (batch 64, G's
weights averaged, 20 epochs; the packed one with two G updates a step), `dcgan-stacked-mnist`
with a shorter one (batch 128, 3 epochs). This run is the control: `dcgan-stacked-mnist`'s
network, without either cure, trained exactly as `pacdcgan-stacked-mnist` but for the packing,
by `training.train` (the run folder is `runs/stacked-plain`; nothing is installed), then scored
by the same Stacked MNIST suite. The table puts it beside the installed cures, so what packing
adds is measured at equal network, recipe and updates.
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


def control_spec():
    """`dcgan-stacked-mnist`'s spec with `pacdcgan-stacked-mnist`'s recipe and settings but for its packing
    (G averaging, G updates a step), so the control and the packed GAN differ in packing alone."""
    plain, cure = registry.get_spec(PLAIN), registry.get_spec(CURES[1])
    settings = {k: cure.config[k] for k in ("g_ema", "g_steps") if k in cure.config}
    return dataclasses.replace(plain, config=dict(plain.config, **settings), recipe=cure.recipe)


def _row(name, what, ev, training, config):
    config = config or {}
    cpu, ema = training.get("cpu_seconds"), config.get("g_ema", 0.0)
    return (f"| {name} | {what} | {ev['modes_hit']} | {ev['mode_kl_to_uniform']:.3f} | "
            f"{100 * ev['channel_confident_share']:.1f} | {training.get('recipe', '')} | "
            f"{f'beta {ema}' if ema else 'no'} | {config.get('g_steps', 1)} | "
            f"{'' if cpu is None else f'{cpu / 60:.0f}'} |")


def report(control, command):
    """The Markdown page: the control run (`control`: its metrics dict) beside the installed ids."""
    rows = [_row("control: the plain DCGAN", "neither", control["eval"], control["training"], control_spec().config)]
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
        f"(no minibatch discrimination, no packing) exactly as `{CURES[1]}` but for the packing (recipe, G "
        "averaging, G updates a step), through `training.train` (nothing installed). All rows: "
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
    a = p.parse_args(argv)
    from training import train as T

    shipped = registry.get_spec(PLAIN)
    registry.REGISTRY[PLAIN] = control_spec()  # this process only: train() builds and trains from it
    try:
        metrics = T.train(PLAIN, epochs=a.epochs, out=a.run, max_steps=a.max_steps)
    finally:
        registry.REGISTRY[PLAIN] = shipped
    command = "python benchmarks/stacked_plain.py" + (f" --epochs {a.epochs}" if a.epochs else "") + (
        f" --max-steps {a.max_steps}" if a.max_steps else "")
    text = report(metrics, command)
    tmp = a.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, a.out)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
