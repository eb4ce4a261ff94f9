"""Text corpora and the word2vec training stream (Mikolov et al. 2013), offline first.

Corpora (`CORPORA`), each a list of sentences of tokens:
- ``gcide``: ``$ZOO_DATA_DIR/text/gcide.dict.dz`` (GCIDE 0.48, dictzip = gzip), one sentence
  per line: 4,804,649 tokens, 46,517 words seen at least 5 times. GPL-2+ text.
- ``kjv``: ``$ZOO_DATA_DIR/text/kjv.txt``, the King James Bible, one sentence per verse.
- ``wiki``: gensim's Wikipedia excerpt (its test data, parsed by gensim's `WikiCorpus`, so this
  one source needs gensim), one sentence per article.
- ``text8``: the standard word2vec corpus (17M tokens, whitespace-split), from
  ``$ZOO_DATA_DIR/text/text8.zip`` or online through `keras.utils.get_file`.

Tokens are `tokenize(line)`, the same as gensim's ``utils.simple_preprocess(line)`` (lower-cased
runs of letters, 2 to 15 characters, not starting with "_"), so the zoo and gensim train on the
same tokens; sentences longer than 10,000 tokens are cut into pieces (gensim's limit).

The stream: each epoch draws afresh (seeded by (seed, pass number)) Mikolov's frequent-word
subsampling (the word2vec.c / gensim formula: a word seen c times out of T is kept with
probability (sqrt(c / (s T)) + 1) s T / c, s = `sample`), a dynamic window b ~ U{1..window}
around each kept word (contexts are the kept words within b positions of it, in its sentence),
and K noise words per context from the unigram^0.75 distribution. One element per kept word:
``target`` int32 (), ``context`` int32 (2 window,) (its context words nearest first, then -1),
``negatives`` int32 (2 window, K) (K noise words for each context slot, -1 for empty slots).
The arrays are built chunk by chunk in vectorised numpy and fed to `tf.data`.

>>> from zoo.data import text
>>> ds = text.load("gcide", batch_size=1024, seed=0)    # (target, context, negatives) batches
"""

import collections
import dataclasses
import functools
import os
import re

import numpy as np

MIN_LEN, MAX_LEN = 2, 15  # gensim.utils.simple_preprocess defaults
MAX_SENTENCE = 10_000  # gensim's MAX_WORDS_IN_BATCH: longer sentences are cut into pieces
# gensim's PAT_ALPHABETIC, ((?![\d])\w)+, written without the look-ahead (same matches, faster).
_TOKEN = re.compile(r"[^\W\d]+")
_TOKEN_OR_BREAK = re.compile(r"[^\W\d]+|\n")
TEXT8_URL = "http://mattmahoney.net/dc/text8.zip"
WIKI_FILE = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
CHUNK = 65_536  # kept words per numpy chunk of the stream
SAMPLE, WINDOW, NEGATIVE, MIN_COUNT = 1e-3, 5, 5, 5  # the word2vec / gensim defaults

#: name -> (element shape, description), merged into zoo.data.DATASETS
CORPORA = {
    "gcide": ((), "GCIDE 0.48 dictionary text (Webster's 1913 + WordNet glosses, GPL-2+): 4.8M tokens, one "
                  "sentence per line, as word2vec (target, context, negatives) windows"),
    "kjv": ((), "King James Bible text (public domain): about 0.8M tokens, one sentence per verse, as word2vec "
                "windows"),
    "wiki": ((), "gensim's English Wikipedia excerpt (CC BY-SA), one sentence per article, as word2vec windows"),
    "text8": ((), "text8: the first 10^8 bytes of English Wikipedia, cleaned (Mahoney), 17M tokens, as word2vec "
                  "windows"),
}


class CorpusNotAvailableError(FileNotFoundError):
    """A corpus that is neither under ``$ZOO_DATA_DIR/text`` nor obtainable from here."""


def tokenize(line):
    """The tokens of one line, as gensim's ``utils.simple_preprocess(line)`` gives them."""
    return [t for t in _TOKEN.findall(line.lower()) if MIN_LEN <= len(t) <= MAX_LEN and t[0] != "_"]


# ----------------------------------------------------------------------------- sources
def _path(name):
    root = os.environ.get("ZOO_DATA_DIR")
    return os.path.join(root, "text", name) if root else None


def _missing(name, file, how):
    root = os.environ.get("ZOO_DATA_DIR")
    where = f"$ZOO_DATA_DIR/text has no {file} (ZOO_DATA_DIR={root})" if root else "ZOO_DATA_DIR is not set"
    return CorpusNotAvailableError(f"The {name} corpus is not available: {where}. {how}")


