"""Metrics of recommenders (`capabilities.Recommender`) on MovieLens, and NMF's "parts" figure.

- `recommender_metrics(model, spec)`: RMSE of held-out ratings on two protocols of
  `zoo.data.movielens`: the seeded 80/20 split (the model as given, trained on the 80%) and
  5-fold cross-validation (a fresh model per fold, built from the spec's config and trained
  with its recipe here), each beside two baselines computed in the same run: the global mean,
  and Koren's regularised user + movie biases (alternating least squares with Surprise's
  BaselineOnly defaults: reg_i 10, reg_u 15, 10 iterations). Predictions are clipped to
  [0.5, 5] stars, as Surprise does.
- `mnist_parts_figure(folder)`: Lee & Seung's "parts of objects" on MNIST: scikit-learn's NMF
  (the same objective, solved by coordinate descent) beside PCA, the same number of components, fitted on the same
  train images; the figure is written atomically into the folder.
"""

import os
import warnings

import numpy as np

from zoo import viz

DATASETS = ("movielens",)
BASELINE_REG_I, BASELINE_REG_U, BASELINE_ITERS = 10.0, 15.0, 10
# 25 parts of 5,000 digits: strokes and loops (49 parts of 10,000 shrink to dots; 16 are whole digits),
# about 25 s on one core.
PARTS_COMPONENTS, PARTS_IMAGES, PARTS_SEED, PARTS_ITERS = 25, 5_000, 0, 200


def rmse(pred, target):
    return float(np.sqrt(np.mean((np.asarray(pred, np.float64) - np.asarray(target, np.float64)) ** 2)))


def bias_baseline(x, y, n_users, n_items, reg_u=BASELINE_REG_U, reg_i=BASELINE_REG_I, iters=BASELINE_ITERS):
    """(mu, b_user (n_users,), b_item (n_items,)) of r ~ mu + b_u + b_i by alternating least squares
    (Koren 2010, Factor in the neighbors, sec. 2.1; Surprise's BaselineOnly "als"):
    b_i = sum(r - mu - b_u) / (reg_i + n_i), then b_u = sum(r - mu - b_i) / (reg_u + n_u)."""
    u, i, y = x[:, 0], x[:, 1], np.asarray(y, np.float64)
    mu = float(y.mean())
    n_u, n_i = np.bincount(u, minlength=n_users), np.bincount(i, minlength=n_items)
    bu, bi = np.zeros(n_users), np.zeros(n_items)
    for _ in range(iters):
        bi = np.bincount(i, y - mu - bu[u], n_items) / (reg_i + n_i)
        bu = np.bincount(u, y - mu - bi[i], n_users) / (reg_u + n_u)
    return mu, bu, bi


def _clip(p):
    from zoo.data import movielens

    return np.clip(p, *movielens.RATING_RANGE)


def baseline_rmses(x_train, y_train, x_test, y_test):
    """{"mean": RMSE of the training mean, "bias": RMSE of the regularised bias baseline}."""
    from zoo.data import movielens

    mu, bu, bi = bias_baseline(x_train, y_train, movielens.N_USERS, movielens.N_MOVIES)
    return {"mean": rmse(_clip(np.full(len(y_test), mu)), y_test),
            "bias": rmse(_clip(mu + bu[x_test[:, 0]] + bi[x_test[:, 1]]), y_test)}


def model_rmse(model, x, y):
    """RMSE of model.predict(user ids, movie ids) on index pairs x of MovieLens and their ratings y."""
    from zoo.data import movielens

    return rmse(model.predict(movielens.user_ids()[x[:, 0]], movielens.movie_ids()[x[:, 1]]), y)


def fit_fresh(model, spec, x, y):
    """A new model of `spec.config` (the class of `model`), compiled and trained with `spec.recipe` on
    (x, y): recipe.epochs passes, in batches of recipe.batch_size, or of the whole set when the recipe
    is full-batch (a batch at least as large as the 80/20 training side)."""
    import tensorflow as tf

    from zoo.data import movielens

    recipe = spec.recipe
    fresh = type(model).from_config(dict(spec.config))
    fresh.compile_from_config(recipe.compile_config())
    full = recipe.batch_size >= len(movielens.split_index("train"))
    if full:  # one step per epoch on the whole set: a single fit over the repeated batch
        ds = tf.data.Dataset.from_tensors((x, y)).repeat(recipe.epochs)
    else:
        ds = (tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=recipe.seed)
              .batch(recipe.batch_size, drop_remainder=True).repeat(recipe.epochs))
    fresh.fit(ds, epochs=1, verbose=0)
    return fresh


