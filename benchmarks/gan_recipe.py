"""Short measured runs behind an image GAN's recipe: the same catalog model trained on the same number
of images under recipe variants, scored by the image-GAN suite on a small sample.

    python benchmarks/gan_recipe.py --write                        # benchmarks/gan_recipe.md
    python benchmarks/gan_recipe.py --images 6400 --samples 500    # a quick look, prints only

Each variant trains `--model` (default dcgan-mnist: its catalog architecture) from the same seed on
`--images` MNIST training images (default 60,000: one epoch; the batches are the train split shuffled
with seed 0), then draws `--samples` samples (seed 0) and reports the share the pinned feature
classifier labels with p > 0.9, the rarest and most frequent class shares, FID, and k-NN precision /
recall against as many real test images (`zoo.eval.suite.digit_metrics`: the card's protocol on a
smaller sample, so the numbers sit above and below the cards' 10,000-sample ones), and the wall time
of the training. Variants (`VARIANTS`): the shipped recipe (batch 128), batch 64 (twice the updates
for the same images), and batch 64 with a moving average of G's weights (`g_ema`, beta 0.995: a
half-life of 138 updates, a seventh of a one-epoch run); then, on top of that last one, dropout in D,
spectral normalization of D, a wider D, a wider G, and two time-scale rates (D 4e-4, G 1e-4) -- one
change at a time, so each difference is that change's; then two G updates a step on the wider G; last,
the discriminator's shape on version 3 (a third strided block, Radford et al.'s batch norm, both), over
three epochs in two processes side by side (benchmarks/gan_recipe_dshape.md):

    python benchmarks/gan_recipe.py --images 180000 --only 9 11 --write --out gan_recipe_dshape_a.md
    python benchmarks/gan_recipe.py --images 180000 --only 10 12 --write --out gan_recipe_dshape_b.md

and the same shape with layer norm on wgan-gp-mnist's critic (ten epochs, its own optimizers):

    python benchmarks/gan_recipe.py --model wgan-gp-mnist --catalog-optimizers --images 600000 --only 13 --write --out gan_recipe_wgan_gp_shape_a.md
    python benchmarks/gan_recipe.py --model wgan-gp-mnist --catalog-optimizers --images 600000 --only 14 --write --out gan_recipe_wgan_gp_shape_b.md

and top-k training of G (Sinha et al. 2020) on dcgan-mnist's version-4 network, six epochs side by side:

    python benchmarks/gan_recipe.py --images 360000 --only 15 --write --out gan_recipe_topk_a.md
    python benchmarks/gan_recipe.py --images 360000 --only 16 --write --out gan_recipe_topk_b.md
"""

import argparse
import datetime
import os
import platform
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

