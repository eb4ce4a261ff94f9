"""Captioned MNIST: every MNIST digit with an English caption of what its pixels show, for
text-to-image models at the zoo's scale (after the captioned birds and flowers of Reed et al.
2016, Generative Adversarial Text to Image Synthesis, arXiv:1605.05396).

Three attributes are measured from each image (`measure`, numpy and scikit-image):

- **thickness**: ink area / skeleton length, in pixels (ink: pixels above 0.5; skeleton:
  ``skimage.morphology.skeletonize``): the mean stroke width;
- **slant**: the shear -mu11 / mu02 of the intensity's second-order central moments (x to the
  right, y down): how far the digit moves right per row upwards (> 0: leaning right), the angle
  that deskewing MNIST removes;
- **width**: sqrt(mu20 - mu11^2 / mu02), the spread of the columns once the slant is taken
  out (the second-moment width of the deskewed digit), in pixels.

Each attribute becomes a word by terciles of the train split (`TERCILE_EDGES`): thin / regular /
thick and left / upright / right over all digits; narrow / medium / wide within the digit's
class (a wide one is narrower than a narrow zero). Captions fill varied templates with
synonyms, word order changes and digits as words or numerals: "a bold 7 that leans to the
right", "thin upright one", "a seven, thick, slanted right". Every caption names the class,
the thickness and the slant; some name the width too.

- The **test split** uses only `TEST_TEMPLATES`, never seen in training (new word orders and
  constructions, no new words: every word of a test caption occurs in training captions).
- The **train split** leaves out every image of the (class, thickness, slant) combinations of
  `HELD_OUT_COMBOS` (a thick upright seven is never shown), to test composition.
- Captions are exact given the seed: split s draws from numpy ``default_rng(seed)``, default
  `CAPTION_SEEDS[s]`.
- Tokens: lower case, split on anything but letters and digits, ids from the fixed
  `VOCABULARY` (id 0 pads, word i has id i + 1), padded or cut to `MAX_LEN`. A model with another
  vocabulary tokenizes the `texts` itself (`tokenize(texts, its_vocabulary)`).

>>> from zoo.data import captions
>>> c = captions.arrays("test", num_examples=2)
>>> c.texts[0], c.tokens.shape, c.attributes.shape       # ('...', (2, 16), (2, 3))
"""

import dataclasses
import functools
import re

import numpy as np

from zoo.data.images import image_arrays

ATTRIBUTES = ("thickness", "slant", "width")
LEVEL_NAMES = (("thin", "regular", "thick"), ("left", "upright", "right"), ("narrow", "medium", "wide"))
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
# The words of each attribute level (disjoint across attributes, so a bag of words can tell them apart).
THICKNESS = (("thin", "fine", "light"), ("regular", "plain", "normal"), ("thick", "bold", "heavy"))
WIDTH = (("narrow", "slim"), ("medium-width", "average-width"), ("wide", "broad"))
SLANT_ADJ = (("left-leaning", "left-slanted"), ("upright", "straight", "vertical"),
             ("right-leaning", "right-slanted"))
SLANT_POST = (("leaning left", "leaning to the left", "slanted left", "tilted to the left"),
              ("standing upright", "standing straight", "held upright"),
              ("leaning right", "leaning to the right", "slanted right", "tilted to the right"))
SLANT_CLAUSE = (("that leans left", "that leans to the left", "that slants left"),
                ("that stands upright", "that stands straight"),
                ("that leans right", "that leans to the right", "that slants right"))
STROKES = ("with {} strokes", "in {} strokes")
# Slots: {d} digit (word or numeral), {t} thickness adjective, {tp} "with thick strokes", {s} slant
# after the noun, {sa} slant adjective, {sc} slant clause, {w} width adjective.
TRAIN_TEMPLATES = (
    "a {t} {d} {s}", "{t} {sa} {d}", "a {d}, {t}, {s}", "a {t} {d} {sc}", "the digit {d} written {tp}, {s}",
    "a {w} {t} {d} {s}", "{sa} {w} {d} {tp}", "handwritten {d}, {w} and {t}, {s}", "a {w} {sa} {d} {tp}",
    "number {d} {sc}, {t} and {w}", "this {d} is {t} and {s}",
)
TEST_TEMPLATES = ("a {sa} {t} {d}", "{d} {s}, {t} and {w}", "written {tp}, a {w} {d} {sc}",
                  "the {d} is {w}, {t} and {s}")
