"""Export a model's inference functions for serving: a TensorFlow SavedModel, or a TFLite file.

    python -m zoo export dcgan-mnist --format saved_model dcgan-mnist-serving
    python -m zoo export ae-mnist --format tflite ae-mnist.tflite

The endpoints follow the model's capabilities, each named after the method it reproduces and
traced on float32 batches of any size (the SavedModel's first endpoint is also its
``serving_default``):

=============  ============================  ==============================================
capability     endpoint                      input -> output
=============  ============================  ==============================================
generate       ``decode``                    codes (n, latent) -> samples (its generator or
                                             decoder network; not a sampler that runs pixel
                                             by pixel, such as PixelCNN's)
reconstruct    ``encode``, ``decode``,       images -> codes, codes -> images,
               ``reconstruct``               images -> images
classify       ``predict_proba``             images -> class probabilities (softmax of logits)
=============  ============================  ==============================================

Random codes are not drawn inside the export: serve ``decode`` with codes from N(0, I)
(`model.sample_codes(n, seed)` gives the zoo's). A model with none of these (word2vec, NMF,
PixelCNN) is refused with a message that says so.

>>> import tensorflow as tf
>>> zoo.export.export(zoo.load("dcgan-mnist"), "serving/dcgan")
>>> tf.saved_model.load("serving/dcgan").decode(codes)       # == model.decode(codes)
"""

import os
import shutil
import tempfile

import keras

from zoo import capabilities as cap

FORMATS = ("saved_model", "tflite")


def _networks(model):
    """The model's sub-networks by their Keras names ("generator", "decoder", ...)."""
    return {layer.name: layer for layer in model.layers if isinstance(layer, keras.Model)}


def _spec(network, name):
    import tensorflow as tf

    return tf.TensorSpec((None, *network.inputs[0].shape[1:]), tf.float32, name=name)


def endpoints(model):
    """{endpoint name: (function of one float32 tensor, its tf.TensorSpec)} of `model`, chosen by
    capability (see the module docstring); {} when it has none."""
    nets, out = _networks(model), {}
    if cap.has(model, cap.Encoder):
        enc, dec = model.code_encoder(), nets.get("decoder")
        out["encode"] = (lambda x: enc(x, training=False), _spec(enc, "images"))
        if dec is not None:
            out["decode"] = (lambda c: dec(c, training=False), _spec(dec, "codes"))
            out["reconstruct"] = (lambda x: dec(enc(x, training=False), training=False), _spec(enc, "images"))
    if cap.has(model, cap.Generator) and "decode" not in out:
        gen = nets.get("generator", nets.get("decoder"))
        if gen is not None:
            out["decode"] = (lambda c: gen(c, training=False), _spec(gen, "codes"))
    if cap.has(model, cap.Classifier):
        images = keras.Input(tuple(model.data_shape))
        logits = keras.Model(images, model(images, training=False))  # `call` gives the logits
        out["predict_proba"] = (lambda x: keras.ops.softmax(logits(x, training=False)), _spec(logits, "images"))
    return out


def export(model, path, format="saved_model"):
    """Write `model`'s endpoints to `path`: a SavedModel folder (format "saved_model") or a
    .tflite file ("tflite"), written beside `path` first and renamed into place. Returns the
    endpoint names.

    Args:
        model: a zoo model (`zoo.load(...)`).
        path: a folder (saved_model) or file (tflite) that does not exist yet.
        format: "saved_model" (default) or "tflite".

    Example:
        zoo.export.export(zoo.load("ae-mnist"), "ae.tflite", format="tflite")
    """
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {format!r}.")
    if not isinstance(path, (str, os.PathLike)) or not str(path):
        raise ValueError(f"path must be a file or folder path, got {path!r}.")
    path = os.path.abspath(os.fspath(path))
    if os.path.lexists(path):
        raise ValueError(f"path {path!r} exists: export writes a new {format} and never replaces one.")
    fns = endpoints(model)
    if not fns:
        label = getattr(model, "zoo_id", None) or type(model).__name__
        why = (" Its generate does not run one network on codes alone (a conditional, progressive or "
               "pixel-by-pixel generator), which is what decode serves." if cap.has(model, cap.Generator) else "")
        raise ValueError(f"model {label!r} has nothing to export: export serves decode (generate), encode / "
                         f"decode / reconstruct (reconstruct) and predict_proba (classify); its capabilities "
                         f"are {', '.join(cap.names(model)) or 'none'}.{why}")
    parent = os.path.dirname(path)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=parent)
    try:
        saved = os.path.join(tmp, "saved_model")
        archive = keras.export.ExportArchive()
        archive.track(model)
        for name, (fn, spec) in fns.items():
            archive.add_endpoint(name, fn, input_signature=[spec])
        archive.write_out(saved, verbose=False)
        if format == "saved_model":
            os.rename(saved, path)
        else:
            out = os.path.join(tmp, "model.tflite")
            with open(out, "wb") as f:
                f.write(_tflite(saved, list(fns)))
            os.rename(out, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return list(fns)


def _tflite(saved, names):
    """The TFLite flatbuffer of a SavedModel's signatures `names` (TFLite's built-in ops only)."""
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_saved_model(saved, signature_keys=names)
    try:
        return converter.convert()
    except Exception as e:  # the converter raises its own error types for unsupported ops
        raise ValueError(f"TFLite cannot convert this model ({str(e).splitlines()[0]}); "
                         "export it with --format saved_model instead.") from None
