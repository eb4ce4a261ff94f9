"""Inpainting of the families with a decoder from codes (GAN, VAE): known values kept exactly,
the hole filled from the projected code, the same seed giving the same completion, clear
errors for bad masks. PixelCNN's sampler is tested in test_pixelcnn.py."""

import keras
import numpy as np
import pytest

from zoo import capabilities as cap
from zoo import registry
from zoo.models.gan import GAN
from zoo.models.inference import project_codes
from zoo.models.vae import VAE


def tiny(family, seed=0):
    """A tiny untrained model whose weights do not depend on the tests that ran before."""
    keras.utils.set_random_seed(seed)
    return {"GAN": GAN, "VAE": VAE}[family](**registry.TINY[family]["tiny"])


def lower_half(shape):
    mask = np.ones(shape, np.float32)
    mask[shape[0] // 2:] = 0
    return mask


@pytest.mark.parametrize("family", ["GAN", "VAE"])
def test_inpaint_keeps_the_known_values_and_fills_the_hole_from_the_projected_code(family):
    model = tiny(family)
    assert cap.has(model, cap.Inpainter)
    x = np.random.default_rng(0).uniform(size=(3, *model.data_shape)).astype(np.float32)
    mask = lower_half(model.data_shape)
    filled = model.inpaint(x, mask, seed=4, steps=20)
    assert filled.shape == x.shape and filled.dtype == np.float32
    np.testing.assert_array_equal(filled[:, :4], x[:, :4])
    net = model.decoder if family == "VAE" else None
    codes = project_codes(model, x, steps=20, seed=4, mask=np.broadcast_to(mask, x.shape), network=net)
    np.testing.assert_allclose(filled[:, 4:], model.decode(codes)[:, 4:], atol=1e-5)
    np.testing.assert_array_equal(model.inpaint(x, mask[..., 0], seed=4, steps=20), filled)  # (H, W) mask


@pytest.mark.parametrize("family", ["GAN", "VAE"])
def test_the_masked_projection_fits_the_known_values_better_than_its_start(family):
    model = tiny(family)
    x = model.decode(model.sample_codes(4, seed=9))
    m = np.broadcast_to(lower_half(model.data_shape), x.shape)
    net = model.decoder if family == "VAE" else None

    def masked_error(steps):  # without the prior term, the projection minimises exactly this error
        out = model.decode(project_codes(model, x, steps=steps, seed=0, mask=m, network=net, candidates=8,
                                         prior_weight=0.0))
        return float(np.mean(m * (out - x) ** 2))

    assert masked_error(100) < masked_error(0)


@pytest.mark.parametrize("mask,message", [
    (np.full((8, 8, 1), 0.5), "mask must hold only 0"),
    (np.ones((5, 5)), r"mask must have the shape of x \(2, 8, 8, 1\) or of one example \(8, 8, 1\)"),
    (np.array([["a"]]), "mask must hold only 0"),
])
def test_a_bad_mask_is_a_clear_error(mask, message):
    model = tiny("GAN")
    with pytest.raises(ValueError, match=message):
        model.inpaint(np.zeros((2, 8, 8, 1), np.float32), mask)
