"""Clustering on learned codes (or raw pixels), and how well clusters match classes.

`cluster(model, x, k)` runs k-means (Lloyd 1982; k-means++ seeding, Arthur & Vassilvitskii
2007) or Ward agglomerative clustering (Ward 1963) with scikit-learn on ``model.encode(x)``
(a model with an encoder, `zoo.capabilities.Encoder`); ``model=None`` clusters the
flattened inputs. `cluster_accuracy` matches clusters to
classes one-to-one with the Hungarian algorithm (Kuhn 1955), `nmi` is the normalized
mutual information (Strehl & Ghosh 2002), and `clustering_metrics` gives both for codes
vs raw pixels on a labelled set (the numbers of an autoencoder's model card).

    labels = zoo.cluster(zoo.load("cae-mnist"), x, 10)            # (n,) int64 in 0..9
    zoo.cluster.cluster_accuracy(y, labels)
    zoo.cluster.clustering_metrics(zoo.load("cae-mnist"), x, y)    # codes vs pixels

`zoo.cluster` is this module, and calling it calls `cluster`.
"""

import sys
import types

import numpy as np

from zoo import capabilities as cap
from zoo.progress import progress

METHODS = ("kmeans", "agglomerative")
KMEANS_N_INIT = 10
# Ward linkage keeps a condensed n x n distance matrix (n^2 / 2 float64): all 10,000 MNIST
# test images need ~0.4 GB (~1.1 GB peak for the process) and ~30 s on 2 busy cores.


def _features(model, x, batch_size, fn="cluster"):
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError(f"Expected a batch of inputs (n, ...), got shape {x.shape}.")
    if len(x) == 0:
        raise ValueError("Got an empty batch.")
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"Expected float inputs (images in [0, 1]), got dtype {x.dtype}; scale "
                         "uint8 pixels with zoo.data.scale(x).")
    import keras

    if model is None:
        f = x
    elif isinstance(model, keras.Model) and not cap.names(model):  # a plain keras encoder
        f = model.predict(x, batch_size=batch_size or 256, verbose=0)
    else:
        try:
            cap.require(model, cap.Encoder, what="model")
        except TypeError as e:
            raise TypeError(f"{fn}: the argument `model` must be a zoo model with an encoder (capability "
                            f"{cap.Encoder.name!r}, e.g. zoo.load('cae-mnist')), a keras Model mapping inputs "
                            f"to codes, or None for the raw inputs. {e}") from None
        f = model.encode(x, batch_size=batch_size) if batch_size else model.encode(x)
    f = np.asarray(f, np.float64).reshape(len(x), -1)
    if not np.all(np.isfinite(f)):
        raise ValueError("The features to cluster contain NaN or infinite values.")
    return f


def cluster(model, x, k, method="kmeans", seed=0, batch_size=None):
    """Cluster the codes of `x` (or `x` itself) into `k` groups.

    Args:
        model: a zoo model with an encoder (`zoo.capabilities.Encoder`, e.g.
            ``zoo.load("cae-mnist")``), a keras Model mapping inputs to codes, or None to
            cluster the flattened inputs (raw pixels); TypeError naming `model` otherwise.
        x: float inputs (n, ...), e.g. images (n, 28, 28, 1) in [0, 1].
        k: number of clusters, 2 <= k <= n.
        method: "kmeans" (k-means++, best of 10 runs, fixed random_state) or
            "agglomerative" (Ward linkage, Euclidean; deterministic, O(n^2) memory) (default
            "kmeans").
        seed: random_state of k-means (default 0).
        batch_size: passed to `model.encode` (default: the model's default).

    Returns:
        int64 numpy (n,): cluster ids in 0..k-1 (arbitrary order; see `cluster_accuracy`).

    Example:
        labels = zoo.cluster(zoo.load("cae-mnist"), x, 10, method="agglomerative")
    """
    from sklearn.cluster import AgglomerativeClustering, KMeans

    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}; expected one of {METHODS}.")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise ValueError(f"k must be an int, got {k!r}.")
    f = _features(model, x, batch_size)
    if not 2 <= k <= len(f):
        raise ValueError(f"k must be in [2, n={len(f)}], got {k}.")
    if method == "kmeans":
        est = KMeans(n_clusters=int(k), n_init=KMEANS_N_INIT, random_state=int(seed))
    else:
        est = AgglomerativeClustering(n_clusters=int(k), linkage="ward")
    return est.fit_predict(f).astype(np.int64)


def _labels(a, name):
    a = np.asarray(a)
    if a.ndim != 1:
        raise ValueError(f"{name} must be a 1-d array of labels, got shape {a.shape}.")
    if a.size and not (np.issubdtype(a.dtype, np.integer) or np.issubdtype(a.dtype, np.bool_)):
        raise ValueError(f"{name} must hold integer labels, got dtype {a.dtype}.")
    return a


def _pair(labels_true, labels_pred):
    t, p = _labels(labels_true, "labels_true"), _labels(labels_pred, "labels_pred")
    if len(t) != len(p):
        raise ValueError(f"labels_true and labels_pred differ in length: {len(t)} vs {len(p)}.")
    if len(t) == 0:
        raise ValueError("Got no labels.")
    return t, p


