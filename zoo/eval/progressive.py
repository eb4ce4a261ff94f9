"""The card figure of a progressively grown GAN (the `Progressive` capability): the same codes
through the network of every stage.

One row per stage (4x4, 8x8, ... up to the last resolution), `stage_samples(N_FIGURE, seed=0)`:
each earlier stage's output is shown enlarged to the last stage's size (nearest), so the rows line
up and the growth from a blocky layout to the final images reads top to bottom.

>>> from zoo.eval import progressive
>>> progressive.card_figures(registry.get_spec("progan-mnist"), "folder")   # [(title, markdown)]
"""

import os

import numpy as np

from zoo import viz

N_FIGURE = 8  # samples a row
SEED = 0
SCALE = 3  # pixels of the PNG per image pixel


def grows(spec):
    """True for a catalog entry whose family grows through stages (the Progressive capability)."""
    from zoo import capabilities as cap

    return cap.has(spec, cap.Progressive)


def figure(model, path, n=N_FIGURE, seed=SEED):
    """Draw `model.stage_samples(n, seed)` into `path`, one row per stage; the resolutions, in order."""
    rows = model.stage_samples(n, seed=seed)
    images = np.concatenate([np.clip(np.asarray(x, np.float32), 0.0, 1.0) for x in rows.values()])
    viz.save_png(path, viz.image_grid(images, ncols=n), scale=SCALE)
    return list(rows)


def card_figures(spec, folder):
    """The card section [(title, markdown)] with `<id>-stages.png` drawn into `folder` from the
    installed model ([] for a family that does not grow, or a model not installed)."""
    from zoo.hub import load

    if not grows(spec) or not spec.weights:
        return []
    name = f"{spec.id}-stages.png"
    resolutions = figure(load(spec.id, compile=False), os.path.join(folder, name))
    body = (f"![stages of {spec.id}]({name})\n\n`stage_samples({N_FIGURE}, seed={SEED})`: the same {N_FIGURE} codes "
            "through the network of each stage, top to bottom "
            + ", ".join(f"{r}x{r}" for r in resolutions)
            + " (earlier stages enlarged to the last one's size and cropped like every output). An earlier "
            "stage's toRGB layer stopped training once the next stage had faded in, so its row shows the "
            "growth's coarse layout, not a trained model of that resolution.")
    return [("Growing", body)]
