"""Printed digits and font glyphs, rendered exactly and seeded from the fonts matplotlib ships.

The fonts are the TrueType files in matplotlib's ``mpl-data/fonts/ttf`` (`FONTS`: DejaVu Sans, Sans
Mono and Serif in 4 styles each, STIXGeneral in 4, Computer Modern cmr10 / cmb10 / cmss10 / cmti10 /
cmtt10): they come with ``pip install``, so the sets are the same on every machine with the same
matplotlib and Pillow (the rasterizer is Pillow's FreeType). A font that lacks a needed character
(no glyph in its character map, or an empty one) is skipped (`usable_fonts`); with matplotlib 3.8+
none is. Fonts installed elsewhere (e.g. Debian's fonts-urw-base35) are never used for these sets,
since they would make the data depend on the machine; `printed_digits(..., extra_fonts=[path, ...])`
renders with them on request.

- ``printed_digits``: a digit 0-9, white on black, anti-aliased, 28x28, in a random font of `FONTS`,
  rotated by a random angle in [-15, 15] degrees and normalised like MNIST: the bounding box of the
  rotated digit scaled so its larger side is a random size in [16, 20] pixels (MNIST: 20), its centre
  of mass put at pixel (14, 14) (MNIST's) shifted by up to 1.5 pixels. Train 60,000 / test 10,000; the
  test digits use the same fonts with other random draws (no font is held out). The label is the digit.
- ``printed2handwritten``: the unpaired set of CycleGAN, (printed digit, MNIST digit) batches drawn
  independently: pair i is printed train digit i with MNIST train digit i, whose classes match only by
  chance (the printed digits' classes are drawn on their own), and ``load`` shuffles the two sides with
  different seeds. The printed test digits' labels come from ``arrays("printed_digits", "test")``.
- ``glyphs``: the same character (A-Z, a-z, 0-9), size, rotation and shift in `GLYPH_SOURCE` (DejaVu
  Sans) -> `GLYPH_TARGET` (DejaVu Serif Bold Italic), (source, target) pairs for pix2pix. Glyphs keep
  the fonts' own proportions: the em square is scaled to a random size in [15, 19] pixels (so a lower-
  case letter stays smaller than its capital), the point a quarter em above the baseline at the ink's
  horizontal centre goes to pixel (14, 14) shifted by up to 1.5 pixels, rotated by up to 10 degrees.

Rendering: each glyph is drawn once per font with `ImageFont` at a 64-pixel em, then every example
is one affine map of it (`PIL.Image.transform`, bilinear) onto a 3x supersampled 84x84 grid, box-
reduced to 28x28 (anti-aliasing). Example i of a split is a function of (the split's seed, i) only:
its draws are row i of ``numpy.random.default_rng(seed).random((n, 6))``. Rendering the 60,000
training digits takes 21 s of CPU (32 s of wall time on a busy 2-core machine), the 60,000 glyph pairs 36 s;
each split is rendered once per process.

>>> from zoo.data import fonts
>>> x, y = fonts.arrays("printed_digits", "test", num_examples=8)   # float32 (8, 28, 28, 1), int32 digits
"""

import functools
import os

import numpy as np

from zoo.data.paired import loader_options

SHAPE = (28, 28, 1)
#: matplotlib's bundled fonts that the sets use, in this order (a font's index is its id)
FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf",
         "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf", "DejaVuSansMono-Oblique.ttf",
         "DejaVuSansMono-BoldOblique.ttf", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf",
         "DejaVuSerif-BoldItalic.ttf", "STIXGeneral.ttf", "STIXGeneralBol.ttf", "STIXGeneralItalic.ttf",
         "STIXGeneralBolIta.ttf", "cmr10.ttf", "cmb10.ttf", "cmss10.ttf", "cmti10.ttf", "cmtt10.ttf")
GLYPH_SOURCE, GLYPH_TARGET = "DejaVuSans.ttf", "DejaVuSerif-BoldItalic.ttf"
DIGITS = "0123456789"
CHARS = DIGITS + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"  # the glyphs' classes, in order
SIZES = {"train": 60_000, "test": 10_000}
SEEDS = {"printed_digits": {"train": 0, "test": 1}, "glyphs": {"train": 2, "test": 3}}
DIGIT_SIZE, DIGIT_ANGLE = (16.0, 20.0), 15.0  # larger side of the bounding box (pixels); degrees
GLYPH_EM, GLYPH_ANGLE = (15.0, 19.0), 10.0  # em square (pixels); degrees
SHIFT = 1.5  # pixels, either way, on each axis
CENTRE = 14.0  # pixel index of the centre of mass (MNIST's)
GLYPH_MIDDLE = 0.25  # of the em above the baseline: between the cap height (~0.73) and the descender (~-0.24)
EM, SUPERSAMPLE = 64, 3  # master em in pixels; the grid each example is drawn on before the box reduction

