"""The catalog: model id -> `ModelSpec`.

A spec names the family, the constructor arguments, the dataset, the weight files
with their sha256 (from `zoo/checksums.py`, written when weights are installed),
the paper and license, and whether trained weights are published.

>>> import zoo
>>> zoo.list_models("dcgan*")
['dcgan-celeba', 'dcgan-mnist', 'dcgan-stacked-mnist']
"""

import dataclasses
import difflib
import fnmatch
import json
import os

from zoo.checksums import SHA256  # noqa: F401 (tests patch it)

PRETRAINED_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pretrained")
WEIGHTS_FILE = "model.weights.h5"
CONFIG_FILE = "config.json"
METRICS_FILE = "metrics.json"


@dataclasses.dataclass(frozen=True)
class ModelSpec:
    """One catalog entry.

    Args:
        id: the model id, e.g. "dcgan-mnist".
        family: key of `zoo.models.FAMILIES`, e.g. "GAN".
        config: constructor arguments of the family class (JSON-able).
        dataset: dataset name in `zoo.data` (or a tfds name).
        summary: one line for listings.
        paper: citation of the method.
        license: license of the weights (default "apache-2.0").
        tasks: what the demo and CLI can do with it (default ("generate",)).
        recipe: id of the training recipe in `training/recipes.py` (default: the id).
    """

    id: str
    family: str
    config: dict
    dataset: str
    summary: str
    paper: str
    license: str = "apache-2.0"
    tasks: tuple = ("generate",)

    @property
    def weights(self):
        """{filename: sha256} of the published weight files ({} when none)."""
        sha = SHA256.get(self.id)
        return {WEIGHTS_FILE: sha} if sha else {}

    @property
    def status(self):
        """"trained" when weights are published, else "recipe only"."""
        return "trained" if self.weights else "recipe only"

    @property
    def pretrained_dir(self):
        return os.path.join(PRETRAINED_DIR, self.id)

    @property
    def metrics(self):
        """Contents of the model's metrics.json ({} when absent)."""
        path = os.path.join(self.pretrained_dir, METRICS_FILE)
        if not os.path.exists(path):
            return {}
        with open(path, encoding="utf-8") as f:
            return json.load(f)


_DCGAN = "Radford, Metz, Chintala 2016, Unsupervised Representation Learning with Deep Convolutional GANs, arXiv:1511.06434"

_SPECS = [
    ModelSpec(
        id="dcgan-mnist",
        family="GAN",
        config=dict(architecture="dcgan", data_shape=[28, 28, 1], latent_dim=64,
                    g_filters=64, d_filters=64, loss="non-saturating", n_critic=1),
        dataset="mnist",
        summary="DCGAN on MNIST digits (28x28, non-saturating loss)",
        paper=_DCGAN,
        license="cc-by-sa-3.0",  # follows the MNIST license
    ),
    ModelSpec(
        id="dcgan-celeba",
        family="GAN",
        config=dict(architecture="dcgan", data_shape=[64, 64, 3], latent_dim=100,
                    g_filters=64, d_filters=64, loss="non-saturating", n_critic=1),
        dataset="celeb_a",
        summary="DCGAN on CelebA faces (64x64); recipe only, train with tensorflow-datasets",
        paper=_DCGAN,
        license="other",  # CelebA is for non-commercial research only
    ),
    ModelSpec(
        id="mnist-classifier",
        family="Classifier",
        config=dict(input_shape=[28, 28, 1], num_classes=10, filters=32, blocks=2,
                    convs_per_block=2, units=128, dropout=0.5, batch_norm=True,
                    translate=0.08, rotate=0.025),
        dataset="mnist",
        summary="MNIST digit classifier (small CNN); the feature network of FID/KID and mode counts",
        paper="LeCun, Bottou, Bengio, Haffner 1998, Gradient-Based Learning Applied to Document "
              "Recognition; used as the feature network of Heusel et al. 2017 (FID), arXiv:1706.08500",
        license="cc-by-sa-3.0",  # follows the MNIST license
        tasks=("classify",),
    ),
]

