"""Metrics and card figures of models with an encoder (`capabilities.Encoder`) on MNIST.

- reconstruction error on the MNIST test split: per-pixel MSE, and for Bernoulli decoders
  the binary cross-entropy summed over pixels (nats per image);
- the same errors for PCA with as many components as the code has dimensions, fitted on
  the train split (the linear baseline every autoencoder should beat);
- denoisers (`capabilities.Denoiser`): the error of denoising the test split corrupted by the model's
  own noise (fixed seed), beside PCA's and the noisy input's;
- contractive encoders (`capabilities.Contractive`): the mean ||dc/dx||_F^2 on the test split;
- models with a likelihood (`capabilities.Likelihood`, the VAE): test negative
  log-likelihood by importance sampling (IWAE bound, k = 1,000) and the ELBO, on a fixed
  stochastic binarization of the test split.

Every number is seeded, so `python -m zoo evaluate ID` reproduces the card.
"""

import functools
import os
import shutil
import tempfile

import numpy as np

from zoo import capabilities as cap
from zoo import viz

BINARIZE_SEED = 0  # the fixed stochastic binarization of the test split
NLL_K = 1000  # importance samples per image
NLL_SEED = 0  # seed of the importance samples
NOISE_SEED = 0  # seed of the corruption of the test split (denoising)
PCA_CLIP = 1e-4  # PCA reconstructions are clipped to [PCA_CLIP, 1 - PCA_CLIP] for the cross-entropy
N_TEST = 10_000
DATASETS = ("mnist",)  # the datasets these metrics and figures are defined on


def has_figures(spec):
    """True when `card_figures` draws the card figures of a catalog entry: an encoder of a
    dataset in DATASETS with published weights."""
    return cap.has(spec, cap.Encoder) and spec.dataset in DATASETS and spec.status == "trained"


def _fmt(n):
    return f"{n:,}"


def mnist_test_images(n=N_TEST):
    """The first n MNIST test images, float32 (n, 28, 28, 1) in [0, 1]."""
    from zoo import data

    x, _ = data.arrays("mnist", "test")
    if not 1 <= n <= len(x):
        raise ValueError(f"n must be in [1, {len(x)}], got {n!r}.")
    return x[:n]


def mnist_test_labels(n=N_TEST):
    """The labels (int, (n,)) of the first n MNIST test images."""
    from zoo import data

    return np.asarray(data.arrays("mnist", "test")[1][:n])


def binarize(x, seed=BINARIZE_SEED):
    """x_b = (u < x), u ~ U[0, 1) from numpy default_rng(seed): one stochastic binarization
    (`zoo.data.binarize`)."""
    from zoo import data

    return data.binarize(x, seed)


@functools.lru_cache(maxsize=4)
def fitted_pca(n_components):
    """sklearn PCA fitted on the 60,000 MNIST train images (exact and deterministic: an
    eigendecomposition of the 784 x 784 covariance, 15x faster than the SVD of the data)."""
    from sklearn.decomposition import PCA

    from zoo import data

    x, _ = data.arrays("mnist", "train")
    return PCA(n_components=n_components, svd_solver="covariance_eigh").fit(x.reshape(len(x), -1).astype(np.float64))


def pca_reconstruct(x, n_components):
    """Projection of images onto the top principal components of the train split (float64)."""
    pca = fitted_pca(n_components)
    flat = x.reshape(len(x), -1).astype(np.float64)
    return pca.inverse_transform(pca.transform(flat)).reshape(x.shape)


def bce_nats(x, p):
    """Binary cross-entropy summed over pixels per image (float64), p clipped away from 0 and 1."""
    x = x.reshape(len(x), -1).astype(np.float64)
    p = np.clip(p.reshape(len(p), -1).astype(np.float64), PCA_CLIP, 1 - PCA_CLIP)
    return -(x * np.log(p) + (1 - x) * np.log1p(-p)).sum(1)


def bce_floor(x):
    """sum_i H(x_i) per image: the cross-entropy of a perfect reconstruction of grey pixels x."""
    x = x.reshape(len(x), -1).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -(np.where(x > 0, x * np.log(x), 0.0) + np.where(x < 1, (1 - x) * np.log1p(-x), 0.0))
    return h.sum(1)


