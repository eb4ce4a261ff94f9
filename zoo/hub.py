"""Resolve a model handle to files, load it safely, save and publish it.

A handle is
- a catalog id ("dcgan-mnist"): the files bundled in ``zoo/pretrained/<id>/``, every one
  checked against the sha256 the catalog pins (`zoo/checksums.py`);
- a local folder written by `save_pretrained` (config.json records the sha256 of every file);
- ``hf://org/repo[@revision]``: a Hugging Face Hub repo fetched with
  `huggingface_hub.snapshot_download` (its cache and ``HF_HUB_OFFLINE`` apply).

Nothing in an artifact is executed: the config is JSON naming one of the zoo's own
families (`zoo.registry.FAMILIES`), weights are HDF5 tensors, optimizers are Keras'
built-ins deserialized in safe mode, and every file's sha256 is verified before it is read.
Every failure is a `ZooLoadError` that names the file.
"""

import os
import shutil
import tempfile
import warnings

from zoo import registry, saving
from zoo.saving import (CONFIG_FILE, METRICS_FILE, WEIGHTS_FILE, WeightsNotAvailableError,  # noqa: F401
                        ZooLoadError, sha256_file)

HF_PREFIX = "hf://"
HF_ALLOW_PATTERNS = [CONFIG_FILE, WEIGHTS_FILE, METRICS_FILE, "README.md", "*.png"]


def _build(family, config, compile_config=None, compile=True, weights=None, where="config.json"):
    """A model of a registered family from its config (+ weights, + optimizers)."""
    cls = registry.FAMILIES.get(family)
    if cls is None:  # only the zoo's own classes, never a name from the artifact
        raise ZooLoadError(f"{where}: unknown model family {family!r}; known: {sorted(registry.FAMILIES)}.")
    if not isinstance(config, dict):
        raise ZooLoadError(f"{where}: the model config must be a JSON object.")
    try:
        model = cls.from_config(dict(config))
    except (TypeError, ValueError, KeyError, OverflowError, MemoryError) as e:
        raise ZooLoadError(f"{where}: cannot build a {family} from this config: {e}") from None
    if weights:  # before compile: the file holds network weights only, no optimizer slots
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                model.load_weights(weights)
            except Exception as e:  # h5py / Keras raise many types for a wrong file
                raise ZooLoadError(f"{weights} does not fit a {family} with this config: {e}") from None
        # Keras only warns when it skips part of a file; a partially loaded model is an error.
        skipped = [str(w.message) for w in caught if "skipping" in str(w.message).lower()]
        if skipped:
            raise ZooLoadError(f"{weights} does not fit a {family} with this config: {skipped[0]}")
        bad = saving.nonfinite_weights(model)
        if bad:
            raise ZooLoadError(f"{weights} holds NaN or infinite values (in {bad[0]}"
                               f"{f' and {len(bad) - 1} more' if len(bad) > 1 else ''}); it was not loaded.")
    if compile:
        try:
            if compile_config:
                model.compile_from_config(compile_config)
            else:
                model.compile()
        except (TypeError, ValueError, KeyError) as e:
            raise ZooLoadError(f"{where}: its compile_config cannot be restored: {e}") from None
    return model


def load_folder(folder, expected_sha256=None, compile=True, pinned=None):
    """Load a folder written by `save_pretrained`.

    Args:
        folder: the directory.
        expected_sha256: trusted digest of the weights file (default None).
        compile: restore the recipe's optimizers (default True).
        pinned: trusted {file: sha256} of the folder's files, config.json included (the catalog's).
    """
    pinned = dict(pinned or {})
    if expected_sha256:
        pinned[WEIGHTS_FILE] = expected_sha256
    if CONFIG_FILE in pinned:  # check the config's own digest before trusting what it says
        saving.verify(os.path.join(folder, CONFIG_FILE), pinned[CONFIG_FILE], "catalog")
    cfg = saving.read_config(folder)
    saving.verify_folder(folder, cfg, pinned or None)
    where = os.path.join(folder, CONFIG_FILE)
    model = _build(cfg["family"], cfg["config"], cfg.get("compile_config"), compile,
                   os.path.join(folder, WEIGHTS_FILE), where)
    model.zoo_id = cfg.get("id") if isinstance(cfg.get("id"), str) else None
    return model