def _read_local(name, file):
    path = _path(file)
    if not path or not os.path.exists(path):
        raise _missing(name, file, f"Point ZOO_DATA_DIR at the folder whose text/ holds {file}.")
    if file.endswith(".dz"):  # dictzip is gzip with a random-access index in its header
        import gzip

        with gzip.open(path, "rb") as f:
            return f.read().decode("utf-8", "ignore")
    with open(path, "rb") as f:
        return f.read().decode("utf-8", "ignore")


def _kjv(text):
    """One line per verse: a verse line starts with its number, the lines after it continue it
    up to a blank line; headings ("Genesis 1") are dropped."""
    verses, in_verse = [], False
    for line in text.split("\n"):
        m = re.match(r"\s+\d+\s+(.*)", line)
        if m:
            verses.append(m.group(1))
        elif in_verse and line.strip():
            verses[-1] += " " + line
        in_verse = bool(m or (in_verse and line.strip()))
    return "\n".join(verses)


def _wiki():
    try:
        from gensim.corpora.wikicorpus import WikiCorpus
        from gensim.test.utils import datapath
    except ImportError:
        raise CorpusNotAvailableError("The wiki corpus is gensim's test data, parsed by gensim's WikiCorpus: "
                                      "pip install gensim.") from None
    wiki = WikiCorpus(datapath(WIKI_FILE), dictionary={}, processes=1)
    wiki.metadata = False
    return "\n".join(" ".join(tokens) for tokens in wiki.get_texts())


def _text8():
    import zipfile

    path = _path("text8.zip")
    if not path or not os.path.exists(path):
        import keras

        try:
            path = keras.utils.get_file("text8.zip", TEXT8_URL)
        except Exception as e:  # no network here: say where the file can go instead
            raise _missing("text8", "text8.zip", f"The download from {TEXT8_URL} failed ({type(e).__name__}: "
                           f"{str(e)[:160]}): put text8.zip under $ZOO_DATA_DIR/text, or run once with internet "
                           "access (keras caches it in ~/.keras/datasets).") from None
    with zipfile.ZipFile(path) as z:
        words = z.read("text8").decode("ascii").split()
    return "\n".join(" ".join(words[i: i + MAX_SENTENCE]) for i in range(0, len(words), MAX_SENTENCE))


def corpus_text(name):
    """The raw text of a corpus, one sentence per line (before tokenisation)."""
    if name == "gcide":
        return _read_local(name, "gcide.dict.dz")
    if name == "kjv":
        return _kjv(_read_local(name, "kjv.txt"))
    if name == "wiki":
        return _wiki()
    if name == "text8":
        return _text8()
    raise ValueError(f"Unknown corpus {name!r}; known: {sorted(CORPORA)}.")