def cluster_accuracy(labels_true, labels_pred):
    """Accuracy of the best one-to-one map from clusters to classes (Hungarian algorithm).

    With more clusters than classes the unmatched clusters count as errors.

    Args:
        labels_true: int class labels (n,).
        labels_pred: int cluster ids (n,), any values.

    Returns:
        float in [0, 1].

    Example:
        cluster_accuracy([0, 0, 1, 1], [5, 5, 2, 2])   # 1.0
    """
    from scipy.optimize import linear_sum_assignment

    t, p = _pair(labels_true, labels_pred)
    classes, ti = np.unique(t, return_inverse=True)
    clusters, pi = np.unique(p, return_inverse=True)
    counts = np.zeros((len(clusters), len(classes)), np.int64)
    np.add.at(counts, (pi, ti), 1)
    rows, cols = linear_sum_assignment(counts, maximize=True)
    return float(counts[rows, cols].sum() / len(t))


def nmi(labels_true, labels_pred):
    """Normalized mutual information (arithmetic normalization, scikit-learn), in [0, 1].

    Example:
        nmi([0, 0, 1, 1], [1, 1, 0, 0])   # 1.0
    """
    from sklearn.metrics import normalized_mutual_info_score

    t, p = _pair(labels_true, labels_pred)
    return float(normalized_mutual_info_score(t, p))


def clustering_metrics(model, x, y, k=10, agglomerative_n=None, seed=0, batch_size=None,
                       inputs="inputs"):
    """Cluster accuracy and NMI of k-means and Ward clustering, on codes and on raw pixels.

    Args:
        model: a zoo model with an encoder (or a keras Model mapping inputs to codes).
        x: float inputs (n, ...), e.g. the MNIST test split (10,000, 28, 28, 1) in [0, 1].
        y: int class labels (n,).
        k: clusters (default 10, the number of digit classes).
        agglomerative_n: Ward clustering runs on the first this many inputs (its memory is
            quadratic in n); None (default) for all of them. k-means always uses all.
        seed: k-means random_state (default 0).
        batch_size: passed to `model.encode`.
        inputs: what x is, for the protocol strings (default "inputs"; e.g.
            "MNIST test images").

    Returns:
        {"eval": {name: float}, "protocol": {name: str}} with names
        ``cluster_acc_{kmeans,agglomerative}_{codes,pixels}`` and ``nmi_..._...``.

    Example:
        x, y = zoo.data.arrays("mnist", split="test")
        clustering_metrics(zoo.load("cae-mnist"), x, y)["eval"]["cluster_acc_kmeans_codes"]
    """
    y = _labels(y, "y")
    if len(y) != len(x):
        raise ValueError(f"x and y differ in length: {len(x)} vs {len(y)}.")
    if model is None:
        raise ValueError("clustering_metrics compares a model's codes with raw pixels; pass a model.")
    n = len(y)
    m = n if agglomerative_n is None else min(int(agglomerative_n), n)
    if m < k:
        raise ValueError(f"agglomerative_n must be >= k={k}, got {agglomerative_n!r}.")
    subsets = {"kmeans": n, "agglomerative": m}
    label = f"Clustering {n:,} {inputs}: codes, then k-means and Ward on codes and on pixels"
    with progress(1 + 2 * len(subsets), label) as bar:
        codes = _features(model, x, batch_size, "clustering_metrics")
        bar.advance()
        pixels = _features(None, x, None)
        ev, proto = {}, {}
        for space, f in (("codes", codes), ("pixels", pixels)):
            what = (f"the model's codes (encode, {codes.shape[1]}-d)" if space == "codes"
                    else f"the raw pixels ({pixels.shape[1]}-d)")
            for method, count in subsets.items():
                pred = cluster(None, f[:count], k, method=method, seed=seed)
                ev[f"cluster_acc_{method}_{space}"] = cluster_accuracy(y[:count], pred)
                ev[f"nmi_{method}_{space}"] = nmi(y[:count], pred)
                how = (f"k-means (k={k}, k-means++, best of {KMEANS_N_INIT}, random_state {seed})"
                       if method == "kmeans" else f"Ward agglomerative clustering (k={k}, Euclidean)")
                which = f"all {count:,} {inputs}" if count == n else f"the first {count:,} of {n:,} {inputs}"
                proto[f"cluster_acc_{method}_{space}"] = (
                    f"{how} of {what} of {which}; accuracy of the best one-to-one "
                    "cluster-to-class map (Hungarian algorithm)")
                proto[f"nmi_{method}_{space}"] = (
                    f"{how} of {what} of {which}; normalized mutual information with the "
                    "labels (arithmetic normalization)")
                bar.advance()
    return {"eval": ev, "protocol": proto}


class _CallableModule(types.ModuleType):
    """This module, callable: ``zoo.cluster(model, x, k)`` is ``zoo.cluster.cluster(model, x, k)``."""

    def __call__(self, model, x, k, method="kmeans", seed=0, batch_size=None):
        return cluster(model, x, k, method=method, seed=seed, batch_size=batch_size)


sys.modules[__name__].__class__ = _CallableModule
