"""Multi-device training (`zoo.distribute`, docs/distribute.md): on 2 logical CPU devices, one `fit`
step of every family at global batch B moves the weights as one step on one device at batch B
does; the replicas draw noise of their own; batch norm built for several replicas is synchronised;
the training CLI runs under `--strategy mirrored` and, on two local workers, `--strategy
multiworker`, which says what is wrong with a missing or malformed TF_CONFIG.

The CPU can only be split before TensorFlow runs its first operation, so the two-replica work runs
in one fresh process (this file run as a script) whose JSON report the tests read. Every case
trains with plain SGD, under which a wrongly scaled loss shows as a wrongly sized step (Adam
would hide it). A family that draws no noise in a step must match one device within float
tolerance, every weight (batch-norm averages and a factorization's counts too; see ROUNDING); one that draws
noise (GAN codes, VAE samples, dropout, corruption) within 25% in the norm of the step, each side's norm
averaged over NOISE_DRAWS draws.
"""

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPLICAS, BATCH, LR = 2, 256, 0.05
EXACT = dict(rtol=2e-4, atol=1e-6)  # the replicas' shares are summed in another order: float noise only
NOISY_NORM = 0.25  # a noisy family's step norm within 25% of one device's; a wrong scale is 100% or 50% off
# ... each side's norm the mean over NOISE_DRAWS steps from the same weights with other noise: one draw's
# norm varies (measured over 12 draws on one device: sd 7.4% of the mean for DenoisingAutoencoder/tiny,
# 5.7% VAE/tiny, 3.5% Classifier/tiny), so a single pair of draws missed 25% now and then (1.255 seen).
NOISE_DRAWS, DRAW_STRIDE = 4, 7919
# Each family's first tiny preset, or instead the presets whose train step takes the other paths: K
# critic slices with a gradient penalty (DCGAN, batch norm), an unrolled critic with minibatch
# discrimination (MLP), a factorization's bias minimisers (multiplicative) and its gradient solver.
# And a classifier without dropout and augmentation, which draws no noise, so its synchronised
# batch norm must give exactly one device's step.
VARIANTS = ("GAN/tiny-wgan-gp", "GAN/tiny-unrolled-mbd", "NMF/tiny-biased", "NMF/tiny-gradient", "SRGAN/tiny",
            "SRGAN/tiny-srresnet-rgb-x4")
# Noise-free, yet not reproducible to float tolerance in another summation order: an SRGAN step updates
# D, then G through the updated D, and a pre-activation that rounding moves across a LeakyReLU / PReLU
# kink changes single gradient entries. Repeated runs of SRGAN/tiny from fresh weights measured 0.04 to
# 11.7 tolerances on their worst weight with step norms equal to 5e-6; it is judged by the norm of its
# step like the noisy families, and its generator alone (SRResNet, the srresnet preset) by every weight.
ROUNDING = ("SRGAN/tiny",)
EXTRA = {"Classifier/tiny-no-noise": ("Classifier", "tiny", dict(dropout=0.0, translate=0.0, rotate=0.0))}
# ... in float64: in float32 a pre-activation that rounding moves across a ReLU kink or a max-pool tie
# now and then changes part of a step (measured: 1 run in 40 from fresh weights, 9% of the entries at
# 9e-4 of the step's norm, where per-replica statistics change 80-86% of them by 1-2.5%); in float64 the
# worst entry of 40 runs stayed below 2e-10 tolerances.
FLOAT64 = ("Classifier/tiny-no-noise",)
# The replicas' step runs as `fit` runs it, traced into one distributed function, except for these
# cases, whose traced two-replica step cost 16-35 s each (measured: ProGAN 25.1 s traced vs 6.7 s eager,
# CycleGAN 34.9 vs 8.3, SRGAN 23.8 vs 8.7, Pix2Pix 16.0 vs 7.6): eagerly, MirroredStrategy runs the same
# replica function on each device, with the same loss scaling, all-reduce and synchronised batch norm.
# The traced distributed step is still run by every other case, the CLI run and the multiworker run.
EAGER = ("CycleGAN/tiny", "Pix2Pix/tiny", "PixelRNN/tiny", "ProGAN/tiny", "SRGAN/tiny", "SRGAN/tiny-srresnet-rgb-x4",
         "TextConditionalGAN/tiny", "VideoPredictor/tiny")
