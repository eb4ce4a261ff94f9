"""Training recipes: how each catalog model's weights are produced.

A recipe fixes the dataset, epochs, per-update batch size, optimizers, K and seed, so
`python -m training.train ID` reproduces the published weights (up to float noise).
"""

import dataclasses

import keras


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
    """

    epochs: int
    batch_size: int
    compile: dict
    seed: int = 0
    checkpoint_every: int = 200
    sample_seed: int = 0
    jit_compile: bool = False
    with_labels: bool = False

    def compile_config(self):
        return {**self.compile, "jit_compile": self.jit_compile}

    def describe(self):
        def opt(c):
            cfg = c["config"]
            extra = ", ".join(f"{k}={cfg[k]:.4g}" for k in ("beta_1", "beta_2", "rho") if k in cfg)
            return f"{c['class_name']}(lr={cfg['learning_rate']:.4g}{', ' + extra if extra else ''})"

        opts = ", ".join(f"{k.replace('_optimizer', '').replace('optimizer', 'opt').upper()}: {opt(v)}"
                         for k, v in self.compile.items() if isinstance(v, dict) and "class_name" in v)
        return f"{self.epochs} epochs, batch {self.batch_size} per update, {opts}, seed {self.seed}"


def gan(d, g):
    return {"d_optimizer": d, "g_optimizer": g}


def adam(lr, beta_1=0.5, beta_2=0.999):
    return keras.optimizers.serialize(keras.optimizers.Adam(lr, beta_1=beta_1, beta_2=beta_2))


def rmsprop(lr):
    return keras.optimizers.serialize(keras.optimizers.RMSprop(lr))


RECIPES = {
    # DCGAN paper settings: Adam 2e-4, beta_1 = 0.5, batch 128.
    "dcgan-mnist": Recipe(epochs=15, batch_size=128, compile=gan(adam(2e-4), adam(2e-4))),
    "dcgan-celeba": Recipe(epochs=5, batch_size=128, compile=gan(adam(2e-4), adam(2e-4))),
    # The feature network of zoo.eval: Adam 1e-3 (beta_1 0.9), batch 128, in-model augmentation.
    "mnist-classifier": Recipe(epochs=10, batch_size=128, compile={"optimizer": adam(1e-3, beta_1=0.9)},
                               with_labels=True),
}
