"""Tangent vectors of the data manifold learned by an encoder.

An encoder c = f(x) that is insensitive to most directions of the input space but
sensitive to a few (the contractive autoencoder, Rifai et al. 2011, Contractive
Auto-Encoders: Explicit Invariance During Feature Extraction, ICML) has a Jacobian
J(x) = dc/dx whose leading right-singular vectors span the local tangent plane of the
manifold at x: the directions in which the data varies (small shifts, rotations,
thickness). Rifai, Dauphin, Vincent, Bengio, Muller 2011 (The Manifold Tangent
Classifier, NeurIPS) feed them to Tangent Prop (`zoo.models.tangentprop`).

    from zoo import manifold
    v, s = manifold.tangent_vectors(zoo.load("cae-mnist"), x, k=8)   # (n, 8, 28, 28, 1), (n, 8)
    manifold.save_tangent_figure("tangents.png", zoo.load("cae-mnist"), x[:6], k=6)
"""

import weakref

import numpy as np

from zoo import capabilities as cap

DEFAULT_BATCH = 64
_JACOBIAN_FNS = weakref.WeakKeyDictionary()  # encoder -> its traced Jacobian function


def _encoder(model, fn="tangent_vectors"):
    """The keras Model mapping inputs to codes: `model.code_encoder()` of a model with an encoder
    (`capabilities.Encoder`; a VAE's: the posterior mean), or `model` itself when it is a plain
    keras Model (one that declares no zoo capabilities)."""
    import keras

    if isinstance(model, keras.Model) and not cap.names(model):
        return model
    try:
        cap.require(model, cap.Encoder, what="model")
    except TypeError as e:
        raise TypeError(f"{fn}: the argument `model` must be a zoo model with an encoder (capability "
                        f"{cap.Encoder.name!r}, e.g. zoo.load('cae-mnist')) or a keras Model mapping inputs "
                        f"to codes. {e}") from None
    return model.code_encoder()


def _check_images(enc, x):
    shape = tuple(enc.input_shape[1:]) if not isinstance(enc.input_shape, list) else None
    if shape is None or any(s is None for s in shape):
        raise ValueError(f"The encoder needs one input of fixed shape, it has {enc.input_shape}.")
    x = np.asarray(x)
    if x.ndim == len(shape) and shape[-1] == 1:
        x = x[..., None]  # (n, H, W) grayscale
    if x.ndim != len(shape) + 1 or tuple(x.shape[1:]) != shape:
        raise ValueError(f"Expected a batch of inputs of shape (n, {', '.join(map(str, shape))}), "
                         f"got {x.shape}.")
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"Expected float inputs (images in [0, 1]), got dtype {x.dtype}; scale "
                         "uint8 pixels with zoo.data.scale(x).")
    if len(x) == 0:
        raise ValueError("Got an empty batch.")
    x = x.astype(np.float32, copy=False)
    if not np.all(np.isfinite(x)):
        raise ValueError("The inputs contain NaN or infinite values.")
    return x