CLI_ID = "tiny-ring8-test"  # tests/test_training.py's tiny catalog entry
CLI_ARGS = [CLI_ID, "--max-steps", "4", "--epochs", "1", "--quiet"]


def cases():
    """{"Family/preset": (family, constructor kwargs)} of the cases the worker runs."""
    from zoo import registry

    out = {}
    for family in sorted(registry.TINY):
        presets = registry.TINY[family]
        chosen = [v.split("/")[1] for v in VARIANTS if v.split("/")[0] == family] or [next(iter(presets))]
        for preset in chosen:
            out[f"{family}/{preset}"] = (family, dict(presets[preset]))
    for name, (family, preset, changes) in EXTRA.items():
        out[name] = (family, {**registry.TINY[family][preset], **changes})
    return out


# ----------------------------------------------------------------------------- the worker process
def _generators(model):
    """The model's seed generators (its own and its layers'), each once, in a fixed order."""
    from zoo.distribute import PerReplicaSeedGenerator

    seen, out = set(), []
    for layer in model._flatten_layers(include_self=True, recursive=True):
        for g in getattr(layer, "_seed_generators", ()):
            if id(g) not in seen and isinstance(g, PerReplicaSeedGenerator):
                seen.add(id(g))
                out.append(g)
    return out


def _compiled(strategy, family, config, eager=False):
    """The family built and compiled with plain SGD inside `strategy`'s scope."""
    import keras
    from zoo import registry

    with strategy.scope():
        model = registry.FAMILIES[family](**config)
        model.compile(**{name: keras.optimizers.SGD(LR) for name in model.OPTIMIZERS})
    model.run_eagerly = eager
    return model


