"""Improved precision and recall (Kynkäänniemi et al. 2019, Improved Precision and Recall
Metric for Assessing Generative Models, arXiv:1904.06991).

Each set's manifold is the union of balls around its points, each ball reaching the
point's k-th nearest neighbour within the set. Precision is the fraction of generated
points inside the real manifold (sample quality); recall is the fraction of real
points inside the generated manifold (coverage).
"""

import numpy as np

from zoo.eval.fid_kid import _as_features

CHUNK = 1024  # query rows per distance block: CHUNK x n float64 (10,000 -> 80 MB)


def knn_radii(feats, k=3):
    """Distance of every row to its k-th nearest neighbour among the other rows (n,)."""
    from sklearn.neighbors import NearestNeighbors

    x = _as_features(feats, "feats", min_rows=k + 1)
    # k + 1 neighbours: the first is the point itself (distance 0).
    dist, _ = NearestNeighbors(n_neighbors=k + 1).fit(x).kneighbors(x)
    return dist[:, k]


def in_manifold(queries, points, radii, chunk=CHUNK):
    """Boolean (n_q,): whether each query lies in some ball ||q - p_j|| <= radii[j]."""
    q = np.asarray(queries, np.float64)
    p = np.asarray(points, np.float64)
    r2 = np.asarray(radii, np.float64) ** 2
    p2 = (p * p).sum(1)
    out = np.empty(len(q), bool)
    for i in range(0, len(q), chunk):
        block = q[i : i + chunk]
        norms = (block * block).sum(1)[:, None] + p2[None, :]
        d2 = norms - 2.0 * block @ p.T
        # |q|^2 + |p|^2 - 2 q.p loses ~1e-16 * norms to round-off: a point on a ball's
        # boundary (or a copy of a point, radius 0) must still count as inside.
        out[i : i + chunk] = np.any(d2 <= r2[None, :] + 1e-9 * norms, axis=1)
    return out


def precision_recall(real_feats, fake_feats, k=3):
    """k-NN manifold precision and recall of generated vs real features.

    Args:
        real_feats: (n_r, d) features of real data.
        fake_feats: (n_f, d) features of generated data.
        k: neighbourhood size of the manifold balls (default 3, as in the paper).

    Returns:
        {"precision": float, "recall": float}, both in [0, 1].

    Example:
        precision_recall(clf.features(real), clf.features(fake))
    """
    real = _as_features(real_feats, "real_feats", min_rows=k + 1)
    fake = _as_features(fake_feats, "fake_feats", min_rows=k + 1)
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"Feature sizes differ: {real.shape[1]} vs {fake.shape[1]}.")
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a positive int, got {k!r}.")
    precision = in_manifold(fake, real, knn_radii(real, k)).mean()
    recall = in_manifold(real, fake, knn_radii(fake, k)).mean()
    return {"precision": float(precision), "recall": float(recall)}