def parse_hf_handle(handle):
    """'hf://org/repo@rev' -> ('org/repo', 'rev' or None)."""
    rest = handle[len(HF_PREFIX):]
    repo, _, revision = rest.partition("@")
    if repo.count("/") != 1 or not all(repo.split("/")):
        raise ValueError(f"Expected hf://org/repo[@revision], got {handle!r}.")
    return repo, (revision or None)


def load(handle, pretrained=True, compile=True):
    """Load a model from a catalog id, a local folder or ``hf://org/repo[@revision]``.

    Args:
        handle: see the module docstring.
        pretrained: for a catalog id, False returns the untrained model (default True).
        compile: compile with the recipe's optimizers so `fit` works (default True).

    Example:
        g = zoo.load("dcgan-mnist")
        x = g.generate(16, seed=0)
    """
    if not isinstance(handle, (str, os.PathLike)):
        raise TypeError(f"handle must be a model id, folder or hf:// address (str), got {type(handle).__name__}.")
    for name, value in (("pretrained", pretrained), ("compile", compile)):
        if not isinstance(value, bool):
            raise TypeError(f"{name} must be True or False, got {value!r}.")
    handle = os.fspath(handle)
    if handle.startswith(HF_PREFIX):
        from huggingface_hub import snapshot_download

        repo, revision = parse_hf_handle(handle)
        folder = snapshot_download(repo_id=repo, revision=revision, allow_patterns=HF_ALLOW_PATTERNS)
        return load_folder(folder, compile=compile)
    if handle not in registry.REGISTRY and os.path.isdir(handle):
        return load_folder(handle, compile=compile)
    if handle not in registry.REGISTRY and (os.sep in handle or handle.startswith(".")):
        raise ZooLoadError(f"No model folder at {handle!r} (and it is not a catalog id).")
    spec = registry.get_spec(handle)
    if not pretrained:
        recipe = spec.recipe.compile_config() if spec.recipe else None
        model = _build(spec.family, spec.config, recipe, compile, where=f"catalog entry {spec.id}")
        model.zoo_id = spec.id
        return model
    if spec.status != "trained":
        how = f"python -m {spec.trainer} --install" if spec.trainer else f"python -m training.train {spec.id} --install"
        raise WeightsNotAvailableError(
            f"The weights of {spec.id!r} are not published yet. Train them with `{how}` "
            f"(dataset: {spec.dataset}), load a copy with zoo.load('hf://<org>/<repo>'), or use "
            f"zoo.load({spec.id!r}, pretrained=False) for the untrained model."
        )
    model = load_folder(spec.pretrained_dir, compile=compile, pinned=spec.files)
    model.zoo_id = spec.id
    return model


def _family_name(model):
    name = type(model).__name__
    if registry.FAMILIES.get(name) is not type(model):
        raise TypeError(f"save_pretrained expects a zoo model, got {name}.")
    return name


def write_weights(model, path):
    """`model`'s network weights into the .weights.h5 file `path`, as `save_pretrained` ships them:
    a fresh, uncompiled copy holds exactly the network weights (no optimizer slots)."""
    clone = type(model).from_config(model.get_config())
    clone.set_weights(model.get_weights())
    clone.save_weights(path)


def save_pretrained(model, directory, metrics=None, model_id=None, extra_files=None):
    """Write ``config.json`` + ``model.weights.h5`` (+ ``metrics.json``) into `directory`.

    Files are written into a temporary sibling folder that is renamed into place, so a
    crash never leaves a half-written model; config.json records every file's sha256.
    Optimizer state is not saved; the optimizer *configs* are, so the loaded model is
    compiled like this one. Non-finite weights are refused.

    Example:
        g.save_pretrained("my-dcgan"); zoo.load("my-dcgan")
    """
    family = _family_name(model)
    bad = saving.nonfinite_weights(model)
    if bad:
        raise ValueError(f"The model holds NaN or infinite weights (in {bad[0]}); it was not saved.")

    return saving.write_folder(directory, family, model.get_config(), lambda path: write_weights(model, path),
                               compile_config=model.get_compile_config() or None, metrics=metrics,
                               model_id=model_id or getattr(model, "zoo_id", None), extra_files=extra_files)


