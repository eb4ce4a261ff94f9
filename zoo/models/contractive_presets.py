"""Catalog ids of the contractive autoencoder."""

from zoo.models import autoencoder_presets as AE
from zoo.registry import ModelSpec, register_presets

_USE = ("Also a demonstration of the contraction penalty (compare its Jacobian norm and reconstructions with "
        "the plain autoencoder's). Not for any decision about people.")
_LIMIT = "- lambda trades reconstruction for contraction: the codes are sigmoid units, many of them saturated."
CARD = AE.card(_USE, [_LIMIT], ("autoencoder", "contractive-autoencoder", "image-to-image"))

SPECS = [ModelSpec(
    id="cae-mnist", family="ContractiveAutoencoder",
    # The paper's one-layer sigmoid encoder (closed-form penalty) with the other AEs' decoder. lambda = 1
    # from a 3-epoch sweep: ||J||_F^2 5.1 / 2.7 / 1.3 / 0.2 and test MSE .0138 / .0140 / .0156 / .0266
    # for lambda = 0 / 0.1 / 1 / 10.
    config=dict(architecture="dense", input_shape=[28, 28, 1], code_dim=32, units=[], decoder_units=[256, 512],
                output="bernoulli", code_activation="sigmoid", contraction=1.0),
    dataset="mnist",
    summary="Contractive autoencoder on MNIST: one sigmoid layer 784-32, loss reconstruction + ||dc/dx||_F^2",
    paper="Rifai, Vincent, Muller, Glorot, Bengio 2011, Contractive Auto-Encoders: Explicit Invariance During "
          "Feature Extraction, ICML",
    license="cc-by-sa-3.0", recipe=AE.RECIPE, primary_metric=("test_bce", "min"))]

TINY = {
    # One sigmoid layer: the paper's encoder and the closed-form penalty.
    "tiny": dict(architecture="dense", input_shape=[8, 8, 1], code_dim=4, units=[], output="bernoulli",
                 contraction=0.5),
    "tiny-deep": dict(architecture="dense", input_shape=[8, 8, 1], code_dim=4, units=[8], output="bernoulli",
                      contraction=0.5),
}

register_presets("zoo.models.contractive.ContractiveAutoencoder", SPECS, CARD, TINY)
