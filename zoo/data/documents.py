"""Document corpora and the doc2vec training stream (Le & Mikolov 2014), offline first.

Corpora (`CORPORA`), each a list of documents (texts) with a title each:
- ``lee``: the 300 news documents of the Lee corpus (Lee, Pincombe, Welsh 2005), gensim's test
  data ``lee_background.cor``, a document a line (latin-1, as gensim's own test reads it); its
  evaluation set is `lee_test`: the 50 documents of ``lee.cor`` and the 50 x 50 matrix of mean
  human similarity judgements ``similarities0-1.txt``. Needs gensim (the zoo's dev extra).
- ``kjv-chapters``: the King James Bible (``$ZOO_DATA_DIR/text/kjv.txt``) a document a chapter,
  titled by its heading ("Genesis 1"), its verses joined (`zoo.data.text`'s verse reader): the 978
  training chapters; every fifth chapter of a book (Genesis 5, 10, ...: 211 chapters of the 47 books
  with five or more) is held out (`kjv_test`) to be classified by book, by the book's group in
  `BOOK_GROUPS` (10 groups) and by testament (`zoo.eval.documents`).

Tokens are `zoo.data.text.tokenize` (gensim's ``simple_preprocess``). A `DocumentCorpus` is a
`zoo.data.text.Corpus` whose sentences are the documents and whose every kept word also has its
document's tag as a context: id V + i for document i, V the vocabulary size. So word2vec's stream
(Mikolov's subsampling, dynamic windows, unigram^0.75 negatives, a fresh draw per pass from a seed)
gives doc2vec's elements. Dataset ``<corpus>-<layout>``:
- ``dbow`` (PV-DBOW with interleaved skip-gram, gensim's dm=0, dbow_words=1): (target, context,
  negatives) pairs, int32; the context is the document's tag (the document predicts each of its
  kept words) or a word of the target's window (skip-gram pairs that train the word vectors);
- ``dm`` (PV-DM): (target, context (2 window + 1,), negatives): the tag first, then the window's
  words nearest first, then -1; every kept word is an element (the tag is always there).
The elements of a chunk are shuffled (``shuffle=True``, the default), so a batch's summed gradient
spreads over many documents instead of one document's words in a row.

>>> from zoo.data import documents
>>> ds = documents.load("lee-dbow", batch_size=8, seed=0)   # blocks of 64 (target, context, negatives)
"""

import dataclasses
import functools
import re

import numpy as np

from zoo.data import text

SETTINGS = {"lee": dict(min_count=2), "kjv-chapters": dict(min_count=5)}  # the vocabulary of each corpus
HELD_OUT = 5  # chapter n of a book is held out when n % HELD_OUT == 0
BOOK_GROUPS = {  # the customary division of the Protestant canon; the first five groups are the Old Testament
    "Law": ("Genesis", "Exodus", "Leviticus", "Numbers", "Deuteronomy"),
    "History": ("Joshua", "Judges", "Ruth", "1 Samuel", "2 Samuel", "1 Kings", "2 Kings", "1 Chronicles",
                "2 Chronicles", "Ezra", "Nehemiah", "Esther"),
    "Wisdom": ("Job", "Psalms", "Proverbs", "Ecclesiastes", "Song of Solomon"),
    "Major Prophets": ("Isaiah", "Jeremiah", "Lamentations", "Ezekiel", "Daniel"),
    "Minor Prophets": ("Hosea", "Joel", "Amos", "Obadiah", "Jonah", "Micah", "Nahum", "Habakkuk", "Zephaniah",
                       "Haggai", "Zechariah", "Malachi"),
    "Gospels": ("Matthew", "Mark", "Luke", "John"),
    "Acts": ("Acts",),
    "Pauline Epistles": ("Romans", "1 Corinthians", "2 Corinthians", "Galatians", "Ephesians", "Philippians",
                         "Colossians", "1 Thessalonians", "2 Thessalonians", "1 Timothy", "2 Timothy", "Titus",
                         "Philemon"),
    "General Epistles": ("Hebrews", "James", "1 Peter", "2 Peter", "1 John", "2 John", "3 John", "Jude"),
    "Revelation": ("Revelation",),
}
OLD_TESTAMENT = ("Law", "History", "Wisdom", "Major Prophets", "Minor Prophets")
CORPORA = {
    "lee": "the Lee corpus: 300 Australian news documents (gensim's lee_background.cor), 58,152 tokens",
    "kjv-chapters": "the King James Bible (public domain) a document a chapter: 978 of its 1,189 chapters",
}
LAYOUTS = {"dbow": "pairs", "dm": "windows"}  # doc2vec's layout -> the word2vec stream's
LAYOUT_TEXT = {"dbow": "as PV-DBOW (target, document tag or window word, negatives) pairs",
               "dm": "as PV-DM (target, document tag + window, negatives) windows"}
