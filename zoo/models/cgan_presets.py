"""Catalog ids of the class-conditional GAN family: constructor kwargs, dataset, recipe, card text, paper."""

from zoo import recipes as R
from zoo.registry import Card, ModelSpec, register_presets

_PAPERS = ("Mirza & Osindero 2014, Conditional Generative Adversarial Nets, arXiv:1411.1784; Miyato & Koyama "
           "2018, cGANs with Projection Discriminator, arXiv:1802.05637; Reed et al. 2016, Generative "
           "Adversarial Text to Image Synthesis, arXiv:1605.05396 (the matching-aware discriminator)")
_NO_MISMATCH = ("Mirza & Osindero 2014, Conditional Generative Adversarial Nets, arXiv:1411.1784; Miyato & Koyama "
                "2018, cGANs with Projection Discriminator, arXiv:1802.05637")

CARD = Card(
    intended="Teaching and research on conditional generation: sampling a chosen class "
             "(`generate(n, seed, labels=...)`), keeping a code's style while changing its class "
             "(`change_class`, `interpolate(seed, seed, labels=(a, b))`), fine-tuning with `model.fit` on "
             "(image, label) batches, and the matching-aware discriminator of Reed et al. beside the same model "
             "trained without it. Not for producing data that is passed off as real, nor for any decision "
             "about people.",
    limitations=["- Trained on one 28x28 grey dataset on CPU with a short recipe: samples are not "
                 "photorealistic and carry the biases of the data.",
                 "- Conditional accuracy is measured by a small CNN classifier: a sample it assigns to the "
                 "asked class can still look wrong to a person, and its own errors count against the model.",
                 "- One training run (seed 0): GAN training is noisy, and the gap between the matching-aware "
                 "and the plain model can differ for another seed."],
    tags=["gan", "conditional-gan", "class-conditional-image-generation", "image-generation"],
    task="unconditional-image-generation",  # the Hub has no class-conditional pipeline tag
)

_DIGITS = dict(architecture="dcgan", data_shape=[28, 28, 1], latent_dim=64, g_filters=64, d_filters=64,
               loss="non-saturating", n_critic=1, num_classes=10, conditioning="projection", embed_dim=32)
_ADAM = R.gan(R.adam(2e-4), R.adam(2e-4))  # DCGAN's Adam 2e-4, beta_1 = 0.5
# batch 64, 8 epochs: 7,496 updates of each network, about an hour of one CPU thread (measured on a busy
# 2-core machine: 260 ms of CPU, 510 ms of wall time per step with the mismatching term, 230 / 560 without).
# 150 steps already draw the asked digit (blurry); 300 reach conditional accuracy 1.0 on 100 samples per class.
_RECIPE = R.Recipe(epochs=8, batch_size=64, compile=_ADAM, with_labels=True)
_ACC = ("conditional_accuracy", "max")
_PAPER_NUMBERS = {"conditional_accuracy": "none comparable: Mirza & Osindero 2014's one MNIST number is a "
                                          "Parzen-window log-likelihood of 10,000 samples (132 +- 1.8, Table 1), "
                                          "not whether a classifier finds the class asked for"}
_FASHION_LIMITS = ("- Its conditional accuracy and FID / KID are measured with `fashion-classifier` (pinned in "
                   "`zoo/eval/features.py`), which misreads some real test images too (the card's "
                   "`classifier_real_accuracy`): its own mistakes count against the model.",
                   "- Shirts, T-shirts, pullovers and coats look alike at 28x28: the classifier confuses them "
                   "on real photos too, so those rows of the per-class accuracy are low for real images as well.",
                   "- Trained on CPU with a short recipe: samples are not photorealistic and carry the biases of "
                   "the data.")

SPECS = [
    ModelSpec(id="cgan-mnist", family="ConditionalGAN", config=dict(_DIGITS, matching_aware=True),
              dataset="mnist", summary="Class-conditional DCGAN on MNIST: projection D, matching-aware loss",
              paper=_PAPERS, license="cc-by-sa-3.0", recipe=_RECIPE, primary_metric=_ACC,
              paper_numbers=_PAPER_NUMBERS),
    ModelSpec(id="cgan-nomismatch-mnist", family="ConditionalGAN", config=dict(_DIGITS, matching_aware=False),
              dataset="mnist",
              summary="cgan-mnist trained without the mismatching pairs (plain conditional GAN loss)",
              paper=_NO_MISMATCH, license="cc-by-sa-3.0", recipe=_RECIPE, primary_metric=_ACC,
              paper_numbers=_PAPER_NUMBERS),
    ModelSpec(id="cgan-fashion", family="ConditionalGAN", config=dict(_DIGITS, matching_aware=True),
              dataset="fashion_mnist",
              summary="Class-conditional DCGAN on Fashion-MNIST: projection D, matching-aware loss",
              paper=_PAPERS, license="mit", recipe=_RECIPE, primary_metric=_ACC, limitations=_FASHION_LIMITS,
              paper_numbers=_PAPER_NUMBERS),
]

_TINY = dict(architecture="dcgan", data_shape=[8, 8, 1], latent_dim=8, g_filters=4, d_filters=4, num_classes=3,
             embed_dim=4)
TINY = {
    "tiny": _TINY,
    "tiny-concat-nomismatch": dict(_TINY, conditioning="concat", matching_aware=False),
    "tiny-mlp-wgan-gp": dict(architecture="mlp", data_shape=[2], latent_dim=2, units=8, depth=2, num_classes=3,
                             embed_dim=2, loss="wasserstein", n_critic=2, gp_weight=1.0),
}

register_presets("zoo.models.cgan.ConditionalGAN", SPECS, CARD, TINY)
