"""`ZooModel`: what every family shares, written once.

- **Config is the constructor**: the arguments a family's ``__init__`` is called with
  (defaults included, merged over the class hierarchy) are captured as its config, so
  ``from_config(get_config())`` rebuilds it exactly; no family writes ``get_config``.
- **Named optimizers**: ``OPTIMIZERS`` names the family's optimizer slots ("optimizer", or
  "d_optimizer" and "g_optimizer"); ``compile`` sets them, ``get_compile_config`` /
  ``compile_from_config`` save and restore them through Keras' built-in optimizers only.
- **Capabilities**: ``CAPABILITIES`` declares what the family can do (`zoo.capabilities`);
  defining the class checks the methods exist and registers the family.
- Saving (``save_pretrained`` / ``push_to_hub``), ``(x)`` / ``(x, y)`` unpacking, loss
  trackers, input checks with clear errors, seeded sampling and the size guards.
- ``fit`` checks the first batch's shape, dtype and range, and stops at the first
  non-finite loss with the weights from before that step.

Example:
    class MyFamily(ZooModel):
        CAPABILITIES = (capabilities.Generator,)
        def __init__(self, data_shape=(28, 28, 1), seed=0, **kwargs): ...
"""

import copy
import functools
import inspect

import numpy as np
import keras
from keras import ops

from zoo import capabilities, distribute, registry
from zoo.models.checks import (MAX_EXAMPLE_VALUES, MAX_GENERATE, MAX_OUTPUT_VALUES, MAX_SEED,  # noqa: F401
                               MAX_WIDTH, RANGE_TOL, check_int, check_seed, check_shape, check_width,
                               safe_optimizer)

class NonFiniteLossError(FloatingPointError):
    """`fit` met a NaN or infinite loss; the weights are those from before that step."""


def _jsonable(value, name):
    """The config value as JSON types (tuples become lists); TypeError naming the argument."""
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        value = value.item()
    if isinstance(value, (tuple, list)):
        return [_jsonable(v, name) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v, name) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"Argument {name!r} must be JSON-able (numbers, strings, lists), got "
                    f"{type(value).__name__}.")


def _capture_config(init):
    """Wrap a family's __init__ so its named arguments (with defaults) join the config."""
    sig = inspect.signature(init)
    named = [p.name for p in list(sig.parameters.values())[1:]
             if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]

    @functools.wraps(init)
    def wrapper(self, *args, **kwargs):
        bound = sig.bind(self, *args, **kwargs)
        bound.apply_defaults()
        config = self.__dict__.get("_zoo_config")
        if config is None:
            config = {}
            object.__setattr__(self, "_zoo_config", config)
        for key in named:  # the subclass's values come first; a parent only adds its own
            config.setdefault(key, _jsonable(bound.arguments[key], key))
        depth = self.__dict__.get("_zoo_depth", 0)
        object.__setattr__(self, "_zoo_depth", depth + 1)
        try:
            init(self, *args, **kwargs)
        finally:
            object.__setattr__(self, "_zoo_depth", depth)
        if depth == 0:  # the outermost __init__ has finished: the family's attributes exist
            self.trackers = [keras.metrics.Mean(name=n) for n in self.tracker_names()]
            distribute.per_replica_noise(self)  # under tf.distribute each replica draws its own noise

    wrapper.__signature__ = sig  # Keras' __new__ reads the arguments of __init__ (getfullargspec)
    return wrapper


