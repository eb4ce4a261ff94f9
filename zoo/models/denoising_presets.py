"""Catalog ids of the denoising autoencoder."""

from zoo.models import autoencoder_presets as AE
from zoo.registry import ModelSpec, register_presets

CARD = AE.card("Also a demonstration of denoising: corrupt a digit and let the model restore it. Not for restoring "
               "documents or any data whose details matter, nor for any decision about people.",
               ["- Trained on one kind and level of noise (see the architecture line); other corruptions are "
                "removed less well."],
               ("autoencoder", "denoising-autoencoder", "image-to-image"))

SPECS = [ModelSpec(
    id="dae-mnist", family="DenoisingAutoencoder",
    config=dict(AE.DENSE, output="bernoulli", noise="gaussian", noise_level=0.5), dataset="mnist",
    summary="Denoising autoencoder on MNIST: Gaussian noise (std 0.5) in, clean digit out",
    paper="Vincent, Larochelle, Bengio, Manzagol 2008, Extracting and Composing Robust Features with Denoising "
          "Autoencoders, ICML",
    license="cc-by-sa-3.0", recipe=AE.RECIPE, primary_metric=("denoise_mse", "min"))]

TINY = {
    "tiny": dict(architecture="dense", input_shape=[8, 8, 1], code_dim=4, units=[8], output="bernoulli",
                 noise="gaussian", noise_level=0.5),
    "tiny-masking": dict(architecture="conv", input_shape=[8, 8, 1], code_dim=4, filters=[4], output="bernoulli",
                         noise="masking", noise_level=0.25),
}

register_presets("zoo.models.denoising.DenoisingAutoencoder", SPECS, CARD, TINY)
