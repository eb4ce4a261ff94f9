"""Write `zoo/catalog_index.py`: each family's capability names and each id's parameter count,
so `python -m zoo list` / `info` and `zoo.list_models(task=...)` answer without importing Keras.

    python -m training.catalog_index            # rewrite the file (builds every catalog model once)
    python -m training.catalog_index --check    # exit 1 when the file is stale

Run it after adding a family or an id, or changing a config or CAPABILITIES: until then the
registry computes what the file lacks from the classes (correct, but it imports Keras), and
tests/test_cli_fast.py fails on an entry that no longer matches.
"""

import argparse
import os
import sys

from zoo import registry, saving

PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "zoo", "catalog_index.py")
HEADER = '''"""Machine-written by `python -m training.catalog_index`: do not edit.

What the catalog says about a family or an id without importing its class (and so Keras):
each family's capability names, and each id's parameter count keyed by a digest of its family
and config (`zoo.registry.config_digest`). `zoo.registry` uses an entry only while it matches;
anything missing is computed from the class.
"""
'''


def compute():
    """({family: capability names}, {id: (config digest, params)}) from the classes themselves."""
    caps = {name: list(registry.family_class(name).capability_names()) for name in sorted(registry.CARDS)}
    params = {}
    for mid in sorted(registry.REGISTRY):
        spec = registry.get_spec(mid)
        params[mid] = (registry.config_digest(spec), int(spec.family_class(**spec.config).count_params()))
    return caps, params


def text(caps, params):
    def block(name, value):
        return f"{name} = {{\n" + "".join(f"    {k!r}: {v!r},\n" for k, v in sorted(value.items())) + "}\n"

    return HEADER + "\n" + block("CAPABILITIES", caps) + "\n" + block("PARAMS", params)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m training.catalog_index", description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true", help="exit 1 when zoo/catalog_index.py is stale")
    a = p.parse_args(argv)
    new = text(*compute())
    with open(PATH, encoding="utf-8") as f:
        old = f.read()
    if a.check:
        if old != new:
            print(f"{PATH} is stale: run python -m training.catalog_index", file=sys.stderr)
            return 1
        print(f"{PATH} is up to date")
        return 0
    if old != new:
        saving.write_file_atomic(PATH, new)
    print(f"Wrote {PATH}" if old != new else f"{PATH} was up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
