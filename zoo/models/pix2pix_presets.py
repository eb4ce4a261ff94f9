"""Catalog ids of the pix2pix family (paired image-to-image translation): constructor kwargs,
dataset, recipe, card text, paper."""

from zoo import recipes as R
from zoo.registry import Card, ModelSpec, register_presets

_PAPER = ("Isola, Zhu, Zhou, Efros 2017, Image-to-Image Translation with Conditional Adversarial Networks, "
          "arXiv:1611.07004")

CARD = Card(
    intended="Teaching and research on conditional GANs for paired image-to-image translation: turn an edge map "
             "into the image it was drawn from (`translate(edges, seed=...)`), compare the U-Net trained with the "
             "cGAN + L1 loss with the same U-Net trained on L1 alone (the paper's ablation), see how little the "
             "dropout noise changes an output, and fine-tune with `model.fit` on (source, target) pairs. Not for "
             "producing images that are passed off as real, nor for any decision about people.",
    limitations=["- Trained on 28x28 grey images whose edge maps come from a fixed Sobel operator "
                 "(`zoo.data.paired`): hand-drawn sketches, other edge detectors, sizes or colours are out of its "
                 "domain.",
                 "- The edge map is computed from the target, so the task is easier than the paper's edges -> "
                 "photos (HED edges of real photos): the outputs look right for the edges the operator makes.",
                 "- As in the paper, its only noise is dropout, and the paper found that such noise changes the "
                 "outputs very little: it is not a model of the many images that fit one edge map.",
                 "- The paper reports no number on these datasets; its FCN-score idea is measured here with a small "
                 "digit classifier, whose own errors count against the model.",
                 "- One training run (seed 0) with a short CPU recipe."],
    tags=["gan", "pix2pix", "conditional-gan", "image-to-image", "u-net", "patchgan"],
    task="image-to-image",
)

# 28x28 sources, zero-padded to 32 inside G: 5 levels of 32, 64, 128, 128, 128 channels down to a 1x1
# bottleneck (1.81 M parameters); D judges 16x16 patches (patch_size(1)) with 35 k. Weights file: 7.5 MB (< 8 MB).
_NET = dict(image_shape=[28, 28, 1], target_channels=1, filters=32, max_filters=128, depth=5, dropout=0.5,
            dropout_layers=3, d_filters=32, d_layers=1, l1_weight=100.0)
_ADAM = R.gan(R.adam(2e-4), R.adam(2e-4))  # the paper's Adam 2e-4, beta_1 = 0.5, for G and D
# Step time, one thread (TF_NUM_INTRAOP_THREADS=1), batch 32, 40 steps after 5 traced ones, on a 2-core machine
# busy with other jobs (load 2-6): pix2pix-edges2digits and -edges2fashion 196-268 ms of CPU per step (364-1,048
# ms of wall time, by load); the L1-only ablation (no D update) 125-141 ms of CPU. 4 epochs of 60,000 // 32 =
# 1,875 steps = 7,500 steps: 7,500 x 0.268 s = 2,010 s = 34 minutes of one CPU thread (45 minutes of wall time at
# 364 ms a step); the ablation takes the same 7,500 G updates in 18 minutes. A 40-step run of the training
# driver (`python -m training.train pix2pix-edges2digits --epochs 1 --max-steps 40`) works end to end.
_RECIPE = R.Recipe(epochs=4, batch_size=32, compile=_ADAM)
_FCN = ("classifier_accuracy", "max")  # the FCN-score idea: is the output classified as its target is?
# Isola et al. 2017, Table 1 (Cityscapes labels -> photo, FCN-8s per-pixel accuracy of the outputs): another task and
# scorer, so the comparable quantity is the gap to real images and the order of the ablation, not the values.
_PAPER_NUMBERS = {
    "classifier_accuracy": "FCN-score per-pixel accuracy on Cityscapes labels -> photo (Isola et al. 2017, Table 1): "
                           "L1 0.42, cGAN 0.57, L1 + cGAN 0.66, real photos 0.80; another task and scorer (an FCN "
                           "segmenting street scenes): compare the gap to the real images and the L1 vs L1 + cGAN "
                           "order",
}
_FASHION_LIMITS = (
    "- Its classifier accuracy (the FCN-score idea) is fashion-classifier's, which misreads some real test items "
    "too (the card's `classifier_real_accuracy`; mnist-classifier reads 99.2% of real digits right): part of a "
    "wrong label is the classifier's.",
    *CARD.limitations[:3],
    "- One training run (seed 0) with a short CPU recipe.")

