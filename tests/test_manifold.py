"""zoo.manifold: exact encoder Jacobians, tangent vectors from their SVD, the tangent figure."""

import os

import numpy as np
import pytest
import keras

from zoo import capabilities as cap
from zoo import manifold


def mlp_encoder(side=4, hidden=6, code=3, seed=0):
    keras.utils.set_random_seed(seed)
    x_in = keras.Input((side, side, 1))
    h = keras.layers.Flatten()(x_in)
    h = keras.layers.Dense(hidden, activation="tanh")(h)
    out = keras.layers.Dense(code)(h)
    return keras.Model(x_in, out, name="encoder")


def mlp_forward64(enc, x):
    """The same encoder in float64 numpy (for finite differences without float32 noise)."""
    w1, b1, w2, b2 = [np.asarray(w, np.float64) for w in enc.get_weights()]
    return np.tanh(x.reshape(len(x), -1) @ w1 + b1) @ w2 + b2


def images(n=3, side=4, seed=0):
    return np.random.default_rng(seed).uniform(0, 1, (n, side, side, 1)).astype(np.float32)


class Wrapped:
    """A stand-in for a zoo autoencoder: it declares the Encoder capability, and `code_encoder`
    (the keras Model image -> code) is all zoo.manifold uses of it."""

    CAPABILITIES = (cap.Encoder,)

    def __init__(self, encoder):
        self.encoder = encoder
        self.zoo_id = "stand-in"

    def code_encoder(self):
        return self.encoder


def test_jacobian_matches_central_finite_differences():
    enc = mlp_encoder()
    x = images()
    J = manifold.jacobian(enc, x)
    assert J.shape == (3, 3, 16) and J.dtype == np.float32
    x64, eps = x.reshape(3, -1).astype(np.float64), 1e-5
    fd = np.stack([(mlp_forward64(enc, x64 + eps * e) - mlp_forward64(enc, x64 - eps * e)) / (2 * eps)
                   for e in np.eye(16)], axis=-1)  # (n, code, input)
    np.testing.assert_allclose(J, fd, atol=1e-5)
    # Batching does not change it, and a zoo-style model with an encoder gives the same.
    np.testing.assert_allclose(manifold.jacobian(Wrapped(enc), x, batch_size=2), J, atol=1e-7)


def test_tangent_vectors_are_orthonormal_leading_singular_vectors():
    enc = mlp_encoder(code=5)
    x = images(4, seed=1)
    v, s = manifold.tangent_vectors(Wrapped(enc), x, k=3)
    assert v.shape == (4, 3, 4, 4, 1) and s.shape == (4, 3)
    V = v.reshape(4, 3, -1).astype(np.float64)
    np.testing.assert_allclose(np.einsum("nid,njd->nij", V, V), np.broadcast_to(np.eye(3), (4, 3, 3)),
                               atol=1e-5)
    J = manifold.jacobian(enc, x).astype(np.float64)
    s_all = np.linalg.svd(J, compute_uv=False)
    np.testing.assert_allclose(s, s_all[:, :3], rtol=1e-5)
    assert np.all(np.diff(s, axis=1) <= 0)
    # ||J v_i|| = s_i: each vector is the direction of its singular value.
    np.testing.assert_allclose(np.linalg.norm(np.einsum("ncd,nkd->nkc", J, V), axis=-1), s, rtol=1e-4)
    # Sign convention: each vector's largest-magnitude entry is positive.
    peak = np.take_along_axis(V, np.abs(V).argmax(-1)[..., None], -1)
    assert np.all(peak > 0)


def test_linear_encoder_tangents_are_the_top_singular_vectors_of_its_weights():
    keras.utils.set_random_seed(3)
    x_in = keras.Input((4, 4, 1))
    code = keras.layers.Dense(4)(keras.layers.Flatten()(x_in))  # c = W^T x + b, W: (16, 4)
    enc = keras.Model(x_in, code)
    W = np.asarray(enc.get_weights()[0], np.float64)
    u, sw, _ = np.linalg.svd(W, full_matrices=False)  # J = W^T: its right-singular vectors are u
    v, s = manifold.tangent_vectors(enc, images(5, seed=2), k=2)
    for i in range(5):  # the same at every input: the Jacobian is constant
        np.testing.assert_allclose(s[i], sw[:2], rtol=1e-5)
        overlap = np.abs(v[i].reshape(2, -1) @ u[:, :2])  # |<v_i, u_j>|
        np.testing.assert_allclose(overlap, np.eye(2), atol=1e-5)