DATASETS = {
    "printed_digits": (SHAPE, f"printed digits 0-9 in {len(FONTS)} fonts matplotlib ships, random size / "
                              "rotation / shift, MNIST-like, with their labels (60k train / 10k test)"),
    "printed2handwritten": (SHAPE, "unpaired (printed digit, MNIST digit) batches, drawn independently: the "
                                   "domains of CycleGAN"),
    "glyphs": (SHAPE, "a letter or digit in DejaVu Sans -> the same glyph in DejaVu Serif Bold Italic, same "
                      "size / rotation / shift (60k train / 10k test pairs)"),
}
PAIRED = {"glyphs": "DejaVu Sans glyph -> the same glyph in DejaVu Serif Bold Italic"}
#: unpaired set -> (its A domain, its B domain)
UNPAIRED = {"printed2handwritten": ("printed_digits", "mnist")}


def font_dir():
    """matplotlib's folder of bundled TrueType fonts."""
    import matplotlib

    return os.path.join(matplotlib.get_data_path(), "fonts", "ttf")


def _path(font):
    return font if os.path.isabs(font) else os.path.join(font_dir(), font)


@functools.lru_cache(maxsize=None)
def _font(font):
    """(matplotlib's FT2Font, Pillow's FreeTypeFont at a 64-pixel em) of a font file, opened once."""
    from matplotlib.ft2font import FT2Font
    from PIL import ImageFont

    path = _path(font)
    return FT2Font(path), ImageFont.truetype(path, EM)


@functools.lru_cache(maxsize=None)
def _master(font, char):
    """(the glyph drawn white on black at a 64-pixel em (PIL image, baseline at 1.5 em, pen at 0.5 em),
    corners of its ink's convex hull (k, 2), its centre of mass (x, y)), in continuous pixel
    coordinates (pixel j spans [j, j + 1)); None when the font cannot draw `char`."""
    from PIL import Image, ImageDraw
    from scipy.spatial import ConvexHull

    charmap, face = _font(font)
    if charmap.get_char_index(ord(char)) == 0:  # not in its character map: it would draw a box
        return None
    image = Image.new("L", (2 * EM, 2 * EM))
    ImageDraw.Draw(image).text((EM // 2, 3 * EM // 2), char, fill=255, font=face, anchor="ls")
    ink = np.asarray(image)
    ys, xs = np.nonzero(ink)
    if len(xs) < 3:
        return None
    w = ink[ys, xs].astype(np.float64)
    com = np.array([np.dot(xs, w), np.dot(ys, w)]) / w.sum() + 0.5
    corners = np.concatenate([np.stack([xs + dx, ys + dy], 1) for dx in (0, 1) for dy in (0, 1)]).astype(np.float64)
    return image, corners[ConvexHull(corners).vertices], com


def usable_fonts(chars=DIGITS, fonts=FONTS):
    """The fonts of `fonts` (file names in matplotlib's folder, or absolute paths) that draw every
    character of `chars` (a glyph in the character map, with ink), in order."""
    return tuple(f for f in fonts if all(_master(f, c) is not None for c in chars))


def _rotation(degrees):
    t = np.deg2rad(degrees)
    return np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])


def _draw(master, anchor, scale, rotation, centre):
    """The master image under q = centre + scale * R (p - anchor) (continuous coordinates of the 28x28
    grid), uint8 (28, 28): drawn on the supersampled grid, then box-reduced."""
    from PIL import Image

    k = SUPERSAMPLE
    inverse = rotation.T / (k * scale)  # supersampled output -> master
    offset = anchor - inverse @ (k * np.asarray(centre))
    coeffs = (inverse[0, 0], inverse[0, 1], offset[0], inverse[1, 0], inverse[1, 1], offset[1])
    side = SHAPE[0] * k
    out = master.transform((side, side), Image.AFFINE, coeffs, resample=Image.BILINEAR)
    return np.asarray(out.reduce(k))


def render_digit(font, digit, size, angle, shift):
    """One printed digit uint8 (28, 28): `digit` in `font` rotated by `angle` degrees, its bounding box's
    larger side `size` pixels, its centre of mass at pixel (14, 14) + `shift` (dx, dy)."""
    image, hull, com = _master(font, DIGITS[digit])
    rotation = _rotation(angle)
    turned = (hull - com) @ rotation.T
    scale = size / float(np.max(turned.max(0) - turned.min(0)))
    return _draw(image, com, scale, rotation, CENTRE + 0.5 + np.asarray(shift))