# --- the GAN variants of the mode-collapse comparison (issue: "Mode collapse and its cures")
_GAN = "Goodfellow et al. 2014, Generative Adversarial Nets, arXiv:1406.2661"
_VARIANTS = {
    # id prefix: (config overrides, summary, paper)
    "gan": (dict(loss="minimax"), "GAN with the minimax loss log(1 - D(G(z)))", _GAN),
    "gan-ns": (dict(loss="non-saturating"), "GAN with the non-saturating loss -log D(G(z))", _GAN),
    "unrolled-gan": (dict(loss="non-saturating", unrolled_steps=5, unroll_lr=None),
                     "Unrolled GAN: G looks 5 steps of D's own Adam ahead (non-saturating loss)",
                     "Metz, Poole, Pfau, Sohl-Dickstein 2017, Unrolled Generative Adversarial "
                     "Networks, arXiv:1611.02163"),
    "mbd-gan": (dict(loss="non-saturating", minibatch_kernels=8, minibatch_dim=4),
                "GAN with minibatch discrimination in D (non-saturating loss)",
                "Salimans et al. 2016, Improved Techniques for Training GANs, arXiv:1606.03498"),
    "wgan-gp": (dict(loss="wasserstein", n_critic=5, gp_weight=0.1),
                "WGAN-GP: Wasserstein critic with gradient penalty, 5 critic steps",
                "Gulrajani et al. 2017, Improved Training of Wasserstein GANs, arXiv:1704.00028"),
}
_MIXTURE_NET = {"ring8": dict(latent_dim=16, units=128, depth=3),
                "grid25": dict(latent_dim=16, units=128, depth=3)}
for _data, _net in _MIXTURE_NET.items():
    for _prefix, (_over, _summary, _paper) in _VARIANTS.items():
        _SPECS.append(ModelSpec(
            id=f"{_prefix}-{_data}", family="GAN",
            config=dict(architecture="mlp", data_shape=[2], **_net, **_over),
            dataset=_data, summary=f"{_summary}, on the 2D mixture {_data}", paper=_paper,
        ))

_WGAN = "Arjovsky, Chintala, Bottou 2017, Wasserstein GAN, arXiv:1701.07875"
_DIGITS = dict(architecture="dcgan", latent_dim=64, g_filters=64, d_filters=64)
_SPECS += [
    ModelSpec(
        id="wgan-mnist", family="GAN",
        config=dict(data_shape=[28, 28, 1], **_DIGITS, loss="wasserstein", n_critic=5, clip_value=0.01),
        dataset="mnist", summary="WGAN with weight clipping (tau 0.01, 5 critic steps) on MNIST",
        paper=_WGAN, license="cc-by-sa-3.0",
    ),
    ModelSpec(
        id="wgan-gp-mnist", family="GAN",
        config=dict(data_shape=[28, 28, 1], **_DIGITS, loss="wasserstein", n_critic=5, gp_weight=10.0),
        dataset="mnist", summary="WGAN-GP (lambda 10, 5 critic steps, no batch norm in the critic) on MNIST",
        paper=_VARIANTS["wgan-gp"][2], license="cc-by-sa-3.0",
    ),
    ModelSpec(
        id="lsgan-mnist", family="GAN",
        config=dict(data_shape=[28, 28, 1], **_DIGITS, loss="least-squares"),
        dataset="mnist", summary="LSGAN (least-squares loss, a-b-c = 0-1-1) on MNIST",
        paper="Mao et al. 2017, Least Squares Generative Adversarial Networks, arXiv:1611.04076",
        license="cc-by-sa-3.0",
    ),
    ModelSpec(
        id="dcgan-stacked-mnist", family="GAN",
        config=dict(data_shape=[28, 28, 3], **_DIGITS, loss="non-saturating"),
        dataset="stacked_mnist", summary="DCGAN on Stacked MNIST (3 digits as RGB channels, 1,000 modes)",
        paper=_DCGAN, license="cc-by-sa-3.0",
    ),
    ModelSpec(
        id="mbd-dcgan-stacked-mnist", family="GAN",
        config=dict(data_shape=[28, 28, 3], **_DIGITS, loss="non-saturating",
                    minibatch_kernels=32, minibatch_dim=4),  # T: 6,272 x 128, within the 8 MB budget
        dataset="stacked_mnist",
        summary="The Stacked MNIST DCGAN with minibatch discrimination in D (1,000 modes)",
        paper=_VARIANTS["mbd-gan"][2], license="cc-by-sa-3.0",
    ),
]

