"""Turn batches of images or 2D points into PNG grids (Pillow; matplotlib only for plots)."""

import os
import tempfile

import numpy as np


def _publish(tmp, path):
    """Give a finished temp file the usual permissions (mkstemp makes it 0600) and rename it."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o666 & ~mask)
    os.replace(tmp, path)


def _atomic_png(path, write):
    """Call write(tmp) on a temp file beside `path`, then publish it as `path`; the temp file
    is removed when writing fails, so `path` is either the old file or the complete new one."""
    path = os.path.abspath(os.fspath(path))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".png", dir=os.path.dirname(path))
    os.close(fd)
    try:
        write(tmp)
        _publish(tmp, path)
    except BaseException:
        os.remove(tmp)
        raise
    return path


def save_figure(fig, path):
    """Write a matplotlib figure as PNG atomically and close it; returns the absolute path."""
    import matplotlib.pyplot as plt

    try:
        return _atomic_png(path, lambda tmp: fig.savefig(tmp, format="png"))
    finally:
        plt.close(fig)


def image_grid(images, ncols=None, pad=2):
    """Tile images (n, H, W, C) in [0, 1] into one uint8 array (rows*H, cols*W, C|nothing)."""
    x = np.asarray(images, np.float32)
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or x.shape[-1] not in (1, 3):
        raise ValueError(f"Expected images of shape (n, H, W, 1|3), got {x.shape}.")
    n, h, w, c = x.shape
    ncols = ncols or int(np.ceil(np.sqrt(n)))
    nrows = int(np.ceil(n / ncols))
    out = np.ones((nrows * (h + pad) + pad, ncols * (w + pad) + pad, c), np.float32)
    for i in range(n):
        r, q = divmod(i, ncols)
        out[pad + r * (h + pad): pad + r * (h + pad) + h, pad + q * (w + pad): pad + q * (w + pad) + w] = x[i]
    out = (np.clip(out, 0, 1) * 255 + 0.5).astype(np.uint8)
    return out[..., 0] if c == 1 else out


def save_png(path, array, scale=1):
    """Write a uint8 array as PNG atomically (temp name, then rename); returns the path."""
    from PIL import Image

    img = Image.fromarray(np.asarray(array, np.uint8))
    if scale != 1:
        img = img.resize((img.width * scale, img.height * scale), Image.NEAREST)
    return _atomic_png(path, lambda tmp: img.save(tmp, format="PNG"))


def save_samples(path, samples, scale=2):
    """Save generated samples: an image grid, or a scatter plot for 2D points."""
    samples = np.asarray(samples)
    if samples.ndim == 2 and samples.shape[1] == 2:
        return save_scatter(path, samples)
    return save_png(path, image_grid(samples), scale=scale)


def save_scatter(path, points, reference=None, title=None):
    """Scatter plot of 2D samples (optionally over reference points) as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 4), dpi=100)
    ax.scatter(points[:, 0], points[:, 1], s=2, c="#1f77b4", label="samples")
    if reference is not None:  # on top, small: tight modes stay visible under the samples
        ax.scatter(reference[:, 0], reference[:, 1], s=0.5, c="#ff7f0e", alpha=0.6, label="data")
        ax.legend(loc="upper right", fontsize=7, markerscale=4)
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return save_figure(fig, path)
