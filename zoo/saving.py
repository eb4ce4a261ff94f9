"""Writing and reading a saved model folder: config.json + model.weights.h5 (+ metrics.json).

A leaf module (it imports no other part of the zoo). Every file of a folder is recorded
with its sha256 in ``config.json["files"]`` (the catalog pins the same digests, and the
digest of config.json itself, in `zoo/checksums.py`); a folder is written into a
temporary sibling and renamed into place, so a crash never leaves half a model.
Nothing read here is executed: the config is JSON, the weights are HDF5 tensors.
"""

import hashlib
import json
import os
import shutil
import tempfile

FORMAT = "zoo"
FORMAT_VERSION = 1
WEIGHTS_FILE = "model.weights.h5"
CONFIG_FILE = "config.json"
METRICS_FILE = "metrics.json"
MAX_CONFIG_BYTES = 1_000_000
MAX_METRICS_BYTES = 10_000_000


class ZooLoadError(RuntimeError):
    """A handle or file that cannot be turned into a trustworthy model."""


class WeightsNotAvailableError(ZooLoadError):
    """A catalog id whose weights are not published (yet)."""


def sha256_file(path, chunk=1 << 20):
    """Hex sha256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


def verify(path, expected, where):
    """Raise ZooLoadError unless the file at `path` exists and has sha256 `expected`."""
    if not os.path.isfile(path):
        raise ZooLoadError(f"{os.path.basename(path)} is missing from {os.path.dirname(path)} ({where}).")
    actual = sha256_file(path)
    if actual != expected:
        raise ZooLoadError(
            f"{path} does not match its sha256 ({where}): expected {expected}, got {actual}. "
            "The file is corrupt, truncated or was modified; it was not loaded."
        )


def read_json(path, limit, what):
    """A JSON object from `path`; ZooLoadError naming the file otherwise."""
    if not os.path.isfile(path):
        raise ZooLoadError(f"{path} is missing; {what} needs it.")
    if os.path.getsize(path) > limit:
        raise ZooLoadError(f"{path} is implausibly large ({os.path.getsize(path):,} bytes) for {what}.")
    try:
        with open(path, encoding="utf-8") as f:
            obj = json.load(f, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError) as e:
        raise ZooLoadError(f"{path} is not valid JSON: {e}") from None
    if not isinstance(obj, dict):
        raise ZooLoadError(f"{path} must hold a JSON object, got {type(obj).__name__}.")
    return obj


def _reject_constant(name):
    raise ValueError(f"{name} is not a JSON number")


def read_config(folder):
    """The checked config.json of a saved folder (format, version, family, config, files)."""
    path = os.path.join(folder, CONFIG_FILE)
    if not os.path.isdir(folder):
        raise ZooLoadError(f"No model folder at {folder!r}.")
    if not os.path.isfile(path):
        raise ZooLoadError(f"{folder} has no {CONFIG_FILE}; it is not a saved zoo model.")
    cfg = read_json(path, MAX_CONFIG_BYTES, "a model config")
    if cfg.get("format") != FORMAT:
        raise ZooLoadError(f"{path} is not a zoo model config (missing format: {FORMAT!r}).")
    version = cfg.get("version", 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise ZooLoadError(f"{path}: 'version' must be a non-negative int, got {version!r}.")
    if version > FORMAT_VERSION:
        raise ZooLoadError(f"{path} has format version {version}; upgrade zoo to read it.")
    for key, kind in (("family", str), ("config", dict), ("files", dict)):
        if not isinstance(cfg.get(key), kind):
            raise ZooLoadError(f"{path}: {key!r} must be a JSON {kind.__name__}, got {cfg.get(key)!r:.80}.")
    compile_config = cfg.get("compile_config")
    if compile_config is not None and not isinstance(compile_config, dict):
        raise ZooLoadError(f"{path}: 'compile_config' must be a JSON object or null.")
    files = cfg["files"]
    if WEIGHTS_FILE not in files:
        raise ZooLoadError(f"{path} records no sha256 for {WEIGHTS_FILE}.")
    for name, sha in files.items():
        if (not isinstance(name, str) or os.path.basename(name) != name or name in (".", "..")
                or not isinstance(sha, str) or len(sha) != 64):
            raise ZooLoadError(f"{path}: 'files' must map plain file names to sha256 digests, got "
                               f"{name!r}: {sha!r:.80}.")
    return cfg


def verify_folder(folder, cfg, pinned=None):
    """Check every file the folder's config records (and, when given, the catalog's `pinned`
    {name: sha256}, config.json included) before anything is read."""
    where = "catalog" if pinned else CONFIG_FILE
    expected = dict(cfg["files"])
    if pinned:
        for name, sha in pinned.items():
            if name in expected and expected[name] != sha:
                raise ZooLoadError(f"{os.path.join(folder, CONFIG_FILE)} records another sha256 for {name} "
                                   "than the catalog; the folder was modified.")
            expected[name] = sha
    for name, sha in sorted(expected.items()):
        verify(os.path.join(folder, name), sha, where)


def read_metrics(folder, required=False):
    """The folder's metrics.json as a dict ({} when absent and not required)."""
    path = os.path.join(folder, METRICS_FILE)
    if not os.path.exists(path) and not required:
        return {}
    return read_json(path, MAX_METRICS_BYTES, "the model's metrics")


