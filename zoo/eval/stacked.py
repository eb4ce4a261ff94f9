"""Mode counting on Stacked MNIST (1,000 modes): classify each channel with ``mnist-classifier``.

Protocol of Metz et al. 2017 (Unrolled GANs) and Lin et al. 2018 (PacGAN): 26,000
samples; a mode is hit when at least one sample is classified as it.
"""

import numpy as np

from zoo.data.stacked import NUM_MODES, stacked_labels
from zoo.eval.mixtures import kl_to_uniform

N_SAMPLES = 26_000
CHANNEL_DATASET = "mnist"  # each channel is a digit of this set: its feature network labels it
CONFIDENT = 0.9  # a channel image is confidently a digit when the classifier gives it p > CONFIDENT


def _channel_probabilities(images, classifier, batch_size=1000):
    x = np.asarray(images)
    if x.ndim != 4 or x.shape[-1] != 3:
        raise ValueError(f"Stacked MNIST images have shape (n, 28, 28, 3), got {x.shape}.")
    return [classifier.predict_proba(x[..., c : c + 1], batch_size) for c in range(3)]


def stacked_mode_labels(images, classifier, batch_size=1000):
    """Mode ids (n,) in 0..999 of Stacked MNIST images (n, 28, 28, 3) in [0, 1]."""
    return stacked_labels(*(p.argmax(-1) for p in _channel_probabilities(images, classifier, batch_size)))


def stacked_modes(model_or_samples, classifier, n=N_SAMPLES, seed=0):
    """Modes hit (of 1,000) and KL of the mode histogram to uniform.

    Args:
        model_or_samples: a model whose ``generate(n, seed=seed)`` gives (n, 28, 28, 3)
            in [0, 1], or such an array of samples (then `n` and `seed` are unused).
        classifier: the digit classifier (``zoo.eval.features.feature_network(CHANNEL_DATASET)``).
        n: samples to generate (default 26,000).
        seed: sampling seed (default 0).

    Returns:
        {"modes_hit": int, "kl_to_uniform": float, "channel_confident_share": float, "n": int},
        where KL(p || u) = sum_i p_i log(1000 p_i) in nats over the 1,000 modes (0 log 0 = 0),
        p the share of the samples classified as mode i, and channel_confident_share the share
        of the 3 n channel images the classifier labels with p > 0.9 (diverse junk can hit many
        modes; it is not confidently digits).

    Example:
        stacked_modes(zoo.load("dcgan-stacked-mnist"), feature_network())
    """
    x = model_or_samples
    if not isinstance(x, (np.ndarray, list, tuple)):  # a model: draw the samples
        x = x.generate(n, seed=seed)
    probs = _channel_probabilities(x, classifier)
    labels = stacked_labels(*(p.argmax(-1) for p in probs))
    counts = np.bincount(labels, minlength=NUM_MODES)
    confident = float(np.mean([p.max(-1) > CONFIDENT for p in probs]))
    return {"modes_hit": int((counts > 0).sum()), "kl_to_uniform": kl_to_uniform(counts),
            "channel_confident_share": confident, "n": int(len(labels))}
