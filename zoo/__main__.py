"""Command line: `python -m zoo {list,info,sample,evaluate,push,export} ...`.

    python -m zoo list "dcgan*"
    python -m zoo list --task generate --pretrained
    python -m zoo info dcgan-mnist
    python -m zoo sample dcgan-mnist -n 64 --seed 0 -o samples.png
    python -m zoo evaluate dcgan-mnist
    python -m zoo push dcgan-mnist me/dcgan-mnist [--revision v1] [--private]
    python -m zoo export dcgan-mnist --format saved_model dcgan-mnist-serving

`list` and `info` read the catalog without importing TensorFlow. `--quiet` turns progress bars
off (they are off anyway when stdout is not a terminal); `--verbose` shows TensorFlow's log lines.
"""

import argparse
import json
import os
import re
import sys

from zoo import capabilities as cap
from zoo import progress


def _cmd_list(a):
    import zoo

    if a.task is not None and a.task not in cap.BY_NAME:
        raise ValueError(f"--task must be one of {', '.join(sorted(cap.BY_NAME))}, got {a.task!r}.")
    ids = zoo.list_models(a.pattern, pretrained=True if a.pretrained else None, task=a.task)
    if not ids:
        print(f"No catalog id matches {a.pattern!r}{' with published weights' if a.pretrained else ''}"
              f"{f' and the capability {a.task!r}' if a.task else ''}; `python -m zoo list` shows them all.",
              file=sys.stderr)
        return 1
    for mid in ids:
        spec = zoo.registry.get_spec(mid)
        print(f"{mid:24s} {spec.status:12s} {spec.summary}")
    return 0


def _int_at_least(low, what, high=None):
    """An argparse type: an int in [low, high], with a message that names the option."""
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be an int, got {text!r}") from None
        if value < low or (high is not None and value > high):
            bounds = f"in [{low:,}, {high:,}]" if high is not None else f"at least {low:,}"
            raise argparse.ArgumentTypeError(f"{what} must be {bounds}, got {value}")
        return value
    return parse


def _png_path(text):
    if not text.lower().endswith(".png"):
        raise argparse.ArgumentTypeError(f"-o/--output writes a PNG image: give a path ending in .png, got {text!r}")
    return text


def _cmd_info(a):
    import zoo

    print(json.dumps(zoo.info(a.model_id), indent=2))
    return 0


def _cmd_sample(a):
    import zoo
    from zoo import viz

    model = zoo.load(a.model, compile=False)
    if not cap.has(model, cap.Generator):
        hint = " `python -m zoo list --task generate` lists the models that can."
        if cap.has(model, cap.Encoder):
            hint = (f" It has an encoder: encode and reconstruct images in Python, e.g. "
                    f"zoo.load({a.model!r}).reconstruct(x), or open the demo (python -m demos).{hint}")
        raise ValueError(f"model {a.model!r} cannot generate samples: `sample` needs the "
                         f"{cap.Generator.name!r} capability, and its capabilities are "
                         f"{', '.join(cap.names(model)) or 'none'}.{hint}")
    x = model.generate(a.n, seed=a.seed)
    path = viz.save_samples(a.output, x, scale=a.scale)
    print(f"Wrote {len(x)} samples of {a.model} (seed {a.seed}) to {path}")
    return 0


def _cmd_evaluate(a):
    from zoo import registry
    from zoo.eval import evaluate_id

    res = evaluate_id(a.model, n_samples=a.n)
    card = {}
    if a.model in registry.REGISTRY:
        card = registry.get_spec(a.model).metrics.get("eval", {})
    if not res.get("eval"):
        print(f"The evaluation suite has no metric for {a.model}.")
        return 1
    print(f"{'metric':28s} {'now':>12s} {'card':>12s}  protocol")
    for k, v in res["eval"].items():
        c = card.get(k)
        c = f"{c:12.5g}" if isinstance(c, (int, float)) else f"{'-':>12s}"
        print(f"{k:28s} {v:12.5g} {c}  {res.get('protocol', {}).get(k, '')}")
    return 0


def _cmd_export(a):
    import zoo
    from zoo import export

    model = zoo.load(a.model, compile=False)
    names = export.export(model, a.output, a.format)
    print(f"Exported {a.model} as {a.format} to {a.output}: endpoints {', '.join(names)}")
    return 0


REPO_ID = re.compile(r"^[\w.-]+/[\w.-]+$")


def repo_id(text):
    """argparse type: a Hub repo id "org/name"."""
    if not REPO_ID.match(text) or ".." in text:
        raise argparse.ArgumentTypeError(f"must be a Hub repo id such as me/dcgan-mnist, got {text!r}")
    return text