def render_glyph(font, char, em, angle, shift):
    """One glyph uint8 (28, 28): `char` in `font` with an em of `em` pixels, rotated by `angle` degrees
    about its middle (a quarter em above the baseline, at its ink's horizontal centre), which goes to
    pixel (14, 14) + `shift`."""
    image, hull, _ = _master(font, char)
    anchor = np.array([(hull[:, 0].min() + hull[:, 0].max()) / 2, 1.5 * EM - GLYPH_MIDDLE * EM])
    return _draw(image, anchor, em / EM, _rotation(angle), CENTRE + 0.5 + np.asarray(shift))


def _draws(seed, n):
    """Row i: the 6 uniform draws of example i, (n, 6); the first rows do not depend on n."""
    return np.random.default_rng(seed).random((n, 6))


def _count(split, num_examples):
    if split not in SIZES:
        raise ValueError(f"Unknown split {split!r}; expected 'train' or 'test'.")
    if num_examples is None:
        return SIZES[split]
    if isinstance(num_examples, bool) or not isinstance(num_examples, (int, np.integer)) or num_examples < 1:
        raise ValueError(f"num_examples must be a positive int, got {num_examples!r}.")
    return min(int(num_examples), SIZES[split])


def _between(u, bounds):
    return bounds[0] + u * (bounds[1] - bounds[0])


@functools.lru_cache(maxsize=8)
def _digits(split, n, extra_fonts):
    fonts = usable_fonts(DIGITS, FONTS + extra_fonts)
    u = _draws(SEEDS["printed_digits"][split], n)
    labels = np.minimum((u[:, 0] * 10).astype(np.int32), 9)
    which = np.minimum((u[:, 1] * len(fonts)).astype(np.int32), len(fonts) - 1)
    images = np.stack([render_digit(fonts[f], d, _between(r[2], DIGIT_SIZE), DIGIT_ANGLE * (2 * r[3] - 1),
                                    SHIFT * (2 * r[4:6] - 1)) for f, d, r in zip(which, labels, u)])
    for a in (images, labels, which):
        a.setflags(write=False)  # cached and shared
    return images, labels, which


def printed_digits(split="train", num_examples=None, extra_fonts=()):
    """The first `num_examples` printed digits of a split as compact numpy, read-only: (images uint8 (n, 28, 28),
    digits int32 (n,), font index int32 (n,) into `usable_fonts(DIGITS, FONTS + extra_fonts)`).

    Args:
        split: "train" (60,000) or "test" (10,000) (default "train").
        num_examples: the first n (default all).
        extra_fonts: paths of more TrueType / OpenType files to draw from beside `FONTS` (default none; the
            catalog's sets use none, so they are the same on every machine).
    """
    if isinstance(extra_fonts, (str, bytes)):
        extra_fonts = (extra_fonts,)
    extra = tuple(os.path.abspath(os.fspath(p)) for p in extra_fonts)
    for p in extra:
        if not os.path.isfile(p):
            raise ValueError(f"extra_fonts: {p!r} is not a font file.")
    return _digits(split, _count(split, num_examples), extra)


@functools.lru_cache(maxsize=4)
def _glyphs(split, n):
    u = _draws(SEEDS["glyphs"][split], n)
    chars = np.minimum((u[:, 0] * len(CHARS)).astype(np.int32), len(CHARS) - 1)
    out = [np.stack([render_glyph(font, CHARS[c], _between(r[2], GLYPH_EM), GLYPH_ANGLE * (2 * r[3] - 1),
                                  SHIFT * (2 * r[4:6] - 1)) for c, r in zip(chars, u)])
           for font in (GLYPH_SOURCE, GLYPH_TARGET)]
    for a in (*out, chars):
        a.setflags(write=False)
    return out[0], out[1], chars


def glyph_pairs(split="train", num_examples=None):
    """The first `num_examples` glyph pairs of a split, read-only: (source uint8 (n, 28, 28) in `GLYPH_SOURCE`,
    target uint8 (n, 28, 28) in `GLYPH_TARGET`, character index int32 (n,) into `CHARS`)."""
    if not all(_master(f, c) for f in (GLYPH_SOURCE, GLYPH_TARGET) for c in CHARS):
        raise RuntimeError(f"{GLYPH_SOURCE} or {GLYPH_TARGET} in {font_dir()} cannot draw every one of {CHARS}.")
    return _glyphs(split, _count(split, num_examples))