# --- autoencoders (issue: "Autoencoders and manifold learning"); 32-d codes, 512-256 MLPs
_AE = dict(architecture="dense", input_shape=[28, 28, 1], code_dim=32, units=[512, 256])
_AE_PAPER = ("Hinton & Salakhutdinov 2006, Reducing the Dimensionality of Data with Neural Networks, "
             "Science 313(5786):504-507")
_SPECS += [
    ModelSpec(
        id="ae-mnist", family="Autoencoder", config=dict(_AE, output="bernoulli"), dataset="mnist",
        summary="Autoencoder on MNIST: MLP 784-512-256-32, sigmoid outputs, cross-entropy loss",
        paper=_AE_PAPER, license="cc-by-sa-3.0", tasks=("reconstruct", "interpolate"),
    ),
    ModelSpec(
        id="ae-gaussian-mnist", family="Autoencoder", config=dict(_AE, output="gaussian"), dataset="mnist",
        summary="Autoencoder on MNIST: MLP 784-512-256-32, linear outputs, squared-error loss",
        paper=_AE_PAPER, license="cc-by-sa-3.0", tasks=("reconstruct", "interpolate"),
    ),
    ModelSpec(
        id="convae-mnist", family="Autoencoder",
        # 16-32 channels: the transposed convolutions at 14x14 and 28x28 dominate the CPU time.
        config=dict(architecture="conv", input_shape=[28, 28, 1], code_dim=32, filters=[16, 32],
                    output="bernoulli"),
        dataset="mnist",
        summary="Convolutional autoencoder on MNIST: strided convolutions down, transposed "
                "convolutions up, 32-d code",
        paper="Masci, Meier, Ciresan, Schmidhuber 2011, Stacked Convolutional Auto-Encoders for "
              "Hierarchical Feature Extraction, ICANN",
        license="cc-by-sa-3.0", tasks=("reconstruct", "interpolate"),
    ),
    ModelSpec(
        id="dae-mnist", family="DenoisingAutoencoder",
        config=dict(_AE, output="bernoulli", noise="gaussian", noise_level=0.5), dataset="mnist",
        summary="Denoising autoencoder on MNIST: Gaussian noise (std 0.5) in, clean digit out",
        paper="Vincent, Larochelle, Bengio, Manzagol 2008, Extracting and Composing Robust Features "
              "with Denoising Autoencoders, ICML",
        license="cc-by-sa-3.0", tasks=("reconstruct", "denoise", "interpolate"),
    ),
    ModelSpec(
        id="cae-mnist", family="ContractiveAutoencoder",
        # The paper's one-layer sigmoid encoder (closed-form penalty) with the other AEs' decoder.
        config=dict(architecture="dense", input_shape=[28, 28, 1], code_dim=32, units=[],
                    decoder_units=[256, 512], output="bernoulli", code_activation="sigmoid", contraction=1.0),
        dataset="mnist",
        summary="Contractive autoencoder on MNIST: one sigmoid layer 784-32, loss reconstruction + "
                "||dc/dx||_F^2",
        paper="Rifai, Vincent, Muller, Glorot, Bengio 2011, Contractive Auto-Encoders: Explicit "
              "Invariance During Feature Extraction, ICML",
        license="cc-by-sa-3.0", tasks=("reconstruct", "interpolate"),
    ),
    ModelSpec(
        id="vae-mnist", family="VAE", config=dict(_AE, binarize=True), dataset="mnist",
        summary="Variational autoencoder on dynamically binarized MNIST: 32-d Gaussian code, "
                "Bernoulli pixels",
        paper="Kingma & Welling 2014, Auto-Encoding Variational Bayes, arXiv:1312.6114; NLL by the "
              "importance-weighted bound of Burda, Grosse, Salakhutdinov 2016, arXiv:1509.00519",
        license="cc-by-sa-3.0", tasks=("generate", "reconstruct", "interpolate"),
    ),
]

