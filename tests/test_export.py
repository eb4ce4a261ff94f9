"""zoo.export / `python -m zoo export`: the exported endpoints, reloaded (tf.saved_model.load, the
TFLite interpreter), give the outputs of the model's own methods on the same inputs."""

import os
import warnings

import numpy as np
import pytest
import tensorflow as tf

import zoo
from zoo import export, registry
from zoo.__main__ import main


def _tiny(family, preset=None):
    preset = preset or next(iter(registry.TINY[family]))
    return registry.FAMILIES[family](**registry.TINY[family][preset])


def _inputs(spec, n, seed=0):
    return np.random.default_rng(seed).uniform(size=(n, *spec.shape[1:])).astype(np.float32)


def _interpreter(path):
    with warnings.catch_warnings():  # tf.lite.Interpreter announces its move to LiteRT
        warnings.simplefilter("ignore")
        return tf.lite.Interpreter(model_path=str(path))


def test_a_generator_exports_decode_as_a_saved_model(tmp_path):
    model = _tiny("GAN", "tiny")
    out = tmp_path / "serving" / "gan"
    assert export.export(model, out) == ["decode"]
    loaded = tf.saved_model.load(str(out))
    for n in (1, 7):  # any batch size
        codes = model.sample_codes(n, seed=n)
        np.testing.assert_allclose(loaded.decode(codes).numpy(), model.decode(codes), atol=1e-6)
    serving = loaded.signatures["serving_default"]  # what TF-Serving calls: the first endpoint
    codes = model.sample_codes(3, seed=0)
    (got,) = serving(codes=tf.constant(codes)).values()
    np.testing.assert_allclose(got.numpy(), model.decode(codes), atol=1e-6)
    assert sorted(os.listdir(tmp_path / "serving")) == ["gan"]  # the temporary folder is gone


def test_an_autoencoder_exports_encode_decode_reconstruct_as_tflite(tmp_path):
    model = _tiny("Autoencoder")
    path = tmp_path / "ae.tflite"
    names = export.export(model, path, format="tflite")
    assert names == ["encode", "decode", "reconstruct"] and path.is_file()
    interpreter = _interpreter(path)
    assert set(interpreter.get_signature_list()) == set(names)
    specs = export.endpoints(model)
    for name in names:
        x = _inputs(specs[name][1], 5)
        (got,) = interpreter.get_signature_runner(name)(**{specs[name][1].name: x}).values()
        np.testing.assert_allclose(got, getattr(model, name)(x), atol=1e-5, err_msg=name)


def test_bad_requests_are_refused_and_leave_nothing(tmp_path):
    model = _tiny("GAN", "tiny")
    with pytest.raises(ValueError, match="format must be one of saved_model, tflite"):
        export.export(model, tmp_path / "x", format="onnx")
    (tmp_path / "taken").mkdir()
    with pytest.raises(ValueError, match="exists"):
        export.export(model, tmp_path / "taken")
    with pytest.raises(ValueError, match="nothing to export.*capabilities are embed"):
        export.export(_tiny("Word2Vec"), tmp_path / "w2v")
    with pytest.raises(ValueError, match="nothing to export.*conditional, progressive or pixel-by-pixel"):
        export.export(_tiny("ProGAN"), tmp_path / "progan")
    with pytest.raises(ValueError, match="path must be"):
        export.export(model, "")
    assert sorted(os.listdir(tmp_path)) == ["taken"] and not os.listdir(tmp_path / "taken")


def test_cli_exports_a_shipped_model(tmp_path, capsys):
    out = tmp_path / "dcgan-mnist"
    assert main(["export", "dcgan-mnist", str(out), "--format", "saved_model"]) == 0
    assert "endpoints decode" in capsys.readouterr().out
    model = zoo.load("dcgan-mnist", compile=False)
    codes = model.sample_codes(4, seed=0)
    loaded = tf.saved_model.load(str(out))  # kept: its functions need the object that holds the variables
    np.testing.assert_allclose(loaded.decode(codes).numpy(), model.decode(codes), atol=1e-5)
    assert main(["export", "dcgan-mnist", str(out)]) == 2  # never overwrites
    assert "exists" in capsys.readouterr().err
    assert main(["export", "word2vec-sg-gcide", str(tmp_path / "w")]) == 2
    assert "nothing to export" in capsys.readouterr().err


@pytest.mark.slow  # a SavedModel per family
@pytest.mark.parametrize("family", sorted(registry.TINY))
def test_every_family_exports_what_its_capabilities_promise(tmp_path, family):
    model = _tiny(family)
    specs = export.endpoints(model)
    if not specs:
        pytest.skip(f"{family} has no endpoint to export")
    export.export(model, tmp_path / "m")
    loaded = tf.saved_model.load(str(tmp_path / "m"))
    for name, (_, spec) in specs.items():
        x = _inputs(spec, 6)
        np.testing.assert_allclose(getattr(loaded, name)(x).numpy(), getattr(model, name)(x), atol=1e-5,
                                   err_msg=f"{family}.{name}")