V4 = {"g_ema": 0.999, "g_filters": 80, "d_filters": 56, "d_blocks": 3, "d_batch_norm": True}  # dcgan-mnist v4
# (name, batch size, constructor overrides[, (D's, G's) Adam learning rates: default 2e-4 both])
VARIANTS = [
    ("shipped recipe: batch 128", 128, {}),
    ("batch 64", 64, {}),
    ("batch 64, g_ema 0.995", 64, {"g_ema": 0.995}),
    # D-side choices the issue names, each on top of the shipped version-2 recipe (batch 64, averaged G):
    ("batch 64, g_ema 0.995, D dropout 0.3", 64, {"g_ema": 0.995, "d_dropout": 0.3}),
    ("batch 64, g_ema 0.995, D spectral norm", 64, {"g_ema": 0.995, "d_spectral_norm": True}),
    # Width within the 8 MB budget (the averaged G is stored too): D at 128 filters is 6.6 MB, G at 80 is 6.5 MB.
    ("batch 64, g_ema 0.995, D twice as wide (128 filters)", 64, {"g_ema": 0.995, "d_filters": 128}),
    ("batch 64, g_ema 0.995, G 80 filters", 64, {"g_ema": 0.995, "g_filters": 80}),
    ("batch 64, g_ema 0.995, TTUR (D 4e-4, G 1e-4)", 64, {"g_ema": 0.995}, (4e-4, 1e-4)),
    # The DCGAN reference code's two G updates a step (kept by the PacGAN code), on the version-3 network:
    ("batch 64, g_ema 0.995, G 80 filters, 2 G updates a step", 64, {"g_ema": 0.995, "g_filters": 80, "g_steps": 2}),
    # The discriminator's shape, on dcgan-mnist's version-3 network and averaging (G 80 filters, beta 0.999),
    # measured over three epochs (--images 180000): a third strided block (7x7 -> 4x4, 256 channels), and
    # batch norm after every conv but the first as in Radford et al.'s D; then both.
    ("version 3: G 80 filters, g_ema 0.999", 64, {"g_ema": 0.999, "g_filters": 80}),
    ("version 3, D 3 blocks", 64, {"g_ema": 0.999, "g_filters": 80, "d_blocks": 3}),
    ("version 3, D batch norm", 64, {"g_ema": 0.999, "g_filters": 80, "d_batch_norm": True}),
    ("version 3, D 3 blocks with batch norm", 64, {"g_ema": 0.999, "g_filters": 80, "d_blocks": 3,
                                                   "d_batch_norm": True}),
    # The same shape for a critic under the gradient penalty, which refuses batch norm: layer norm instead
    # (`--model wgan-gp-mnist --catalog-optimizers`, on its version-2 network). Averaged with beta 0.995, not
    # version 2's 0.999: the average starts as G's initial weights, which still weigh 0.999^1,875 = 15% after
    # these runs' 1,875 G updates (a run with 0.999 sampled one digit class 99% of the time, FID 1,598);
    # 0.995^1,875 is 1e-4. D at 56 filters, as in dcgan-mnist's version 4: at 64 the file is over the budget.
    ("version 2 (G 80 filters), g_ema 0.995", 64, {"g_ema": 0.995, "g_filters": 80}),
    ("version 2, g_ema 0.995, D 3 blocks with layer norm, 56 filters", 64,
     {"g_ema": 0.995, "g_filters": 80, "d_blocks": 3, "d_layer_norm": True, "d_filters": 56}),
    # Top-k training (Sinha et al. 2020) on dcgan-mnist's version-4 network, over six epochs (--images 360000,
    # 5,622 G updates): G's loss over the half of each batch D scores most real, reached by decaying the kept
    # share 0.9 per 1,000 G updates (0.59 at the end).
    ("version 4: D 3 blocks, batch norm, 56 filters", 64, V4),
    ("version 4, top-k (nu 0.5, gamma 0.9 per 1,000)", 64, dict(V4, g_top_k=0.5, g_top_k_decay=0.9)),
]
LRS = (2e-4, 2e-4)
# The network every variant starts from: dcgan-mnist's version 2 (G and D 64 filters, no averaged G), set
# explicitly so the table does not follow later versions of the catalog entry (version 3 has G 80, g_ema 0.999;
# version 4 adds D's third block and batch norm).
BASE = {"g_filters": 64, "d_filters": 64, "g_ema": 0.0, "d_blocks": 0, "d_batch_norm": False,
        "d_layer_norm": False, "g_top_k": 1.0}
KEYS = ("confident_share", "class_share_min", "class_share_max", "fid", "precision", "recall")


def run(model_id, batch, overrides, images, samples, seed=0, lrs=LRS, catalog_optimizers=False):
    """(metrics of `digit_metrics` on `samples` samples, training seconds) of one variant.

    `catalog_optimizers` compiles with the catalog recipe's optimizers (e.g. WGAN-GP's Adam 1e-4,
    beta (0.5, 0.9); WGAN's RMSProp 5e-5) instead of Adam(2e-4, beta_1 0.5) at `lrs`."""
    import keras

    from zoo import data, registry
    from zoo.eval import features as F
    from zoo.eval.suite import digit_metrics

    spec = registry.get_spec(model_id)
    keras.utils.set_random_seed(seed)
    model = registry.FAMILIES[spec.family](**{**spec.config, **BASE, **overrides, "seed": seed})
    if catalog_optimizers:
        model.compile_from_config(spec.recipe.compile_config())
    else:
        model.compile(**{name: keras.optimizers.Adam(lr, beta_1=0.5)
                         for name, lr in zip(("d_optimizer", "g_optimizer"), lrs)})
    k = _critic_steps(model_id)  # a fit step takes K critic batches of `batch`, as in training.train
    steps = images // (batch * k)
    # repeated: more images than the train split are further passes over it, not a silently shorter run
    ds = data.load(spec.dataset, split="train", batch_size=batch * k, shuffle=True, seed=seed,
                   drop_remainder=True).repeat().take(steps)
    t0 = time.time()
    model.fit(ds, epochs=1, verbose=0)
    seconds = time.time() - t0
    ev = digit_metrics(model, F.feature_network(spec.dataset), n=samples, dataset=spec.dataset)["eval"]
    return {k: ev[k] for k in KEYS}, seconds


def _critic_steps(model_id):
    from zoo import registry

    return int(registry.get_spec(model_id).config.get("n_critic", 1))