def mse(a, b):
    return float(np.mean((np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2))


def autoencoder_metrics(model, n=None):
    """{"eval", "protocol"} of a model with an encoder on the first n MNIST test images."""
    n = n or N_TEST
    x = mnist_test_images(n)
    d = model.code_dim
    which = "the 10,000 MNIST test images" if n == N_TEST else f"the first {_fmt(n)} MNIST test images"
    pca_how = (f"PCA with {d} components (sklearn, exact covariance eigendecomposition) fitted on the "
               "60,000 MNIST train images, x_hat = mean + (x - mean) V V^T")
    ev, proto = {}, {}
    cap.require(model, cap.Encoder)
    errs = model.reconstruction_errors(x)
    bernoulli = "bce" in errs  # a Bernoulli decoder also reports its cross-entropy
    pca = pca_reconstruct(x, d)
    ev["test_mse"] = float(errs["mse"].mean())
    ev["pca_mse"] = mse(pca, x)
    likelihood = cap.has(model, cap.Likelihood)
    recon = "reconstruct(x)" + (" (the decoder at the posterior mean)" if likelihood else "")
    proto["test_mse"] = f"mean squared error per pixel (pixels in [0, 1]) of {recon} over {which}"
    proto["pca_mse"] = f"mean squared error per pixel of {pca_how}, over {which}"
    if bernoulli:
        ev["test_bce"] = float(errs["bce"].mean())
        ev["pca_bce"] = float(bce_nats(x, pca).mean())
        floor = float(bce_floor(x).mean())
        proto["test_bce"] = (f"binary cross-entropy of the grey test image under the decoder's Bernoulli "
                             f"means at the code of x (for a VAE its posterior mean), summed over the 784 pixels "
                             f"(exact, from the decoder's logits), nats per image, mean over {which}; even a "
                             f"perfect reconstruction pays the entropy of the grey levels, {floor:.2f} nats")
        proto["pca_bce"] = (f"same cross-entropy for {pca_how}, the reconstruction clipped to "
                            f"[{PCA_CLIP:g}, 1 - {PCA_CLIP:g}], nats per image, mean over {which}")
    if cap.has(model, cap.Denoiser):
        noisy = model.corrupt(x, seed=NOISE_SEED)
        kind = (f"Gaussian noise of std {model.noise_level:g} added, clipped to [0, 1]"
                if model.noise_type == "gaussian" else f"each pixel set to 0 with probability {model.noise_level:g}")
        noise = f"{which} corrupted by the model's training noise ({kind}) with corrupt(x, seed={NOISE_SEED})"
        proto["test_mse"] += " (clean inputs; the model was trained on corrupted ones)"
        ev["denoise_mse"] = mse(model.denoise(noisy), x)
        ev["pca_denoise_mse"] = mse(pca_reconstruct(noisy, d), x)
        ev["noisy_input_mse"] = mse(noisy, x)
        proto["denoise_mse"] = f"mean squared error per pixel between denoise(noisy) and the clean image; {noise}"
        proto["pca_denoise_mse"] = (f"mean squared error per pixel between the {pca_how} of the noisy image "
                                    f"and the clean image; {noise}")
        proto["noisy_input_mse"] = f"mean squared error per pixel between the noisy and the clean image; {noise}"
    if cap.has(model, cap.Contractive):
        ev["test_jacobian_frobenius_sq"] = float(model.jacobian_norms(x).mean())
        proto["test_jacobian_frobenius_sq"] = (f"||dc/dx||_F^2, the squared Frobenius norm of the encoder's "
                                               f"Jacobian (exact, before lambda), mean over {which}")
    # Clustering the codes vs the raw pixels (k-means and Ward, k = 10 digit classes).
    from zoo.cluster import clustering_metrics

    cm = clustering_metrics(model, x, mnist_test_labels(n), k=10, inputs="MNIST test images")
    ev.update(cm["eval"])
    proto.update(cm["protocol"])
    return {"eval": ev, "protocol": proto}


def likelihood_metrics(model, n=None):
    """{"eval", "protocol"} of a Likelihood model on the first n MNIST test images, binarized
    once by `binarize`: test_nll from `log_likelihood` (its estimator in the model's own
    `likelihood_protocol()`), and test_elbo for a model that also has a lower bound."""
    n = n or N_TEST
    which = "the 10,000 MNIST test images" if n == N_TEST else f"the first {_fmt(n)} MNIST test images"
    xb = binarize(mnist_test_images(n))
    binar = (f"{which} binarized once, x_b = (u < x) with u ~ U[0, 1) from numpy default_rng({BINARIZE_SEED}) "
             "(a fixed stochastic binarization; training used fresh dynamic binarizations)")
    ev = {"test_nll": float(-model.log_likelihood(xb).mean())}
    proto = {"test_nll": f"negative log-likelihood in nats per image, -log p(x_b), {model.likelihood_protocol()}, "
                         f"mean over {binar}"}
    if cap.has(model, cap.LowerBound):
        ev["test_elbo"] = float(model.elbo(xb, k=NLL_K, seed=NLL_SEED).mean())
        proto["test_elbo"] = (f"ELBO in nats per image (higher is better), the mean of {_fmt(NLL_K)} log-weights "
                              f"log p(x_b, z) - log q(z|x_b) per image (numpy default_rng({NLL_SEED}) noise), "
                              f"mean over {binar}")
    return {"eval": ev, "protocol": proto}


# ----------------------------------------------------------------------------- card figures
N_FIGURE = 16  # test images per figure row
N_TANGENT_ROWS, N_TANGENTS = 4, 6  # tangent figure: test images (rows), vectors per image


def reconstruction_figure(model, path, n=N_FIGURE):
    """PNG of the first n test images (row 1), the model's reconstructions (row 2) and PCA's
    at the same code size (row 3); a denoising model gets the noisy input and PCA of it."""
    x = mnist_test_images(n)
    rows = [x]
    if cap.has(model, cap.Denoiser):
        noisy = model.corrupt(x, seed=NOISE_SEED)
        rows += [noisy, model.denoise(noisy), pca_reconstruct(noisy, model.code_dim)]
    else:
        rows += [model.reconstruct(x), pca_reconstruct(x, model.code_dim)]
    return viz.save_png(path, viz.image_grid(np.concatenate(rows), ncols=n), scale=2)


def interpolation_figure(model, path, steps=10):
    """PNG: 4 rows between the codes of test-image pairs, and for a generator 4 rows between
    the prior codes of seeds (2i, 2i + 1)."""
    x = mnist_test_images(8)
    rows = [model.interpolate(x[2 * i], x[2 * i + 1], steps) for i in range(4)]
    if cap.has(model, cap.Generator):  # a prior: seeds name codes
        rows += [model.interpolate(2 * i, 2 * i + 1, steps) for i in range(4)]
    return viz.save_png(path, viz.image_grid(np.concatenate(rows), ncols=steps), scale=2)


def card_figures(model_id, folder):
    """Draw the card figures of an installed model with an encoder into `folder` (the card
    writer passes ``spec.pretrained_dir``): <id>-reconstructions.png, <id>-interpolations.png
    and <id>-tangents.png. All are drawn into a temporary folder inside `folder` first and
    renamed into place only when every one succeeded, so a failure leaves the old figures.

    Returns:
        The card sections [(title, markdown)] that show them (image links relative to `folder`).

    Example:
        card_figures("cae-mnist", zoo.registry.get_spec("cae-mnist").pretrained_dir)
    """
    from zoo import manifold
    from zoo.hub import load

    model = load(model_id, compile=False)
    cap.require(model, cap.Encoder)
    folder = os.path.abspath(os.fspath(folder))
    os.makedirs(folder, exist_ok=True)
    kinds = ("reconstructions", "interpolations", "tangents") if cap.has(model, cap.Interpolator) \
        else ("reconstructions", "tangents")
    names = {k: f"{model_id}-{k}.png" for k in kinds}
    tmp = tempfile.mkdtemp(prefix=".tmp-figures-", dir=folder)
    try:
        reconstruction_figure(model, os.path.join(tmp, names["reconstructions"]))
        if "interpolations" in names:
            interpolation_figure(model, os.path.join(tmp, names["interpolations"]))
        manifold.save_tangent_figure(os.path.join(tmp, names["tangents"]), model,
                                     mnist_test_images(N_TANGENT_ROWS), k=N_TANGENTS, title=model_id)
        for name in names.values():
            os.replace(os.path.join(tmp, name), os.path.join(folder, name))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return _figure_sections(model, model_id, names)


def _figure_sections(model, model_id, names):
    if cap.has(model, cap.Denoiser):
        what = (f"Rows: the first {N_FIGURE} MNIST test images; corrupted with `corrupt(x, seed={NOISE_SEED})` "
                f"({model.noise_type} noise, level {model.noise_level:g}); `denoise` of the noisy row; PCA "
                f"with {model.code_dim} components (fitted on the train split) of the noisy row.")
    else:
        what = (f"Rows: the first {N_FIGURE} MNIST test images; `reconstruct(x)`; PCA with {model.code_dim} "
                "components (fitted on the train split) for comparison.")
    sections = [("Reconstructions", f"![reconstructions of {model_id}]({names['reconstructions']})\n\n{what}")]
    if "interpolations" in names:
        sections.append(("Interpolations", f"![interpolations of {model_id}]({names['interpolations']})\n\n"
                                           + _interpolation_text(model)))
    what = "posterior mean" if cap.has(model, cap.Likelihood) else "code"
    sections.append(("Tangent vectors", (
        f"![tangent vectors of {model_id}]({names['tangents']})\n\nThe first {N_TANGENT_ROWS} MNIST test images "
        f"and the {N_TANGENTS} leading right-singular vectors of the Jacobian of the {what} with respect to the "
        f"image (`zoo.manifold.tangent_vectors(model, x, k={N_TANGENTS})`; red +, blue -, s = singular value): "
        "the input directions the code is most sensitive to, estimates of the tangent plane of the "
        "digit manifold at x.")))
    return sections


def _interpolation_text(model):
    text = ("Each row decodes 10 evenly spaced points on the straight line between two codes: rows 1-4 "
            "between the codes of MNIST test images 0 and 1, 2 and 3, 4 and 5, 6 and 7")
    text += (", rows 5-8 between the prior codes of seeds (0, 1), (2, 3), (4, 5), (6, 7) "
             "(`interpolate(a, b, 10)`)." if cap.has(model, cap.Generator) else " (`interpolate(a, b, 10)`).")
    return text