def _check(name):
    if name not in DATASETS:
        raise ValueError(f"Unknown font dataset {name!r}; known: {sorted(DATASETS)}.")


def _scaled(x, value_range):
    lo, hi = (float(v) for v in value_range)
    return (x.astype(np.float32)[..., None] / np.float32(255)) * (hi - lo) + lo


def _handwritten(split, n):
    from zoo.data.images import image_arrays

    return image_arrays("mnist", split)[0][:n]


def arrays(name, split="train", value_range=(0.0, 1.0), num_examples=None):
    """A split as numpy float32 in `value_range`, (n, 28, 28, 1) each: (images, digits int32) of
    printed_digits, (source, target) of glyphs, (printed, MNIST) of printed2handwritten."""
    _check(name)
    if name == "printed_digits":
        x, y, _ = printed_digits(split, num_examples)
        return _scaled(x, value_range), np.asarray(y)
    if name == "glyphs":
        s, t, _ = glyph_pairs(split, num_examples)
        return _scaled(s, value_range), _scaled(t, value_range)
    a = printed_digits(split, num_examples)[0]
    return _scaled(a, value_range), _scaled(_handwritten(split, len(a)), value_range)


def classes(name, split="test", num_examples=None):
    """Class ids int32 (n,): the digit of a printed digit (of the A side for printed2handwritten), the index
    into `CHARS` of a glyph pair."""
    _check(name)
    if name == "glyphs":
        return np.asarray(glyph_pairs(split, num_examples)[2])
    return np.asarray(printed_digits(split, num_examples)[1])


def load(name, split="train", batch_size=128, shuffle=None, seed=0, drop_remainder=None, num_examples=None,
         with_labels=False, value_range=(0.0, 1.0)):
    """A font set as a `tf.data.Dataset` of float32 batches (batch, 28, 28, 1): images (and their digits with
    `with_labels`) for printed_digits, (source, target) for glyphs, (printed, MNIST) for printed2handwritten.

    Args:
        name: "printed_digits", "glyphs" or "printed2handwritten".
        split: "train" or "test" (default "train").
        batch_size: examples per batch (default 128).
        shuffle: reshuffle every epoch from `seed` (default True for train, False for test); the two sides of
            printed2handwritten are shuffled apart (seeds `seed` and `seed` + 1), so a batch pairs nothing.
        seed: shuffle seed (default 0).
        drop_remainder: drop a last, smaller batch (default True for train).
        num_examples: keep only the first n (default all).
        with_labels: printed_digits only: yield (images, digits) (default False); a pair set's second element
            takes the place of a label, so it must stay False there.
        value_range: (low, high) of the pixels (default (0, 1)).

    Example:
        ds = zoo.data.load("printed2handwritten", batch_size=32)   # (printed, handwritten) batches
    """
    import tensorflow as tf

    _check(name)
    if with_labels and name != "printed_digits":
        raise ValueError(f"{name!r} yields (a, b) pairs: the second takes the place of a label, so with_labels must "
                         f"be False; the printed digits' classes are zoo.data.fonts.classes({name!r}, split).")
    shuffle, drop_remainder = loader_options(batch_size, split, shuffle, drop_remainder)
    if name == "printed_digits":
        x, y, _ = printed_digits(split, num_examples)
        sides = (x, y) if with_labels else (x,)
    elif name == "glyphs":
        sides = glyph_pairs(split, num_examples)[:2]
    else:
        x = printed_digits(split, num_examples)[0]
        sides = (x, _handwritten(split, len(x)))
    lo, hi = (float(v) for v in value_range)

    def scaled(v):  # uint8 in memory; TF scales each batch as `arrays` does
        return tf.cast(v[..., None], tf.float32) / 255.0 * (hi - lo) + lo if v.dtype == tf.uint8 else v

    if name == "printed2handwritten" and shuffle:  # each side on its own: a batch pairs nothing
        parts = [tf.data.Dataset.from_tensor_slices(s).shuffle(len(s), seed=seed + k, reshuffle_each_iteration=True)
                 for k, s in enumerate(sides)]
        ds = tf.data.Dataset.zip(tuple(parts))
    else:
        ds = tf.data.Dataset.from_tensor_slices(sides if len(sides) > 1 else sides[0])
        if shuffle:
            ds = ds.shuffle(len(sides[0]), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    ds = ds.map(lambda *v: tuple(scaled(t) for t in v) if len(v) > 1 else scaled(v[0]))
    return ds.prefetch(tf.data.AUTOTUNE)