def report(rows, model_id, images, samples, when=None, command=None, optimizers=None):
    """(the markdown table, the whole gan_recipe.md) of [(variant, batch, metrics, seconds)].

    `command` is the command line that produced the rows (default: the one with these arguments);
    `optimizers` describes the catalog recipe's optimizers when the rows used them."""
    width = ", ".join(f"{k} {BASE[k]}" for k in ("g_filters", "d_filters"))
    command = command or (f"python benchmarks/gan_recipe.py --write --model {model_id} --images {images} "
                          f"--samples {samples}")
    k = _critic_steps(model_id)
    head = f"| variant | batch | {'G ' if k > 1 else ''}updates | " + " | ".join(KEYS) + " | training seconds |"
    lines = [head, "|" + " --- |" * (len(KEYS) + 4)]
    for name, batch, ev, seconds in rows:
        lines.append(f"| {name} | {batch} | {images // (batch * k):,} | " + " | ".join(f"{ev[k]:.3f}" for k in KEYS)
                     + f" | {seconds:.0f} |")
    table = "\n".join(lines)
    when = when or datetime.date.today().isoformat()
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    text = (f"# Recipe variants of {model_id}, measured\n\n"
            f"`{command}`, run {when} on {platform.machine()} CPU ({os.cpu_count()} cores), one thread "
            f"per process (TF_NUM_INTRAOP_THREADS=1); load average {load} when the table was written (other "
            f"trainings ran beside it, so the seconds compare only within this table).\n\n"
            f"Every variant trains the catalog architecture of {model_id} with {width} and no averaged G (a variant "
            "changes only what it names) "
            f"from seed 0 on {images:,} training images with "
            + (f"the catalog recipe's optimizers ({optimizers})" if optimizers else
               "Adam(beta_1 0.5), rate 2e-4 for D and G unless the variant says otherwise")
            + f", then {samples:,} samples "
            "(seed 0) are scored against as many real test images by the card's suite "
            "(`zoo.eval.suite.digit_metrics`; confident = labelled with p > 0.9 by the pinned feature "
            "classifier).\n\n" + table + "\n")
    return table, text


def main(argv=None):
    p = argparse.ArgumentParser(prog="python benchmarks/gan_recipe.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="dcgan-mnist", help="catalog id of an image GAN (default dcgan-mnist)")
    p.add_argument("--images", type=int, default=60_000, help="training images per variant (default 60,000)")
    p.add_argument("--samples", type=int, default=2_000, help="samples scored per variant (default 2,000)")
    p.add_argument("--only", type=int, nargs="*", help="indices of VARIANTS to run (default all)")
    p.add_argument("--write", action="store_true", help="write benchmarks/<--out>")
    p.add_argument("--catalog-optimizers", action="store_true",
                   help="compile with the catalog recipe's optimizers instead of Adam 2e-4 (the Wasserstein ids)")
    p.add_argument("--out", default="gan_recipe.md", help="file name under benchmarks/ (default gan_recipe.md)")
    a = p.parse_args(argv)
    if os.path.basename(a.out) != a.out or not a.out.endswith(".md"):
        p.error(f"--out must be a file name ending in .md (written under benchmarks/), got {a.out!r}")
    if a.images < 128 or a.samples < 100:
        p.error("--images must be at least 128 and --samples at least 100")
    chosen = [VARIANTS[i] for i in (a.only if a.only is not None else range(len(VARIANTS)))]
    for name, _, _, *lrs in chosen:
        if lrs and a.catalog_optimizers:
            p.error(f"variant {name!r} sets its own learning rates; it cannot run with --catalog-optimizers")
    rows = []
    for name, batch, overrides, *lrs in chosen:
        print(f"{name}: training on {a.images:,} images ...", flush=True)
        ev, seconds = run(a.model, batch, overrides, a.images, a.samples, lrs=lrs[0] if lrs else LRS,
                          catalog_optimizers=a.catalog_optimizers)
        rows.append((name, batch, ev, seconds))
        print(f"  {seconds:.0f} s; " + ", ".join(f"{k} {v:.3f}" for k, v in ev.items()), flush=True)
    optimizers = None
    if a.catalog_optimizers:
        from zoo import registry

        optimizers = registry.get_spec(a.model).recipe.describe().split(" per update, ")[1].split(", seed")[0]
    table, text = report(rows, a.model, a.images, a.samples, optimizers=optimizers,
                         command=" ".join(["python benchmarks/gan_recipe.py", *(argv if argv is not None else sys.argv[1:])]))
    print(table)
    if a.write:
        from zoo.saving import write_file_atomic

        write_file_atomic(os.path.join(ROOT, "benchmarks", a.out), text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