# (class, thickness level, slant level) never shown in training: all nine (thickness, slant) pairs.
HELD_OUT_COMBOS = ((0, 0, 0), (1, 0, 1), (2, 0, 2), (3, 1, 0), (4, 1, 1), (5, 1, 2), (6, 2, 0), (7, 2, 1),
                   (8, 2, 2), (9, 0, 0))
# Every word of the templates and their fillers, sorted: word i has token id i + 1 (0 pads).
VOCABULARY = (
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "an", "and", "average", "bold", "broad", "digit",
    "eight", "fine", "five", "four", "handwritten", "heavy", "held", "in", "is", "leaning", "leans", "left",
    "light", "medium", "narrow", "nine", "normal", "number", "one", "plain", "regular", "right", "seven", "six",
    "slanted", "slants", "slim", "standing", "stands", "straight", "strokes", "that", "the", "thick", "thin",
    "this", "three", "tilted", "to", "two", "upright", "vertical", "wide", "width", "with", "written", "zero",
)
# compute_tercile_edges() of the MNIST train split, written out (tests check they still agree).
TERCILE_EDGES = {
    "thickness": (2.5428571428571427, 3.2222222222222223),
    "slant": (-0.01011749093524013, 0.22363767812687183),
    "width": ((4.357400473222733, 5.1706580779646805), (0.8912570405645279, 1.132200110489781),
              (3.7535426638427367, 4.360958104131831), (3.214331370496337, 3.812271504882436),
              (3.46621416507187, 4.196776553213387), (3.402959874391683, 3.9413840476339868),
              (3.131589583370213, 3.8995362740055968), (3.1151287575903304, 3.794292473551439),
              (2.888212300837575, 3.4546544700676725), (2.885382734132279, 3.478788806324646)),
}
PAD = 0
MAX_LEN = 16
CAPTION_SEEDS = {"train": 0, "test": 1}
INK = 0.5  # pixels above this are ink (thickness)
_PICKS = 8  # random ints per caption: digit form, one per slot, the stroke preposition


# ----------------------------------------------------------------------------- attributes
def _grey(images, name="images"):
    x = np.asarray(images)
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim != 3 or not np.issubdtype(x.dtype, np.number):
        raise ValueError(f"{name} must be grey images (n, H, W) or (n, H, W, 1), got {x.dtype} {x.shape}.")
    if x.size and not (np.all(np.isfinite(x)) and x.min() >= -1e-3 and x.max() <= 1 + 1e-3):
        raise ValueError(f"{name} must hold finite pixel values in [0, 1].")
    return x


def _moments(x):
    """(mu20, mu11, mu02) per image: central moments of the intensity normalised by its mass, from
    its raw moments (one product with the pixel coordinates, in float64 chunks)."""
    h, w = x.shape[1:]
    r, c = (v.ravel().astype(np.float64) for v in np.mgrid[:h, :w])
    basis = np.stack([np.ones_like(r), c, r, c * c, c * r, r * r], axis=1)
    raw = np.concatenate([x[i: i + 8192].reshape(-1, h * w).astype(np.float64) @ basis
                          for i in range(0, len(x), 8192)] or [np.zeros((0, 6))])
    mass = np.where(raw[:, 0] > 0, raw[:, 0], 1.0)
    m = raw[:, 1:] / mass[:, None]
    return m[:, 2] - m[:, 0] ** 2, m[:, 3] - m[:, 0] * m[:, 1], m[:, 4] - m[:, 1] ** 2


def _thickness(ink, per_row=128):
    from skimage.morphology import skeletonize

    # One skeletonize call on a mosaic of the images, each framed by a pixel of background: the
    # thinning is local, so each tile's skeleton is the image's own (tests/test_text2image.py).
    n, h, w = ink.shape
    tiles = np.pad(ink, ((0, (-n) % per_row), (1, 1), (1, 1)))
    rows = len(tiles) // per_row
    mosaic = tiles.reshape(rows, per_row, h + 2, w + 2).transpose(0, 2, 1, 3).reshape(rows * (h + 2), -1)
    skeleton = skeletonize(mosaic).reshape(rows, h + 2, per_row, w + 2).transpose(0, 2, 1, 3)
    length = skeleton.reshape(-1, (h + 2) * (w + 2))[:n].sum(axis=1).astype(np.float64)
    area = ink.sum(axis=(1, 2)).astype(np.float64)
    return np.divide(area, length, out=np.zeros_like(area), where=length > 0)


