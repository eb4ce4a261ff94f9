"""What a benchmark script's `--check` prints and returns: shared by the scripts whose tables the tests check."""

import sys


def exit_status(path, problems, command):
    """Print each problem of the file at `path` with the `command` that rewrites it; 1 if any, else 0."""
    for problem in problems:
        print(f"{path}: {problem}; rerun `{command}`", file=sys.stderr)
    return 1 if problems else 0