def _run_case(strategy, family, config, eager=False):
    """One SGD step at global batch BATCH on one device and on the replicas (traced, or eagerly with
    `eager`), from the same weights and seed states: the sizes and difference of the steps, and the
    replicas' draws."""
    import keras
    import tensorflow as tf

    import test_conformance as conf  # the conformance suite's data for each kind of family

    t0 = time.time()
    single = _compiled(tf.distribute.get_strategy(), family, config, eager=True)  # the reference: no tracing
    multi = _compiled(strategy, family, config, eager=eager)
    multi.set_weights(single.get_weights())
    for a, b in zip(_generators(single), _generators(multi)):  # a layer's unseeded generator starts at random
        b.state.assign(a.state.numpy())
    x, y = conf.data(single, BATCH), conf.labels(single, BATCH)
    if getattr(single, "binarize", False):
        # binary pixels, so binarizing them draws noise that changes nothing (only there: with
        # binary images a max-pool window often holds near-equal values, whose order float
        # rounding can flip between one device and the synchronised batch norm)
        x = np.round(x)
    ds = tf.data.Dataset.from_tensor_slices(x if y is None else (x, y)).batch(BATCH)
    out = {"replicas": int(multi.distribute_strategy.num_replicas_in_sync)}
    steps = []
    start = [w.numpy().copy() for w in single.weights]
    seeds = [g.state.numpy() for g in _generators(single)]
    for model in (single, multi):
        model.fit(ds, epochs=1, verbose=0)
        steps.append([w.numpy() - b for w, b in zip(model.weights, start)])
        if model is single:  # a family draws noise in a step when a seed state moves
            out["noisy"] = any(not np.array_equal(a, g.state.numpy()) for a, g in zip(seeds, _generators(model)))
    trainable = {id(w) for w in single.trainable_weights}

    def norm(step):
        return float(np.linalg.norm(np.concatenate([d.ravel() for d, w in zip(step, single.weights)
                                                    if id(w) in trainable])))

    norms = [[norm(steps[0])], [norm(steps[1])]]
    # a noisy family's step norm, averaged over NOISE_DRAWS draws from the same weights on each side
    for draw in range(1, NOISE_DRAWS if out["noisy"] else 1):
        for side, model in enumerate((single, multi)):
            model.set_weights(start)
            for g, s in zip(_generators(model), seeds):
                g.state.assign(s + np.array([draw * DRAW_STRIDE, 0], dtype=s.dtype))
            model.fit(ds, epochs=1, verbose=0)
            norms[side].append(norm([w.numpy() - b for w, b in zip(model.weights, start)]))
    out["norm_one"], out["norm_multi"] = (float(np.mean(n)) for n in norms)
    out["draws"] = len(norms[0])
    flat = [np.concatenate([d.ravel() for d, w in zip(s, single.weights) if id(w) in trainable]) for s in steps]
    # the largest difference between the steps of any weight, in units of the tolerance (<= 1: a match)
    errs = [float(np.max(np.abs(a - b) / (EXACT["atol"] + EXACT["rtol"] * np.abs(a)), initial=0.0))
            for a, b in zip(*steps)]
    out["max_err"], out["worst"] = max(errs, default=0.0), single.weights[int(np.argmax(errs))].path if errs else ""
    beyond = [np.abs(a - b) > EXACT["atol"] + EXACT["rtol"] * np.abs(a) for a, b in zip(*steps)]
    out["mismatch_share"] = float(sum(int(m.sum()) for m in beyond) / max(sum(m.size for m in beyond), 1))
    out["diff_norm"] = float(np.linalg.norm(flat[0] - flat[1]))
    norms = [[bool(layer.synchronized) for layer in m._flatten_layers(recursive=True)
              if isinstance(layer, keras.layers.BatchNormalization)] for m in (single, multi)]
    out["batch_norm_sync_one"], out["batch_norm_sync_multi"] = norms
    gens = _generators(multi)
    out["generators"] = len(gens)
    if gens:  # each replica's next draw from each generator, and one device's
        draws = strategy.run(lambda: tf.stack([keras.random.normal((6,), seed=g) for g in gens]))
        per = [v.numpy() for v in strategy.experimental_local_results(draws)]
        alone = np.stack([keras.random.normal((6,), seed=g).numpy() for g in _generators(single)])
        out["replicas_differ"] = bool(all(not np.allclose(per[0][k], per[1][k]) for k in range(len(gens))))
        out["replica0_is_one_device"] = bool(np.array_equal(per[0], alone))
    out["dtype"] = str(single.trainable_weights[0].dtype)  # the dtype the steps were computed in
    out["traced"] = not multi.run_eagerly
    out["seconds"] = round(time.time() - t0, 1)
    return out


def _cli_run(out):
    """`python -m training.train CLI_ID --strategy mirrored --devices 2` into `out`; its weights."""
    import keras

    from test_training import tiny_spec
    import zoo
    from zoo import registry
    from training import train as T

    registry.REGISTRY[CLI_ID] = tiny_spec()
    code = T.main([*CLI_ARGS, "--strategy", "mirrored", "--devices", str(REPLICAS), "--out", out])
    weights = zoo.load(os.path.join(out, "model"), compile=False).get_weights() if code == 0 else []
    keras.backend.clear_session()
    return {"exit": code, "metrics": json.load(open(os.path.join(out, "metrics.json"))) if code == 0 else None,
            "weights": [w.tolist() for w in weights]}


