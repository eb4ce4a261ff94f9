"""Model families of the zoo, one module each. `FAMILIES` maps a family name to its class."""

from zoo.models.classifier import Classifier
from zoo.models.gan import GAN

FAMILIES = {"GAN": GAN, "Classifier": Classifier}