def _publish_files(model, card_path=None, source=None):
    """(metrics, {name: path} of the card and its images) to publish with `model`.

    From `source` (a model folder: its metrics.json, README.md and *.png) when given, else from
    the catalog entry of ``model.zoo_id`` (its metrics and card) and `card_path` (a card whose
    folder's *.png go with it).
    """
    metrics, extra = None, {}
    if source is not None:
        metrics = saving.read_metrics(source)
        card_path = card_path or os.path.join(source, "README.md")
    else:
        spec = registry.REGISTRY.get(getattr(model, "zoo_id", None))
        metrics = spec.metrics if spec else None
        card_path = card_path or (spec.card_path if spec else None)
    if card_path and os.path.isfile(card_path):
        extra["README.md"] = card_path
        folder = os.path.dirname(os.path.abspath(card_path))
        extra.update({n: os.path.join(folder, n) for n in sorted(os.listdir(folder)) if n.endswith(".png")})
    return metrics or None, extra


def push_to_hub(model, repo_id, token=None, private=False, commit_message=None, card_path=None,
                revision=None, source=None):
    """Create (if needed) the Hub repo `repo_id` and upload the model to it in one commit.

    The uploaded folder holds config.json, model.weights.h5, metrics.json and the model card as
    README.md with its images: those of the catalog entry the model was loaded from, or of
    `source`. Files of the zoo's kinds (``HF_ALLOW_PATTERNS``) that an earlier upload left and
    this one lacks are deleted in the same commit, so ``hf://repo_id@<commit>`` is this model.

    Args:
        model: a zoo model.
        repo_id: "org/name".
        token: Hub token (default None: the logged-in user's, or HF_TOKEN).
        private: create the repo private (default False; an existing repo keeps its visibility).
        commit_message: default "Upload <id> from zoo".
        card_path: a model card to upload as README.md, with the *.png beside it (default None).
        revision: the branch to commit to, created from the default branch when missing
            (default None: the default branch).
        source: a model folder whose metrics.json, README.md and images are published instead
            of the catalog's (default None); e.g. the folder the model was loaded from.

    Returns the `huggingface_hub.CommitInfo` of the upload (``.oid``, ``.commit_url``).

    Example:
        info = zoo.load("dcgan-mnist").push_to_hub("me/dcgan-mnist")
        zoo.load(f"hf://me/dcgan-mnist@{info.oid}")
    """
    from huggingface_hub import HfApi

    model_id = getattr(model, "zoo_id", None)
    metrics, extra = _publish_files(model, card_path, source)
    api = HfApi(token=token)
    with tempfile.TemporaryDirectory() as tmp:
        folder = save_pretrained(model, os.path.join(tmp, "model"), metrics=metrics, extra_files=extra)
        api.create_repo(repo_id=repo_id, repo_type="model", private=private, exist_ok=True)
        if revision:
            api.create_branch(repo_id=repo_id, branch=revision, repo_type="model", exist_ok=True)
        return api.upload_folder(
            repo_id=repo_id,
            repo_type="model",
            folder_path=folder,
            revision=revision,
            commit_message=commit_message or f"Upload {model_id or type(model).__name__} from zoo",
            delete_patterns=HF_ALLOW_PATTERNS,
        )


def copy_tree(src, dst):
    """Copy a folder to `dst` atomically (a temporary sibling renamed into place)."""
    tmp = tempfile.mkdtemp(prefix="." + os.path.basename(dst) + ".tmp-", dir=os.path.dirname(os.path.abspath(dst)))
    try:
        shutil.rmtree(tmp)
        shutil.copytree(src, tmp)
        saving.replace_dir(tmp, dst)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dst
