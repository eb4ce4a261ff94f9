"""Training recipes: how a catalog model's weights are produced (each id's recipe lives in its
family's presets module).

A recipe fixes the dataset, epochs, per-update batch size, optimizers, K and seed, so
`python -m training.train ID` reproduces the published weights (up to float noise).
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Recipe:
    """How to train one id.

    Args:
        epochs: passes over the training split.
        batch_size: examples per update; a GAN fit step takes K (n_critic) of these.
        compile: keyword arguments of the family's `compile_from_config`, optimizers as
            Keras configs ({"class_name", "config"}), e.g. {"d_optimizer": ..., "g_optimizer": ...}.
        seed: global seed (keras.utils.set_random_seed) and shuffle seed.
        checkpoint_every: steps between mid-epoch checkpoints.
        sample_seed: seed of the per-epoch sample grid.
        jit_compile: run the train step under XLA.
        with_labels: feed (x, y) pairs (classifiers) instead of x alone.
        probe_every: steps between mode-coverage probes of the training curves (GANs).
        warm_start: catalog ids whose installed weights initialise the run, the first one
            installed wins (default none: random initialisation). A run that lists its own id
            first continues its installed weights, a cycle of warm restarts (Loshchilov &
            Hutter 2017): each run is one more schedule of `epochs`, so a training longer than
            one sitting is split into runs that each end installed (`training.train`). When the
            run's own id is the only one, the first cycle starts from random weights.
    """

    epochs: int
    batch_size: int
    compile: dict
    seed: int = 0
    checkpoint_every: int = 200
    sample_seed: int = 0
    jit_compile: bool = False
    with_labels: bool = False
    probe_every: int = 200
    warm_start: tuple = ()

    def compile_config(self):
        return {**self.compile, "jit_compile": self.jit_compile}

    def describe(self, model_id=None):
        """One line for logs and cards; `model_id` (the id this recipe trains) tells a chain of its own apart."""
        def opt(c):
            cfg = c["config"]
            extra = ", ".join(f"{k}={cfg[k]:.4g}" for k in ("beta_1", "beta_2", "rho") if k in cfg)
            return f"{c['class_name']}(lr={_lr(cfg['learning_rate'])}{', ' + extra if extra else ''})"

        opts = ", ".join(f"{k.replace('_optimizer', '').replace('optimizer', 'opt').upper()}: {opt(v)}"
                         for k, v in self.compile.items() if isinstance(v, dict) and "class_name" in v)
        if model_id is not None and tuple(self.warm_start) == (model_id,):
            start = (", one cycle of warm restarts: continues the installed weights of its own id (the first cycle "
                     "from random weights)")
        else:
            start = f", warm start from the installed weights of {' or '.join(self.warm_start)}" if self.warm_start else ""
        return f"{self.epochs} epochs, batch {self.batch_size} per update, {opts}, seed {self.seed}{start}"


def _lr(lr):
    """A learning rate, or a serialized schedule such as CosineDecay, in words."""
    if not isinstance(lr, dict):
        return f"{lr:.4g}"
    c = lr.get("config", {})
    if lr.get("class_name") == "PiecewiseConstantDecay":
        b, v = c["boundaries"], c["values"]
        return (f"{v[0]:.4g} to step {b[0]:,}, then down in {len(b)} equal steps to {v[-1]:.4g} from step {b[-1]:,} "
                "(a stepwise linear decay)")
    if lr.get("class_name") == "CosineDecay":
        return (f"cosine decay {c['initial_learning_rate']:.4g} -> {c['initial_learning_rate'] * c['alpha']:.4g} "
                f"over {c['decay_steps']:,} steps")
    return str(lr.get("class_name"))


def gan(d, g):
    return {"d_optimizer": d, "g_optimizer": g}


# Optimizers and schedules are written as the configs Keras' `serialize` gives (only the keys a
# recipe sets), so the catalog is read without importing Keras; `compile_from_config`
# deserializes them (zoo.models.checks.safe_optimizer), filling in Keras' defaults.
def optimizer(class_name, learning_rate, **config):
    """The Keras config of a built-in optimizer, e.g. optimizer("Adam", 1e-3, beta_1=0.5)."""
    return {"module": "keras.optimizers", "class_name": class_name,
            "config": {"learning_rate": learning_rate, **config}, "registered_name": None}


def schedule(class_name, **config):
    """The Keras config of a built-in learning-rate schedule, e.g. schedule("CosineDecay", ...)."""
    return {"module": "keras.optimizers.schedules", "class_name": class_name, "config": config,
            "registered_name": None}


def adam(lr, beta_1=0.5, beta_2=0.999):
    return optimizer("Adam", float(lr), beta_1=float(beta_1), beta_2=float(beta_2))


def rmsprop(lr, rho=0.9):
    return optimizer("RMSprop", float(lr), rho=float(rho))


def adam_cosine(lr, steps, beta_1=0.5, beta_2=0.999, alpha=0.02):
    """Adam whose rate decays from `lr` to `alpha * lr` over `steps` updates (cosine)."""
    sched = schedule("CosineDecay", initial_learning_rate=float(lr), decay_steps=int(steps), alpha=float(alpha))
    return optimizer("Adam", sched, beta_1=float(beta_1), beta_2=float(beta_2))


def adam_hold_then_decay(lr, steps, pieces=10, beta_1=0.5, beta_2=0.999):
    """Adam at `lr` for the first half of `steps` updates, then decayed linearly toward 0 over the
    second half (CycleGAN's schedule, Zhu et al. 2017), in `pieces` equal plateaus at the midpoints
    of the line (Keras' PiecewiseConstantDecay: a built-in schedule, so configs stay code-free)."""
    half, width = steps // 2, (steps - steps // 2) / pieces
    boundaries = [int(half + j * width) for j in range(pieces)]
    values = [float(lr)] + [float(lr) * (1 - (j + 0.5) / pieces) for j in range(pieces)]
    return optimizer("Adam", schedule("PiecewiseConstantDecay", boundaries=boundaries, values=values),
                     beta_1=float(beta_1), beta_2=float(beta_2))
