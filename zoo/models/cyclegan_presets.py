"""Catalog ids of the CycleGAN family (unpaired image-to-image translation): constructor kwargs, dataset,
recipe, card text, paper."""

from zoo import recipes as R
from zoo.registry import Card, ModelSpec, register_presets

_PAPER = ("Zhu, Park, Isola, Efros 2017, Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial "
          "Networks, arXiv:1703.10593")

_DOMAINS = ("- Domain A is digits printed in the 21 fonts matplotlib ships (`zoo.data.fonts`), domain B MNIST: "
            "other fonts, sizes, colours or real photographs of print are outside its training data.")
_COMMON_LIMITS = ("- The paper reports no number on digits; its FCN-score idea is measured here with a small MNIST "
                  "classifier, whose own errors count against the model.",
                  "- Generators a quarter of the paper's width (16 filters, 6 residual blocks), no history buffer of "
                  "generated images, one training run (seed 0) with a short CPU recipe.")
_NOCYCLE_LIMITS = (_DOMAINS,
                   "- A teaching ablation, not a translator: with no cycle or identity loss nothing ties an output to "
                   "its input, and this run collapsed: every printed digit becomes the same scribble (the classifier "
                   "reads 10.3% of the translations as the printed digit, chance level; FID to MNIST 2,100 against "
                   "the untranslated inputs' 298). That is what the cycle term of `cyclegan-printed2handwritten` "
                   "prevents; another seed may collapse differently.",
                   *_COMMON_LIMITS)

CARD = Card(
    intended="Teaching and research on unpaired image-to-image translation: turn a printed digit into a handwritten-"
             "looking one and back (`translate(x, direction=\"a2b\" | \"b2a\")`) without ever showing the model a "
             "matching pair, see what the cycle-consistency loss adds by comparing with the same networks trained "
             "without it (the paper's \"GAN alone\" ablation), and fine-tune with `model.fit` on batches of the two "
             "domains. Not for producing handwriting that is passed off as someone's, nor for any decision about "
             "people.",
    limitations=[_DOMAINS,
                 "- Nothing but the cycle loss ties an output to its input's class: a translation may turn a digit "
                 "into another (the evaluation reports which digits swap most).",
                 *_COMMON_LIMITS],
    tags=["gan", "cyclegan", "unpaired-translation", "image-to-image", "lsgan", "patchgan"],
    task="image-to-image",
)

# 28x28 images: generators c7s1-16, d32, d64, 6 residual blocks of 64 channels at 7x7, u32, u16, c7s1-1 (490 k
# parameters each), PatchGANs judging 16x16 patches (35 k each): 1.05 M parameters, a 4.2 MB weights file (< 8 MB).
_NET = dict(image_shape=[28, 28, 1], filters=16, res_blocks=6, downsamplings=2, d_filters=32, d_layers=1)
_ADAM = R.gan(R.adam(2e-4), R.adam(2e-4))  # the paper's Adam 2e-4, beta_1 = 0.5, for both generators and both Ds
# Step time, one thread (TF_NUM_INTRAOP_THREADS=1), batch 16, 30 steps after 5 traced ones, on a 2-core machine
# busy with other jobs (load 4.6-5): cyclegan-printed2handwritten 573 ms of CPU per step (938 ms of wall time), the
# ablation 300 ms (505 ms; 2 generator passes with gradients instead of 6, the cycle L1 only measured). 60,000
# printed / 60,000 MNIST train digits at batch 16 = 3,750 steps an epoch; 2 epochs = 7,500 steps = 7,500 x 0.573 s
# = 4,300 s = 72 minutes of one CPU thread (the ablation 38 minutes); both see the same 120,000 images of each
# domain. Rendering the 60,000 printed training digits first takes 21 s of CPU.
_RECIPE = R.Recipe(epochs=2, batch_size=16, compile=_ADAM)
# Version 2 of cyclegan-printed2handwritten: the same 7,500 updates with the paper's schedule, the rate held for
# the first half and decayed linearly to 0 over the second (Zhu et al. hold 2e-4 for 100 epochs, then decay over
# 100), here in 10 plateaus. Version 1 held 2e-4 throughout and read 83.9% of its translations right, short of
# the 85%; its losses were flat over the whole second half (the curves on its card), so more updates at
# that rate promise little, while a falling rate lets G settle instead of following D's last moves.
_DECAY = R.adam_hold_then_decay(2e-4, 2 * 3_750)
_RECIPE_2 = R.Recipe(epochs=2, batch_size=16, compile=R.gan(_DECAY, _DECAY))
_ACC = ("classifier_accuracy", "max")  # the FCN-score idea: is G(printed d) read as d?
# Zhu et al. 2017 (arXiv:1703.10593 v7) measure realism by AMT studies (Table 1, maps <-> aerial photos) and
# faithfulness by FCN-scores of the outputs on Cityscapes (Table 2 labels -> photo; Table 4 its ablation): another
# task and scorer, so the comparable quantities are the order of the ablation and the gap to the inputs, not the
# values.
_PAPER_NUMBERS = {
    "classifier_accuracy": "FCN-score per-pixel accuracy on Cityscapes labels -> photo (Zhu et al. 2017, Table 2): "
                           "CycleGAN 0.52, pix2pix (paired) 0.71, CoGAN 0.40, SimGAN 0.20; ablation (Table 4): GAN "
                           "alone 0.51, cycle alone 0.22; another task and scorer (an FCN segmenting street scenes): "
                           "compare the order of CycleGAN and GAN alone, not the values",
}

SPECS = [
    ModelSpec(id="cyclegan-printed2handwritten", family="CycleGAN", config=dict(_NET, cycle_weight=10.0,
                                                                                identity_weight=0.5),
              dataset="printed2handwritten", summary="CycleGAN between printed digits (21 fonts) and MNIST: LSGAN, "
                                                     "cycle 10, identity 5, no pairs",
              paper=_PAPER, license="cc-by-sa-3.0", recipe=_RECIPE_2, primary_metric=_ACC,
              paper_numbers=_PAPER_NUMBERS),
    # The ablation keeps version 1's constant rate, the recipe its shipped weights were trained with.
    ModelSpec(id="cyclegan-nocycle-printed2handwritten", family="CycleGAN",
              config=dict(_NET, cycle_weight=0.0, identity_weight=0.0), dataset="printed2handwritten",
              summary="cyclegan-printed2handwritten without the cycle and identity losses (the paper's GAN-alone "
                      "ablation)",
              paper=_PAPER, license="cc-by-sa-3.0", recipe=_RECIPE, primary_metric=_ACC,
              paper_numbers=_PAPER_NUMBERS, limitations=_NOCYCLE_LIMITS),
]

TINY = {
    "tiny": dict(image_shape=[8, 8, 1], filters=4, res_blocks=1, downsamplings=1, d_filters=4, d_layers=1),
    "tiny-nocycle-rgb": dict(image_shape=[16, 16, 3], filters=4, res_blocks=2, downsamplings=2, d_filters=4,
                             d_layers=2, cycle_weight=0.0, identity_weight=0.0),
}

register_presets("zoo.models.cyclegan.CycleGAN", SPECS, CARD, TINY)
