"""Text corpora and the word2vec training stream (Mikolov et al. 2013), offline first.

Corpora (`CORPORA`), each a list of sentences of tokens:
- ``gcide``: ``$ZOO_DATA_DIR/text/gcide.dict.dz`` (dictzip = gzip), a sentence a line: 4,804,649
  tokens, 46,517 words seen at least 5 times. GPL-2+ text.
- ``kjv``: ``$ZOO_DATA_DIR/text/kjv.txt``, the King James Bible, a sentence a verse.
- ``wiki``: gensim's Wikipedia excerpt (its test data, parsed by its `WikiCorpus`: needs gensim).
- ``text8``: ``$ZOO_DATA_DIR/text/text8.zip`` or online through `keras.utils.get_file`, in
  sentences of 10,000 words (gensim's Text8Corpus).

Tokens are `tokenize(line)`, the same as gensim's ``utils.simple_preprocess(line)`` (lower-cased
runs of letters, 2 to 15 characters, not starting with "_"), so the zoo and gensim train on the
same tokens. Longer sentences than 10,000 tokens are cut.

Each pass of the stream draws afresh (seeded by (seed, pass number)) Mikolov's frequent-word
subsampling (the word2vec.c / gensim formula: a word seen c times out of T is kept with
probability (sqrt(c / (s T)) + 1) s T / c, s = `sample`), a dynamic window b ~ U{1..window} around
each kept word (its contexts: the kept words within b positions, in its sentence), and K noise
words per positive pair from the unigram^0.75 distribution (Walker's alias method: exact draws),
vectorised numpy chunk by chunk fed to `tf.data`. Two layouts (dataset ``<corpus>-<layout>``):
- ``pairs`` (skip-gram): target int32, context int32, negatives int32 (K,): one element per
  (kept word, context word) pair;
- ``windows`` (CBOW): target, context (2 window,) (its context words nearest first, then -1),
  negatives (K,): one element per kept word with a context.

>>> from zoo.data import text
>>> ds = text.load("gcide-pairs", batch_size=64, seed=0)    # blocks of 64 (target, context, negatives)
"""

import collections
import dataclasses
import functools
import gzip
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
LAYOUTS = ("pairs", "windows")  # skip-gram's elements, CBOW's
MARGIN, COUNT_SEED = 0.002, 12345  # an epoch is a seeded pass's element count less 0.2%
BLOCK = 64  # training elements per dataset element: tf.data's per-element cost is paid per block

CORPORA = {
    "gcide": "GCIDE 0.48 dictionary text (Webster's 1913 + WordNet glosses, GPL-2+), 4.8M tokens, a sentence a line",
    "kjv": "the King James Bible (public domain), 0.8M tokens, a sentence a verse",
    "wiki": "gensim's English Wikipedia excerpt (CC BY-SA), a sentence an article",
    "text8": "text8, the first 10^8 bytes of English Wikipedia cleaned by M. Mahoney, 17M tokens",
}
LAYOUT_TEXT = {"pairs": "as skip-gram (target, context, negatives) pairs",
               "windows": "as CBOW (target, context window, negatives) windows"}
#: dataset name -> (element shape, description), merged into zoo.data.DATASETS
DATASETS = {f"{c}-{layout}": ((), f"{text}, {LAYOUT_TEXT[layout]}") for c, text in CORPORA.items()
            for layout in ("pairs", "windows")}


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


def read_local(name, file):
    path = _path(file)
    if not path or not os.path.exists(path):
        raise _missing(name, file, f"Point ZOO_DATA_DIR at the folder whose text/ holds {file}.")
    with (gzip.open if file.endswith(".dz") else open)(path, "rb") as f:  # dictzip is gzip-readable
        return f.read().decode("utf-8", "ignore")


