"""Helpers shared by several families."""

import copy

import keras

OPTIMIZERS = {"Adam", "AdamW", "RMSprop", "SGD", "Adamax", "Nadam", "Adagrad", "Adadelta", "Lion"}


def safe_optimizer(cfg):
    """A built-in Keras optimizer from its config; nothing else is accepted (no code runs)."""
    name = cfg.get("class_name") if isinstance(cfg, dict) else None
    if name not in OPTIMIZERS:
        raise ValueError(f"Optimizer {name!r} is not one of Keras' built-in optimizers {sorted(OPTIMIZERS)}.")
    # Keras deserializes nested configs (e.g. a learning-rate schedule) in place: use a copy.
    opt = keras.saving.deserialize_keras_object(copy.deepcopy(cfg), safe_mode=True)
    if not isinstance(opt, keras.optimizers.Optimizer):
        raise ValueError(f"{name!r} did not deserialize to an optimizer.")
    return opt
