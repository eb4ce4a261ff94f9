"""The bad-input table of the reliability issue: each call raises the named error type with a
message that names the argument (library calls on shipped models; the CLI's options are in
test_cli.py, training's in test_training.py, the demo's in test_demo.py)."""

import numpy as np
import pytest

import zoo
from zoo import manifold


@pytest.fixture(scope="module")
def gan():
    return zoo.load("gan-ring8")


@pytest.fixture(scope="module")
def ae():
    return zoo.load("ae-mnist")


def digits(n=2):
    return np.random.default_rng(0).uniform(0, 1, (n, 28, 28, 1)).astype(np.float32)


CASES = [
    ("generate(seed=-1)", lambda g, a: g.generate(4, seed=-1), ValueError, "seed"),
    ("generate(seed='abc')", lambda g, a: g.generate(4, seed="abc"), ValueError, "seed"),
    ("generate(batch_size=0)", lambda g, a: g.generate(4, batch_size=0), ValueError, "batch_size"),
    ("generate(n=0)", lambda g, a: g.generate(0), ValueError, "n must"),
    ("generate(n=10**9)", lambda g, a: g.generate(10**9), ValueError, "n must"),
    ("interpolate(steps=10**8)", lambda g, a: g.interpolate(0, 1, steps=10**8), ValueError, "steps"),
    ("interpolate, wrong second image", lambda g, a: a.interpolate(digits(1)[0], np.zeros((5, 5)), 4),
     ValueError, "b must be one image"),
    ("tangent_vectors on a GAN", lambda g, a: manifold.tangent_vectors(g, digits(), k=2), TypeError, "model"),
    ("zoo.cluster on a GAN", lambda g, a: zoo.cluster(g, digits(), 2), TypeError, "model"),
    ("list_models(123)", lambda g, a: zoo.list_models(123), TypeError, "pattern"),
    ("load(pretrained='no')", lambda g, a: zoo.load("gan-ring8", pretrained="no"), TypeError, "pretrained"),
    ("load(123)", lambda g, a: zoo.load(123), TypeError, "handle"),
    ("reconstruct of 0-255 pixels", lambda g, a: a.reconstruct(digits() * 255), ValueError, "images must be in"),
    ("reconstruct of uint8", lambda g, a: a.reconstruct((digits() * 255).astype(np.uint8)), ValueError, "images"),
    ("reconstruct with NaN", lambda g, a: a.reconstruct(np.full((1, 28, 28, 1), np.nan, np.float32)),
     ValueError, "NaN"),
    ("decode of NaN codes", lambda g, a: g.decode(np.full((2, g.latent_dim), np.nan)), ValueError, "codes"),
    ("project of wrong shape", lambda g, a: g.project(np.zeros((2, 3), np.float32)), ValueError, "examples"),
]


@pytest.mark.parametrize("what,call,error,message", CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises_a_clear_error_naming_the_argument(gan, ae, what, call, error, message):
    with pytest.raises(error) as excinfo:
        call(gan, ae)
    assert message in str(excinfo.value), f"{what}: {excinfo.value}"


def test_save_pretrained_twice_respects_the_umask_and_leaves_nothing_stray(gan, tmp_path):
    import os

    old = os.umask(0o022)
    try:
        folder = gan.save_pretrained(tmp_path / "m")
        folder = gan.save_pretrained(tmp_path / "m")  # over an existing folder
    finally:
        os.umask(old)
    assert os.stat(folder).st_mode & 0o777 == 0o755
    assert sorted(os.listdir(tmp_path)) == ["m"]  # no .tmp-* or .old-* sibling left behind
    assert sorted(os.listdir(folder)) == ["config.json", "model.weights.h5"]
