"""Training on several devices with `tf.distribute`: the strategies, and what a train step needs.

A `fit` step under a strategy is one step at the same global batch on one device:

- Keras splits each global batch of B examples into R equal per-replica batches of B / R
  (build and compile the model inside ``strategy.scope()``, so its weights, optimizers, seed
  generators and loss trackers are mirrored);
- each replica's mean loss is multiplied by 1 / R before its gradient (`scale_loss`), because
  the optimizer sums the replicas' gradients; a summed loss (word2vec's) is not scaled;
- each replica draws its own noise (`per_replica_noise`): its seeds are the one-device seeds
  with the replica's number folded in, so replica 0 draws what one device draws;
- batch normalization built under a strategy with several replicas uses the global batch's
  statistics (`sync_batch_norm`); statistics a step needs over the whole batch (a
  factorization's counts) are summed across replicas (`all_sum`).

With one replica every helper is the identity, so training on one device runs the same
operations as without a strategy. docs/distribute.md says, per family, which batch-coupled
features are per replica.

Example:
    strategy = zoo.distribute.strategy("mirrored")         # all local GPUs
    with strategy.scope():
        g = zoo.load("dcgan-mnist", pretrained=False)       # compiled inside the scope
    g.fit(zoo.data.load("mnist", batch_size=128), epochs=1)  # 128 = the global batch
"""

import json
import os

import keras

STRATEGIES = ("none", "mirrored", "multiworker")
# Replica r's seeds are the one-device seeds with r times this odd number added to their key,
# so the replicas' streams differ from one another's and from the generator's later draws.
REPLICA_SEED_STRIDE = 1_000_003
TF_CONFIG_EXAMPLE = ('{"cluster": {"worker": ["host1:12345", "host2:12345"]}, '
                     '"task": {"type": "worker", "index": 0}}')


_STRATEGIES = {}  # (name, devices) -> the strategy this process made


class DistributeError(ValueError):
    """A strategy that cannot be set up as asked; the message says why and what to do."""


# ----------------------------------------------------------------------------- strategies
def split_cpu(devices):
    """Split the CPU into `devices` logical devices (to try multi-device training without GPUs);
    returns their names. Must run before TensorFlow runs any operation (a fresh process)."""
    import tensorflow as tf

    if isinstance(devices, bool) or not isinstance(devices, int) or not 1 <= devices <= 64:
        raise DistributeError(f"devices must be an integer in [1, 64], got {devices!r}.")
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * devices)
    except RuntimeError as e:
        current = len(tf.config.list_logical_devices("CPU"))
        if current == devices:
            return [d.name for d in tf.config.list_logical_devices("CPU")]
        raise DistributeError(f"devices={devices}: the CPU can only be split before TensorFlow runs its first "
                              f"operation, and this process already runs with {current} CPU device(s) ({e}). "
                              "Split it first thing in a fresh process.") from None
    return [d.name for d in tf.config.list_logical_devices("CPU")]


def read_tf_config(environ=None):
    """The cluster of a multi-worker run: the TF_CONFIG environment variable as a dict, checked.

    TF_CONFIG is JSON: {"cluster": {"worker": ["host:port", ...], "chief": [...]?},
    "task": {"type": "worker" | "chief", "index": i}}, the same on every worker except its task.
    `DistributeError` saying what is missing or wrong otherwise.
    """
    environ = os.environ if environ is None else environ
    text = environ.get("TF_CONFIG")
    hint = f"Set it on every worker, e.g. TF_CONFIG='{TF_CONFIG_EXAMPLE}' (index 1 on the second)."
    if not text or not text.strip():
        raise DistributeError("--strategy multiworker reads the cluster from the TF_CONFIG environment variable, "
                              f"which is not set. {hint}")
    try:
        config = json.loads(text)
    except ValueError as e:
        raise DistributeError(f"TF_CONFIG is not valid JSON ({e}): {text[:200]!r}. {hint}") from None
    cluster, task = (config.get(k) if isinstance(config, dict) else None for k in ("cluster", "task"))
    if not isinstance(cluster, dict) or not cluster:
        raise DistributeError(f"TF_CONFIG has no \"cluster\" object naming the workers' addresses. {hint}")
    if "ps" in cluster or "evaluator" in cluster:
        raise DistributeError("TF_CONFIG names parameter servers (\"ps\") or an evaluator; --strategy multiworker "
                              "is synchronous all-reduce training over workers (and an optional chief) only. "
                              "Evaluate the trained run afterwards (python -m zoo evaluate).")
    for role, addresses in cluster.items():
        if role not in ("worker", "chief") or not isinstance(addresses, list) or not addresses \
                or not all(isinstance(a, str) and ":" in a for a in addresses):
            raise DistributeError(f"TF_CONFIG cluster[{role!r}] must be a non-empty list of \"host:port\" strings "
                                  f"(roles worker, chief), got {addresses!r}. {hint}")
    if not isinstance(task, dict) or task.get("type") not in cluster:
        raise DistributeError(f"TF_CONFIG \"task\" must be {{\"type\": one of {sorted(cluster)}, \"index\": i}}, "
                              f"got {task!r}. {hint}")
    index = task.get("index")
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(cluster[task["type"]]):
        raise DistributeError(f"TF_CONFIG task index must be an integer in [0, {len(cluster[task['type']])}) "
                              f"(this task's place in cluster[{task['type']!r}]), got {index!r}.")
    return config