#: dataset name -> (element shape, description), merged into zoo.data.DATASETS
DATASETS = {f"{c}-{layout}": ((), f"{about}, {LAYOUT_TEXT[layout]}") for c, about in CORPORA.items()
            for layout in LAYOUTS}
LEE_TRAIN, LEE_TEST, LEE_HUMAN = "lee_background.cor", "lee.cor", "similarities0-1.txt"
_HEADING = re.compile(r"^\S.* \d+$")


@dataclasses.dataclass(eq=False)
class DocumentCorpus(text.Corpus):
    """A `zoo.data.text.Corpus` of documents (see the module docstring).

    Attributes (besides a Corpus's): documents: their number; docs: int64 (S,) the document of each
    sentence (a document longer than 10,000 tokens is several); titles: one str per document.
    """

    documents: int = 0
    docs: np.ndarray = None
    titles: list = None
    TAGS = 1

    @classmethod
    def from_documents(cls, texts, min_count=text.MIN_COUNT, vocabulary=None, name="documents", titles=None):
        """A corpus of `texts` (one str per document), tokenised by `zoo.data.text.tokenize`.

        Args:
            min_count: keep words seen at least this often (default 5).
            vocabulary: a fixed word list instead (default None).
            titles: a str per document (default "0", "1", ...).
        """
        texts = [str(t).replace("\n", " ") for t in texts]
        titles = [str(t) for t in titles] if titles is not None else [str(i) for i in range(len(texts))]
        if len(titles) != len(texts):
            raise ValueError(f"{len(titles)} titles for {len(texts)} documents.")
        base = text.Corpus.from_text("\n".join(texts), min_count, vocabulary, name)
        index = dict.fromkeys(base.words)
        lengths = [sum(w in index for w in text.tokenize(t)) for t in texts]
        doc_of_token = np.repeat(np.arange(len(texts)), lengths)
        return cls(base.words, base.counts, base.ids, base.starts, base.raw_words, name, len(texts),
                   doc_of_token[base.starts[:-1]], titles)

    def __repr__(self):
        return f"DocumentCorpus({self.name!r}: {len(self.ids):,} tokens, {self.documents:,} documents, " \
               f"{len(self.words):,} words)"

    def _tagged(self, sentences, targets, valid, contexts):
        """The document's tag (V + document) as the first context of each target, always valid."""
        valid = np.concatenate([np.ones((len(targets), 1), bool), valid], axis=1)
        if contexts is not None:
            contexts = np.concatenate([(len(self.words) + self.docs[sentences])[:, None], contexts], axis=1)
        return targets, valid, contexts

    def stream(self, rng, layout="pairs", shuffle=True, **kwargs):
        """`zoo.data.text.Corpus.stream` of the tagged words, each chunk's elements shuffled."""
        for chunk in super().stream(rng, layout, shuffle=shuffle, **kwargs):
            order = rng.permutation(len(chunk[0])) if shuffle else slice(None)
            yield tuple(x[order] for x in chunk)

    def dataset(self, batch_size, layout="dbow", **kwargs):
        """`zoo.data.text.Corpus.dataset` in a doc2vec layout, "dbow" or "dm"."""
        if layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {sorted(LAYOUTS)}, got {layout!r}.")
        return super().dataset(batch_size, LAYOUTS[layout], **kwargs)

    def blocks(self, layout="dbow", window=text.WINDOW, sample=text.SAMPLE):
        """`blocks_per_epoch` of a doc2vec layout."""
        return self.blocks_per_epoch(LAYOUTS[layout], window, sample)


# ----------------------------------------------------------------------------- sources
def _gensim_file(name):
    try:
        from gensim.test.utils import datapath
    except ImportError:
        raise text.CorpusNotAvailableError(f"{name} is gensim's test data: pip install gensim (the zoo's dev "
                                           "extra has it).") from None
    return datapath(name)


def _lines(name):
    with open(_gensim_file(name), encoding="latin-1") as f:
        return [line for line in f.read().split("\n") if line.strip()]


