"""The feature network of digit metrics (``mnist-classifier``) and cached real features."""

import weakref

import numpy as np

FEATURE_NET = "mnist-classifier"
FEATURE_LAYER = "features"  # the classifier's penultimate Dense + ReLU layer (128-d)
N_REAL = 10_000  # real images per side: the whole test split, a train subset of the same size
REAL_SEED = 0  # which train images form the subset

_NETS = {}
_REAL = weakref.WeakKeyDictionary()  # classifier -> {(split, n, seed): (features, labels)}


def feature_network(model_id=FEATURE_NET):
    """The pretrained classifier (loaded once per process, uncompiled)."""
    if model_id not in _NETS:
        import zoo

        _NETS[model_id] = zoo.load(model_id, compile=False)
    return _NETS[model_id]


def real_images(split="test", n=N_REAL, seed=REAL_SEED):
    """(x float32 (n, 28, 28, 1) in [0, 1], labels) of MNIST: the first n test images, or n
    train images drawn without replacement with `seed`."""
    from zoo import data

    x, y = data.mnist_arrays(split)
    if n > len(x):
        raise ValueError(f"The MNIST {split} split has {len(x)} images, asked for {n}.")
    if split == "train":
        idx = np.sort(np.random.default_rng(seed).choice(len(x), n, replace=False))
        x, y = x[idx], y[idx]
    else:
        x, y = x[:n], y[:n]
    return data.scale(x)[..., None], y


def real_features(classifier, split="test", n=N_REAL, seed=REAL_SEED):
    """Features of `real_images(split, n, seed)` under `classifier`, cached per classifier."""
    cache = _REAL.setdefault(classifier, {})
    key = (split, int(n), int(seed))
    if key not in cache:
        x, _ = real_images(split, n, seed)
        cache[key] = classifier.features(x)
    return cache[key]