def recommender_metrics(model, spec):
    """RMSE of a MovieLens recommender on the 80/20 split and by 5-fold cross-validation, beside the
    global-mean and bias baselines of the same splits, each with its protocol ({} for other datasets)."""
    from zoo.data import movielens

    if spec.dataset not in DATASETS or spec.recipe is None:
        return {}
    x, y = movielens.ratings()
    tr, te = movielens.split_index("train"), movielens.split_index("test")
    ev = {"rmse": model_rmse(model, x[te], y[te])}
    base = baseline_rmses(x[tr], y[tr], x[te], y[te])
    ev["baseline_bias_rmse"], ev["baseline_mean_rmse"] = base["bias"], base["mean"]
    folds = movielens.folds()
    cv = {"rmse": [], "bias": [], "mean": []}
    for train, test in folds:
        cv["rmse"].append(model_rmse(fit_fresh(model, spec, x[train], y[train]), x[test], y[test]))
        for k, v in baseline_rmses(x[train], y[train], x[test], y[test]).items():
            cv[k].append(v)
    for key, name in (("rmse", "rmse_cv"), ("bias", "baseline_bias_rmse_cv"), ("mean", "baseline_mean_rmse_cv")):
        ev[name] = float(np.mean(cv[key]))
    ev["rmse_cv_std"] = float(np.std(cv["rmse"], ddof=1))
    k, n = len(folds), movielens.N_RATINGS
    split = (f"the {len(te):,} held-out ratings of the seeded 80/20 split of MovieLens latest-small "
             f"({n:,} ratings; zoo.data.movielens, permutation seed {movielens.SPLIT_SEED}), trained on the other "
             f"{len(tr):,}")
    folds_text = (f"mean over {k}-fold cross-validation of MovieLens latest-small ({n:,} ratings cut into {k} parts "
                  f"by a permutation with seed {movielens.FOLD_SEED}; zoo.data.movielens.folds())")
    fresh = (f"a fresh model per fold built from {spec.id}'s config and trained with its recipe "
             f"({spec.recipe.describe()})")
    bias = (f"regularised user + movie biases mu + b_u + b_i (alternating least squares, reg_i {BASELINE_REG_I:g}, "
            f"reg_u {BASELINE_REG_U:g}, {BASELINE_ITERS} iterations: Surprise's BaselineOnly defaults)")
    clip = "predictions clipped to [0.5, 5]"
    proto = {
        "rmse": f"RMSE of predict(user, movie) (these weights) on {split}; {clip}",
        "baseline_bias_rmse": f"RMSE of the {bias} fitted on the same 80/20 training side, on {split}; {clip}",
        "baseline_mean_rmse": f"RMSE of predicting the training mean rating, on {split}",
        "rmse_cv": f"RMSE, {folds_text}, {fresh}; {clip}",
        "rmse_cv_std": f"sample std (ddof=1) over the {k} folds of the per-fold RMSE of rmse_cv",
        "baseline_bias_rmse_cv": f"RMSE of the {bias}, {folds_text}; {clip}",
        "baseline_mean_rmse_cv": f"RMSE of predicting each fold's training mean rating, {folds_text}",
    }
    return {"eval": ev, "protocol": proto}


# ----------------------------------------------------------------------------- parts of objects
def _grid(components, ncols, background, side=28, pad=1):
    """Components (n, side * side) tiled into one float array, `background` between the tiles."""
    n = len(components)
    rows = int(np.ceil(n / ncols))
    out = np.full((rows * (side + pad) + pad, ncols * (side + pad) + pad), background, np.float64)
    for k, c in enumerate(components):
        r, q = divmod(k, ncols)
        out[pad + r * (side + pad): pad + r * (side + pad) + side,
            pad + q * (side + pad): pad + q * (side + pad) + side] = c.reshape(side, side)
    return out