def _slant_width(x):
    mu20, mu11, mu02 = _moments(x)
    upright = mu02 > 1e-9
    shear = np.divide(-mu11, mu02, out=np.zeros_like(mu11), where=upright)
    return shear, np.sqrt(np.maximum(mu20 + mu11 * shear, 0.0))  # mu20 - mu11^2 / mu02


def thickness(images):
    """Mean stroke width in pixels per image: ink area / skeleton length (0 without ink)."""
    return _thickness(_grey(images) > INK)


def slant(images):
    """Shear -mu11 / mu02 per image (> 0: the top leans right; 0 for an empty image)."""
    return _slant_width(_grey(images))[0]


def width(images):
    """Second-moment width of the deskewed digit, sqrt(mu20 - mu11^2 / mu02), in pixels."""
    return _slant_width(_grey(images))[1]


def measure(images):
    """float64 (n, 3): the `ATTRIBUTES` (thickness, slant, width) of grey images in [0, 1]."""
    x = _grey(images)
    return np.stack([_thickness(x > INK), *_slant_width(x)], axis=1)


@functools.lru_cache(maxsize=None)
def _mnist(split):
    x, y = image_arrays("mnist", split)
    return x, y.astype(np.int64), measure(x.astype(np.float32) / 255.0)


def compute_tercile_edges():
    """{"thickness": (2,), "slant": (2,), "width": (10, 2)}: the 1/3 and 2/3 quantiles of the
    attributes of the whole MNIST train split (60,000 images), over all digits, and for width per
    class; `TERCILE_EDGES` holds them (measuring the train split takes seconds)."""
    _, y, a = _mnist("train")
    q = (1 / 3, 2 / 3)
    return {"thickness": np.quantile(a[:, 0], q), "slant": np.quantile(a[:, 1], q),
            "width": np.stack([np.quantile(a[y == c, 2], q) for c in range(10)])}


def tercile_edges():
    """`TERCILE_EDGES` as float64 arrays (a copy)."""
    return {k: np.array(v, np.float64) for k, v in TERCILE_EDGES.items()}


def levels(attributes, labels):
    """int64 (n, 3) levels 0 / 1 / 2 of measured `attributes` (n, 3) by `tercile_edges` (width by
    the edges of each image's class `labels`)."""
    a, labels, e = np.asarray(attributes, np.float64), np.asarray(labels, np.int64), tercile_edges()
    w = e["width"][labels]
    return np.stack([np.digitize(a[:, 0], e["thickness"]), np.digitize(a[:, 1], e["slant"]),
                     (a[:, 2] >= w[:, 0]).astype(np.int64) + (a[:, 2] >= w[:, 1])], axis=1).astype(np.int64)


# ----------------------------------------------------------------------------- captions
_AN = re.compile(r"\ba (?=(?:eight|8|upright|average)\b)")  # "an eight", "an 8", "an upright one"


def _render(template, digit, lv, picks):
    t, s, w = (int(v) for v in lv)
    adj = THICKNESS[t][picks[1] % len(THICKNESS[t])]
    fill = {"d": (DIGIT_WORDS[digit], str(digit))[picks[0] % 2], "t": adj,
            "tp": STROKES[picks[7] % 2].format(THICKNESS[t][picks[2] % len(THICKNESS[t])]),
            "s": SLANT_POST[s][picks[3] % len(SLANT_POST[s])], "sa": SLANT_ADJ[s][picks[4] % len(SLANT_ADJ[s])],
            "sc": SLANT_CLAUSE[s][picks[5] % len(SLANT_CLAUSE[s])], "w": WIDTH[w][picks[6] % len(WIDTH[w])]}
    return _AN.sub("an ", template.format(**fill))


def render(templates, labels, lv, picks):
    """Captions (list of str): template `templates[i]` filled for class `labels[i]`, levels
    `lv[i]` (thickness, slant, width) and synonyms chosen by the ints `picks[i]` (8 per caption)."""
    return [_render(t, int(d), v, p) for t, d, v, p in zip(templates, labels, lv, np.asarray(picks, np.int64))]