_GLYPH_INTENDED = ("Teaching and research on paired image-to-image translation between fonts: draw a letter or digit "
                   "given in DejaVu Sans in DejaVu Serif Bold Italic (`translate(glyph, seed=...)`): serifs, weight "
                   "and slant added to a known shape. Not a font generator: it knows one pair of fonts at 28x28.")
_GLYPH_LIMITS = ("- Trained on 28x28 glyphs of 62 characters (A-Z, a-z, 0-9) rendered from two fonts matplotlib ships "
                 "(`zoo.data.fonts`): other characters, fonts or sizes are outside its training data.",
                 "- No feature classifier reads glyphs, so the evaluation reports L1 and SSIM against the true target "
                 "glyphs only, and says so; the paper reports no number on fonts.",
                 "- One training run (seed 0) with a short CPU recipe.")

SPECS = [
    ModelSpec(id="pix2pix-edges2digits", family="Pix2Pix", config=dict(_NET, adversarial=True),
              dataset="edges2digits", summary="pix2pix on MNIST: edge map -> digit (U-Net G, 16x16 PatchGAN, cGAN + "
                                              "100 L1)",
              paper=_PAPER, license="cc-by-sa-3.0", recipe=_RECIPE, primary_metric=_FCN,
              paper_numbers=_PAPER_NUMBERS),
    ModelSpec(id="pix2pix-l1-edges2digits", family="Pix2Pix", config=dict(_NET, adversarial=False),
              dataset="edges2digits", summary="pix2pix-edges2digits' U-Net trained on the L1 loss alone (the "
                                              "paper's ablation)",
              paper=_PAPER, license="cc-by-sa-3.0", recipe=_RECIPE, primary_metric=_FCN,
              paper_numbers=_PAPER_NUMBERS),
    ModelSpec(id="pix2pix-edges2fashion", family="Pix2Pix", config=dict(_NET, adversarial=True),
              dataset="edges2fashion", summary="pix2pix on Fashion-MNIST: edge map -> item (U-Net G, 16x16 PatchGAN, "
                                               "cGAN + 100 L1)",
              paper=_PAPER, license="mit", recipe=_RECIPE, primary_metric=("ssim", "max"),
              limitations=_FASHION_LIMITS, paper_numbers=_PAPER_NUMBERS),
    ModelSpec(id="pix2pix-sans2serif", family="Pix2Pix", config=dict(_NET, adversarial=True), dataset="glyphs",
              summary="pix2pix on font glyphs: DejaVu Sans -> DejaVu Serif Bold Italic (62 characters, cGAN + 100 L1)",
              paper=_PAPER, recipe=_RECIPE, primary_metric=("ssim", "max"), intended=_GLYPH_INTENDED,
              limitations=_GLYPH_LIMITS),
]

TINY = {
    "tiny": dict(image_shape=[8, 8, 1], target_channels=1, filters=4, max_filters=8, depth=3, dropout_layers=2,
                 d_filters=4, d_layers=1),
    "tiny-rgb-nodropout": dict(image_shape=[16, 16, 1], target_channels=3, filters=4, max_filters=8, depth=4,
                               dropout=0.0, d_filters=4, d_layers=2, l1_weight=10.0),
}

register_presets("zoo.models.pix2pix.Pix2Pix", SPECS, CARD, TINY)
