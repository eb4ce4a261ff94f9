"""Resolve a model handle to files, load it safely, save and publish it.

A handle is
- a catalog id ("dcgan-mnist"): the weights bundled in ``zoo/pretrained/<id>/``,
  checked against the sha256 in the catalog;
- a local folder written by `save_pretrained` (``config.json`` + ``model.weights.h5``);
- ``hf://org/repo[@revision]``: a Hugging Face Hub repo fetched with
  `huggingface_hub.snapshot_download` (its cache and ``HF_HUB_OFFLINE`` apply).

Nothing in an artifact is executed: the config is JSON naming one of the zoo's own
families, weights are HDF5 tensors, optimizers are deserialized in safe mode, and every
weight file's sha256 is verified before Keras reads it.
"""

import hashlib
import json
import os
import shutil
import tempfile
import warnings

from zoo import registry
from zoo.registry import CONFIG_FILE, METRICS_FILE, WEIGHTS_FILE

FORMAT = "zoo"
FORMAT_VERSION = 1
HF_PREFIX = "hf://"
HF_ALLOW_PATTERNS = [CONFIG_FILE, WEIGHTS_FILE, METRICS_FILE, "README.md", "*.png"]
MAX_CONFIG_BYTES = 1_000_000


class ZooLoadError(RuntimeError):
    """A handle that cannot be turned into a trustworthy model."""


class WeightsNotAvailableError(ZooLoadError):
    """A catalog id whose weights are not published (yet)."""