# ----------------------------------------------------------------------------- corpus
@dataclasses.dataclass(eq=False)
class Corpus:
    """Sentences of word ids over a vocabulary sorted by count (most frequent first).

    Attributes:
        words: the vocabulary (list of str); counts: int64 (V,) occurrences of each word.
        ids: int32 (n,) the in-vocabulary tokens, sentence after sentence (rarer words dropped,
            as word2vec drops them before windowing); starts: int64 (S + 1,) sentence bounds.
        raw_words: tokens before the min-count filter (gensim's "raw words").
    """

    words: list
    counts: np.ndarray
    ids: np.ndarray
    starts: np.ndarray
    raw_words: int
    name: str = "text"

    @classmethod
    def from_text(cls, text, min_count=MIN_COUNT, vocabulary=None, name="text"):
        """A corpus of `text`, one sentence per line, tokenised by `tokenize`.

        Args:
            min_count: keep words seen at least this often (default 5).
            vocabulary: a fixed word list (e.g. a trained model's `words`) instead; its
                order is kept and other words are dropped (default None).
        """
        tokens = _TOKEN_OR_BREAK.findall(text.lower())
        counts = collections.Counter(tokens)
        ok = {w: c for w, c in counts.items() if MIN_LEN <= len(w) <= MAX_LEN and w[0] != "_"}
        if vocabulary is None:
            vocab = sorted((w for w, c in ok.items() if c >= min_count), key=lambda w: (-ok[w], w))
        else:
            vocab = list(vocabulary)
        code = dict.fromkeys(counts, -1)
        code.update((w, i) for i, w in enumerate(vocab))
        code["\n"] = -2
        seq = np.fromiter(map(code.__getitem__, tokens), np.int32, len(tokens))
        sentence = np.cumsum(seq == -2)  # sentence number of each token
        keep = seq >= 0
        ids, sentence = seq[keep], sentence[keep]
        bounds = np.flatnonzero(np.r_[True, sentence[1:] != sentence[:-1]]) if len(ids) else np.zeros(0, np.int64)
        starts = np.r_[bounds, len(ids)].astype(np.int64)
        starts = _split_long(starts)
        freq = np.bincount(ids, minlength=len(vocab)).astype(np.int64)
        return cls(vocab, freq, ids, starts, int(sum(ok.values())), name)

    @classmethod
    def from_sentences(cls, sentences, min_count=1, vocabulary=None, name="text"):
        """A corpus of already tokenised sentences (lists of str)."""
        return cls.from_text("\n".join(" ".join(s) for s in sentences), min_count, vocabulary, name)

    def __len__(self):
        return len(self.ids)

    def __repr__(self):
        return (f"Corpus({self.name!r}: {len(self.ids):,} tokens in {len(self.starts) - 1:,} sentences, "
                f"{len(self.words):,} words)")

    def keep_probability(self, sample=SAMPLE):
        """float64 (V,): the chance each occurrence of a word survives subsampling (1 for sample=0)."""
        if not sample:
            return np.ones(len(self.words))
        threshold = sample * self.counts.sum()
        c = np.maximum(self.counts, 1).astype(np.float64)
        return np.minimum(1.0, (np.sqrt(c / threshold) + 1.0) * threshold / c)

    def noise_distribution(self, power=0.75):
        """float64 (V,): the unigram^power distribution the negatives are drawn from."""
        p = self.counts.astype(np.float64) ** power
        return p / p.sum()

    def centers_per_epoch(self, sample=SAMPLE):
        """Elements of one epoch: the expected number of kept words less 6 standard deviations
        (a fixed count, so an epoch has a known number of batches; the stream is cut there)."""
        p = self.keep_probability(sample)
        mean, var = float(self.counts @ p), float(self.counts @ (p * (1 - p)))
        return max(1, int(mean - 6.0 * np.sqrt(var)))

    # ------------------------------------------------------------------- the stream
    def windows(self, rng, window=WINDOW, negative=NEGATIVE, sample=SAMPLE, shuffle=True, chunk=CHUNK):
        """One pass of (target, context, negatives) numpy chunks (see the module docstring);
        `shuffle` permutes the sentence order. `rng`: a numpy Generator."""
        ids, sentence = self.ids, self._sentence_of_token()
        keep = np.flatnonzero(rng.random(len(ids)) < self.keep_probability(sample)[ids])
        if shuffle:
            rank = rng.permutation(len(self.starts) - 1)
            keep = keep[np.argsort(rank[sentence[keep]], kind="stable")]
        tok, sent = ids[keep], sentence[keep]
        first = np.flatnonzero(np.r_[True, sent[1:] != sent[:-1]]) if len(tok) else np.zeros(0, np.int64)
        run = np.cumsum(np.r_[True, sent[1:] != sent[:-1]]) - 1 if len(tok) else first
        lo, hi = first[run], np.r_[first[1:], len(tok)][run]
        offsets = np.array([o for d in range(1, window + 1) for o in (-d, d)])  # nearest first
        prob, alias = self._alias()
        for a in range(0, len(tok), chunk):
            p = np.arange(a, min(a + chunk, len(tok)))
            b = rng.integers(1, window + 1, len(p))  # the dynamic window
            cand = p[:, None] + offsets
            valid = (np.abs(offsets) <= b[:, None]) & (cand >= lo[p, None]) & (cand < hi[p, None])
            context = np.where(valid, tok[np.clip(cand, 0, len(tok) - 1)], -1)
            context = np.take_along_axis(context, np.argsort(~valid, axis=1, kind="stable"), 1)
            slots = context >= 0
            negatives = np.full((len(p), 2 * window, negative), -1, np.int32)
            negatives[slots] = _draw(rng, prob, alias, (int(slots.sum()), negative))
            yield tok[p].astype(np.int32), context.astype(np.int32), negatives

    def epoch(self, rng, size, **kwargs):
        """Exactly `size` elements: one pass cut there (or topped up by another pass, which the
        6-standard-deviation margin of `centers_per_epoch` makes vanishingly rare)."""
        left = size
        while left > 0:
            for chunk in self.windows(rng, **kwargs):
                n = min(left, len(chunk[0]))
                yield tuple(x[:n] for x in chunk)
                left -= n
                if not left:
                    return

    def dataset(self, batch_size, window=WINDOW, negative=NEGATIVE, sample=SAMPLE, seed=0, shuffle=True,
                drop_remainder=True, num_examples=None):
        """A `tf.data.Dataset` of (target, context, negatives) batches; every iteration (epoch)
        draws a fresh stream from (seed, iteration number). An epoch has `centers_per_epoch`
        elements (or `num_examples`), so its number of batches is known."""
        import tensorflow as tf

        for k, v in (("window", window), ("negative", negative), ("batch_size", batch_size)):
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
                raise ValueError(f"{k} must be a positive int, got {v!r}.")
        if not len(self.ids):
            raise ValueError(f"{self!r} has no token in its vocabulary.")
        size = int(num_examples or self.centers_per_epoch(sample))
        passes = iter(range(2**62))

        def generate():
            rng = np.random.default_rng([int(seed), next(passes)])
            yield from self.epoch(rng, size, window=window, negative=negative, sample=sample, shuffle=shuffle)

        spec = (tf.TensorSpec((None,), tf.int32), tf.TensorSpec((None, 2 * window), tf.int32),
                tf.TensorSpec((None, 2 * window, negative), tf.int32))
        ds = tf.data.Dataset.from_generator(generate, output_signature=spec)
        ds = ds.rebatch(batch_size, drop_remainder=drop_remainder)
        batches = size // batch_size if drop_remainder else -(-size // batch_size)
        return ds.apply(tf.data.experimental.assert_cardinality(batches)).prefetch(tf.data.AUTOTUNE)

    def _alias(self):
        """Walker's alias table of the noise distribution (built once): exact O(1) draws."""
        if getattr(self, "_alias_table", None) is None:
            self._alias_table = alias_table(self.noise_distribution())
        return self._alias_table

    def _sentence_of_token(self):
        if getattr(self, "_sentence", None) is None:
            self._sentence = np.repeat(np.arange(len(self.starts) - 1), np.diff(self.starts))
        return self._sentence