def kjv_verses(text):
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
        return read_local(name, "gcide.dict.dz")
    if name == "kjv":
        return kjv_verses(read_local(name, "kjv.txt"))
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
    TAGS = 0  # context slots before the window's words (zoo.data.documents: the document's tag)

    def __post_init__(self):
        self._sentence, self._alias_table, self._sizes = None, None, {}

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
        keep = seq >= 0
        ids, sentence = seq[keep], np.cumsum(seq == -2)[keep]  # sentence number of each kept token
        bounds = np.flatnonzero(np.diff(sentence, prepend=-1)) if len(ids) else np.zeros(0, np.int64)
        starts = _split_long(np.r_[bounds, len(ids)].astype(np.int64))
        return cls(vocab, np.bincount(ids, minlength=len(vocab)).astype(np.int64), ids, starts,
                   int(sum(ok.values())), name)

    @classmethod
    def from_sentences(cls, sentences, min_count=1, vocabulary=None, name="text"):
        """A corpus of already tokenised sentences (lists of str)."""
        return cls.from_text("\n".join(" ".join(s) for s in sentences), min_count, vocabulary, name)

    def __repr__(self):
        n, s, v = len(self.ids), len(self.starts) - 1, len(self.words)
        return f"Corpus({self.name!r}: {n:,} tokens, {s:,} sentences, {v:,} words)"

    def keep_probability(self, sample=SAMPLE):
        """float64 (V,): the chance each occurrence of a word survives subsampling (1 for sample=0)."""
        if not sample:
            return np.ones(len(self.words))
        threshold = sample * self.counts.sum()
        c = np.maximum(self.counts, 1).astype(np.float64)
        return np.minimum(1.0, (np.sqrt(c / threshold) + 1.0) * threshold / c)

    def subsample(self, rng, sample=SAMPLE):
        """Positions (in `ids`) of the tokens one pass keeps, each with `keep_probability`."""
        return np.flatnonzero(rng.random(len(self.ids)) < self.keep_probability(sample)[self.ids])

    def noise_distribution(self, power=0.75):
        """float64 (V,): the unigram^power distribution the negatives are drawn from."""
        p = self.counts.astype(np.float64) ** power
        return p / p.sum()

    def blocks_per_epoch(self, layout="pairs", window=WINDOW, sample=SAMPLE):
        """Blocks of one epoch: the elements of one seeded pass less MARGIN (0.2%, many times the
        pass-to-pass spread), in blocks of BLOCK; a fixed count, so an epoch has a known number of
        batches (each pass is cut there)."""
        key = (layout, window, sample)
        if key not in self._sizes:
            rng = np.random.default_rng(COUNT_SEED)
            n = sum(int(v.sum()) if layout == "pairs" else int(v.any(axis=1).sum())
                    for _, v, _ in self._contexts(rng, window, sample, False, CHUNK, as_mask=True))
            self._sizes[key] = max(1, int(n * (1 - MARGIN)) // BLOCK)
        return self._sizes[key]

    # ------------------------------------------------------------------- the stream
    def _contexts(self, rng, window, sample, shuffle, chunk, as_mask=False):
        """Chunks (targets (c,), valid (c, 2 window), contexts (c, 2 window)) of one pass over the kept
        words: slot j is offset -1, +1, -2, +2, ... (nearest first), -1 where not in the window or the
        sentence (contexts None with `as_mask`)."""
        keep, sentence = self.subsample(rng, sample), self._sentence_of_token()
        if shuffle:
            rank = rng.permutation(len(self.starts) - 1)
            keep = keep[np.argsort(rank[sentence[keep]], kind="stable")]
        tok, sent = self.ids[keep], sentence[keep]
        new = np.r_[True, sent[1:] != sent[:-1]] if len(tok) else np.zeros(0, bool)
        first = np.flatnonzero(new)
        run = np.cumsum(new) - 1
        lo, hi = first[run], np.r_[first[1:], len(tok)][run]  # the sentence of each kept word
        offsets = np.array([o for d in range(1, window + 1) for o in (-d, d)])  # nearest first
        for a in range(0, len(tok), chunk):
            p = np.arange(a, min(a + chunk, len(tok)))
            b = rng.integers(1, window + 1, len(p))  # the dynamic window
            cand = p[:, None] + offsets
            valid = (np.abs(offsets) <= b[:, None]) & (cand >= lo[p, None]) & (cand < hi[p, None])
            context = None if as_mask else np.where(valid, tok[np.clip(cand, 0, len(tok) - 1)], -1)
            yield self._tagged(sent[p], tok[p], valid, context) if self.TAGS else (tok[p], valid, context)

    def stream(self, rng, layout="pairs", window=WINDOW, negative=NEGATIVE, sample=SAMPLE, shuffle=True,
               chunk=CHUNK):
        """One pass of (target, context, negatives) numpy chunks in `layout` (see the module
        docstring); `shuffle` permutes the sentence order. `rng`: a numpy Generator."""
        if layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}.")
        prob, alias = self._alias()
        for target, valid, context in self._contexts(rng, window, sample, shuffle, chunk):
            if layout == "pairs":  # centre by centre, nearest context first
                target, context = np.repeat(target, valid.sum(1)), context[valid]
            else:  # windows, compacted (valid slots first); words without context train nothing
                some = valid.any(axis=1)
                order = np.argsort(~valid[some], axis=1, kind="stable")
                target, context = target[some], np.take_along_axis(context[some], order, 1)
            yield target, context.astype(np.int32), alias_draw(rng, prob, alias, (len(target), negative))

    def epoch(self, rng, blocks, block=BLOCK, **kwargs):
        """Exactly `blocks` blocks of `stream` (arrays shaped (n, block, ...)): a pass cut there, or
        topped up by another pass."""
        need, rest = blocks * block, None
        while need > 0:
            got = 0
            for chunk in self.stream(rng, **kwargs):
                got += len(chunk[0])
                if rest is not None:
                    chunk = tuple(np.concatenate([r, x]) for r, x in zip(rest, chunk))
                chunk = tuple(x[:need] for x in chunk)
                n = len(chunk[0]) // block * block
                rest, need = tuple(x[n:] for x in chunk), need - n
                if n:
                    yield tuple(x[:n].reshape(n // block, block, *x.shape[1:]) for x in chunk)
                if need <= 0:
                    return
            if not got:
                raise ValueError(f"{self!r} yields no training element (no sentence of two kept words).")

    def dataset(self, batch_size, layout="pairs", window=WINDOW, negative=NEGATIVE, sample=SAMPLE, seed=0,
                shuffle=True, drop_remainder=True, num_examples=None, block=BLOCK):
        """A `tf.data.Dataset` of (target, context, negatives) batches in `layout`, each element a
        block of `block` consecutive training elements: target (batch, block), context (batch,
        block) or (batch, block, 2 window), negatives (batch, block, K). Every iteration (epoch)
        draws a fresh stream from (seed, iteration number). An epoch has `blocks_per_epoch` blocks
        (or `num_examples` // block), so its number of batches is known."""
        import tensorflow as tf

        for k, v in (("window", window), ("negative", negative), ("batch_size", batch_size), ("block", block)):
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
                raise ValueError(f"{k} must be a positive int, got {v!r}.")
        if layout not in LAYOUTS or not len(self.ids):
            raise ValueError(f"layout must be one of {LAYOUTS} (got {layout!r}) and {self!r} must have tokens.")
        blocks = max(1, (num_examples or self.blocks_per_epoch(layout, window, sample) * BLOCK) // block)
        batches = blocks // batch_size if drop_remainder else -(-blocks // batch_size)
        passes = iter(range(2**62))

        def generate():  # whole batches, many at a time: tf.data's per-element cost is paid per batch
            rng, rest = np.random.default_rng([int(seed), next(passes)]), None
            for chunk in self.epoch(rng, min(blocks, batches * batch_size), block, layout=layout, window=window,
                                    negative=negative, sample=sample, shuffle=shuffle):
                if rest is not None:
                    chunk = tuple(np.concatenate([r, x]) for r, x in zip(rest, chunk))
                n = len(chunk[0]) // batch_size * batch_size
                if n:
                    yield tuple(x[:n].reshape(n // batch_size, batch_size, *x.shape[1:]) for x in chunk)
                rest = tuple(x[n:] for x in chunk)
            if rest is not None and len(rest[0]):  # the last, smaller batch (drop_remainder=False)
                yield tuple(x[None] for x in rest)

        context = (None, None, block) if layout == "pairs" else (None, None, block, 2 * window + self.TAGS)
        spec = (tf.TensorSpec((None, None, block), tf.int32), tf.TensorSpec(context, tf.int32),
                tf.TensorSpec((None, None, block, negative), tf.int32))
        ds = tf.data.Dataset.from_generator(generate, output_signature=spec).unbatch()
        return ds.apply(tf.data.experimental.assert_cardinality(batches)).prefetch(tf.data.AUTOTUNE)

    def _alias(self):
        """Walker's alias table of the noise distribution (built once): exact O(1) draws."""
        if self._alias_table is None:
            self._alias_table = alias_table(self.noise_distribution())
        return self._alias_table

    def _sentence_of_token(self):
        if self._sentence is None:
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
    return prob.astype(np.float32), alias.astype(np.int32)  # entries left in a list keep prob 1 (round-off)


def alias_draw(rng, prob, alias, shape):
    i = rng.integers(0, len(prob), shape, dtype=np.int32)
    return np.where(rng.random(shape, dtype=np.float32) < prob[i], i, alias[i])


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
         with_labels=False):
    """The word2vec stream of a text dataset ``<corpus>-<layout>`` (e.g. "gcide-pairs") as a
    `tf.data.Dataset` of (target, context, negatives) batches (see `Corpus.dataset`), with the
    word2vec defaults: window 5, negative 5, sample 1e-3, min count 5 (others: `corpus(name).dataset`).
    `shuffle` (default True) permutes the sentences of each pass. Text corpora have one split,
    "train": word vectors are evaluated on similarity and analogy sets (`zoo.eval.embedding`).
    """
    corpus_name, _, layout = str(name).rpartition("-")
    if corpus_name not in CORPORA or layout not in LAYOUTS:
        raise ValueError(f"Unknown text dataset {name!r}; known: {sorted(DATASETS)}.")
    if split != "train":
        raise ValueError(f"The {corpus_name} corpus has only a train split (got {split!r}): word vectors are "
                         "evaluated on WordSim-353, SimLex-999 and analogies (zoo.eval.embedding).")
    if with_labels:
        raise ValueError(f"{name} has no labels: its elements are (target, context, negatives).")
    return corpus(corpus_name).dataset(batch_size, layout, seed=seed, shuffle=shuffle is not False,
                                       drop_remainder=drop_remainder is not False, num_examples=num_examples)