@dataclasses.dataclass(frozen=True)
class Captions:
    """Captions with what they say: `texts` (list of str), `labels` int64 (n,) classes, `levels`
    int64 (n, 3) (thickness, slant, width), `templates` (list of the template of each)."""

    texts: list
    labels: np.ndarray
    levels: np.ndarray
    templates: list


def seen_combos(num_classes=10):
    """The (class, thickness, slant) combinations of the train split (all but `HELD_OUT_COMBOS`)."""
    return [(c, t, s) for c in range(num_classes) for t in range(3) for s in range(3)
            if (c, t, s) not in HELD_OUT_COMBOS]


def sample_captions(n, seed=None, num_classes=10):
    """n random training-style captions: a train template, a (class, thickness, slant) combination
    of the train split, a width and synonyms, all uniform. Same seed, same captions, and the first
    k do not depend on n (one row of draws per caption, from ``default_rng([seed, 2])``)."""
    combos = seen_combos(num_classes)
    u = np.random.default_rng(None if seed is None else [seed, 2]).integers(0, 2**30, (n, 3 + _PICKS))
    c = np.array([combos[i] for i in u[:, 0] % len(combos)], np.int64).reshape(n, 3)
    lv = np.stack([c[:, 1], c[:, 2], u[:, 1] % 3], axis=1)
    templates = [TRAIN_TEMPLATES[i] for i in u[:, 2] % len(TRAIN_TEMPLATES)]
    return Captions(render(templates, c[:, 0], lv, u[:, 3:]), c[:, 0], lv, templates)


