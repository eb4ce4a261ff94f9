"""Fréchet Inception Distance (Heusel et al. 2017) and Kernel Inception Distance
(Bińkowski et al. 2018) on precomputed features.

The zoo computes them on the 128-d penultimate activations of ``mnist-classifier``
for digit data (see `zoo.eval.features`); any (n, d) feature arrays work.

>>> fid(feats_real, feats_fake)                 # float >= 0
>>> kid(feats_real, feats_fake)                 # (mean, std) over subsets
"""

import warnings

import numpy as np
import scipy.linalg


def _as_features(x, name, min_rows=2):
    x = np.asarray(x, np.float64)
    if x.ndim != 2:
        raise ValueError(f"{name} must be a 2-d array (n, d) of features, got shape {x.shape}.")
    if len(x) < min_rows:
        raise ValueError(f"{name} needs at least {min_rows} rows, got {len(x)}.")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return x


def _pair(a, b, min_rows=2):
    a, b = _as_features(a, "feat_a", min_rows), _as_features(b, "feat_b", min_rows)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"Feature sizes differ: {a.shape[1]} vs {b.shape[1]}.")
    return a, b


def gaussian_stats(feats):
    """(mean (d,), covariance (d, d)) of features (n, d), in float64 (unbiased covariance)."""
    x = _as_features(feats, "feats")
    return x.mean(0), np.cov(x, rowvar=False)


def _sqrtm(a, tol=1e-6):
    """(sqrtm(a), whether it is finite with relative residual ||X X - A||_F / ||A||_F <= tol).

    Singular products are normal for ReLU features (dead units); scipy warns about them
    even when the root is accurate, so the residual is checked here instead.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)
        root = scipy.linalg.sqrtm(a)
    if not np.all(np.isfinite(root)):
        return root, False
    norm = np.linalg.norm(a)
    return root, bool(np.linalg.norm(root @ root - a) <= tol * max(norm, 1e-300))


def frechet_distance(mu1, sigma1, mu2, sigma2, eps=1e-6):
    """||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2)), the Fréchet (W2^2) distance of two Gaussians.

    Numerics: the product is formed in float64; when its square root is not finite or
    not accurate (relative residual above 1e-6, e.g. a badly singular product) eps * I
    is added to both covariances, as in the reference code (pytorch-fid); the root's
    imaginary part, round-off of a PSD product, is dropped (with a warning when it is
    not negligible); a result that round-off made slightly negative is clamped to 0.
    """
    mu1, mu2 = np.atleast_1d(np.asarray(mu1, np.float64)), np.atleast_1d(np.asarray(mu2, np.float64))
    s1, s2 = np.atleast_2d(np.asarray(sigma1, np.float64)), np.atleast_2d(np.asarray(sigma2, np.float64))
    if mu1.shape != mu2.shape or s1.shape != s2.shape or s1.shape != (len(mu1), len(mu1)):
        raise ValueError(f"Shapes do not match: mu {mu1.shape}, {mu2.shape}; sigma {s1.shape}, {s2.shape}.")
    diff = mu1 - mu2
    covmean, ok = _sqrtm(s1 @ s2)
    if not ok:
        offset = np.eye(len(s1)) * eps
        covmean, _ = _sqrtm((s1 + offset) @ (s2 + offset))
    if np.iscomplexobj(covmean):
        imag = np.max(np.abs(covmean.imag))
        scale = max(1.0, np.max(np.abs(covmean.real)))
        if imag > 1e-3 * scale:
            warnings.warn(f"sqrtm(S1 S2) has an imaginary part of {imag:.3g}; dropped.", RuntimeWarning,
                          stacklevel=2)
        covmean = covmean.real
    value = diff @ diff + np.trace(s1) + np.trace(s2) - 2.0 * np.trace(covmean)
    return float(max(value, 0.0))


def fid(feat_a, feat_b, eps=1e-6):
    """FID of two feature sets (n_a, d), (n_b, d): Fréchet distance of their Gaussian fits.

    Args:
        feat_a: features, e.g. of real images (n >= 2 rows).
        feat_b: features, e.g. of generated images (n >= 2 rows).
        eps: diagonal offset used only when the covariance product is singular (1e-6).

    Example:
        clf = zoo.load("mnist-classifier")
        fid(clf.features(real_images), clf.features(fake_images))
    """
    a, b = _pair(feat_a, feat_b)
    return frechet_distance(*gaussian_stats(a), *gaussian_stats(b), eps=eps)


def polynomial_kernel(x, y, degree=3, coef0=1.0):
    """(x . y / d + coef0) ** degree, the KID kernel (d = feature size)."""
    k = x @ y.T
    k /= x.shape[1]
    k += coef0
    if degree == 3:  # the KID default; repeated products are several times faster than pow
        return k * k * k
    return k**degree


def mmd2_unbiased(x, y, degree=3, coef0=1.0):
    """Unbiased MMD^2 of two samples (m, d), (n, d) under the polynomial kernel."""
    m, n = len(x), len(y)
    kxx = polynomial_kernel(x, x, degree, coef0)
    kyy = polynomial_kernel(y, y, degree, coef0)
    kxy = polynomial_kernel(x, y, degree, coef0)
    return float((kxx.sum() - np.trace(kxx)) / (m * (m - 1))
                 + (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
                 - 2.0 * kxy.mean())


def kid(feat_a, feat_b, subsets=100, subset_size=1000, seed=0, degree=3, coef0=1.0):
    """KID: unbiased MMD^2 with the cubic kernel (x.y/d + 1)^3, averaged over random subsets.

    Args:
        feat_a: features (n_a, d).
        feat_b: features (n_b, d).
        subsets: number of random subset pairs (default 100).
        subset_size: rows per subset, drawn without replacement; capped at the smaller
            set (default 1000).
        seed: seed of the subset draws (default 0).
        degree: kernel degree (default 3).
        coef0: kernel offset (default 1).

    Returns:
        (mean, std) of the per-subset estimates (std with ddof=0). The mean is unbiased,
        so it can be slightly negative when the two sets come from one distribution.

    Example:
        kid_mean, kid_std = kid(real_feats, fake_feats)
    """
    a, b = _pair(feat_a, feat_b)
    if not isinstance(subsets, (int, np.integer)) or subsets < 1:
        raise ValueError(f"subsets must be a positive int, got {subsets!r}.")
    m = int(min(subset_size, len(a), len(b)))
    rng = np.random.default_rng(seed)
    vals = [
        mmd2_unbiased(a[rng.choice(len(a), m, replace=False)], b[rng.choice(len(b), m, replace=False)],
                      degree, coef0)
        for _ in range(int(subsets))
    ]
    return float(np.mean(vals)), float(np.std(vals))