def test_grayscale_without_channel_axis_is_accepted():
    enc = mlp_encoder()
    x = images()
    v1, s1 = manifold.tangent_vectors(enc, x, k=2)
    v2, s2 = manifold.tangent_vectors(enc, x[..., 0], k=2)
    np.testing.assert_array_equal(v1, v2)
    np.testing.assert_array_equal(s1, s2)


@pytest.mark.parametrize(
    "x, k, match",
    [
        (np.zeros((2, 5, 4, 1), np.float32), 2, "shape"),
        (np.zeros((4, 4, 1), np.float32), 2, "shape"),
        (np.zeros((2, 4, 4, 1), np.uint8), 2, "float"),
        (np.full((2, 4, 4, 1), np.nan, np.float32), 2, "NaN"),
        (np.zeros((0, 4, 4, 1), np.float32), 2, "empty"),
        (np.zeros((2, 4, 4, 1), np.float32), 0, "positive int"),
        (np.zeros((2, 4, 4, 1), np.float32), 2.0, "positive int"),
        (np.zeros((2, 4, 4, 1), np.float32), True, "positive int"),
        (np.zeros((2, 4, 4, 1), np.float32), 4, "rank bound"),  # code_dim is 3
    ],
)
def test_bad_inputs_raise_clear_errors(x, k, match):
    with pytest.raises(ValueError, match=match):
        manifold.tangent_vectors(mlp_encoder(), x, k=k)


def test_a_non_model_is_refused():
    with pytest.raises(TypeError, match="`model` must be a zoo model with an encoder"):
        manifold.tangent_vectors(lambda x: x, images(), k=1)
    with pytest.raises(ValueError, match="batch_size"):
        manifold.jacobian(mlp_encoder(), images(), batch_size=0)


def test_tangent_figure_is_written_atomically(tmp_path):
    from PIL import Image

    path = manifold.save_tangent_figure(tmp_path / "fig" / "t.png", Wrapped(mlp_encoder()), images(2), k=3)
    assert path == str(tmp_path / "fig" / "t.png")
    with Image.open(path) as img:
        assert img.format == "PNG" and img.width > img.height > 0  # 2 rows of 1 + 3 panels
    assert os.listdir(tmp_path / "fig") == ["t.png"]  # no temp file left behind
    with pytest.raises(ValueError, match="shape"):
        manifold.save_tangent_figure(tmp_path / "bad.png", mlp_encoder(), images(2, side=5), k=1)
    assert not os.path.exists(tmp_path / "bad.png")


def test_vae_tangents_are_those_of_the_posterior_mean(tmp_path):
    import zoo
    from zoo.models.vae import VAE
    from zoo.registry import TINY

    m = VAE(**TINY["VAE"]["tiny"])
    x = np.random.default_rng(0).uniform(0, 1, (2, *m.image_shape)).astype(np.float32)
    names = [w.path for w in m.weights]
    v, s = manifold.tangent_vectors(m, x, k=2)
    # Moving x along the leading tangent changes encode(x) (the posterior mean) at rate s.
    eps = 1e-2
    rate = np.linalg.norm(m.encode(x + eps * v[:, 0]) - m.encode(x - eps * v[:, 0]), axis=1) / (2 * eps)
    np.testing.assert_allclose(rate, s[:, 0], rtol=2e-2)
    # The code model is built on demand: the VAE's weights, and what it saves, do not change.
    assert [w.path for w in m.weights] == names
    m.save_pretrained(str(tmp_path / "vae"))
    np.testing.assert_array_equal(zoo.load(str(tmp_path / "vae"), compile=False).encode(x), m.encode(x))


def test_a_failed_figure_write_keeps_the_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from zoo import viz

    path = tmp_path / "f.png"
    path.write_bytes(b"old")
    fig = plt.figure()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(fig, "savefig", broken)
    with pytest.raises(OSError, match="disk full"):
        viz.save_figure(fig, path)
    assert path.read_bytes() == b"old" and os.listdir(tmp_path) == ["f.png"]
    assert not plt.fignum_exists(fig.number)  # closed even on failure


def test_a_model_without_an_encoder_is_refused_by_name(tmp_path):
    from zoo.models.gan import GAN
    from zoo.registry import TINY

    gan = GAN(**TINY["GAN"]["tiny"])  # a keras Model, but one that declares no encoder
    x = images(2, side=8)
    msg = r"the argument `model` must be a zoo model with an encoder.*its capabilities: generate"
    with pytest.raises(TypeError, match="tangent_vectors: " + msg):
        manifold.tangent_vectors(gan, x, k=1)
    with pytest.raises(TypeError, match="jacobian: " + msg):
        manifold.jacobian(gan, x)
    with pytest.raises(TypeError, match=msg):
        manifold.save_tangent_figure(tmp_path / "gan.png", gan, x, k=1)
    assert not os.path.exists(tmp_path / "gan.png")
