"""Argument checks shared by the families: clear errors that name the argument, and the caps
that keep one call or one config from exhausting memory."""

import copy

import numpy as np
import keras

MAX_GENERATE = 100_000  # examples in one call; larger requests are almost always a typo
MAX_OUTPUT_VALUES = 64_000_000  # floats one call may return (256 MB): caps pixels, not only counts
MAX_SEED = 2**32 - 1
MAX_EXAMPLE_VALUES = 4_194_304  # values in one example (2048 x 2048 x 1, 1024 x 1024 x 4): a config cap
MAX_WIDTH = 4096  # units / filters of one layer
RANGE_TOL = 1e-3  # inputs may overshoot [0, 1] by float noise, not by another scaling
OPTIMIZER_CLASSES = {"Adam", "AdamW", "RMSprop", "SGD", "Adamax", "Nadam", "Adagrad", "Adadelta", "Lion"}


def safe_optimizer(cfg):
    """A built-in Keras optimizer from its config; nothing else is accepted (no code runs)."""
    name = cfg.get("class_name") if isinstance(cfg, dict) else None
    if name not in OPTIMIZER_CLASSES:
        raise ValueError(f"Optimizer {name!r} is not one of Keras' built-in optimizers "
                         f"{sorted(OPTIMIZER_CLASSES)}.")
    # Keras deserializes nested configs (e.g. a learning-rate schedule) in place: use a copy.
    try:
        opt = keras.saving.deserialize_keras_object(copy.deepcopy(cfg), safe_mode=True)
    except Exception as e:  # Keras raises many types for a damaged config
        raise ValueError(f"Optimizer config {name!r} cannot be restored: {e}") from None
    if not isinstance(opt, keras.optimizers.Optimizer):
        raise ValueError(f"{name!r} did not deserialize to an optimizer.")
    return opt


def check_int(value, name, low=None, high=None):
    """`value` as an int in [low, high]; ValueError naming the argument otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an int, got {value!r}.")
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"in [{low}, {high}]" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be an int {bounds}, got {value!r}.")
    return int(value)


def check_shape(shape, name, rank=None):
    """An example shape as a tuple of positive ints within MAX_EXAMPLE_VALUES values; ValueError
    naming the argument otherwise (a config asking for a huge model is refused before it is built)."""
    if isinstance(shape, (str, bytes)) or not hasattr(shape, "__len__"):
        raise ValueError(f"{name} must be a list of positive ints, got {shape!r}.")
    shape = tuple(check_int(s, name, 1) for s in shape)
    if rank is not None and len(shape) not in ((rank,) if isinstance(rank, int) else rank):
        raise ValueError(f"{name} must have {rank} dimensions, got {list(shape)}.")
    if int(np.prod(shape, dtype=np.float64)) > MAX_EXAMPLE_VALUES:
        raise ValueError(f"{name}={list(shape)} holds more than {MAX_EXAMPLE_VALUES:,} values per example.")
    return shape


def check_width(value, name):
    """A layer width (units, filters) as an int in [1, MAX_WIDTH]."""
    return check_int(value, name, 1, MAX_WIDTH)


def check_seed(seed, name="seed"):
    """None or an int in [0, 2**32 - 1]."""
    return None if seed is None else check_int(seed, name, 0, MAX_SEED)


def check_mask(mask, x, data_shape):
    """An inpainting mask as float32 of x's shape, 1 where x is known and 0 where it is to be
    filled: given with x's shape, or one mask of an example's shape ((H, W, C), or (H, W) for
    C = 1) for every example; bool or numbers 0 / 1 only. ValueError naming ``mask`` otherwise."""
    mask, data_shape = np.asarray(mask), tuple(data_shape)
    if mask.dtype == bool:
        mask = mask.astype(np.float32)
    if not (np.issubdtype(mask.dtype, np.number) and np.all(np.isin(mask, (0, 1)))):
        raise ValueError(f"mask must hold only 0 (fill) and 1 (keep), got dtype {mask.dtype}"
                         f"{' with other values' if np.issubdtype(mask.dtype, np.number) else ''}.")
    if mask.shape in (data_shape, data_shape[:2] if data_shape[-1] == 1 else None):
        mask = np.broadcast_to(mask.reshape(data_shape), x.shape)
    elif x.ndim == 4 and x.shape[3] == 1 and mask.shape == x.shape[:3]:
        mask = mask[..., None]
    if mask.shape != x.shape:
        raise ValueError(f"mask must have the shape of x {x.shape} or of one example {data_shape}, got "
                         f"{mask.shape}.")
    return mask.astype(np.float32)
