"""Widgets and helpers the demo's app and its tabs share: input checks, image conversion,
the image components, and what a tab does with a model's capabilities.

A leaf of the demo: it imports neither `demos.app` nor `demos.tasks`.
"""

import io
import hashlib
import math
import os
import tempfile

# No internet here (and none needed): keep Gradio from phoning home on import and launch.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402
import numpy as np  # noqa: E402
import PIL.Image  # noqa: E402
import PIL.ImageOps  # noqa: E402

from gradio.data_classes import ImageData  # noqa: E402

from zoo import capabilities as cap  # noqa: E402
from zoo import data as zdata  # noqa: E402
from zoo import viz  # noqa: E402

MAX_SAMPLES = 256  # one grid; more would not fit on a screen
MAX_SEED = 2**31 - 1
MAX_PIXELS = 40_000_000  # a 4000x4000 photo is fine (shrunk first); 10000x10000 is refused
MAX_SIDE = 20_000
WORK_SIDE = 512  # uploads are shrunk to this side before anything else: all later steps are cheap
IMAGE_FORMATS = "PNG, JPEG, GIF, BMP, TIFF or WebP"

def user_error(message):
    """A `gr.Error` for a bad input: shown in the UI, no traceback in the server log."""
    return gr.Error(message, print_exception=False)


# ----------------------------------------------------------------------------- checks
def check_int(value, what, lo, hi):
    """`value` as an int in [lo, hi], or a `gr.Error` naming the field and the range."""
    rule = f"{what} must be a whole number from {lo} to {hi:,}"
    if value is None or value == "" or isinstance(value, bool):
        raise user_error(f"{rule}; the field is empty.")
    try:
        f = float(value)
    except (TypeError, ValueError):
        raise user_error(f"{rule}, got {value!r}.") from None
    if not math.isfinite(f) or not f.is_integer():
        raise user_error(f"{rule}, got {value!r}.")
    if not lo <= f <= hi:
        raise user_error(f"{rule}, got {int(f):,}.")
    return int(f)


# ----------------------------------------------------------------------------- models and codes
def model_name(model):
    return getattr(model, "zoo_id", None) or model.name


def data_shape(spec):
    """Shape of one example of a catalog model: that of its dataset (`zoo.data.DATASETS`);
    () for a dataset the data layer does not describe."""
    return tuple(zdata.DATASETS.get(spec.dataset, ((),))[0])


def is_image_model(spec):
    """True for models of (H, W, C) images, False e.g. for 2-D mixture GANs."""
    return len(data_shape(spec)) == 3


def decodes_codes_alone(spec):
    """True for image models whose `decode` takes codes alone: not a conditional generator, whose
    codes need a class too (it gets a tab of its own)."""
    return is_image_model(spec) and not cap.has(spec, cap.Conditional)


def encode(model, images):
    """Codes of images: the model's encoder (`capabilities.Encoder`), else projection onto what
    its generator can make (`capabilities.Projector`)."""
    if cap.has(model, cap.Encoder):
        return np.asarray(model.encode(images), np.float32)  # a VAE's: its posterior means
    if cap.has(model, cap.Projector):
        return model.project(images)
    raise user_error(f"{model_name(model)} has no encoder and no generator to project onto.")


def reconstruct(model, images):
    """The model's reconstruction of images (projection + decode for a generator)."""
    if cap.has(model, cap.Encoder):
        return np.asarray(model.reconstruct(images), np.float32)
    return model.decode(encode(model, images))


def codes_of_seeds(model, seeds):
    """One code per seed: the code of the first image the Generate tab shows for that seed."""
    if not cap.has(model, cap.Generator):  # a plain autoencoder has no prior to draw codes from
        raise user_error(f"{model_name(model)} has no prior over codes, so seeds do not "
                         "name codes: interpolate between two images instead.")
    return np.concatenate([model.sample_codes(1, s) for s in seeds])


