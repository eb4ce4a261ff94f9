"""Short measured runs behind `srgan-photos`' generator: the same recipe under generator variants,
scored on the held-out photo patches.

    python benchmarks/srgan_photos.py --write             # benchmarks/srgan_photos.md
    python benchmarks/srgan_photos.py --epochs 1 --only 0 2   # a quick look, prints only

Each variant builds `srgan-photos`' network (32 filters, 8 residual blocks) with the variant's generator
options (`image_skip`, `batch_norm`, and `adversarial` for SRResNet), trains it from seed 0
for `--epochs` passes over the 5,681 training patches of `photo_patches_sr` (batch 16, the recipe's
Adam(1e-4, beta_1 0.9) for G and D), then upscales the 476 held-out patches (coffee, flower.jpg).
Columns: PSNR and SSIM on the luma with 4 border pixels cut (the card's protocol,
`zoo.eval.superres`), PSNR on the RGB values (what a colour shift costs), the colour shift itself
(the mean over patches of |mean colour of the output - mean colour of the original|, summed over R,
G, B, in 0-255 levels), and the wall time of the training; bicubic upsampling on the first row.
Variants (`VARIANTS`): version 1 (BN in the trunk, a sigmoid image from the features), the image
skip (G adds a residual to the bicubic upscale of its input, Kim et al. 2016), the image skip with
EDSR's trunk without BN (Lim et al. 2017), and that generator trained on the pixel loss alone
(SRResNet), the PSNR reference of the paper's trade-off.
"""

import argparse
import datetime
import os
import platform
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

MODEL = "srgan-photos"
# Every variant sets both generator options, so the table does not depend on the catalog's current choice.
VARIANTS = [
    ("version 1: BN trunk, sigmoid image", {"image_skip": False, "batch_norm": True}),
    ("image skip", {"image_skip": True, "batch_norm": True}),
    ("image skip, no BN (EDSR trunk)", {"image_skip": True, "batch_norm": False}),
    ("SRResNet: image skip, no BN, no D", {"image_skip": True, "batch_norm": False, "adversarial": False}),
]
KEYS = ("psnr", "ssim", "psnr_rgb", "colour_shift")


def scores(images, originals):
    """{psnr, ssim (luma, 4-pixel border cut), psnr_rgb, colour_shift} of upscaled patches."""
    import tensorflow as tf

    from zoo.eval import superres

    p, s = superres.psnr_ssim(images, originals, crop=4)
    rgb = tf.image.psnr(images, originals, max_val=1.0).numpy()
    shift = np.abs(images.mean(axis=(1, 2)) - originals.mean(axis=(1, 2))).sum(axis=-1) * 255.0
    return {"psnr": float(p.mean()), "ssim": float(s.mean()), "psnr_rgb": float(rgb.mean()),
            "colour_shift": float(shift.mean())}


def run(overrides, epochs, seed=0):
    """(scores of the variant on the test patches, training seconds)."""
    import keras

    from zoo import data, registry
    from zoo.data import superres as D

    spec = registry.get_spec(MODEL)
    keras.utils.set_random_seed(seed)
    model = registry.FAMILIES[spec.family](**{**spec.config, **overrides})
    model.compile(**{name: keras.optimizers.Adam(1e-4, beta_1=0.9) for name in model.OPTIMIZERS})
    ds = data.load(spec.dataset, split="train", batch_size=spec.recipe.batch_size, shuffle=True, seed=seed)
    t0 = time.time()
    model.fit(ds, epochs=epochs, verbose=0, shuffle=False)  # the dataset is shuffled already
    seconds = time.time() - t0
    low, high = D.arrays(spec.dataset, "test")
    return scores(model.upscale(low), high), seconds


def bicubic_row():
    from zoo.data import superres as D
    from zoo.eval import superres

    low, high = D.arrays("photo_patches_sr", "test")
    return scores(superres.bicubic(low, high.shape[1:3]), high)


def report(rows, epochs, command, when=None):
    """The markdown of [(variant, scores, seconds or None)]."""
    head = "| variant | PSNR (Y) | SSIM (Y) | PSNR (RGB) | colour shift | training seconds |"
    lines = [head, "|" + " --- |" * 6]
    for name, ev, seconds in rows:
        lines.append(f"| {name} | {ev['psnr']:.2f} | {ev['ssim']:.3f} | {ev['psnr_rgb']:.2f} | "
                     f"{ev['colour_shift']:.1f} | {'' if seconds is None else f'{seconds:.0f}'} |")
    when = when or datetime.date.today().isoformat()
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    return (f"# Generator variants of {MODEL}, measured\n\n"
            f"`{command}`, run {when} on {platform.machine()} CPU ({os.cpu_count()} cores), one thread per "
            f"process (TF_NUM_INTRAOP_THREADS=1); load average {load} when the table was written (other "
            "trainings ran beside it, so the seconds compare only within this table).\n\n"
            f"Every variant trains {MODEL}'s network with the variant's generator options from seed 0 for {epochs} epochs "
            "(batch 16, Adam(1e-4, beta_1 0.9)), then upscales the 476 held-out 8x8 patches to 32x32. PSNR / "
            "SSIM on the luma with 4 border pixels cut (the card's protocol); PSNR on RGB; colour shift = mean "
            "over patches of the summed |mean colour of the output - of the original| over R, G, B, in 0-255 "
            "levels.\n\n" + "\n".join(lines) + "\n")


def main(argv=None):
    p = argparse.ArgumentParser(prog="python benchmarks/srgan_photos.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--epochs", type=int, default=3, help="training epochs per variant (default 3)")
    p.add_argument("--only", type=int, nargs="*", help="indices of VARIANTS to run (default all)")
    p.add_argument("--write", action="store_true", help="write benchmarks/srgan_photos.md")
    a = p.parse_args(argv)
    if a.epochs < 1:
        p.error(f"--epochs must be at least 1, got {a.epochs}")
    bad = [i for i in a.only or () if not 0 <= i < len(VARIANTS)]
    if bad:
        p.error(f"--only takes indices 0-{len(VARIANTS) - 1}, got {bad}")
    rows = [("bicubic", bicubic_row(), None)]
    for i in (a.only if a.only is not None else range(len(VARIANTS))):
        name, overrides = VARIANTS[i]
        print(f"{name}: {a.epochs} epochs ...", flush=True)
        ev, seconds = run(overrides, a.epochs)
        rows.append((name, ev, seconds))
        print(f"  {seconds:.0f} s; " + ", ".join(f"{k} {ev[k]:.3f}" for k in KEYS), flush=True)
    text = report(rows, a.epochs, " ".join(["python benchmarks/srgan_photos.py",
                                            *(argv if argv is not None else sys.argv[1:])]))
    print(text)
    if a.write:
        from zoo.saving import write_file_atomic

        write_file_atomic(os.path.join(ROOT, "benchmarks", "srgan_photos.md"), text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