def mnist_parts_figure(folder, name="mnist-parts.png", n_components=PARTS_COMPONENTS, n_images=PARTS_IMAGES,
                       seed=PARTS_SEED):
    """Fit scikit-learn's NMF (Frobenius loss, coordinate descent: Lee & Seung's objective, solved faster
    than by their multiplicative updates) and PCA, both with
    `n_components`, on the first `n_images` MNIST train images (pixels in [0, 1]) and write the two
    sets of components side by side as `folder/name` (atomically).

    Returns:
        [(title, markdown)]: the card section showing the figure (the image linked relative to folder).

    Example:
        mnist_parts_figure(zoo.registry.get_spec("nmf-movielens").pretrained_dir)
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.decomposition import NMF as SkNMF, PCA
    from sklearn.exceptions import ConvergenceWarning

    from zoo import data

    x, _ = data.arrays("mnist", "train")
    if not 1 <= n_images <= len(x):
        raise ValueError(f"n_images must be in [1, {len(x)}], got {n_images!r}.")
    x = x[:n_images].reshape(n_images, -1).astype(np.float64)
    nmf = SkNMF(n_components, init="nndsvda", solver="cd", max_iter=PARTS_ITERS, tol=1e-4, random_state=seed)
    with warnings.catch_warnings():  # a cap on the iterations is part of the protocol, not a failure
        warnings.simplefilter("ignore", ConvergenceWarning)
        codes = nmf.fit_transform(x)
    pca = PCA(n_components, random_state=seed).fit(x)
    err_nmf = float(np.mean((codes @ nmf.components_ - x) ** 2))
    err_pca = float(np.mean((pca.inverse_transform(pca.transform(x)) - x) ** 2))
    parts = nmf.components_ / np.maximum(nmf.components_.max(axis=1, keepdims=True), 1e-12)
    zero_nmf = float(np.mean(parts < 1e-3))
    zero_pca = float(np.mean(np.abs(pca.components_) / np.abs(pca.components_).max(1, keepdims=True) < 1e-3))
    ncols = int(np.ceil(np.sqrt(n_components)))
    fig, axes = plt.subplots(1, 2, figsize=(10, 5.8))
    # Each component scaled by its peak: NMF's in [0, 1] (white 0), PCA's in [-1, 1] (white 0).
    axes[0].imshow(_grid(parts, ncols, 0.25), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    axes[0].set_title(f"NMF: {n_components} parts (all >= 0)\nMSE {err_nmf:.4f}, {zero_nmf:.0%} of pixels ~0")
    signed = pca.components_ / np.maximum(np.abs(pca.components_).max(axis=1, keepdims=True), 1e-12)
    axes[1].imshow(_grid(signed, ncols, 0.0), cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest")
    axes[1].set_title(f"PCA: {n_components} components (red > 0 > blue)\nMSE {err_pca:.4f}, "
                      f"{zero_pca:.0%} of pixels ~0")
    for ax in axes:
        ax.axis("off")
    fig.suptitle(f"Parts of digits: NMF vs PCA on the first {n_images:,} MNIST train images")
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    viz.save_figure(fig, os.path.join(os.path.abspath(os.fspath(folder)), name))
    text = (f"![NMF parts beside PCA components]({name})\n\n"
            f"Lee & Seung's \"parts of objects\" on digits: scikit-learn's NMF (Frobenius loss, coordinate descent, "
            f"NNDSVDa start, {PARTS_ITERS} iterations at most, seed {seed}) and PCA, {n_components} components "
            f"each, fitted on the first {n_images:,} MNIST train images (pixels in [0, 1]). NMF's components are "
            f"non-negative and add up: they are localised strokes ({zero_nmf:.0%} of their pixels are ~0, i.e. "
            f"below 0.1% of the component's peak). PCA's are signed, global patterns that cancel one another "
            f"({zero_pca:.0%} ~0). Reconstruction MSE per pixel on the same images: NMF {err_nmf:.4f}, PCA "
            f"{err_pca:.4f} (PCA is the best linear fit of this size; NMF pays for non-negativity).")
    return [("Parts of objects: NMF beside PCA on MNIST", text)]