# ----------------------------------------------------------------------------- images in
class ImageInput(gr.Image):
    """An upload box whose undecodable files (a renamed PDF, an empty file) become a message.

    Gradio decodes the upload before the handler runs; without this a bad file shows a
    bare "Error" in the UI.
    """

    is_template = True  # rendered by the frontend's Image component

    def __init__(self, label="Image", **kwargs):
        kwargs.setdefault("sources", ["upload", "clipboard"])
        # filepath + image_mode=None: Gradio only reads the header; `read_image` does the rest.
        super().__init__(label=label, type="filepath", image_mode=None, format="png", **kwargs)

    def get_config(self, cls=None):
        # Props are read from the constructor's signature: use the full one of the base class.
        return super().get_config(cls or gr.Image)

    def preprocess(self, payload):
        if payload is not None and payload.path and os.path.isfile(payload.path):
            if os.path.getsize(payload.path) == 0:
                raise user_error(f"The uploaded file {payload.orig_name or ''} is empty (0 bytes).")
        try:
            return super().preprocess(payload)
        except gr.Error:
            raise
        except PIL.Image.DecompressionBombError:
            raise user_error(f"The image is too large; the demo takes up to {MAX_PIXELS:,} pixels.") from None
        except Exception:
            raise user_error(not_an_image(payload.orig_name if payload else None)) from None


class DrawingInput(gr.ImageEditor):
    """A sketchpad (black brush on white) whose value is read like `ImageInput`'s."""

    is_template = True  # rendered by the frontend's ImageEditor component, like gr.Sketchpad

    def __init__(self, label="Draw", **kwargs):
        # Brush 14 on a 280 canvas: a digit scaled to MNIST's 20-pixel box gets ~2-pixel strokes.
        super().__init__(
            label=label, sources=(), type="numpy", image_mode="L", format="png", layers=False,
            transforms=(), canvas_size=(280, 280), fixed_canvas=True,
            brush=gr.Brush(colors=["#000000"], color_mode="fixed", default_size=14), **kwargs,
        )

    def get_config(self, cls=None):
        # Props are read from the constructor's signature: use the full one of the base class.
        return super().get_config(cls or gr.ImageEditor)

    def preprocess(self, payload):
        try:
            return super().preprocess(payload)
        except gr.Error:
            raise
        except Exception:
            raise user_error("The drawing could not be read; clear the canvas and draw again.") from None


def not_an_image(name=None):
    return (
        f"{name or 'The file'} is not an image that can be read ({IMAGE_FORMATS}). "
        "A PDF or other document renamed to .png is refused: export it as an image first."
    )


def read_image(path, what="image"):
    """An uploaded file as a loaded PIL image (first frame, EXIF rotation applied).

    Raises a `gr.Error` with the reason for a missing, empty, non-image or huge file.
    """
    if isinstance(path, dict):  # a raw FileData payload
        path = path.get("path")
    if not path:
        how = "draw something first" if what == "drawing" else f"upload one ({IMAGE_FORMATS}) first"
        raise user_error(f"No {what} yet: {how}.")
    path = os.fspath(path)
    if not os.path.isfile(path) or os.path.getsize(path) == 0:
        raise user_error(f"The uploaded {what} is empty (0 bytes).")
    try:
        src = PIL.Image.open(path)
    except PIL.Image.DecompressionBombError:
        raise user_error(f"The {what} is too large; the demo takes up to {MAX_PIXELS:,} pixels.") from None
    except Exception:
        raise user_error(not_an_image(f"The {what}")) from None
    with src:
        w, h = src.size
        if w * h > MAX_PIXELS or max(w, h) > MAX_SIDE:
            raise user_error(f"The {what} is {w}x{h} pixels; the demo takes up to {MAX_PIXELS:,} pixels.")
        try:
            src.draft(None, (WORK_SIDE, WORK_SIDE))  # JPEG: decode straight at reduced size
            src.load()
            im = PIL.ImageOps.exif_transpose(src)  # a copy, so the file can be closed
        except Exception:
            raise user_error(f"The {what} is damaged or truncated and cannot be decoded.") from None
    return im


