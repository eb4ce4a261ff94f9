"""Helpers shared by several families."""

import keras

OPTIMIZERS = {"Adam", "AdamW", "RMSprop", "SGD", "Adamax", "Nadam", "Adagrad", "Adadelta", "Lion"}


def safe_optimizer(cfg):
    """A built-in Keras optimizer from its config; nothing else is accepted (no code runs)."""
    name = cfg.get("class_name") if isinstance(cfg, dict) else None
    if name not in OPTIMIZERS:
        raise ValueError(f"Optimizer {name!r} is not one of Keras' built-in optimizers {sorted(OPTIMIZERS)}.")
    opt = keras.saving.deserialize_keras_object(cfg, safe_mode=True)
    if not isinstance(opt, keras.optimizers.Optimizer):
        raise ValueError(f"{name!r} did not deserialize to an optimizer.")
    return opt
