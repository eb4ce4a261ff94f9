"""Shared helpers of the demo's client tests: launch an app on a free local port, talk to it with
gradio_client, read the images it returns."""

import contextlib
import socket

import numpy as np
import PIL.Image

GENERIC = "has not enabled verbose error reporting"  # what an unhandled exception looks like


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def launched(app, downloads):
    """A gradio_client.Client of `app` served on 127.0.0.1 (closed on exit); files land in `downloads`."""
    from gradio_client import Client

    from demos.app import launch

    _, url, _ = launch(app, host="127.0.0.1", port=free_port(), prevent_thread_lock=True, quiet=True)
    try:
        yield Client(url, verbose=False, download_files=str(downloads))
    finally:
        app.close()


def read(path):
    """An image file the app returned, as a numpy array."""
    return np.asarray(PIL.Image.open(path))


def tiles(grid, n, ncols=None, side=28, pad=2):
    """Undo `zoo.viz.image_grid` (the layout the demo uses) back to (n, side, side) uint8."""
    ncols = ncols or int(np.ceil(np.sqrt(n)))
    out = []
    for i in range(n):
        r, q = divmod(i, ncols)
        y, x = pad + r * (side + pad), pad + q * (side + pad)
        out.append(grid[y: y + side, x: x + side])
    return np.stack(out)
