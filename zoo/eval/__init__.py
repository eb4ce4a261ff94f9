"""Evaluation suite: the zoo's own metrics, each reported with its protocol.

- `fid`, `kid` (Heusel et al. 2017; Bińkowski et al. 2018) and `precision_recall`
  (Kynkäänniemi et al. 2019) on features of a frozen feature network, pinned per dataset
  by id and weights sha256 in `features.FEATURE_NETWORKS` (MNIST: ``mnist-classifier``);
- `mixture_metrics` / `evaluate_mixture`: modes covered, % high-quality samples and KL
  to uniform on the ``ring8`` / ``grid25`` mixtures;
- `stacked_modes`: modes hit (of 1,000) and KL to uniform on Stacked MNIST;
- `reconstruction`: encoders' test reconstruction error beside PCA's, and a VAE's
  test NLL (importance sampling, k = 1,000) and ELBO on binarized MNIST;
- `evaluate(model, spec)`: the metrics of a catalog model, chosen by its capabilities
  (`zoo.capabilities`) and its dataset, as
  ``{"eval": {name: number}, "protocol": {name: how it was computed}}`` (what
  ``metrics.json`` and the model card hold); `evaluate_id(id)` loads and evaluates.

>>> from zoo import eval as zeval
>>> zeval.evaluate_id("dcgan-mnist")["eval"]["fid"]
"""

from zoo.eval.features import (FEATURE_NETWORKS, FeatureNetworkChangedError, feature_network,  # noqa: F401
                               real_features, real_images)
from zoo.eval.fid_kid import fid, frechet_distance, kid  # noqa: F401
from zoo.eval.mixtures import evaluate_mixture, kl_to_uniform, mixture_metrics  # noqa: F401
from zoo.eval.prdc import precision_recall  # noqa: F401
from zoo.eval.stacked import stacked_mode_labels, stacked_modes  # noqa: F401
from zoo.eval.suite import evaluate, evaluate_id  # noqa: F401

__all__ = [
    "evaluate",
    "evaluate_id",
    "feature_network",
    "FEATURE_NETWORKS",
    "FeatureNetworkChangedError",
    "fid",
    "kid",
    "precision_recall",
    "mixture_metrics",
    "evaluate_mixture",
    "stacked_modes",
    "kl_to_uniform",
]
