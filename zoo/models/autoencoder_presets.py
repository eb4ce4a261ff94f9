"""Catalog ids of the autoencoder family (and the text the denoising, contractive and
variational autoencoders' cards share)."""

from zoo import recipes as R
from zoo.registry import Card, ModelSpec, register_presets

PAPER = ("Hinton & Salakhutdinov 2006, Reducing the Dimensionality of Data with Neural Networks, "
         "Science 313(5786):504-507")
# 32-d codes and 784-512-256-32 MLPs for every autoencoder of the catalog, so only the method differs.
DENSE = dict(architecture="dense", input_shape=[28, 28, 1], code_dim=32, units=[512, 256])
# Adam (beta_1 0.9), batch 128; the same budget for the dense AE, DAE and CAE.
RECIPE = R.Recipe(epochs=30, batch_size=128, compile={"optimizer": R.adam(1e-3, beta_1=0.9)})
USE = ("Teaching and research on representation learning: codes (`encode`) to visualise, cluster or use as "
       "features, reconstructions and interpolations between digits, and a baseline against PCA at the same "
       "code size. ")
LIMITS = ("- Trained on MNIST only: anything but centred 28x28 light-on-dark digits is out of distribution "
          "and comes back as a digit-like blur.",
          "- Reconstructions are blurrier than the inputs: a 32-d code keeps the shape of a digit, not every "
          "detail of its strokes.",
          "- There is no prior over codes: decoding arbitrary codes, or points far from the codes of real "
          "digits, need not give digits.")



def card(use, limits=(), tags=("autoencoder",)):
    """The Card of an autoencoder family: the shared use and limitations, then its own."""
    return Card(intended=USE + use, limitations=LIMITS + tuple(limits), tags=tags, task="image-to-image")


CARD = card("Not for compressing data whose details matter, nor for any decision about people.",
            tags=("dimensionality-reduction", "image-to-image"))

SPECS = [
    ModelSpec(id="ae-mnist", family="Autoencoder", config=dict(DENSE, output="bernoulli"), dataset="mnist",
              summary="Autoencoder on MNIST: MLP 784-512-256-32, sigmoid outputs, cross-entropy loss",
              paper=PAPER, license="cc-by-sa-3.0", recipe=RECIPE, primary_metric=("test_bce", "min")),
    ModelSpec(id="ae-gaussian-mnist", family="Autoencoder", config=dict(DENSE, output="gaussian"), dataset="mnist",
              summary="Autoencoder on MNIST: MLP 784-512-256-32, linear outputs, squared-error loss",
              paper=PAPER, license="cc-by-sa-3.0", recipe=RECIPE, primary_metric=("test_mse", "min")),
    ModelSpec(id="convae-mnist", family="Autoencoder",
              # 16-32 channels: the transposed convolutions at 14x14 and 28x28 dominate the CPU time.
              config=dict(architecture="conv", input_shape=[28, 28, 1], code_dim=32, filters=[16, 32],
                          output="bernoulli"),
              dataset="mnist",
              summary="Convolutional autoencoder on MNIST: strided convolutions down, transposed convolutions "
                      "up, 32-d code",
              paper="Masci, Meier, Ciresan, Schmidhuber 2011, Stacked Convolutional Auto-Encoders for "
                    "Hierarchical Feature Extraction, ICANN",
              license="cc-by-sa-3.0", primary_metric=("test_bce", "min"),
              recipe=R.Recipe(epochs=20, batch_size=128, compile={"optimizer": R.adam(1e-3, beta_1=0.9)})),
]

TINY = {
    "tiny": dict(architecture="dense", input_shape=[8, 8, 1], code_dim=4, units=[8], output="bernoulli"),
    "tiny-gaussian": dict(architecture="dense", input_shape=[8, 8, 1], code_dim=4, units=[8], output="gaussian"),
    "tiny-conv": dict(architecture="conv", input_shape=[8, 8, 1], code_dim=4, filters=[4, 8], output="bernoulli"),
}

register_presets("zoo.models.autoencoder.Autoencoder", SPECS, CARD, TINY)
