"""The card figure of an image-to-image model: held-out sources, the model's outputs and the targets.

- a paired translator (pix2pix: edges2digits, edges2fashion, glyphs): source | translate(source,
  seed=0) | target;
- an unpaired translator (CycleGAN: printed2handwritten): each domain's test images, their
  translation and its translation back (the cycle);
- an upscaler (SRGAN / SRResNet): the low-resolution input (enlarged by pixel repetition, as it is),
  bicubic upsampling | upscale(low) | the original.

Each row holds the first `N_FIGURE` test examples, so every card of a dataset shows the same ones.
Below the model's own output come the outputs of its installed peers: the other ids with the same
capabilities trained on the same data (SRResNet beside SRGAN, the L1-only pix2pix beside the cGAN one,
CycleGAN without its cycle loss beside the full one), so a card shows its ablation.

>>> from zoo.eval import image_to_image
>>> image_to_image.card_figures(registry.get_spec("srgan-mnist"), "folder")   # [(title, markdown)]
"""

import os

import numpy as np

from zoo import viz

N_FIGURE = 8  # test examples a row
SCALE = 3  # pixels of the PNG per image pixel (28x28 digits: 84 pixels)


def peers(spec):
    """The installed catalog ids with the capabilities and the dataset of `spec`, other than itself."""
    from zoo import registry

    def same(m):
        other = registry.get_spec(m)
        return other.dataset == spec.dataset and tuple(other.capabilities) == tuple(spec.capabilities)

    return [m for m in registry.list_models(pretrained=True) if m != spec.id and same(m)]


def _rows(model, spec, others=None):
    """([(row label, images)], sentence saying where the images come from), or None when the model's
    dataset has no figure here. `others`: {id: model} whose outputs follow the model's own."""
    from zoo import capabilities as cap
    from zoo.data import fonts, paired
    from zoo.data import superres as D
    from zoo.eval import features as F
    from zoo.eval import superres, translation, unpaired

    n, name, others = N_FIGURE, spec.dataset, others or {}
    if cap.has(spec, cap.Upscaler) and name in D.DATASETS:
        low, high = D.arrays(name, "test", num_examples=n)
        k = high.shape[1] // low.shape[1]
        return ([(f"input {low.shape[1]}x{low.shape[2]} (each pixel shown {k}x{k})",
                  np.repeat(np.repeat(low, k, axis=1), k, axis=2)),
                 (f"bicubic x{k}", superres.bicubic(low, high.shape[1:3])),
                 ("upscale(input)", model.upscale(low)),
                 *((f"{peer}: upscale(input)", m.upscale(low)) for peer, m in others.items()), ("original", high)],
                f"the first {n} pairs of the {name} test split")
    if not cap.has(spec, cap.Translator):
        return None
    if name in unpaired.DATASETS:
        a_set, b_set = fonts.UNPAIRED[name]
        a = fonts.arrays(a_set, "test", num_examples=n)[0]
        b = F.real_images("test", n, dataset=b_set)[0]
        a2b, b2a = model.translate(a, direction="a2b"), model.translate(b, direction="b2a")
        return ([(f"{a_set} (A)", a), ("translate(A, 'a2b')", a2b),
                 ("back: translate(that, 'b2a')", model.translate(a2b, direction="b2a")),
                 *((f"{peer}: translate(A, 'a2b')", m.translate(a, direction="a2b")) for peer, m in others.items()),
                 (f"{F.dataset_name(b_set)} (B)", b), ("translate(B, 'b2a')", b2a),
                 ("back: translate(that, 'a2b')", model.translate(b2a, direction="a2b"))],
                f"the first {n} test images of each domain")
    if name in translation.DATASETS:
        source, target = (fonts.arrays if name in fonts.PAIRED else paired.arrays)(name, "test", num_examples=n)
        seed = translation.SEED
        return ([("source", source), (f"translate(source, seed={seed})", model.translate(source, seed=seed)),
                 *((f"{peer}: translate(source, seed={seed})", m.translate(source, seed=seed)) for peer, m in others.items()),
                 ("target", target)],
                f"the first {n} pairs of the {name} test split")
    return None


def figure(model, spec, path, others=None):
    """Draw the figure of `model` (catalog entry `spec`) into `path`, with the outputs of `others`
    ({id: model}) below its own; its row labels and source, or None when its dataset has none."""
    got = _rows(model, spec, others)
    if got is None:
        return None
    rows, where = got
    images = np.concatenate([np.clip(np.asarray(x, np.float32), 0.0, 1.0) for _, x in rows])
    viz.save_png(path, viz.image_grid(images, ncols=N_FIGURE), scale=SCALE)
    return [label for label, _ in rows], where


def card_figures(spec, folder):
    """The card section [(title, markdown)] with `<id>-examples.png` drawn into `folder` from the
    installed model ([] for a model that neither translates nor upscales, or is not installed)."""
    from zoo import capabilities as cap
    from zoo.hub import load

    if not (cap.has(spec, cap.Translator) or cap.has(spec, cap.Upscaler)) or not spec.weights:
        return []
    name = f"{spec.id}-examples.png"
    others = {k: load(k, compile=False) for k in peers(spec)}
    got = figure(load(spec.id, compile=False), spec, os.path.join(folder, name), others)
    if got is None:
        return []
    labels, where = got
    body = (f"![examples of {spec.id}]({name})\n\n{where.capitalize()}, one row each, top to bottom: "
            + "; ".join(labels) + ".")
    return [("Examples", body)]