def to_rgb(im, side=WORK_SIDE):
    """A PIL image of any mode as float32 RGB (H, W, 3) in [0, 1], at most `side` pixels a side.

    Transparency is flattened onto the colour that contrasts with the visible pixels,
    so dark strokes on a transparent canvas and light ones both stay visible; 16-bit and
    float images are stretched to their own range.
    """
    if im.mode in ("I", "F") or im.mode.startswith("I;"):
        a = np.asarray(im, np.float32)
        lo, hi = float(a.min()), float(a.max())
        a = (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)
        im = PIL.Image.fromarray(np.repeat((a[..., None] * 255).round().astype(np.uint8), 3, -1))
    has_alpha = "A" in im.getbands() or "transparency" in im.info
    im = im.convert("RGBA" if has_alpha else "RGB")
    im.thumbnail((side, side), PIL.Image.Resampling.LANCZOS)
    a = np.asarray(im, np.float32) / 255.0
    if not has_alpha:
        return a
    rgb, alpha = a[..., :3], a[..., 3:]
    visible = alpha[..., 0] > 0.5
    ink = float(rgb[visible].mean()) if visible.any() else 0.0
    background = 0.0 if ink > 0.5 else 1.0
    return rgb * alpha + background * (1 - alpha)


def center_ink(gray, side, box_frac=20 / 28):
    """MNIST's layout: strokes scaled to fit a 20/28 box, centred by their centre of mass.

    `gray` is (H, W) in [0, 1] with light strokes on a dark background.
    """
    ys, xs = np.nonzero(gray > 0.1 * gray.max())
    crop = gray[ys.min(): ys.max() + 1, xs.min(): xs.max() + 1]
    scale = side * box_frac / max(crop.shape)
    h, w = max(1, round(crop.shape[0] * scale)), max(1, round(crop.shape[1] * scale))
    small = _resize(crop[..., None], h, w)[..., 0]
    total = small.sum()
    cy = (np.arange(h) @ small.sum(1)) / total if total > 0 else (h - 1) / 2
    cx = (np.arange(w) @ small.sum(0)) / total if total > 0 else (w - 1) / 2
    top = int(np.clip(round((side - 1) / 2 - cy), 0, side - h))
    left = int(np.clip(round((side - 1) / 2 - cx), 0, side - w))
    out = np.zeros((side, side), np.float32)
    out[top: top + h, left: left + w] = small
    return np.clip(out / max(out.max(), 1e-6), 0, 1)


def to_model_input(image, data_shape, what="image"):
    """An upload (path), drawing (ImageEditor dict or array) or PIL image -> float32 `data_shape` in [0, 1].

    Single-channel models get MNIST's layout: light strokes on black (dark-on-light input
    is inverted, the paper's grey removed), scaled and centred. Colour models get a centre
    crop resized to their side. Raises `gr.Error` for anything unusable.
    """
    if isinstance(image, dict) and "composite" in image:  # a DrawingInput value
        image = image.get("composite")
    if isinstance(image, np.ndarray):
        if image.size == 0:
            raise user_error(f"The {what} is empty.")
        image = PIL.Image.fromarray(image.astype(np.uint8) if image.dtype != np.uint8 else image)
    elif not isinstance(image, PIL.Image.Image):
        image = read_image(image, what)
    h, w, c = (int(s) for s in data_shape)
    rgb = to_rgb(image)
    if c == 1:
        gray = rgb @ np.array([0.299, 0.587, 0.114], np.float32)
        border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
        if np.median(border) > 0.5:  # dark ink on light paper: MNIST is the other way round
            gray = 1.0 - gray
        paper = float(np.median(np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])))
        gray = np.clip((gray - paper) / max(1.0 - paper, 1e-6), 0, 1)
        if gray.max() < 0.1:
            raise user_error(f"The {what} is blank: no strokes found. Draw or upload a digit.")
        if gray.shape == (h, w):  # already the model's size (e.g. an MNIST image): keep its layout
            return gray[..., None].astype(np.float32)
        return center_ink(gray, h)[..., None] if h == w else _resize(gray[..., None], h, w)
    if c != 3:
        raise user_error(f"The demo cannot build {c}-channel inputs.")
    side = min(rgb.shape[:2])  # centre crop to a square, then resize
    top, left = (rgb.shape[0] - side) // 2, (rgb.shape[1] - side) // 2
    return _resize(rgb[top: top + side, left: left + side], h, w)


