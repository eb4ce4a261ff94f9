"""Write benchmarks/real_floors.json: what real images score under the image GANs' own suite.

    ZOO_DATA_DIR=../shared/data python benchmarks/real_floors.py            # MNIST and Fashion-MNIST
    python benchmarks/real_floors.py --check    # exit 1 when the file was written under another protocol

The suite (`zoo.eval.suite.digit_metrics`) scores a generator's 10,000 samples against the
10,000 test images. Here the "generator" returns 10,000 real train images instead (drawn
without replacement, `zoo.eval.features.REAL_SEED`), so every number (FID, KID,
precision / recall, class shares, confident share) is what a generator drawing exactly from
the data would get: the reference for precision, recall and the confident share (not a strict
ceiling: a generator of only prototypical images can score higher precision and confidence,
at the cost of recall) and the floor of FID. `benchmarks/modes.py` puts these
numbers in the real-images rows of `benchmarks/modes.md`, beside the GANs'.
"""

import argparse
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.report_check import exit_status  # noqa: E402
from zoo.eval import features as F  # noqa: E402
from zoo.eval import suite  # noqa: E402

OUT = os.path.join(ROOT, "benchmarks", "real_floors.json")
DATASETS = ("mnist", "fashion_mnist")


class TrainImages:
    """A stand-in generator whose samples are real train images: `generate(n)` returns n of
    them, drawn without replacement with the suite's real-image seed."""

    def __init__(self, dataset):
        self.dataset = dataset

    def generate(self, n, seed=None):  # the seed of the samples is the suite's REAL_SEED, not `seed`
        return F.real_images("train", n, F.REAL_SEED, dataset=self.dataset)[0]


def protocol():
    """The suite's settings these numbers depend on; --check compares them with the file's."""
    return {"samples": suite.N_GENERATED, "precision_recall_k": suite.PR_K, "kid_subsets": suite.KID_SUBSETS,
            "kid_subset_size": suite.KID_SUBSET_SIZE, "real_seed": F.REAL_SEED,
            "feature_networks": {d: F.feature_network_id(d) for d in DATASETS}}


def floors(dataset, n=None):
    """The suite's metrics of `n` (default: the suite's sample count) real train images as samples."""
    ev = suite.digit_metrics(TrainImages(dataset), F.feature_network(dataset), n=n or suite.N_GENERATED,
                             dataset=dataset)["eval"]
    return {k: v for k, v in ev.items() if "_real_vs_real" not in k}  # here the same as fid, kid, kid_std


def check(path=OUT):
    """Problems of the file at `path` (empty list: none)."""
    if not os.path.exists(path):
        return [f"{path} is missing"]
    with open(path, encoding="utf-8") as f:
        written = json.load(f)
    problems = []
    if written.get("protocol") != protocol():
        problems.append(f"written under {written.get('protocol')}, the suite is now {protocol()}")
    missing = [d for d in DATASETS if d not in written.get("datasets", {})]
    if missing:
        problems.append(f"no numbers for {missing}")
    return problems


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--check", action="store_true", help="compare the file's protocol with the suite's; compute nothing")
    p.add_argument("--out", default=OUT, help=f"JSON file (default {OUT})")
    a = p.parse_args(argv)
    if a.check:
        return exit_status(a.out, check(a.out), "python benchmarks/real_floors.py")
    result = {"protocol": protocol(), "datasets": {}}
    for dataset in DATASETS:
        result["datasets"][dataset] = floors(dataset)
        print(dataset, json.dumps(result["datasets"][dataset]), flush=True)
    tmp = a.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, a.out)
    print(f"Wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
