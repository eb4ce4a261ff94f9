"""Write benchmarks/inpainting.md: completing MNIST test digits whose lower half is hidden.

    ZOO_DATA_DIR=../shared/data python benchmarks/inpainting.py                 # every installed Inpainter
    ZOO_DATA_DIR=../shared/data python benchmarks/inpainting.py -n 200 --models dcgan-mnist --out /tmp/x.md
    python benchmarks/inpainting.py --check     # exit 1 when inpainting.md's rows are not the installed weights

Protocol: the first n (default 1,000) MNIST test digits, rows 14 to 27 hidden (mask 0), each
model's `inpaint(x, mask, seed=0)`; the pinned MNIST feature classifier (`zoo.eval.features`)
labels the completions, and the table gives its accuracy against the digits' true labels.
Beside the models: the classifier on the whole digits (the ceiling) and on the visible half
with the hidden half black (what the visible half alone tells it) or filled from the mean
training digit (the mean-image fill, the simplest inpainter). A binary model (PixelCNN)
completes the digits binarized exactly as its likelihood is measured (`binarize`, seed 0); its
ceiling row is the classifier on those binary digits. Each model's row names the version of the
weights it measured, so `--check` (run by the tests, without measuring) finds a table that an
installed model has outdated.
"""

import argparse
import os
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import zoo  # noqa: E402
from benchmarks.report_check import exit_status  # noqa: E402
from zoo import capabilities as cap  # noqa: E402
from zoo import data, registry  # noqa: E402
from zoo.eval import features  # noqa: E402

OUT = os.path.join(ROOT, "benchmarks", "inpainting.md")
HIDDEN_FROM = 14  # rows HIDDEN_FROM.. are hidden: the lower half


def inpainters():
    """Installed MNIST models with the Inpainter capability."""
    return [i for i in zoo.list_models(task=cap.Inpainter.name, pretrained=True)
            if registry.get_spec(i).dataset == "mnist"]


def check(path=OUT):
    """Problems (a list of strings; empty: none) of the table at `path` against the installed weights:
    every installed MNIST Inpainter has a row, measured on its installed version."""
    rows = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
            if line.startswith("| ") and len(cells) == 6 and cells[2].isdigit():
                rows[cells[0]] = int(cells[2])
    problems = []
    for model_id in inpainters():
        installed = registry.get_spec(model_id).version
        if model_id not in rows:
            problems.append(f"{model_id}: no row (installed version {installed})")
        elif rows[model_id] != installed:
            problems.append(f"{model_id}: row measured version {rows[model_id]}, installed version {installed}")
    return problems


def accuracy(classifier, x, y):
    return float(np.mean(classifier.predict_labels(x) == y))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=1000, help="test digits (default 1,000)")
    parser.add_argument("--models", nargs="*", help="ids (default: every installed MNIST Inpainter)")
    parser.add_argument("--out", default=OUT, help=f"Markdown file to write (default {OUT})")
    parser.add_argument("--check", action="store_true",
                        help="compare --out's model rows with the installed weights' versions; measure nothing")
    args = parser.parse_args(argv)
    if args.check:
        return exit_status(args.out, check(args.out), "python benchmarks/inpainting.py")
    load = os.getloadavg()[0]  # how busy the machine was: the wall times depend on it, the CPU times less
    x, y = data.arrays("mnist", "test", num_examples=args.n)
    mask = np.ones((28, 28, 1), np.float32)
    mask[HIDDEN_FROM:] = 0
    clf = features.feature_network("mnist")
    xb = data.binarize(x, seed=0)
    mean = data.arrays("mnist", "train")[0].mean(axis=0)  # the mean training digit
    rows = [("whole digits (ceiling)", "", "", accuracy(clf, x, y), "", ""),
            ("whole digits, binarized (binary models' ceiling)", "", "", accuracy(clf, xb, y), "", ""),
            ("visible half, hidden half black", "", "", accuracy(clf, x * mask, y), "", ""),
            ("visible half, hidden half of the mean training digit", "mean-image fill", "",
             accuracy(clf, x * mask + mean * (1 - mask), y), "", ""),
            ("visible half, binarized, hidden half black", "", "", accuracy(clf, xb * mask, y), "", "")]
    for model_id in args.models or inpainters():
        model = zoo.load(model_id)
        binary = model.binary_data
        start, cpu = time.perf_counter(), time.process_time()
        filled = model.inpaint(xb if binary else x, mask, seed=0)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        # "\\|": a pipe inside a Markdown table cell
        how = "pixel by pixel from p(x_ij \\| above, left)" if binary else "projection under the mask"
        rows.append((model_id, how, str(registry.get_spec(model_id).version), accuracy(clf, filled, y),
                     f"{seconds:.0f}", f"{cpu:.0f}"))
        print(f"{model_id}: accuracy {rows[-1][3]:.3f} in {seconds:.0f} s", flush=True)
    lines = [
        "# Inpainting: MNIST digits with the lower half hidden", "",
        f"Written by `python benchmarks/inpainting.py -n {args.n}` (`ZOO_DATA_DIR=../shared/data`). The "
        f"first {args.n:,} MNIST test digits, rows {HIDDEN_FROM} to 27 hidden; each model's "
        "`inpaint(x, mask, seed=0)`; the accuracy of the pinned feature classifier "
        f"(`{features.feature_network_id('mnist')}`) on the completions, against the true labels. A binary "
        "model (PixelCNN) completes the digits binarized as for its likelihood (seed 0); GANs and VAEs "
        "complete the grey digits. Seconds: wall time of the `inpaint` call on this 2-core machine (load "
        f"average {load:.1f} at the start: above 1, other jobs shared the cores) and the CPU seconds of this "
        "process (all its threads) during the call.", "",
        "| input / model | how the hidden half is filled | weights version | classifier accuracy | seconds | "
        "CPU seconds |",
        "| --- | --- | --- | --- | --- | --- |",
        *[f"| {name} | {how} | {ver} | {acc:.3f} | {sec} | {cpu} |" for name, how, ver, acc, sec, cpu in rows],
        "",
    ]
    tmp = f"{args.out}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    os.replace(tmp, args.out)
    print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