def template_captions(template, n, seed=0, num_classes=10):
    """n captions of one template over a balanced grid: caption i asks for class i % K, thickness
    (i // K) % 3, slant (i // 3K) % 3 and width (i // 9K) % 3 (K = num_classes), synonyms drawn
    from ``default_rng([seed, 3])``."""
    i, k = np.arange(n), num_classes
    lv = np.stack([(i // k) % 3, (i // (3 * k)) % 3, (i // (9 * k)) % 3], axis=1)
    picks = np.random.default_rng([seed, 3]).integers(0, 2**30, (n, _PICKS))
    return Captions(render([template] * n, i % k, lv, picks), i % k, lv, [template] * n)


# ----------------------------------------------------------------------------- tokens
def words(text):
    """The words of a text: lower case, split on anything but letters and digits."""
    return re.findall(r"[a-z0-9]+", text.lower())


def tokenize(texts, vocabulary=VOCABULARY, max_len=MAX_LEN, truncate=True, name="text"):
    """int32 (n, max_len) token ids of `texts` (a list of str): word i of `vocabulary` is id i + 1,
    0 pads. ValueError naming `name` for a word outside the vocabulary (all of them are listed), a
    text without words, or (``truncate=False``) a text of more than max_len words."""
    if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
        raise ValueError(f"{name} must be a list of strings, got {type(texts).__name__}.")
    index = {w: i + 1 for i, w in enumerate(vocabulary)}
    split = [words(t) for t in texts]
    unknown = sorted({w for ws in split for w in ws if w not in index})
    if unknown:
        raise ValueError(f"{name} has words outside the model's vocabulary: {', '.join(map(repr, unknown))} "
                         f"(it knows {len(vocabulary)} words, e.g. {', '.join(vocabulary[:12])}, ...).")
    out = np.zeros((len(split), max_len), np.int32)
    for i, ws in enumerate(split):
        if not ws:
            raise ValueError(f"{name}[{i}] has no words: {texts[i]!r}.")
        if len(ws) > max_len and not truncate:
            raise ValueError(f"{name}[{i}] has {len(ws)} words; the model reads at most {max_len}.")
        ids = [index[w] for w in ws[:max_len]]
        out[i, :len(ids)] = ids
    return out


def detokenize(tokens, vocabulary=VOCABULARY):
    """The texts (words joined by spaces) of token ids (n, max_len); pads are dropped."""
    return [" ".join(vocabulary[i - 1] for i in row if i != PAD) for row in np.asarray(tokens)]


# ----------------------------------------------------------------------------- the dataset
@dataclasses.dataclass(frozen=True)
class CaptionedSplit:
    """One split of Captioned MNIST: `images` float32 (n, 28, 28, 1) in [0, 1], `tokens` int32
    (n, MAX_LEN), `texts`, `labels` int64 classes, `attributes` float64 (n, 3) measured (thickness,
    slant, width), `levels` int64 (n, 3), `templates` (list of str) and `index` (rows of the
    MNIST split)."""

    images: np.ndarray
    tokens: np.ndarray
    texts: list
    labels: np.ndarray
    attributes: np.ndarray
    levels: np.ndarray
    templates: list
    index: np.ndarray


@functools.lru_cache(maxsize=4)
def _split(split, seed):
    x, y, a = _mnist(split)
    lv = levels(a, y)
    keep = np.arange(len(y))
    if split == "train":  # no image of a held-out combination
        held = np.zeros(len(y), bool)
        for c, t, s in HELD_OUT_COMBOS:
            held |= (y == c) & (lv[:, 0] == t) & (lv[:, 1] == s)
        keep = np.flatnonzero(~held)
    pool = TRAIN_TEMPLATES if split == "train" else TEST_TEMPLATES
    rng = np.random.default_rng(seed)
    which = rng.integers(0, len(pool), len(y))
    picks = rng.integers(0, 2**30, (len(y), _PICKS))  # drawn for every image: dropping some changes no other
    templates = [pool[i] for i in which[keep]]
    texts = render(templates, y[keep], lv[keep], picks[keep])
    return keep, texts, templates, tokenize(texts)


def arrays(split="train", seed=None, num_examples=None, value_range=(0.0, 1.0)):
    """A whole split as a `CaptionedSplit` (first `num_examples` of it); captions drawn from `seed`
    (default `CAPTION_SEEDS[split]`), exact and cached per process."""
    if split not in CAPTION_SEEDS:
        raise ValueError(f"Unknown split {split!r} for 'captioned_mnist'; expected 'train' or 'test'.")
    seed = CAPTION_SEEDS[split] if seed is None else int(seed)
    keep, texts, templates, tokens = _split(split, seed)
    if num_examples is not None:
        if isinstance(num_examples, bool) or not isinstance(num_examples, (int, np.integer)) or num_examples < 1:
            raise ValueError(f"num_examples must be a positive int, got {num_examples!r}.")
        keep, texts, templates, tokens = keep[:num_examples], texts[:num_examples], templates[:num_examples], \
            tokens[:num_examples]
    x, y, a = _mnist(split)
    lo, hi = value_range
    images = (x[keep].astype(np.float32) / 255.0 * (hi - lo) + lo)[..., None]
    return CaptionedSplit(images, tokens, list(texts), y[keep], a[keep], levels(a[keep], y[keep]), list(templates),
                          keep)


def load(split="train", batch_size=64, shuffle=None, seed=0, drop_remainder=None, num_examples=None,
         value_range=(0.0, 1.0)):
    """Captioned MNIST as a `tf.data.Dataset` of (images float32 (batch, 28, 28, 1), token ids int32
    (batch, MAX_LEN)) pairs: the captions are what a text-conditional model fits on, so the pairs
    come whatever `zoo.data.load`'s with_labels says.

    Args:
        split: "train" (train templates, held-out combinations left out) or "test" (held-out
            templates only) (default "train").
        batch_size: pairs per batch (default 64).
        shuffle: reshuffle every pass (default True for train).
        seed: shuffle seed (default 0); the captions are those of `CAPTION_SEEDS`.
        drop_remainder: drop a last, smaller batch (default True for train).
        num_examples: keep the first n pairs (default all).
        value_range: (low, high) of the pixels (default (0, 1)).

    Example:
        ds = zoo.data.load("captioned_mnist", split="train", batch_size=64)
        zoo.load("text2digit").fit(ds, epochs=1)
    """
    import tensorflow as tf

    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}.")
    data = arrays(split, num_examples=num_examples, value_range=value_range)
    train = split == "train"
    ds = tf.data.Dataset.from_tensor_slices((data.images, data.tokens))
    if train if shuffle is None else shuffle:
        ds = ds.shuffle(len(data.tokens), seed=seed, reshuffle_each_iteration=True)
    drop = train if drop_remainder is None else bool(drop_remainder)
    return ds.batch(batch_size, drop_remainder=drop).prefetch(tf.data.AUTOTUNE)