def sha256_file(path, chunk=1 << 20):
    """Hex sha256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


def _verify(path, expected, where):
    if not os.path.isfile(path):
        raise ZooLoadError(f"Weight file {path} is missing ({where}).")
    actual = sha256_file(path)
    if actual != expected:
        raise ZooLoadError(
            f"Weight file {path} does not match its sha256 ({where}): expected {expected}, "
            f"got {actual}. The file is corrupt, truncated or was modified; it was not loaded."
        )


def _read_config(folder):
    path = os.path.join(folder, CONFIG_FILE)
    if not os.path.isfile(path):
        raise ZooLoadError(f"{folder} has no {CONFIG_FILE}; it is not a saved zoo model.")
    if os.path.getsize(path) > MAX_CONFIG_BYTES:
        raise ZooLoadError(f"{path} is implausibly large for a model config.")
    try:
        with open(path, encoding="utf-8") as f:
            cfg = json.load(f)
    except (ValueError, UnicodeDecodeError) as e:
        raise ZooLoadError(f"{path} is not valid JSON: {e}") from None
    if not isinstance(cfg, dict) or cfg.get("format") != FORMAT:
        raise ZooLoadError(f"{path} is not a zoo model config (missing format: {FORMAT!r}).")
    if cfg.get("version", 0) > FORMAT_VERSION:
        raise ZooLoadError(f"{path} has format version {cfg['version']}; upgrade zoo to read it.")
    return cfg


def _build(family, config, compile_config=None, compile=True, weights=None):
    from zoo.models import FAMILIES

    if family not in FAMILIES:  # only the zoo's own classes, never a name from the artifact
        raise ZooLoadError(f"Unknown model family {family!r}; known: {sorted(FAMILIES)}.")
    if not isinstance(config, dict):
        raise ZooLoadError("The model config must be a JSON object.")
    try:
        model = FAMILIES[family].from_config(dict(config))
    except (TypeError, ValueError) as e:
        raise ZooLoadError(f"Cannot build a {family} from this config: {e}") from None
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
    if compile:
        if compile_config:
            if not isinstance(compile_config, dict):
                raise ZooLoadError("compile_config must be a JSON object.")
            model.compile_from_config(compile_config)
        else:
            model.compile()
    return model


def load_folder(folder, expected_sha256=None, compile=True):
    """Load a folder written by `save_pretrained`.

    Args:
        folder: the directory.
        expected_sha256: trusted digest of the weights (the catalog's); by default the
            digest recorded in config.json, which catches corruption and truncation.
        compile: restore the recipe's optimizers (default True).
    """
    cfg = _read_config(folder)
    weights = os.path.join(folder, WEIGHTS_FILE)
    expected = expected_sha256 or cfg.get("files", {}).get(WEIGHTS_FILE)
    if not expected:
        raise ZooLoadError(f"{folder}/{CONFIG_FILE} records no sha256 for {WEIGHTS_FILE}.")
    _verify(weights, expected, "catalog" if expected_sha256 else CONFIG_FILE)
    model = _build(cfg.get("family"), cfg.get("config"), cfg.get("compile_config"), compile, weights)
    model.zoo_id = cfg.get("id")
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
        raise TypeError(f"A model handle is a str or path, got {type(handle).__name__}.")
    handle = os.fspath(handle)
    if handle.startswith(HF_PREFIX):
        from huggingface_hub import snapshot_download

        repo, revision = parse_hf_handle(handle)
        folder = snapshot_download(repo_id=repo, revision=revision, allow_patterns=HF_ALLOW_PATTERNS)
        return load_folder(folder, compile=compile)
    if os.path.isdir(handle):
        return load_folder(handle, compile=compile)
    if handle not in registry.REGISTRY and (os.sep in handle or handle.startswith(".")):
        raise ZooLoadError(f"No model folder at {handle!r} (and it is not a catalog id).")
    spec = registry.get_spec(handle)
    if not pretrained:
        model = _build(spec.family, spec.config, _recipe_compile_config(spec.id), compile)
        model.zoo_id = spec.id
        return model
    if spec.status != "trained":
        raise WeightsNotAvailableError(
            f"The weights of {spec.id!r} are not published yet. Train them with "
            f"`python -m training.train {spec.id}` (dataset: {spec.dataset}), load a copy with "
            f"zoo.load('hf://<org>/<repo>'), or use zoo.load({spec.id!r}, pretrained=False) "
            "for the untrained model."
        )
    model = load_folder(spec.pretrained_dir, expected_sha256=spec.weights[WEIGHTS_FILE], compile=compile)
    model.zoo_id = spec.id
    return model


def _recipe_compile_config(model_id):
    try:
        from training.recipes import RECIPES
    except ImportError:  # the library works without the training package
        return None
    recipe = RECIPES.get(model_id)
    return recipe.compile_config() if recipe else None


def _atomic_replace_dir(tmp, directory):
    """Move a finished temp dir onto `directory`, keeping the old one until the swap."""
    old = None
    if os.path.exists(directory):
        old = directory.rstrip(os.sep) + ".old-" + os.path.basename(tmp)
        os.rename(directory, old)
    os.rename(tmp, directory)
    if old:
        shutil.rmtree(old, ignore_errors=True)


def save_pretrained(model, directory, metrics=None, model_id=None):
    """Write ``config.json`` + ``model.weights.h5`` (+ ``metrics.json``) into `directory`.

    Files are written into a temporary sibling folder that is renamed into place, so a
    crash never leaves a half-written model. Optimizer state is not saved; the
    optimizer *configs* are, so the loaded model is compiled like this one.

    Example:
        g.save_pretrained("my-dcgan"); zoo.load("my-dcgan")
    """
    from zoo.models import FAMILIES

    family = next((k for k, v in FAMILIES.items() if type(model) is v), None)
    if family is None:
        raise TypeError(f"save_pretrained expects a zoo model, got {type(model).__name__}.")
    directory = os.path.abspath(os.fspath(directory))
    parent = os.path.dirname(directory)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="." + os.path.basename(directory) + ".tmp-", dir=parent)
    try:
        # A fresh, uncompiled copy holds exactly the network weights (no optimizer slots).
        clone = type(model).from_config(model.get_config())
        clone.set_weights(model.get_weights())
        weights = os.path.join(tmp, WEIGHTS_FILE)
        clone.save_weights(weights)
        cfg = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "id": model_id or getattr(model, "zoo_id", None),
            "family": family,
            "config": model.get_config(),
            "compile_config": model.get_compile_config() or None,
            "files": {WEIGHTS_FILE: sha256_file(weights)},
        }
        with open(os.path.join(tmp, CONFIG_FILE), "w", encoding="utf-8") as f:
            json.dump(cfg, f, indent=2, sort_keys=True)
        if metrics is not None:
            with open(os.path.join(tmp, METRICS_FILE), "w", encoding="utf-8") as f:
                json.dump(metrics, f, indent=2, sort_keys=True)
        _atomic_replace_dir(tmp, directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return directory


def push_to_hub(model, repo_id, token=None, private=False, commit_message=None, card_path=None):
    """Create (if needed) the Hub repo `repo_id` and upload the saved model to it.

    The folder holds config.json, model.weights.h5, metrics.json when the model is a
    catalog model, and the model card as README.md (with its images) when one exists.

    Returns the `huggingface_hub.CommitInfo` of the upload.
    """
    from huggingface_hub import HfApi

    model_id = getattr(model, "zoo_id", None)
    metrics = registry.REGISTRY[model_id].metrics if model_id in registry.REGISTRY else None
    api = HfApi(token=token)
    with tempfile.TemporaryDirectory() as tmp:
        folder = save_pretrained(model, os.path.join(tmp, "model"), metrics=metrics or None)
        card_path = card_path or _card_path(model_id)
        if card_path and os.path.isfile(card_path):
            shutil.copy(card_path, os.path.join(folder, "README.md"))
            for name in os.listdir(os.path.dirname(card_path)):
                if model_id and name.startswith(model_id) and name.endswith(".png"):
                    shutil.copy(os.path.join(os.path.dirname(card_path), name), folder)
        api.create_repo(repo_id=repo_id, repo_type="model", private=private, exist_ok=True)
        return api.upload_folder(
            repo_id=repo_id,
            repo_type="model",
            folder_path=folder,
            commit_message=commit_message or f"Upload {model_id or type(model).__name__} from zoo",
        )


def _card_path(model_id):
    if not model_id:
        return None
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.join(root, "model_cards", f"{model_id}.md")