def _one_blas_thread():
    """Many small SVDs run fastest on one BLAS thread; OpenBLAS' pool made them ~100x slower on
    a busy 2-core machine (threads spinning). threadpoolctl comes with scikit-learn."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def jacobian(model, x, batch_size=DEFAULT_BATCH):
    """The exact Jacobian dc/dx of the encoder at each input (reverse-mode autodiff).

    Args:
        model: a zoo model with an encoder (`zoo.capabilities.Encoder`, e.g.
            ``zoo.load("cae-mnist")``), or a keras Model mapping images to codes. Run in inference
            mode (no dropout, batch-norm statistics).
        x: float inputs (n, *input_shape) (or (n, H, W) when the encoder takes (H, W, 1)).
        batch_size: inputs per autodiff call (default 64).

    Returns:
        float32 numpy (n, code_dim, input_dim): row i of J[j] is the gradient of code unit i
        at x[j] with respect to the flattened input.

    Example:
        J = manifold.jacobian(zoo.load("cae-mnist"), x[:4])   # (4, 32, 784)
    """
    import tensorflow as tf

    enc = _encoder(model, "jacobian")
    x = _check_images(enc, x)
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}.")

    fn = _JACOBIAN_FNS.get(enc)
    if fn is None:
        ref = weakref.ref(enc)  # the cache must not keep the encoder alive

        @tf.function(input_signature=[tf.TensorSpec((None,) + x.shape[1:], tf.float32)])
        def fn(b):  # traced once per encoder: eager batch_jacobian would retrace its pfor per call
            with tf.GradientTape() as tape:
                tape.watch(b)
                c = ref()(b, training=False)
                if isinstance(c, (list, tuple, dict)):
                    raise ValueError("The encoder returns several outputs; pass a keras Model that "
                                     "returns the code alone.")
                c = tf.reshape(c, (tf.shape(c)[0], -1))
            # One backward pass per code unit (code_dim << input_dim), vectorized over them.
            jac = tape.batch_jacobian(c, b)
            return tf.reshape(jac, (tf.shape(jac)[0], tf.shape(jac)[1], -1))

        _JACOBIAN_FNS[enc] = fn
    return np.concatenate([fn(tf.constant(x[i:i + batch_size])).numpy()
                           for i in range(0, len(x), batch_size)])


def tangent_vectors(model, x, k=5, batch_size=DEFAULT_BATCH):
    """The k leading right-singular vectors of the encoder Jacobian, as images.

    J(x) = U S V^T; the rows of V^T for the k largest singular values are orthonormal
    directions in input space along which the code changes most: estimates of the tangent
    plane of the data manifold at x (Rifai et al. 2011). Each vector's sign is fixed so
    that its entry of largest magnitude is positive (an SVD leaves it arbitrary).

    Args:
        model: a zoo model with an encoder (`zoo.capabilities.Encoder`, e.g.
            ``zoo.load("cae-mnist")``) or a keras Model mapping inputs to codes; TypeError
            naming `model` for anything else (a GAN has no encoder: project images instead).
        x: float inputs (n, *input_shape), e.g. images (n, 28, 28, 1) in [0, 1].
        k: vectors per input, 1 <= k <= min(code_dim, input_dim) (default 5).
        batch_size: inputs per Jacobian call (default 64).

    Returns:
        (vectors float32 (n, k, *input_shape), singular values float32 (n, k), descending).

    Example:
        v, s = manifold.tangent_vectors(zoo.load("cae-mnist"), x, k=8)
        np.tensordot(v[0].reshape(8, -1), v[0].reshape(8, -1), (1, 1))   # ~ identity
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a positive int, got {k!r}.")
    enc = _encoder(model)
    x = _check_images(enc, x)
    J = jacobian(enc, x, batch_size)
    code_dim, input_dim = J.shape[1:]
    if k > min(code_dim, input_dim):
        raise ValueError(f"k={k} exceeds the rank bound min(code_dim, input_dim) = "
                         f"{min(code_dim, input_dim)} of the Jacobian (code_dim {code_dim}).")
    with _one_blas_thread():
        _, s, vt = np.linalg.svd(J.astype(np.float64), full_matrices=False)  # s descending
    v, s = vt[:, :k], s[:, :k]
    peak = np.take_along_axis(v, np.abs(v).argmax(-1)[..., None], -1)
    v = v * np.where(peak < 0, -1.0, 1.0)
    return v.reshape((len(x), k) + x.shape[1:]).astype(np.float32), s.astype(np.float32)


def save_tangent_figure(path, model, x, k=5, title=None, batch_size=DEFAULT_BATCH):
    """Draw each input beside its k leading tangent vectors and write a PNG atomically.

    One row per input: the image (grey), then the tangent vectors on a red (+) / blue (-)
    scale symmetric around 0, each titled with its singular value.

    Args:
        path: PNG file to write (written to a temp name, then renamed).
        model: as in `tangent_vectors`.
        x: images (n, H, W, 1) or (n, H, W) in [0, 1]; a handful (rows).
        k: tangent vectors per image (default 5).
        title: figure title (default: the model's zoo id, if any).
        batch_size: as in `tangent_vectors`.

    Returns:
        The absolute path of the PNG.

    Example:
        manifold.save_tangent_figure("cae.png", zoo.load("cae-mnist"), x[:5], k=5)
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from zoo.viz import save_figure

    vecs, svals = tangent_vectors(model, x, k, batch_size)
    x = np.asarray(x, np.float32)
    if x.ndim != 4 or x.shape[-1] != 1:
        x = x.reshape(vecs.shape[:1] + vecs.shape[2:])
    if x.shape[-1] != 1:
        raise ValueError(f"save_tangent_figure draws grayscale images (n, H, W, 1), got {x.shape}.")
    n = len(x)
    fig, axes = plt.subplots(n, k + 1, figsize=(1.2 * (k + 1), 1.3 * n + 0.4), dpi=100, squeeze=False)
    for i in range(n):
        axes[i, 0].imshow(x[i, ..., 0], cmap="gray", vmin=0, vmax=1)
        axes[i, 0].set_title("x", fontsize=7)
        for j in range(k):
            v = vecs[i, j, ..., 0]
            lim = float(np.abs(v).max()) or 1.0
            axes[i, j + 1].imshow(v, cmap="bwr", vmin=-lim, vmax=lim)
            axes[i, j + 1].set_title(f"s={svals[i, j]:.3g}", fontsize=7)
    for ax in axes.ravel():
        ax.set_xticks([])
        ax.set_yticks([])
    name = title if title is not None else getattr(model, "zoo_id", None)
    fig.suptitle(f"{name + ': ' if name else ''}leading tangent vectors of the encoder Jacobian",
                 fontsize=8)
    fig.tight_layout()
    return save_figure(fig, path)
