"""Model families of the zoo, one module each. `FAMILIES` maps a family name to its class."""

from zoo.models.autoencoder import Autoencoder
from zoo.models.classifier import Classifier
from zoo.models.contractive import ContractiveAutoencoder
from zoo.models.denoising import DenoisingAutoencoder
from zoo.models.gan import GAN
from zoo.models.tangentprop import TangentPropClassifier
from zoo.models.vae import VAE

FAMILIES = {"GAN": GAN, "Classifier": Classifier}
FAMILIES.update({"Autoencoder": Autoencoder, "DenoisingAutoencoder": DenoisingAutoencoder,
                 "ContractiveAutoencoder": ContractiveAutoencoder, "VAE": VAE})
FAMILIES["TangentPropClassifier"] = TangentPropClassifier
