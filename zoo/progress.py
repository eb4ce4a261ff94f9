"""What the zoo prints while it works: progress bars on long work, and TensorFlow's start-up lines.

Progress bars (Keras' `Progbar`) are on when stdout is a terminal and off otherwise;
``ZOO_QUIET=1`` turns them off everywhere (the CLI's ``--quiet`` sets it), ``ZOO_QUIET=0`` turns
them on even when stdout is a file or a pipe.

>>> from zoo.progress import progress, track
>>> for batch in track(batches, "features"):       # a bar over an iterable
...     ...
>>> with progress(len(suites), "evaluating") as bar:   # a bar advanced by hand
...     bar.advance()

TensorFlow writes lines to stderr while it loads (oneDNN, CPU features, CUDA), before it reads
``TF_CPP_MIN_LOG_LEVEL``. Unless the user set that variable, importing the zoo sets it to 2 and
`import_tensorflow` hides those lines; `show_tensorflow_logs` (the CLI's ``--verbose``) keeps them.

A leaf module (standard library only; Keras is imported when a bar is shown).
"""

import contextlib
import importlib.util
import os
import sys

QUIET_ENV = "ZOO_QUIET"
_TF_LEVEL = "TF_CPP_MIN_LOG_LEVEL"
_USER_TF_LEVEL = os.environ.get(_TF_LEVEL)  # None: the user left TensorFlow's logging to the zoo
_hide_tf_lines = _USER_TF_LEVEL is None
if _USER_TF_LEVEL is None:
    os.environ[_TF_LEVEL] = "2"  # TensorFlow's C++ info and warning lines off; errors still shown


def enabled():
    """True when progress bars are shown: ZOO_QUIET=0, or ZOO_QUIET unset and stdout a terminal."""
    value = os.environ.get(QUIET_ENV, "").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return False
    if value in ("0", "false", "no", "off"):
        return True
    isatty = getattr(sys.stdout, "isatty", None)
    return bool(isatty and isatty())


def set_quiet(quiet=True):
    """Turn progress bars off (or on) for this process and the processes it starts."""
    os.environ[QUIET_ENV] = "1" if quiet else "0"


class _Bar:
    """A Keras Progbar over `total` units (None: unknown), headed by `label`."""

    def __init__(self, total, label, unit):
        import keras

        if label:
            print(label, file=sys.stdout, flush=True)
        self._bar = keras.utils.Progbar(total, unit_name=unit)
        self.done = 0

    def advance(self, n=1):
        self.done += n
        self._bar.update(self.done)

    def close(self):
        if self._bar.target is None or self.done < self._bar.target:
            self._bar.update(self.done, finalize=True)  # end the line even when stopped early


class _NoBar:
    done = 0

    def advance(self, n=1):
        pass

    def close(self):
        pass


@contextlib.contextmanager
def progress(total, label="", unit="step"):
    """A progress bar over `total` units (None when unknown): `bar.advance(n=1)` after each;
    a bar that does nothing when progress is off (`enabled`).

    Example:
        with progress(len(xs), "projecting", unit="image") as bar:
            for x in xs: ...; bar.advance()
    """
    bar = _Bar(total, label, unit) if enabled() and total != 0 else _NoBar()
    try:
        yield bar
    finally:
        bar.close()


def track(iterable, label="", total=None, unit="step"):
    """Yield the items of `iterable` with a progress bar (total: len(iterable) when it has one)."""
    if total is None and hasattr(iterable, "__len__"):
        total = len(iterable)
    with progress(total, label, unit) as bar:
        for item in iterable:
            yield item
            bar.advance()


def show_tensorflow_logs():
    """Let TensorFlow print its log lines (the CLI's --verbose): call before it is imported."""
    global _hide_tf_lines
    _hide_tf_lines = False
    if _USER_TF_LEVEL is None:
        os.environ[_TF_LEVEL] = "0"


def import_tensorflow():
    """Import TensorFlow; unless the user set TF_CPP_MIN_LOG_LEVEL or `show_tensorflow_logs` was
    called, what its C++ runtime writes to stderr while it loads is dropped (Python errors are
    raised as usual, after stderr is back). Nothing is imported when KERAS_BACKEND names another
    backend or TensorFlow is not installed (Keras then says what is missing)."""
    if os.environ.get("KERAS_BACKEND", "tensorflow") not in ("", "tensorflow"):
        return
    if "tensorflow" not in sys.modules and importlib.util.find_spec("tensorflow") is None:
        return
    if "tensorflow" in sys.modules or not _hide_tf_lines:
        import tensorflow  # noqa: F401
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (AttributeError, OSError, ValueError):  # no file descriptor 2 to redirect
        import tensorflow  # noqa: F401
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            try:
                import tensorflow  # noqa: F401
            finally:
                sys.stderr.flush()
                os.dup2(saved, 2)
    finally:
        os.close(saved)
