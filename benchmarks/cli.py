"""Start-up times of the command line and the library, each in a fresh Python process.

    python benchmarks/cli.py [--repeats 3] [--write]

Prints the median wall time (of `--repeats` runs) of `python -m zoo list`, `python -m zoo info
dcgan-mnist`, `import zoo` and `import zoo; zoo.load("dcgan-mnist")`, then where a fresh
`zoo.load` spends its time (import TensorFlow, import Keras, build the model, verify and read the
weights, compile). `--write` also writes benchmarks/cli.md.
"""

import argparse
import datetime
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMMANDS = [
    ("zoo list", ["-m", "zoo", "list"]),
    ("zoo info dcgan-mnist", ["-m", "zoo", "info", "dcgan-mnist"]),
    ("import zoo", ["-c", "import zoo"]),
    ('zoo.load("dcgan-mnist")', ["-c", "import zoo; zoo.load('dcgan-mnist')"]),
]
# One fresh process, timed from inside: the parts of a first zoo.load.
PARTS = r"""
import json, time
t = [time.perf_counter()]
import zoo
t.append(time.perf_counter())
zoo.progress.import_tensorflow()
t.append(time.perf_counter())
import keras
t.append(time.perf_counter())
from zoo import registry
spec = registry.get_spec("dcgan-mnist")
model = spec.family_class(**spec.config)
t.append(time.perf_counter())
zoo.load("dcgan-mnist", compile=False)
t.append(time.perf_counter())
zoo.load("dcgan-mnist")
t.append(time.perf_counter())
names = ["import zoo (catalog)", "import tensorflow", "import keras (after TensorFlow)",
         "import the GAN module, build the model", "zoo.load without compile (build, sha256, weights)",
         "zoo.load with the recipe's optimizers"]
print(json.dumps(dict(zip(names, [b - a for a, b in zip(t, t[1:])]))))
"""


def _cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(args):
    """(wall seconds, CPU seconds) of one fresh process."""
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    t0, c0 = time.perf_counter(), _cpu()
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0, _cpu() - c0


def measure(repeats):
    rows = []
    for label, args in COMMANDS:
        walls, cpus = zip(*[run(args) for _ in range(repeats)])
        rows.append((label, statistics.median(walls), min(walls), max(walls), statistics.median(cpus)))
    out = subprocess.run([sys.executable, "-c", PARTS], cwd=ROOT, check=True, capture_output=True, text=True)
    return rows, json.loads(out.stdout.strip().splitlines()[-1])


def table(rows, parts, repeats):
    lines = [f"| fresh process | wall, median of {repeats} (s) | min (s) | max (s) | CPU user+sys, median (s) |",
             "| --- | --- | --- | --- | --- |"]
    lines += [f"| `{label}` | {med:.2f} | {lo:.2f} | {hi:.2f} | {cpu:.2f} |" for label, med, lo, hi, cpu in rows]
    lines += ["", "| a first `zoo.load(\"dcgan-mnist\")`, step by step (one process) | s |", "| --- | --- |"]
    lines += [f"| {name} | {sec:.2f} |" for name, sec in parts.items()]
    return "\n".join(lines)


def _version(*dists):
    from importlib import metadata

    for d in dists:
        try:
            return metadata.version(d)
        except metadata.PackageNotFoundError:
            pass
    return "?"


def notes(rows, parts):
    load = dict((label, med) for label, med, *_ in rows)['zoo.load("dcgan-mnist")']
    tf_s = parts["import tensorflow"]
    zoo_s = sum(v for k, v in parts.items() if k != "import tensorflow")
    return (f"`zoo list`, `zoo info` and `import zoo` read the catalog (`zoo.registry`, the presets modules and "
            f"the machine-written `zoo/catalog_index.py`) and import neither TensorFlow nor Keras "
            f"(`tests/test_cli_fast.py` checks it with `python -X importtime`); numpy is most of what they import.\n\n"
            f"A first `zoo.load` in a fresh process took {load:.1f} s, above the 3 s aimed at: `import tensorflow` "
            f"alone took {tf_s:.1f} s of it, the zoo's own steps {zoo_s:.1f} s together (catalog, the family module, "
            f"building the model, hashing and reading the weights, the optimizers). `import tensorflow` imports "
            f"`keras._tf_keras`, and Keras imports scikit-learn (its `keras.wrappers`), SciPy, pandas (its data "
            f"adapters) and matplotlib (`keras.visualization`) at import; `python -X importtime -c 'import "
            f"tensorflow'` puts about half of the import in TensorFlow's own modules and most of the rest in those "
            f"packages. None of it is the zoo's to avoid while the zoo runs on Keras with the TensorFlow backend; "
            f"the wall times above also depend on how busy the machine is (see the load average), the CPU "
            f"column less so.")


def main(argv=None):
    p = argparse.ArgumentParser(prog="python benchmarks/cli.py", description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=3, help="runs per command (default 3)")
    p.add_argument("--write", action="store_true", help="also write benchmarks/cli.md")
    a = p.parse_args(argv)
    if a.repeats < 1:
        p.error("--repeats must be at least 1")
    rows, parts = measure(a.repeats)
    text = table(rows, parts, a.repeats)
    print(text)
    if a.write:
        threads = {k: os.environ.get(k) for k in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")}
        when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        head = (f"# Start-up times\n\n`python benchmarks/cli.py --write`, run {when} on {platform.machine()} with "
                f"{os.cpu_count()} CPU cores (load average {os.getloadavg()[0]:.1f}: shared with other jobs), "
                f"Python {platform.python_version()}, TensorFlow {_version('tensorflow-cpu', 'tensorflow')}, "
                f"Keras {_version('keras')}, TF threads {threads}.\n\n")
        with open(os.path.join(ROOT, "benchmarks", "cli.md"), "w", encoding="utf-8") as f:
            f.write(head + text + "\n\n" + notes(rows, parts) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