class ZooModel(keras.Model):
    """Base of every family (a `keras.Model`); see the module docstring.

    Class attributes a family sets:
        CAPABILITIES: tuple of `zoo.capabilities.Capability` (default ()).
        OPTIMIZERS: names of the optimizer slots (default ("optimizer",)).
        TRACKERS: names of the loss trackers `track` updates (default (); Keras' compiled
            metrics then apply).
        binary_data: True when the family models 0 / 1 pixels (Bernoulli images): its inputs
            are binarized first, and its samples are compared with binarized real images
            (default False).
    """

    CAPABILITIES = ()
    binary_data = False
    OPTIMIZERS = ("optimizer",)
    TRACKERS = ()
    STEP_LOGS = False  # True: `track` also returns each term's step value ("<name>_step": the curves)
    # Options a family gained after some of its models were published: get_config leaves
    # them out while they hold their default, so published config files stay exact.
    ADDED_OPTIONS = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__:
            cls.__init__ = _capture_config(cls.__dict__["__init__"])
        capabilities.check_family(cls)
        keras.saving.register_keras_serializable(package="zoo")(cls)
        registry.register_family(cls)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for name in self.OPTIMIZERS:
            if name != "optimizer":
                setattr(self, name, None)
        self._zoo_compile = None
        self.trackers = []  # filled once the family's __init__ has run (see tracker_names)

    # --- config -------------------------------------------------------------------
    def get_config(self):
        config = copy.deepcopy(self.__dict__.get("_zoo_config", {}))
        for key, default in self.ADDED_OPTIONS.items():
            if key in config and config[key] == default:
                del config[key]
        return {"name": self.name, **config}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    @classmethod
    def capability_names(cls):
        return tuple(c.name for c in cls.CAPABILITIES)

    # --- optimizers ---------------------------------------------------------------
    def default_optimizer(self, name):
        """The optimizer a slot gets when `compile` is given none (default Adam(1e-3))."""
        return keras.optimizers.Adam(1e-3)

    def optimizer_variables(self, name):
        """The variables the optimizer in slot `name` updates (default: all trainable)."""
        return self.trainable_variables

    def compile(self, jit_compile=False, **kwargs):
        """Set the named optimizers (`OPTIMIZERS`; defaults from `default_optimizer`).

        Other keyword arguments go to `keras.Model.compile`. `jit_compile=True` runs the
        train step under XLA.
        """
        opts = {name: kwargs.pop(name, None) or self.default_optimizer(name) for name in self.OPTIMIZERS}
        for name, opt in opts.items():
            if not isinstance(opt, keras.optimizers.Optimizer):
                raise TypeError(f"{name} must be a keras optimizer, got {type(opt).__name__}.")
            if name != "optimizer":
                setattr(self, name, opt)
        # Keras' own slot holds the first one, so callbacks that read `model.optimizer` see a real one.
        super().compile(optimizer=opts[self.OPTIMIZERS[0]], jit_compile=jit_compile, **kwargs)
        for name, opt in opts.items():  # state built now, so a checkpoint restores it before step 1
            opt.build(self.optimizer_variables(name))
        distribute.per_replica_noise(self)  # and the generators of layers built since construction
        self._zoo_compile = {"jit_compile": bool(jit_compile)}

    def named_optimizer(self, name):
        return self.optimizer if name == "optimizer" else getattr(self, name)

    def get_compile_config(self):
        if self._zoo_compile is None:
            return {}
        out = {name: keras.optimizers.serialize(self.named_optimizer(name)) for name in self.OPTIMIZERS}
        return {**out, **self._zoo_compile}

    def compile_from_config(self, config):
        if not isinstance(config, dict):
            raise ValueError("compile_config must be a JSON object.")
        config = {k: v for k, v in config.items() if k in (*self.OPTIMIZERS, "jit_compile")}
        for name in self.OPTIMIZERS:
            if name in config:
                config[name] = safe_optimizer(config[name])
        if not isinstance(config.get("jit_compile", False), bool):
            raise ValueError(f"jit_compile must be true or false, got {config['jit_compile']!r}.")
        self.compile(**config)

    # --- training helpers -----------------------------------------------------------
    def tracker_names(self):
        """Names of the loss trackers (default: the class's TRACKERS)."""
        return tuple(self.TRACKERS)

    @property
    def metrics(self):
        if not self.trackers:
            return super().metrics
        return list(self.trackers)

    def track(self, terms):
        """Update the trackers named in `terms` ({name: scalar}) and return their running means
        (and, with STEP_LOGS, each term's own value as "<name>_step")."""
        for m in self.trackers:
            if m.name in terms:
                m.update_state(terms[m.name])
        out = {m.name: m.result() for m in self.trackers if m.name in terms}
        if self.STEP_LOGS:
            out.update({f"{m.name}_step": terms[m.name] for m in self.trackers if m.name in terms})
        return out

    def unpack(self, data):
        """(x, y) of a training batch given as x, (x,) or (x, y); checks x's shape and dtype."""
        if not self.compiled:
            raise RuntimeError(f"Call compile() before fit() on {self.name}.")
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        self.check_batch(x)
        return x, y

    def check_batch(self, x):
        """Symbolic check of a training batch: shape (batch, *data_shape) and a float dtype."""
        shape = tuple(self.data_shape)
        if tuple(x.shape[1:]) != shape:
            raise ValueError(f"{self.name} trains on batches of shape (batch, {', '.join(map(str, shape))}), "
                             f"got {tuple(x.shape)}. zoo.data.load(...) yields the right layout.")
        if "float" not in keras.backend.standardize_dtype(x.dtype):
            raise ValueError(f"{self.name} expects float data (images scaled to [0, 1]), got dtype "
                             f"{keras.backend.standardize_dtype(x.dtype)}.")

    def compute_losses(self, x, training=False):
        """{"loss": objective, ...} of a batch: the default `train_step` takes one gradient step of
        the "optimizer" slot on "loss", and the trackers follow every term (families with their own
        `train_step` need not define it)."""
        raise NotImplementedError(f"{type(self).__name__} defines neither compute_losses nor train_step.")

    def _own_losses(self):
        """True when the family defines compute_losses; else Keras' compiled loss applies."""
        return type(self).compute_losses is not ZooModel.compute_losses

    def train_step(self, data):
        import tensorflow as tf

        if not self._own_losses():  # e.g. a classifier compiled with a Keras loss
            return super().train_step(data)
        x, _ = self.unpack(data)
        variables = self.trainable_variables
        with tf.GradientTape() as tape:
            terms = self.compute_losses(x, training=True)
            loss = distribute.scale_loss(terms["loss"])  # the optimizer sums the replicas' gradients
        self.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return self.track(terms)

    def _make_function(self, step_function):  # Keras' TF trainer builds the train and test functions here
        return super()._make_function(distribute.multi_worker_logs(step_function, self.distribute_strategy))

    def test_step(self, data):
        if not self._own_losses():
            return super().test_step(data)
        return self.track(self.compute_losses(self.unpack(data)[0], training=False))

    @property
    def data_range(self):
        """(low, high) of the data, checked on every input; None for unbounded data."""
        return (0.0, 1.0)

    def fit(self, x=None, y=None, *args, callbacks=None, **kwargs):
        """`keras.Model.fit`, with the first batch checked and a stop at the first non-finite
        loss: `NonFiniteLossError`, the weights restored to those before that step."""
        self._check_first_batch(x, y)
        guard = _NonFiniteGuard()
        history = super().fit(x, y, *args, callbacks=[guard, *(callbacks or [])], **kwargs)
        if guard.bad:
            raise NonFiniteLossError(
                f"{self.name}: training became non-finite at step {guard.bad[0]} ({guard.bad[1]}); training "
                "stopped and the weights are those from before that step. Check the data for NaN or "
                "values outside its range, or lower the learning rate.")
        return history

    @staticmethod
    def first_batch(x, y=None):
        """(inputs, targets) of the first batch `fit` was given: a tf.data.Dataset's first element or
        the arrays themselves, the targets taken from `y` when the batch has none. None when it cannot
        be looked at without consuming it (a distributed dataset, a PyDataset, an iterator): the train
        step still checks shapes and dtypes."""
        import tensorflow as tf

        if isinstance(x, tf.distribute.DistributedDataset):
            return None
        first = next(iter(x.take(1)), None) if isinstance(x, tf.data.Dataset) else x
        if first is None or isinstance(first, keras.utils.PyDataset) or callable(getattr(first, "__next__", None)):
            return None
        first, first_y, _ = keras.utils.unpack_x_y_sample_weight(first)
        return first, (y if first_y is None else first_y)

    def _check_first_batch(self, x, y=None):
        batch = self.first_batch(x, y)
        if batch is None:
            return
        first, labels = batch
        if isinstance(first, (tuple, list)):  # (inputs, extras): the images come first
            first = first[0]
        self.check_data(np.asarray(first[:256]), "training data")
        if labels is not None and not isinstance(labels, (tuple, list, dict)):
            labels = np.asarray(labels[:256])  # float labels (ratings, targets) must be finite too
            if np.issubdtype(labels.dtype, np.floating) and not np.all(np.isfinite(labels)):
                raise ValueError("training labels contain NaN or infinite values.")

    # --- input checks -----------------------------------------------------------------
    def check_data(self, x, name="images"):
        """float32 numpy (n, *data_shape) within `data_range`; (n, H, W) is accepted for C = 1.
        ValueError naming `name` otherwise (shape, dtype, empty, NaN, range)."""
        shape = tuple(self.data_shape)
        x = np.asarray(x)
        if x.ndim == len(shape) and len(shape) == 3 and shape[-1] == 1:
            x = x[..., None]
        if x.ndim != len(shape) + 1 or tuple(x.shape[1:]) != shape:
            raise ValueError(f"{name} must have shape (n, {', '.join(map(str, shape))}), got {x.shape}.")
        if not np.issubdtype(x.dtype, np.floating):
            raise ValueError(f"{name} must be float in [0, 1], got dtype {x.dtype}; scale uint8 pixels "
                             "with zoo.data.scale(x).")
        x = x.astype(np.float32, copy=False)
        if len(x) == 0:
            raise ValueError(f"{name}: got an empty batch.")
        if not np.all(np.isfinite(x)):
            raise ValueError(f"{name}: found NaN or infinite values.")
        if self.data_range is not None:
            low, high = self.data_range
            if x.min() < low - RANGE_TOL or x.max() > high + RANGE_TOL:
                raise ValueError(f"{name} must be in [{low:g}, {high:g}], got values in "
                                 f"[{x.min():.3g}, {x.max():.3g}]; scale 0-255 pixels with zoo.data.scale(x).")
        return x

    def check_codes(self, codes, dim, name="codes"):
        codes = np.asarray(codes, np.float32) if not isinstance(codes, np.ndarray) else codes
        if codes.ndim != 2 or codes.shape[1] != dim or len(codes) == 0:
            raise ValueError(f"{name} must have shape (n, {dim}) with n >= 1, got {codes.shape}.")
        codes = codes.astype(np.float32, copy=False)
        if not np.all(np.isfinite(codes)):
            raise ValueError(f"{name}: found NaN or infinite values.")
        return codes

    def check_count(self, n, name="n", per_example=None):
        """`n` as an int in [1, MAX_GENERATE] whose output (n x `per_example` values) fits the cap."""
        n = check_int(n, name, 1, MAX_GENERATE)
        per = int(np.prod(self.data_shape if per_example is None else per_example))
        if n * per > MAX_OUTPUT_VALUES:
            raise ValueError(f"{name}={n:,} examples of {per:,} values each exceed the cap of "
                             f"{MAX_OUTPUT_VALUES:,} values per call; ask in smaller batches.")
        return n

    def normal_codes(self, n, dim, seed=None):
        """n codes N(0, I) (n, dim) float32; same seed, same codes, and the first k codes of a seed
        do not depend on n."""
        n, seed = self.check_count(n), check_seed(seed)
        return np.random.default_rng(seed).standard_normal((n, int(dim))).astype(np.float32)

    @staticmethod
    def batched(fn, x, batch_size):
        """numpy concatenation of fn (returning a tensor) over slices of x."""
        batch_size = check_int(batch_size, "batch_size", 1)
        return np.concatenate([ops.convert_to_numpy(fn(x[i: i + batch_size])) for i in range(0, len(x), batch_size)])

    # --- saving ---------------------------------------------------------------------
    def save_pretrained(self, directory, metrics=None):
        """Write config.json + model.weights.h5 (+ metrics.json) to `directory` (see
        `zoo.save_pretrained`)."""
        from zoo import hub

        return hub.save_pretrained(self, directory, metrics=metrics)

    def push_to_hub(self, repo_id, **kwargs):
        """Upload to the Hugging Face Hub (see `zoo.push_to_hub`)."""
        from zoo import hub

        return hub.push_to_hub(self, repo_id, **kwargs)


class _NonFiniteGuard(keras.callbacks.Callback):
    """Keeps the weights from before each step; at a non-finite loss restores them and stops."""

    def __init__(self):
        super().__init__()
        self.bad, self._before, self._step = None, None, 0

    def _variables(self):
        m = self.model
        return [*m.weights, *(v for name in m.OPTIMIZERS for v in m.named_optimizer(name).variables)]

    def on_train_batch_begin(self, batch, logs=None):
        self._before = [v.numpy() for v in self._variables()]

    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        bad = next((f"{k} = {float(v)}" for k, v in (logs or {}).items()
                    if np.ndim(v) == 0 and not np.isfinite(float(v))), None)
        # The loss can stay finite while a weight does not (a NaN input behind a ReLU: the
        # forward pass drops it, its gradient does not), so the weights are checked too.
        bad = bad or next((f"NaN or infinite values in {v.path}" for v in self.model.weights
                           if not np.all(np.isfinite(v.numpy()))), None)
        if bad:
            self.bad = (self._step, bad)
            for var, value in zip(self._variables(), self._before):
                var.assign(value)
            self.model.stop_training = True