def lee_test():
    """(50 texts of lee.cor, float64 (50, 50) human similarity matrix: its upper triangle holds the
    mean judgement of each pair, 0 to 1)."""
    texts, human = _lines(LEE_TEST), np.loadtxt(_gensim_file(LEE_HUMAN))
    if len(texts) != 50 or human.shape != (50, 50):
        raise ValueError(f"{LEE_TEST} / {LEE_HUMAN}: expected 50 documents and a 50 x 50 matrix, got "
                         f"{len(texts)} and {human.shape}.")
    return texts, human


def kjv_chapters():
    """(titles ["Genesis 1", ...], texts): the chapters of ``$ZOO_DATA_DIR/text/kjv.txt``, a heading
    (a line after a blank one, "<book> <number>") then its numbered verses."""
    titles, bodies, previous = [], [], ""
    for line in text.read_local("kjv", "kjv.txt").split("\n"):
        if _HEADING.match(line) and not previous.strip():
            titles.append(line.strip())
            bodies.append([])
        elif bodies:
            bodies[-1].append(line)
        previous = line
    return titles, [" ".join(text.kjv_verses("\n".join(b)).split("\n")) for b in bodies]


def _held_out(title):
    return int(title.rpartition(" ")[2]) % HELD_OUT == 0


def kjv_test():
    """(titles, texts) of the held-out chapters (every fifth of a book), in Bible order."""
    titles, texts = kjv_chapters()
    return [t for t in titles if _held_out(t)], [x for t, x in zip(titles, texts) if _held_out(t)]


def chapter_labels(titles, level="book"):
    """The label of each chapter title at `level`: "book" ("1 Samuel 3" -> "1 Samuel"), "group" (its
    `BOOK_GROUPS` key) or "testament" ("Old" or "New")."""
    books = [t.rpartition(" ")[0] for t in titles]
    if level == "book":
        return books
    group = {b: g for g, members in BOOK_GROUPS.items() for b in members}
    if level == "group":
        return [group[b] for b in books]
    if level == "testament":
        return ["Old" if group[b] in OLD_TESTAMENT else "New" for b in books]
    raise ValueError(f"level must be 'book', 'group' or 'testament', got {level!r}.")


def documents(name):
    """(titles, texts) of a named corpus; `CorpusNotAvailableError` says how to get it."""
    if name == "lee":
        texts = _lines(LEE_TRAIN)
        return [str(i) for i in range(len(texts))], texts
    if name == "kjv-chapters":  # the training chapters
        titles, texts = kjv_chapters()
        return [t for t in titles if not _held_out(t)], [x for t, x in zip(titles, texts) if not _held_out(t)]
    raise ValueError(f"Unknown document corpus {name!r}; known: {sorted(CORPORA)}.")


@functools.lru_cache(maxsize=2)
def corpus(name):
    """The `DocumentCorpus` of a named corpus, with its vocabulary settings (cached)."""
    titles, texts = documents(name)
    return DocumentCorpus.from_documents(texts, SETTINGS[name]["min_count"], name=name, titles=titles)


def load(name, split="train", batch_size=16, shuffle=None, seed=0, drop_remainder=None, num_examples=None,
         with_labels=False):
    """The doc2vec stream of a dataset ``<corpus>-<layout>`` (e.g. "lee-dbow") as a `tf.data.Dataset`
    of (target, context, negatives) batches of `batch_size` blocks of 64 elements, drawn afresh from
    (seed, pass) with the word2vec / gensim defaults: window 5, negative 5, sample 1e-3.
    `shuffle` (default True) permutes the documents and the elements of each pass. One split,
    "train": documents are evaluated by inferring unseen ones (`zoo.eval.documents`)."""
    corpus_name, _, layout = str(name).rpartition("-")
    if corpus_name not in CORPORA or layout not in LAYOUTS:
        raise ValueError(f"Unknown document dataset {name!r}; known: {sorted(DATASETS)}.")
    if split != "train":
        raise ValueError(f"{name} has only a train split (got {split!r}): doc2vec is evaluated by inferring "
                         "unseen documents (zoo.eval.documents).")
    if with_labels:
        raise ValueError(f"{name} has no labels: its elements are (target, context, negatives).")
    return corpus(corpus_name).dataset(batch_size, layout, seed=seed, shuffle=shuffle is not False,
                                       drop_remainder=drop_remainder is not False, num_examples=num_examples)