def _resize(a, h, w):
    """(H, W, C) float in [0, 1] -> (h, w, C) float32, Lanczos per channel (PIL mode "F")."""
    chans = [np.asarray(PIL.Image.fromarray(np.ascontiguousarray(a[..., k], np.float32))
                        .resize((w, h), PIL.Image.Resampling.LANCZOS)) for k in range(a.shape[-1])]
    return np.clip(np.stack(chans, -1), 0, 1).astype(np.float32)


def add_noise(x, level, seed=0):
    """x + level * N(0, 1), clipped to [0, 1]; the same noise for the same seed."""
    if level <= 0:
        return x
    return np.clip(x + level * np.random.default_rng(seed).standard_normal(x.shape).astype(np.float32), 0, 1)


# ----------------------------------------------------------------------------- images out
class ImageOutput(gr.Image):
    """A read-only PNG image that is safe to serve to many clients at once.

    Gradio caches outputs under their content hash and rewrites the file in place, so when
    two users get the same picture (same seed) one download can read a half-written file.
    Here the file is written under a temporary name and renamed, which is atomic.
    """

    is_template = True  # rendered by the frontend's Image component

    def __init__(self, label="Image", format="png", **kwargs):
        super().__init__(label=label, format=format, interactive=False, **kwargs)

    def get_config(self, cls=None):
        # See ImageInput.get_config.
        return super().get_config(cls or gr.Image)

    def postprocess(self, value):
        if value is None:
            return None
        if isinstance(value, np.ndarray):
            value = PIL.Image.fromarray(value)
        buf = io.BytesIO()
        value.save(buf, format="PNG")
        return self.store(buf.getvalue(), "image.png")

    def store(self, data, name):
        """The file `name` holding the bytes `data` in Gradio's cache, under their hash, written
        to a temporary name and renamed (atomic)."""
        folder = os.path.join(self.GRADIO_CACHE, hashlib.sha256(data).hexdigest())
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        return ImageData(path=path, orig_name=name)


def picture(samples, ncols=None):
    """Model output -> one uint8 picture: an image grid, or a scatter plot for 2-D points."""
    x = np.asarray(samples, np.float32)
    if x.ndim == 2 and x.shape[1] == 2:
        with tempfile.TemporaryDirectory() as tmp:
            path = viz.save_scatter(os.path.join(tmp, "samples.png"), x)
            with PIL.Image.open(path) as im:
                return np.asarray(im.convert("RGB"))
    return viz.image_grid(x, ncols=ncols)



# ----------------------------------------------------------------------------- small widgets
def seed_input(label="Seed", value=0):
    """A seed field with a button that draws a random one (in the browser)."""
    with gr.Row(equal_height=True):
        seed = gr.Number(value, label=f"{label} (0 to {MAX_SEED:,})", precision=0, scale=4)
        dice = gr.Button("Random", scale=1, min_width=80, size="sm")
    dice.click(None, None, seed, js=f"() => Math.floor(Math.random() * {MAX_SEED})", api_visibility="private")
    return seed


def output_image(label, elem_id=None, height=420):
    return ImageOutput(label, height=height, elem_classes=["pixelated"], elem_id=elem_id,
                       buttons=["download", "fullscreen"])