def worker(argv):
    """Split the CPU, run the cases (with --part I/N every N-th from the I-th) and the CLI with
    --cli OUT, print one JSON report."""
    from zoo import distribute

    strategy = distribute.strategy("mirrored", devices=REPLICAS)
    sys.path.insert(0, os.path.join(ROOT, "tests"))  # the other suites' helpers
    part, parts = (int(v) for v in argv[argv.index("--part") + 1].split("/")) if "--part" in argv else (0, 1)
    report = {}
    for name, (family, config) in sorted(cases().items())[part::parts]:
        import keras

        dtype = "float64" if name in FLOAT64 else "float32"
        keras.config.set_floatx(dtype)  # and the policy, which Keras caches at the first layer built
        keras.config.set_dtype_policy(dtype)
        try:
            report[name] = _run_case(strategy, family, config, eager=name in EAGER)
        except Exception as e:  # noqa: BLE001 (the test names the case and the error)
            report[name] = {"error": f"{type(e).__name__}: {e}"[:3000]}
        finally:
            keras.config.set_floatx("float32")
            keras.config.set_dtype_policy("float32")
    if "--cli" in argv:
        report["cli"] = _cli_run(argv[argv.index("--cli") + 1])
    print("REPORT " + json.dumps(report))


def run_processes(commands, logs, timeout):
    """Run the commands ([(argv, extra env)]) at once, one thread each, each writing to its log file
    (a file: a full pipe would block a process); their return codes once all have ended."""
    procs = []
    for (argv, env), log in zip(commands, logs):
        env = {**os.environ, "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1", **env}
        with open(log, "w") as f:
            procs.append(subprocess.Popen([sys.executable, *argv], cwd=ROOT, env=env, stdout=f,
                                          stderr=subprocess.STDOUT))
    try:
        for p in procs:
            p.wait(timeout=timeout)
    finally:
        for p in procs:
            p.kill()
    return [p.returncode for p in procs]