def nonfinite_weights(model):
    """Paths of the model's variables that hold NaN or infinite values ([] when all finite)."""
    import numpy as np

    return [v.path for v in model.weights if not np.all(np.isfinite(np.asarray(v.numpy(), dtype=np.float64)))]


def write_file_atomic(path, text=None, source=None, mode=0o644):
    """Write `text` (or copy the file `source`) to `path` through a temporary sibling renamed into
    place, so a reader never sees half a file."""
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp",
                               dir=os.path.dirname(os.path.abspath(path)))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            if text is not None:
                f.write(text)
        if source is not None:
            shutil.copyfile(source, tmp)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path


def _write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, sort_keys=True, allow_nan=False)
        f.write("\n")


def replace_dir(tmp, directory):
    """Move a finished temp dir onto `directory`, keeping the old one until the swap."""
    old = None
    if os.path.exists(directory):
        old = tempfile.mkdtemp(prefix="." + os.path.basename(directory) + ".old-", dir=os.path.dirname(directory))
        os.rmdir(old)
        os.rename(directory, old)
    try:
        os.rename(tmp, directory)
    except BaseException:
        if old:
            os.rename(old, directory)
        raise
    if old:
        shutil.rmtree(old, ignore_errors=True)


def _umask_mode(mode=0o777):
    umask = os.umask(0)
    os.umask(umask)
    return mode & ~umask


def write_folder(directory, family, config, weights_writer, compile_config=None, metrics=None,
                 model_id=None, extra_files=None):
    """Write a saved-model folder atomically and return its path.

    Args:
        directory: destination; replaced as a whole if it exists.
        family: the family class name recorded in config.json.
        config: the model's constructor config (JSON-able).
        weights_writer: callable(path) that writes the weights file.
        compile_config: the optimizers' configs, or None.
        metrics: dict written as metrics.json, or None.
        model_id: catalog id recorded in config.json, or None.
        extra_files: {name: source path} copied in (a card and its images).
    """
    directory = os.path.abspath(os.fspath(directory))
    parent = os.path.dirname(directory)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="." + os.path.basename(directory) + ".tmp-", dir=parent)
    try:
        os.chmod(tmp, _umask_mode())  # mkdtemp makes 0700; a saved model is an ordinary folder
        weights_writer(os.path.join(tmp, WEIGHTS_FILE))
        if metrics is not None:
            _write_json(os.path.join(tmp, METRICS_FILE), metrics)
        for name, src in (extra_files or {}).items():
            shutil.copyfile(src, os.path.join(tmp, name))
        files = {name: sha256_file(os.path.join(tmp, name)) for name in sorted(os.listdir(tmp))}
        _write_json(os.path.join(tmp, CONFIG_FILE), {
            "format": FORMAT, "version": FORMAT_VERSION, "id": model_id, "family": family,
            "config": config, "compile_config": compile_config or None, "files": files,
        })
        replace_dir(tmp, directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return directory
