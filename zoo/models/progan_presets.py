"""Catalog ids of the progressive GAN family (ProGAN): constructor kwargs, dataset, recipe, card text, paper."""

from zoo import recipes as R
from zoo.registry import Card, ModelSpec, register_presets

_PAPER = ("Karras, Aila, Laine, Lehtinen 2018, Progressive Growing of GANs for Improved Quality, Stability, and "
          "Variation, arXiv:1710.10196")

CARD = Card(
    intended="Teaching and research on progressive growing: sampling (`generate`), the samples of every stage of "
             "the growth from the same codes (`stage_samples`: 4x4, 8x8, 16x16, 32x32), latent interpolation, "
             "fine-tuning with `model.fit` (a fit continues the schedule from the images the model has seen), and "
             "a comparison with the fixed-resolution GANs of the zoo (`dcgan-mnist`, `wgan-gp-mnist`) on the same "
             "data. Not for producing data that is passed off as real, nor for any decision about people.",
    limitations=["- 28x28 grey images padded to 32x32 inside: growing from 4x4 to 32x32 is three doublings, not "
                 "the paper's eight (to 1024x1024), so the stability it buys at high resolution is barely tested "
                 "here.",
                 "- Channels 64, 32, 16, 8 per resolution (the paper: 512 down to 16) and 120,000 images per phase "
                 "(the paper: 800,000), so that one run fits in an hour of one CPU thread; no exponential moving "
                 "average of the generator's weights (the paper's samples use one) and no reset of Adam's moments "
                 "at a new phase (the paper's code resets them).",
                 "- A fixed batch of 64 at every resolution (the paper lowers it as the resolution grows); the "
                 "minibatch standard deviation uses groups of 4 examples (per replica under tf.distribute).",
                 "- One training run (seed 0); GAN samples can miss modes of the data: the evaluation table, not the "
                 "sample grid, says how well the data is covered."],
    tags=["gan", "progressive-gan", "progan", "wgan-gp", "unconditional-image-generation"],
    task="unconditional-image-generation",
)

# 28x28 images padded to 32: stages 4, 8, 16, 32 with 64, 32, 16, 8 channels (280 k parameters, G and D 140 k
# each), code 64. The paper's training: WGAN-GP (lambda 10) + drift 0.001, one critic step per G step, Adam(1e-3,
# beta_1 0, beta_2 0.99, epsilon 1e-8).
_NET = dict(data_shape=[28, 28, 1], latent_dim=64, filters=[64, 32, 16, 8], phase_images=120_000, gp_weight=10.0,
            drift_weight=0.001, group_size=4)
_ADAM = R.optimizer("Adam", 1e-3, beta_1=0.0, beta_2=0.99, epsilon=1e-8)
# Step time, batch 64, one thread (TF_NUM_INTRAOP_THREADS=1), 30 steps after 2 traced ones, CPU time on a 2-core
# machine busy with two other trainings (load 5-6.5): 60 ms at 4x4, 127 ms at 8x8, 227 ms at 16x16, 406 ms at
# 32x32 (a fade-in step and a stable step of a stage cost the same). 120,000 images per phase = 1,875 steps: 4x4
# stabilises (1,875 x 0.060 s = 112 s), then 8, 16 and 32 fade in and stabilise (3,750 steps each: 476 + 851 +
# 1,523 s): 2,962 s for the 840,000 images of the schedule. 14 epochs of 60,000 // 64 = 937 steps = 13,118 steps
# (839,552 images) end 7 steps before it, in 32x32's stable phase: 2,959 s = 49 minutes of one CPU thread, plus
# the mode probes and the sample grids. The same network with 64, 64, 32, 16 channels measured 69 / 213 / 411 /
# 809 ms: 64,000 images per phase would fill the hour. XLA (jit_compile) did not compile the step in 15 minutes.
# A check of the whole schedule at 1/19 of its length (phase_images 6,400: 700 steps, 175 s of CPU) ended at 32x32
# with digit-like strokes in every sample. The full run of progan-mnist took 1,590 s of CPU (1,897 s wall beside
# another single-threaded training): the step times above were measured on a busier machine.
_RECIPE = R.Recipe(epochs=14, batch_size=64, compile=R.gan(_ADAM, _ADAM), probe_every=500)
_FID = ("fid", "min")
_PAPER_NUMBERS = {
    "fid": "none comparable: the paper reports an inception score of 8.80 on CIFAR-10 (unsupervised, 32x32 colour "
           "photos of 10 object classes, scored by an ImageNet Inception network) and sliced Wasserstein distances "
           "and MS-SSIM on CelebA / CelebA-HQ and LSUN at up to 1024x1024; none is measured on digits or clothes, "
           "and this FID uses the features of the zoo's MNIST classifier, not Inception's",
}
_FASHION_LIMITS = ("- Its FID / KID / precision-recall are measured with `fashion-classifier` (pinned in "
                   "`zoo/eval/features.py`), so they compare only with other Fashion-MNIST numbers.",
                   *CARD.limitations)

# Against the DCGAN at equal CPU time (both runs' training curves: 1,000 samples generate(1000, seed=0) every few
# hundred updates, share labelled with p > 0.9 by mnist-classifier): progan-mnist version 1 ended at 72.1% after
# 1,590 s of CPU; dcgan-mnist version 3 had 75.9% after the same CPU time (update 11,800 of 22,488; 126 s an epoch)
# and 78.5% at its end (3,034 s).
_MNIST_LIMITS = ("- At equal CPU time it is no better than the fixed-resolution DCGAN: 72.1% of 1,000 samples "
                 "confidently digits after its 26.5 CPU minutes, where `dcgan-mnist`'s own run had 75.9% after the "
                 "same CPU time (both training curves' probe). Growing buys stability at high resolution; at 32x32 "
                 "it does not buy quality per CPU minute.",
                 *CARD.limitations)

SPECS = [
    ModelSpec(id="progan-mnist", family="ProGAN", config=dict(_NET), dataset="mnist",
              summary="Progressive GAN on MNIST: grown 4x4 -> 8 -> 16 -> 32 (28x28 padded), WGAN-GP + drift",
              paper=_PAPER, license="cc-by-sa-3.0", recipe=_RECIPE, primary_metric=_FID,
              paper_numbers=_PAPER_NUMBERS, limitations=_MNIST_LIMITS),
    ModelSpec(id="progan-fashion", family="ProGAN", config=dict(_NET), dataset="fashion_mnist",
              summary="Progressive GAN on Fashion-MNIST: grown 4x4 -> 8 -> 16 -> 32 (28x28 padded), WGAN-GP + drift",
              paper=_PAPER, license="mit", recipe=_RECIPE, primary_metric=_FID, paper_numbers=_PAPER_NUMBERS,
              limitations=_FASHION_LIMITS),
]

TINY = {
    # 6x6 padded to 8: stages 4 and 8; 8 images per phase, so two fit steps of 8 cover 4x4 and the fade-in of 8x8
    "tiny": dict(data_shape=[6, 6, 1], latent_dim=8, filters=[8, 4], phase_images=8, group_size=2),
}

register_presets("zoo.models.progan.ProGAN", SPECS, CARD, TINY)