def alias_table(p):
    """(prob, alias) of Walker's alias method for the distribution p (Vose's construction):
    draw i ~ U{0..n-1}, keep i with probability prob[i], else take alias[i]."""
    n = len(p)
    q = np.asarray(p, np.float64) * (n / np.sum(p))
    prob, alias = np.ones(n), np.arange(n)
    small, large = list(np.flatnonzero(q < 1.0)), list(np.flatnonzero(q >= 1.0))
    while small and large:
        s, g = small.pop(), large.pop()
        prob[s], alias[s] = q[s], g
        q[g] += q[s] - 1.0
        (small if q[g] < 1.0 else large).append(g)
    return prob, alias  # entries left in either list keep prob 1 (float round-off)


def _draw(rng, prob, alias, shape):
    i = rng.integers(0, len(prob), shape)
    return np.where(rng.random(shape) < prob[i], i, alias[i]).astype(np.int32)


def _split_long(starts, limit=MAX_SENTENCE):
    """Sentence bounds with every sentence longer than `limit` cut into pieces of `limit`."""
    if not len(starts) or np.diff(starts).max(initial=0) <= limit:
        return starts
    pieces = [np.arange(a, b, limit) for a, b in zip(starts[:-1], starts[1:])]
    return np.r_[np.concatenate(pieces), starts[-1]].astype(np.int64)


@functools.lru_cache(maxsize=2)
def corpus(name, min_count=MIN_COUNT):
    """The `Corpus` of a named corpus (cached); `CorpusNotAvailableError` says how to get it."""
    if name not in CORPORA:
        raise ValueError(f"Unknown corpus {name!r}; known: {sorted(CORPORA)}.")
    return Corpus.from_text(corpus_text(name), min_count=min_count, name=name)


def load(name, split="train", batch_size=1024, shuffle=None, seed=0, drop_remainder=None, num_examples=None,
         with_labels=False, **kwargs):
    """The word2vec stream of a named corpus as a `tf.data.Dataset` (see `Corpus.dataset`), with
    the word2vec defaults window 5, negative 5, sample 1e-3, min count 5 (`kwargs` overrides them).

    Text corpora have one split, "train": word vectors are evaluated on word-similarity and analogy
    sets (`zoo.eval.embedding`), not on held-out text.
    """
    if split != "train":
        raise ValueError(f"The {name} corpus has only a train split (got {split!r}): word vectors are "
                         "evaluated on WordSim-353, SimLex-999 and analogies (zoo.eval.embedding).")
    if with_labels:
        raise ValueError(f"The {name} corpus has no labels: its elements are (target, context, negatives).")
    train = {k: kwargs.pop(k) for k in ("window", "negative", "sample") if k in kwargs}
    c = corpus(name, kwargs.pop("min_count", MIN_COUNT))
    if kwargs:
        raise TypeError(f"Unknown arguments for a text corpus: {sorted(kwargs)}.")
    return c.dataset(batch_size, seed=seed, shuffle=True if shuffle is None else shuffle,
                     drop_remainder=True if drop_remainder is None else drop_remainder,
                     num_examples=num_examples, **train)