def is_chief(config):
    """True for the task that writes the results of a multi-worker run: the chief, or worker 0
    when the cluster has no chief (`config` as from `read_tf_config`; None: a one-process run)."""
    if config is None:
        return True
    task = config["task"]
    return task["type"] == "chief" or (task["type"] == "worker" and task["index"] == 0
                                       and "chief" not in config["cluster"])


def strategy(name="none", devices=None):
    """A `tf.distribute.Strategy` by name (the same one when asked again); call it before any
    other TensorFlow work.

    Args:
        name: "none" (the default strategy: one device), "mirrored" (one replica per local GPU,
            or per logical CPU device with `devices`) or "multiworker" (the cluster of TF_CONFIG;
            every worker runs the same program) (default "none").
        devices: with "mirrored", split the CPU into this many logical devices and mirror over
            them, to try it out without GPUs (default None: all local GPUs, else the CPU).

    Example:
        s = zoo.distribute.strategy("mirrored", devices=2)
        s.num_replicas_in_sync        # 2
    """
    import tensorflow as tf

    if name not in STRATEGIES:
        raise DistributeError(f"strategy must be one of {STRATEGIES}, got {name!r}.")
    if devices is not None and name != "mirrored":
        raise DistributeError(f"devices={devices!r} splits the CPU for the mirrored strategy; strategy {name!r} "
                              "takes no devices.")
    if name == "none":
        return tf.distribute.get_strategy()
    if name == "multiworker":
        read_tf_config()
    key = (name, devices)
    if key not in _STRATEGIES:  # one per process: two over the same devices would mix their collectives
        if name == "multiworker":
            _STRATEGIES[key] = tf.distribute.MultiWorkerMirroredStrategy()
        elif devices is not None:
            _STRATEGIES[key] = tf.distribute.MirroredStrategy(split_cpu(devices))
        else:
            gpus = tf.config.list_logical_devices("GPU")
            _STRATEGIES[key] = tf.distribute.MirroredStrategy([d.name for d in gpus] or None)
    return _STRATEGIES[key]


# ----------------------------------------------------------------------------- in a train step
def num_replicas():
    """Replicas training in sync in the current replica context (1 without a strategy, and in
    cross-replica context, where nothing is split)."""
    import tensorflow as tf

    ctx = tf.distribute.get_replica_context()
    return 1 if ctx is None else int(ctx.num_replicas_in_sync)


def scale_loss(loss):
    """This replica's share of the global mean loss: `loss` (a mean over the replica's batch) / R."""
    r = num_replicas()
    return loss if r == 1 else loss * (1.0 / r)


def all_sum(values):
    """The sum across replicas of a tensor (or a list of them), on every replica; differentiable."""
    import tensorflow as tf

    if num_replicas() == 1:
        return values
    return tf.distribute.get_replica_context().all_reduce(tf.distribute.ReduceOp.SUM, values)


def sync_batch_norm():
    """True when called under a strategy with several replicas: batch normalization built now
    should use the global batch's statistics (``BatchNormalization(synchronized=...)``)."""
    import tensorflow as tf

    return tf.distribute.has_strategy() and tf.distribute.get_strategy().num_replicas_in_sync > 1


def multi_worker_logs(step, strategy):
    """`step` (a train or test step) whose scalar logs get a leading axis of 1 when `strategy` spans
    several workers: Keras 3 averages a multi-worker step's logs along axis 0, which a scalar lacks
    (tensorflow/tensorflow#72388); the average is then the same scalar."""
    import tensorflow as tf

    if not (isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)
            and strategy.extended._in_multi_worker_mode()):
        return step

    def with_axis(data):
        return tf.nest.map_structure(lambda v: tf.reshape(v, (1,)) if v.shape.rank == 0 else v, step(data))

    return with_axis


class PerReplicaSeedGenerator(keras.random.SeedGenerator):
    """A `keras.random.SeedGenerator` whose draws inside a replica of a multi-replica step fold
    the replica's number into the seed's key; otherwise (and on replica 0) its seeds are unchanged."""

    def next(self, ordered=True):
        import tensorflow as tf

        seed = super().next(ordered)
        ctx = tf.distribute.get_replica_context()
        if ctx is None or ctx.num_replicas_in_sync == 1:
            return seed
        replica = tf.cast(ctx.replica_id_in_sync_group, seed.dtype)
        return seed + tf.stack([replica * REPLICA_SEED_STRIDE, tf.zeros_like(replica)])


def per_replica_noise(model):
    """Make every seed generator of `model` and of its layers (dropout, augmentation, the
    family's own noise) draw per replica (`PerReplicaSeedGenerator`); returns how many."""
    found = set()
    for layer in model._flatten_layers(include_self=True, recursive=True):
        # Keras keeps a layer's generators in this private list: the only place they are all found.
        for gen in getattr(layer, "_seed_generators", ()):
            if type(gen) is keras.random.SeedGenerator:
                gen.__class__ = PerReplicaSeedGenerator  # same state; only `next` differs
            if isinstance(gen, PerReplicaSeedGenerator):
                found.add(id(gen))
    return len(found)