# ----------------------------------------------------------------------------- the tests
@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The workers' merged reports: two processes (the cases split between them, the CLI run in the
    first) so that both cores work while the suite waits."""
    out = str(tmp_path_factory.mktemp("mirrored") / "run")
    parts = [([os.path.abspath(__file__), "--part", "0/2", "--cli", out], {}),
             ([os.path.abspath(__file__), "--part", "1/2"], {})]
    logs = [tmp_path_factory.mktemp("worker") / "log" for _ in parts]
    report = {"cli_out": out}
    for code, log in zip(run_processes(parts, logs, timeout=900), logs):
        text = log.read_text()
        line = next((ln for ln in text.splitlines() if ln.startswith("REPORT ")), None)
        assert code == 0 and line, f"a two-replica worker failed:\n{text[-5000:]}"
        report.update(json.loads(line[len("REPORT "):]))
    return report


CASES = sorted(cases())


@pytest.mark.parametrize("case", CASES)
def test_one_step_on_two_replicas_moves_the_weights_as_one_device(report, case):
    r = report[case]
    assert "error" not in r, f"{case}: {r.get('error')}"
    assert r["replicas"] == REPLICAS
    assert r["draws"] == (NOISE_DRAWS if r["noisy"] else 1)  # a noisy step's norm is the mean over the draws
    if r["noisy"] or case in ROUNDING:
        ratio = r["norm_multi"] / r["norm_one"]
        assert abs(ratio - 1.0) <= NOISY_NORM, (f"{case}: the step on {REPLICAS} replicas is {ratio:.3f} times "
                                                "one device's in norm (a loss scaled for the wrong batch?)")
    else:
        assert r["max_err"] <= 1.0, (f"{case}: the step of {r['worst']} on {REPLICAS} replicas differs from one "
                                     f"device's by {r['max_err']:.3g} tolerances (steps of norm "
                                     f"{r['norm_multi']:.6g} and {r['norm_one']:.6g}; {r['mismatch_share']:.1%} of the "
                                     f"entries differ, by {r['diff_norm'] / max(r['norm_one'], 1e-30):.2g} of the "
                                     "step's norm)")


@pytest.mark.parametrize("case", CASES)
def test_replicas_draw_their_own_noise_and_batch_norm_is_global(report, case):
    r = report[case]
    assert "error" not in r, f"{case}: {r.get('error')}"
    if r["generators"]:
        assert r["replicas_differ"], f"{case}: two replicas drew the same noise"
        assert r["replica0_is_one_device"], f"{case}: replica 0 does not draw what one device draws"
    assert not any(r["batch_norm_sync_one"])  # one device: Keras' own batch norm, bit for bit
    assert all(r["batch_norm_sync_multi"]), f"{case}: batch norm built for {REPLICAS} replicas is per replica"


def test_the_cases_cover_every_family_noise_and_batch_norm(report):
    from zoo import registry

    assert {name.split("/")[0] for name in CASES} == set(registry.TINY)
    ran = [report[c] for c in CASES if "error" not in report[c]]
    assert any(r["noisy"] for r in ran) and any(not r["noisy"] for r in ran)
    exact_bn = report["Classifier/tiny-no-noise"]
    assert exact_bn["batch_norm_sync_multi"] and not exact_bn["noisy"]  # synchronised statistics, compared exactly
    assert exact_bn["dtype"] == "float64"
    assert set(EAGER) <= set(CASES)
    traced = sorted(c for c in CASES if report[c].get("traced"))
    assert traced == sorted(set(CASES) - set(EAGER)) and "GAN/tiny-wgan-gp" in traced  # K critic slices, traced


def test_the_cli_trains_on_two_replicas(report):
    cli = report["cli"]
    assert cli["exit"] == 0
    train = cli["metrics"]["training"]
    assert train["hardware"] == f"{REPLICAS} replicas (mirrored, CPU)"
    assert all(np.isfinite(v) for v in train["final"].values())
    assert os.path.isfile(os.path.join(report["cli_out"], "model", "model.weights.h5"))


@pytest.mark.slow
def test_two_workers_train_as_two_mirrored_replicas(report, tmp_path):
    """Two local processes with TF_CONFIG (one CPU each): the chief writes the run, the other worker
    its own copy, and both hold exactly the weights of the two-device mirrored run."""
    import socket

    socks = [socket.socket() for _ in range(2)]
    for s in socks:
        s.bind(("localhost", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    out = str(tmp_path / "run")
    script = (f"import sys; sys.path.insert(0, {os.path.join(ROOT, 'tests')!r}); from test_training import tiny_spec; "
              "from zoo import registry; from training import train as T; "
              f"registry.REGISTRY[{CLI_ID!r}] = tiny_spec(); "
              f"sys.exit(T.main({[*CLI_ARGS, '--strategy', 'multiworker', '--out', out]!r}))")
    cluster = {"worker": [f"localhost:{p}" for p in ports]}
    workers = [(["-c", script], {"TF_CONFIG": json.dumps({"cluster": cluster, "task": {"type": "worker", "index": i}})})
               for i in range(2)]
    logs = [tmp_path / f"worker-{i}.log" for i in range(2)]
    for code, log in zip(run_processes(workers, logs, timeout=600), logs):
        assert code == 0, log.read_text()[-4000:]
    import zoo

    mirrored = [np.asarray(w) for w in report["cli"]["weights"]]
    for folder in (os.path.join(out, "model"), os.path.join(out, "workers", "worker-1", "model")):
        weights = zoo.load(folder, compile=False).get_weights()
        assert len(weights) == len(mirrored)
        for a, b in zip(weights, mirrored):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
    assert json.load(open(os.path.join(out, "metrics.json")))["training"]["hardware"] == "2 replicas (multiworker, CPU)"
    assert not os.path.exists(os.path.join(out, "workers", "worker-1", "metrics.json"))  # only the chief evaluates


# ----------------------------------------------------------------------------- TF_CONFIG and options
GOOD = {"cluster": {"worker": ["a:1", "b:2"]}, "task": {"type": "worker", "index": 1}}


@pytest.mark.parametrize("text, message", [
    (None, "TF_CONFIG environment variable, which is not set"),
    ("  ", "which is not set"),
    ("{cluster", "not valid JSON"),
    ("[]", "no \"cluster\" object"),
    (json.dumps({"task": GOOD["task"]}), "no \"cluster\" object"),
    (json.dumps({**GOOD, "cluster": {"worker": []}}), "non-empty list of \"host:port\""),
    (json.dumps({**GOOD, "cluster": {"worker": ["no-port"]}}), "non-empty list of \"host:port\""),
    (json.dumps({**GOOD, "cluster": {"boss": ["a:1"]}}), "roles worker, chief"),
    (json.dumps({**GOOD, "cluster": {"worker": ["a:1"], "ps": ["p:1"]}}), "parameter servers"),
    (json.dumps({**GOOD, "cluster": {"worker": ["a:1", "b:2"], "evaluator": ["e:1"]}}), "or an evaluator"),
    (json.dumps({"cluster": GOOD["cluster"]}), "\"task\" must be"),
    (json.dumps({**GOOD, "task": {"type": "chief", "index": 0}}), "\"task\" must be"),
    (json.dumps({**GOOD, "task": {"type": "worker", "index": 2}}), r"integer in \[0, 2\)"),
    (json.dumps({**GOOD, "task": {"type": "worker", "index": "0"}}), r"integer in \[0, 2\)"),
], ids=lambda v: str(v)[:30])
def test_a_missing_or_malformed_tf_config_is_named(text, message):
    from zoo import distribute

    env = {} if text is None else {"TF_CONFIG": text}
    with pytest.raises(distribute.DistributeError, match=message):
        distribute.read_tf_config(env)


def test_the_chief_writes_the_results():
    from zoo import distribute

    assert distribute.read_tf_config({"TF_CONFIG": json.dumps(GOOD)}) == GOOD
    assert distribute.is_chief(None)
    assert not distribute.is_chief(GOOD)
    assert distribute.is_chief({**GOOD, "task": {"type": "worker", "index": 0}})
    with_chief = {"cluster": {**GOOD["cluster"], "chief": ["c:3"]}, "task": {"type": "worker", "index": 0}}
    assert not distribute.is_chief(with_chief)
    assert distribute.is_chief({**with_chief, "task": {"type": "chief", "index": 0}})


def test_the_cli_says_what_is_wrong_before_training(capsys, monkeypatch):
    from training import train as T

    monkeypatch.delenv("TF_CONFIG", raising=False)
    assert T.main(["gan-ring8", "--strategy", "multiworker", "--max-steps", "1"]) == 1
    assert "TF_CONFIG environment variable, which is not set" in capsys.readouterr().err
    monkeypatch.setenv("TF_CONFIG", "{not json")
    assert T.main(["gan-ring8", "--strategy", "multiworker", "--max-steps", "1"]) == 1
    assert "TF_CONFIG is not valid JSON" in capsys.readouterr().err
    for argv, message in ((["gan-ring8", "--devices", "2"], "--devices N splits the CPU for --strategy mirrored"),
                          (["gan-ring8", "--strategy", "multiworker", "--devices", "2"], "--devices N splits"),
                          (["gan-ring8", "--strategy", "ring"], "invalid choice"),
                          (["gan-ring8", "--card-only", "--strategy", "mirrored"], "take no training")):
        with pytest.raises(SystemExit) as e:
            T.main(argv)
        assert e.value.code == 2 and message in capsys.readouterr().err


def test_the_strategy_names_are_checked():
    from zoo import distribute

    with pytest.raises(distribute.DistributeError, match="strategy must be one of"):
        distribute.strategy("ring")
    with pytest.raises(distribute.DistributeError, match="takes no devices"):
        distribute.strategy("none", devices=2)
    with pytest.raises(distribute.DistributeError, match=r"devices must be an integer in \[1, 64\]"):
        distribute.split_cpu(0)


if __name__ == "__main__":
    worker(sys.argv[1:])
