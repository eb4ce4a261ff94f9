"""Throughput of the dcgan-mnist train step (with and without XLA) and inference latency.

    python benchmarks/train_step.py [--steps 30] [--batch 128]

Prints images/s of `fit` on MNIST batches (one image = one real example through one
discriminator update and its share of the generator update), the time of
`zoo.load("dcgan-mnist")`, and of `generate(64)`. Uses the untrained model when the
weights are not installed (same architecture, same cost).
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--repeats", type=int, default=5)
    a = p.parse_args()

    import tensorflow as tf
    import zoo

    pretrained = zoo.registry.get_spec("dcgan-mnist").status == "trained"
    x = next(iter(zoo.data.load("mnist", batch_size=a.batch * a.steps)))
    ds = tf.data.Dataset.from_tensor_slices(x).batch(a.batch, drop_remainder=True).cache()
    print(f"TensorFlow {tf.__version__}, {os.cpu_count()} CPUs, batch {a.batch}, {a.steps} steps")
    for jit in (False, True):
        g = zoo.load("dcgan-mnist", pretrained=pretrained)
        g.compile(d_optimizer=g.d_optimizer, g_optimizer=g.g_optimizer, jit_compile=jit)
        t0 = time.perf_counter()
        g.fit(ds.take(2), epochs=1, verbose=0)  # trace / compile
        warm = time.perf_counter() - t0
        rates = []
        for _ in range(a.repeats):
            t0 = time.perf_counter()
            g.fit(ds, epochs=1, verbose=0)
            rates.append(a.batch * a.steps / (time.perf_counter() - t0))
        print(f"train step, jit_compile={jit!s:5}: {statistics.median(rates):7.0f} images/s "
              f"(median of {a.repeats}, min {min(rates):.0f}, max {max(rates):.0f}; first call {warm:.1f}s)")
    loads = []
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        g = zoo.load("dcgan-mnist", pretrained=pretrained)
        loads.append(time.perf_counter() - t0)
    g.generate(64, seed=0)
    gens = []
    for i in range(a.repeats * 4):
        t0 = time.perf_counter()
        g.generate(64, seed=i)
        gens.append(time.perf_counter() - t0)
    print(f"zoo.load('dcgan-mnist'): median {statistics.median(loads) * 1000:.0f} ms "
          f"(pretrained weights: {pretrained})")
    print(f"generate(64): median {statistics.median(gens) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