def _cmd_push(a):
    import zoo
    from zoo import hub, registry

    handle = a.model
    if handle.startswith(hub.HF_PREFIX):  # re-publish a Hub model: its own snapshot is the folder
        from huggingface_hub import snapshot_download

        repo, revision = hub.parse_hf_handle(handle)
        handle = snapshot_download(repo_id=repo, revision=revision, allow_patterns=hub.HF_ALLOW_PATTERNS)
    # A folder publishes its own metrics, card and images; a catalog id those of the catalog.
    source = handle if handle not in registry.REGISTRY and os.path.isdir(handle) else None
    model = zoo.load(handle)  # compiled: config.json records the optimizers, so `fit` works after loading
    info = hub.push_to_hub(model, a.repo_id, private=a.private, revision=a.revision,
                           commit_message=a.message, source=source)
    print(f"Pushed {a.model} to {a.repo_id}{f' (branch {a.revision})' if a.revision else ''}: "
          f"commit {info.oid}\n{info.commit_url}\nLoad it with zoo.load('hf://{a.repo_id}@{info.oid}')")
    return 0


def _output_options(parser, default):
    """--quiet / --verbose, accepted before or after the command."""
    parser.add_argument("--quiet", action="store_true", default=default,
                        help="no progress bars (also ZOO_QUIET=1; off anyway when stdout is not a terminal)")
    parser.add_argument("--verbose", action="store_true", default=default,
                        help="show TensorFlow's log lines (hidden unless TF_CPP_MIN_LOG_LEVEL is set)")


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m zoo", description="Pretrained generative models.")
    _output_options(p, False)
    common = argparse.ArgumentParser(add_help=False)
    _output_options(common, argparse.SUPPRESS)  # after the command: set only when given
    sub = p.add_subparsers(dest="command", required=True)

    def command(name, **kwargs):
        return sub.add_parser(name, parents=[common], **kwargs)

    s = command("list", help="list catalog ids")
    s.add_argument("pattern", nargs="?", default="*", help="shell wildcard (default *)")
    s.add_argument("--pretrained", action="store_true", help="only ids with published weights")
    s.add_argument("--task", default=None, metavar="CAPABILITY",
                   help=f"only ids that can do this ({', '.join(sorted(cap.BY_NAME))})")
    s.set_defaults(fn=_cmd_list)
    s = command("info", help="describe a catalog model as JSON")
    s.add_argument("model_id")
    s.set_defaults(fn=_cmd_info)
    s = command("sample", help="write a PNG grid of samples")
    s.add_argument("model", help="catalog id, folder or hf://org/repo[@rev]")
    s.add_argument("-n", type=_int_at_least(1, "-n"), default=64, help="number of samples (default 64)")
    s.add_argument("--seed", type=_int_at_least(0, "--seed"), default=0, help="sampling seed (default 0)")
    s.add_argument("-o", "--output", type=_png_path, default="samples.png", help="PNG path (default samples.png)")
    s.add_argument("--scale", type=_int_at_least(1, "--scale", 16), default=2,
                   help="pixel upscaling of the grid, 1 to 16 (default 2)")
    s.set_defaults(fn=_cmd_sample)
    s = command("evaluate", help="recompute a model's metrics beside those in its card")
    s.add_argument("model", help="catalog id (or a folder saved from one)")
    # KID compares subsets of 1,000 samples: fewer gives meaningless (even negative) estimates.
    s.add_argument("-n", type=_int_at_least(1000, "-n"), default=None,
                   help="override sample counts, at least 1,000 (quick look; cards use defaults)")
    s.set_defaults(fn=_cmd_evaluate)
    s = command("push", help="publish a model to the Hugging Face Hub in one commit",
                description="Upload config.json, the weights, metrics.json, the model card (as README.md) "
                            "and its images to a Hub model repo in one commit (created when missing), "
                            "and print the commit: zoo.load('hf://ORG/REPO@<commit>') loads it back.")
    s.add_argument("model", help="catalog id, model folder (save_pretrained, a training run's model/) "
                                 "or hf://org/repo[@rev]")
    s.add_argument("repo_id", type=repo_id, help="the Hub repo, ORG/REPO")
    s.add_argument("--revision", default=None, help="branch to commit to, created when missing (default: main)")
    s.add_argument("--private", action="store_true", help="create the repo private (an existing repo is unchanged)")
    s.add_argument("-m", "--message", default=None, help="commit message (default 'Upload <id> from zoo')")
    s.set_defaults(fn=_cmd_push)
    s = command("export", help="export a model's inference functions for serving (SavedModel, TFLite)",
                description="Write the model's endpoints (decode for a generator; encode, decode, "
                            "reconstruct for an autoencoder; predict_proba for a classifier) as a "
                            "TensorFlow SavedModel folder or a TFLite file; OUTPUT must not exist.")
    s.add_argument("model", help="catalog id, folder or hf://org/repo[@rev]")
    s.add_argument("output", help="the SavedModel folder or .tflite file to write")
    s.add_argument("--format", choices=("saved_model", "tflite"), default="saved_model",
                   help="saved_model (default) or tflite")
    s.set_defaults(fn=_cmd_export)
    a = p.parse_args(argv)
    if a.quiet:
        progress.set_quiet()
    if a.verbose:
        progress.show_tensorflow_logs()
    if a.fn not in (_cmd_list, _cmd_info):
        progress.import_tensorflow()  # the other commands load models: TensorFlow, its start-up lines hidden
    from zoo.saving import ZooLoadError
    from zoo.registry import UnknownModelError

    try:
        return a.fn(a)
    except (UnknownModelError, ZooLoadError, ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
