"""Mode coverage of a mixture GAN against the number of generator updates (not shipped weights).

    python benchmarks/mixture_steps.py wgan-gp-grid25 --gsteps 50000 --every 5000
    python benchmarks/mixture_steps.py gan-ring8 --gsteps 30000 --every 5000

Builds the catalog id's untrained network (`--set key=json` overrides a config entry, e.g.
``--set unroll_lr=0.005``), trains it with the mixture recipes' optimizer shape (Adam, cosine
decay from --lr to alpha * lr over the whole run; a critic with K steps decays over K times the
updates) for --gsteps generator updates on batches of --batch, and every --every updates prints
modes covered, HQ % and KL over sampling seeds 0, 1, 2 (`zoo.eval.mixtures`, 2,500 samples each).
No checkpoints, curves or installation: a quick look at how far a longer recipe would get.
"""

import argparse
import inspect
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python benchmarks/mixture_steps.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model_id", help="a mixture id, e.g. wgan-gp-grid25")
    p.add_argument("--gsteps", type=int, default=None,
                   help="generator updates (default: the recipe's, training/recipes.py MIXTURE_G_STEPS)")
    p.add_argument("--every", type=int, default=5000, help="updates between evaluations")
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--alpha", type=float, default=0.02, help="final rate / initial rate")
    p.add_argument("--b1", type=float, default=0.5)
    p.add_argument("--b2", type=float, default=None,
                   help="Adam beta_2 (default: the recipe's; 0.9 for WGAN-GP, 0.999 otherwise)")
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--set", action="append", default=[], metavar="KEY=JSON", help="override a config entry")
    a = p.parse_args(argv)

    import keras
    import numpy as np

    from zoo import data, registry
    from zoo.eval.mixtures import SEEDS, mixture_metrics
    from zoo.models.gan import GAN
    from training.recipes import MIXTURE_G_STEPS, RECIPES, adam_cosine, gan

    spec = registry.get_spec(a.model_id)
    if spec.family != "GAN" or spec.dataset not in data.MIXTURES:
        raise SystemExit(f"{a.model_id} is not a GAN on a 2D mixture ({', '.join(data.MIXTURES)}).")
    cfg = dict(spec.config)
    a.gsteps = a.gsteps or MIXTURE_G_STEPS[spec.dataset]
    if a.b2 is None:
        a.b2 = RECIPES[a.model_id].compile["g_optimizer"]["config"]["beta_2"]
    for kv in a.set:
        key, eq, value = kv.partition("=")
        if key not in cfg and key not in inspect.signature(GAN.__init__).parameters:
            raise SystemExit(f"--set {kv!r}: {key!r} is not an option of the GAN family.")
        try:
            cfg[key] = json.loads(value) if eq else None
        except ValueError:
            raise SystemExit(f"--set {kv!r}: the value must be JSON, e.g. --set unroll_lr=0.005.") from None
        if not eq:
            raise SystemExit(f"--set {kv!r}: expected KEY=JSON, e.g. --set unroll_lr=0.005.")
    keras.utils.set_random_seed(a.seed)
    model = GAN(**cfg)
    k = cfg.get("n_critic", 1)
    model.compile_from_config(gan(adam_cosine(a.lr, k * a.gsteps, a.b1, a.b2, a.alpha),
                                  adam_cosine(a.lr, a.gsteps, a.b1, a.b2, a.alpha)))
    ds = data.load(spec.dataset, split="train", batch_size=a.batch * k, seed=a.seed).repeat()
    done, t0 = 0, time.time()
    while done < a.gsteps:
        n = min(a.every, a.gsteps - done)
        h = model.fit(ds, steps_per_epoch=n, epochs=1, verbose=0)
        done += n
        ms = [mixture_metrics(model.generate(2500, seed=s), spec.dataset) for s in SEEDS]
        print(f"{a.model_id} update {done:,} ({time.time() - t0:.0f} s): d_loss {h.history['d_loss'][-1]:.3f} "
              f"g_loss {h.history['g_loss'][-1]:.3f} modes {np.mean([m['modes_covered'] for m in ms]):.1f} "
              f"HQ {np.mean([m['hq_percent'] for m in ms]):.1f}% KL {np.mean([m['kl_to_uniform'] for m in ms]):.3f}",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