# --- Tangent Prop (issue: "Autoencoders and manifold learning"): tangents from cae-mnist
_SPECS.append(ModelSpec(
    id="tangentprop-mnist", family="TangentPropClassifier",
    config=dict(input_shape=[28, 28, 1], num_classes=10, architecture="cnn", filters=16, units=128,
                dropout=0.5, penalty_weight=10.0, scores="probabilities"),  # chosen on validation
    dataset="mnist",
    summary="Small CNN trained on 1,000 MNIST labels with the Tangent Prop penalty along the "
            "tangent vectors of cae-mnist",
    paper="Simard, Victorri, LeCun, Denker 1992, Tangent Prop - A formalism for specifying selected "
          "invariances in an adaptive network, NeurIPS 4; tangents from a contractive autoencoder as in "
          "Rifai, Dauphin, Vincent, Bengio, Muller 2011, The Manifold Tangent Classifier, NeurIPS 24",
    license="cc-by-sa-3.0", tasks=("classify",),
))

REGISTRY = {s.id: s for s in _SPECS}


def closest_ids(model_id, n=3):
    """Catalog ids that look like `model_id` (for error messages)."""
    return difflib.get_close_matches(str(model_id), list(REGISTRY), n=n, cutoff=0.4)


class UnknownModelError(KeyError):
    """An id that is not in the catalog."""

    def __str__(self):  # KeyError would quote the message
        return self.args[0]


def get_spec(model_id):
    """The `ModelSpec` of an id; `UnknownModelError` naming the closest ids otherwise."""
    if model_id in REGISTRY:
        return REGISTRY[model_id]
    close = closest_ids(model_id)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise UnknownModelError(
        f"Unknown model id {model_id!r}.{hint} zoo.list_models() shows all {len(REGISTRY)} ids."
    )


def list_models(pattern="*", pretrained=None, task=None):
    """Sorted catalog ids matching a shell wildcard.

    Args:
        pattern: fnmatch pattern, e.g. "dcgan*" (default "*").
        pretrained: True for ids with published weights, False for recipe-only ids,
            None for all (default).
        task: keep ids that can do this task, e.g. "generate" (default: any).
    """
    out = []
    for mid, spec in REGISTRY.items():
        if not fnmatch.fnmatchcase(mid, pattern):
            continue
        if pretrained is not None and (spec.status == "trained") != pretrained:
            continue
        if task is not None and task not in spec.tasks:
            continue
        out.append(mid)
    return sorted(out)


def info(model_id):
    """A dict describing a catalog model: family, dataset, params, metrics, paper, license, status."""
    spec = get_spec(model_id)
    from zoo.models import FAMILIES

    model = FAMILIES[spec.family](**spec.config)
    return {
        "id": spec.id,
        "family": spec.family,
        "summary": spec.summary,
        "dataset": spec.dataset,
        "config": dict(spec.config),
        "params": int(model.count_params()),
        "tasks": list(spec.tasks),
        "metrics": spec.metrics,
        "paper": spec.paper,
        "license": spec.license,
        "status": spec.status,
        "weights": spec.weights,
    }
