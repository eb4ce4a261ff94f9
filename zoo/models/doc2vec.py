"""doc2vec: paragraph vectors, PV-DBOW and PV-DM (Le & Mikolov 2014, Distributed Representations of
Sentences and Documents, arXiv:1405.4053).

Three tables: word vectors W, document (paragraph) vectors D and the output layer's context
vectors U (negative sampling: word2vec's syn1neg). A training element's input ids address W and D
as one table: ids below the vocabulary size V are words, V + i is document i (`zoo.data.documents`
writes them so).
- PV-DBOW ("dbow"): the document's vector predicts each of its words, sigma(d . u_w) against K
  noise words sigma(-d . u_n), interleaved with skip-gram pairs on the word vectors (gensim's dm=0,
  dbow_words=1), so W is trained too, in the same space as D (both against U).
- PV-DM ("dm"): the mean h of the document's vector and its window's word vectors predicts the
  centre word (gensim's dm=1 with its default mean); each input gets the whole gradient of h.
The loss, the train step, the vocabulary (stored in the weights file) and the word lookups are
word2vec's: the family extends `zoo.models.word2vec.Word2Vec`.

`infer_vector(text)` is the paper's inference step: a new document vector trained on the text by
the same objective with W and U frozen (gensim's `infer_vector`: the training corpus's subsampling,
dynamic windows and noise words, `infer_epochs` passes at a rate decaying linearly from
`infer_alpha` to `infer_min_alpha`), from a start and draws seeded by (seed, the text's tokens), so
a text and a seed give one vector whatever else is inferred with it. It runs in numpy, word by word
as in gensim, all texts at once.
"""

import zlib

import numpy as np
import keras
from keras import ops
from scipy.special import expit

from zoo import capabilities as cap
from zoo.data import text as T
from zoo.models.base import MAX_WIDTH, check_int, check_seed
from zoo.models.word2vec import MAX_VOCAB, MAX_VOCAB_BYTES, STORAGES, Word2Vec, WordTable, scores, window_mean

MODES = ("dbow", "dm")
MAX_DOCUMENTS, MAX_INFER_EPOCHS, MAX_TEXTS = 10_000_000, 10_000, 100_000
INFER_CHUNK = 128  # texts inferred together (of similar lengths): bounds the memory of DM's window sums


def build_doc2vec(vocab_size, documents, dim, mode="dbow", window=5, negative=5, shipped="float32", seed=0):
    """The scorer: (target (B,), context, negatives (B, K)) -> logits (B, 1 + K) of the target and
    its noise words. DBOW's context is one id (B,): a word (skip-gram) or V + a document; DM's is
    (B, 2 window + 1): V + the document, then window words, -1 in empty slots; h is their mean.
    Word and document vectors start uniform in +-0.5/dim, context vectors at 0 (word2vec.c, gensim).
    """
    target = keras.Input((), dtype="int32", name="target")
    context = keras.Input(() if mode == "dbow" else (2 * window + 1,), dtype="int32", name="context")
    negatives = keras.Input((negative,), dtype="int32", name="negatives")
    init = [keras.initializers.RandomUniform(-0.5 / dim, 0.5 / dim, seed=seed + i) for i in (0, 1)]
    words = WordTable(vocab_size, dim, init[0], shipped, name="word_vectors")
    docs = WordTable(documents, dim, init[1], shipped, name="document_vectors")
    contexts = WordTable(vocab_size, dim, "zeros", shipped, name="context_vectors")
    is_doc = context >= vocab_size
    v = ops.where(is_doc[..., None], docs(ops.where(is_doc, context - vocab_size, -1)),
                  words(ops.where(is_doc, -1, context)))
    h = v if mode == "dbow" else window_mean(v, context)
    return keras.Model([target, context, negatives], scores(h, contexts, target, negatives), name="scorer")


class Doc2Vec(Word2Vec):
    """Paragraph vectors, PV-DBOW (with skip-gram word training) or PV-DM, negative sampling.

    Args:
        vocab_size: words in the vocabulary (default 20).
        vocab_bytes: bytes of the vocabulary's UTF-8 text, words end to end (default 128).
        documents: training documents, rows of the document table (default 8).
        title_bytes: bytes of the documents' titles (UTF-8, end to end), stored in the weights file
            and returned by `most_similar_documents`; 0: none, documents go by their index (default 0).
        dim: vector size (default 100).
        mode: "dbow" or "dm" (default "dbow").
        window: largest window radius (default 5).
        negative: noise words per positive pair, K (default 5).
        sample: subsampling threshold, of the training stream and of inference (default 1e-3).
        min_count: the vocabulary's minimum count (default 2; recorded).
        corpus: a `zoo.data.documents` corpus whose vocabulary `fit` fills in while the model has
            none (default None).
        storage: "float32" or "float16": saved files hold the three tables in float16 (inference
            needs the context vectors too), and every method uses those values (default "float32").
        infer_epochs, infer_alpha, infer_min_alpha: passes of `infer_vector` and its learning rate,
            decaying linearly (default 40, 0.025, 0.0001).
        seed: seed of the initial word and document vectors (default 0).

    Example:
        d = zoo.load("doc2vec-dbow-lee")
        v = d.infer_vector("the cat sat on the mat", seed=0)     # float32 (dim,)
        d.most_similar_documents("bushfires near sydney", topn=5)  # [(title, cosine), ...]
    """

    CAPABILITIES = (cap.Embedding, cap.Documents)
    DATASET_LAYOUT = {"dbow": "dbow", "dm": "dm"}

    def __init__(self, vocab_size=20, vocab_bytes=128, documents=8, title_bytes=0, dim=100, mode="dbow", window=5, negative=5,
                 sample=1e-3, min_count=2, corpus=None, storage="float32", infer_epochs=40, infer_alpha=0.025,
                 infer_min_alpha=0.0001, seed=0, **kwargs):
        kwargs.setdefault("name", "doc2vec")
        super(Word2Vec, self).__init__(**kwargs)  # ZooModel's: the tables are built here, not word2vec's
        if mode not in MODES or storage not in STORAGES:
            raise ValueError(f"mode must be in {MODES}, storage in {STORAGES}; got {mode!r}, {storage!r}.")
        self.vocab_size = check_int(vocab_size, "vocab_size", 1, MAX_VOCAB)
        self.vocab_bytes = check_int(vocab_bytes, "vocab_bytes", 1, MAX_VOCAB_BYTES)
        self.documents = check_int(documents, "documents", 1, MAX_DOCUMENTS)
        self.title_bytes = check_int(title_bytes, "title_bytes", 0, MAX_VOCAB_BYTES)
        self.dim, self.mode = check_int(dim, "dim", 1, MAX_WIDTH), mode
        self.window, self.negative = check_int(window, "window", 1, 100), check_int(negative, "negative", 1, 100)
        self.sample, self.min_count, self.corpus, self.storage = float(sample), int(min_count), corpus, storage
        self.infer_epochs = check_int(infer_epochs, "infer_epochs", 1, MAX_INFER_EPOCHS)
        self.infer_alpha, self.infer_min_alpha = float(infer_alpha), float(infer_min_alpha)
        if not 0 <= self.infer_min_alpha <= self.infer_alpha <= 1 or not 0 <= self.sample < 1:
            raise ValueError(f"Need 0 <= infer_min_alpha <= infer_alpha <= 1 and 0 <= sample < 1; got "
                             f"{infer_min_alpha!r}, {infer_alpha!r}, {sample!r}.")
        if (self.vocab_size * 2 + self.documents) * self.dim > 500_000_000:
            raise ValueError("(2 vocab_size + documents) x dim is over the cap of 5e8 values.")
        self.network = build_doc2vec(self.vocab_size, self.documents, self.dim, mode, self.window, self.negative,
                                     storage, int(seed))
        self._add_vocabulary_weights()
        self.word_counts = self.add_weight(shape=(self.vocab_size,), initializer="zeros", dtype="int32",
                                           trainable=False, name="word_counts")
        if self.title_bytes:
            self.title_utf8 = self.add_weight(shape=(self.title_bytes,), initializer="zeros", dtype="uint8",
                                              trainable=False, name="title_utf8")
            self.title_offsets = self.add_weight(shape=(self.documents + 1,), initializer="zeros", dtype="int32",
                                                 trainable=False, name="title_offsets")
        self._noise = self._titles = None
        self.built = True

    @classmethod
    def for_corpus(cls, corpus, titles=False, **kwargs):
        """A model sized for a `zoo.data.documents.DocumentCorpus`, its vocabulary (and with `titles`
        its documents' titles) set."""
        words = list(corpus.words)
        model = cls(vocab_size=len(words), vocab_bytes=max(1, sum(len(w.encode()) for w in words)),
                    documents=corpus.documents, title_bytes=sum(len(t.encode()) for t in corpus.titles) if titles
                    else 0, **kwargs)
        model.set_corpus(corpus)
        return model

    @property
    def data_shape(self):
        """Shape of one training element's context: () for DBOW pairs, (2 window + 1,) for DM."""
        return () if self.mode == "dbow" else (2 * self.window + 1,)

    # --- vocabulary -------------------------------------------------------------------
    def set_vocabulary(self, words, counts):
        """Store `words` (see `Word2Vec.set_vocabulary`) and their training counts (positive ints:
        inference subsamples and draws noise words by them)."""
        counts = np.asarray(counts)
        if counts.shape != (self.vocab_size,) or not np.issubdtype(counts.dtype, np.integer) or counts.min() < 1 \
                or counts.max() >= 2**31:
            raise ValueError(f"counts must be {self.vocab_size:,} positive integers below 2^31, got {counts.dtype} "
                             f"{counts.shape}.")
        super().set_vocabulary(words)
        self.word_counts.assign(counts.astype(np.int32))
        self._noise = None

    def set_titles(self, titles):
        """Store the documents' titles (`documents` str, `title_bytes` bytes of UTF-8 in all)."""
        data = [str(t).encode("utf-8") for t in titles]
        if not self.title_bytes or len(data) != self.documents or sum(map(len, data)) != self.title_bytes:
            raise ValueError(f"The titles are {len(data):,} and {sum(map(len, data)):,} bytes; this model holds "
                             f"{self.documents:,} titles of {self.title_bytes:,} bytes.")
        self.title_utf8.assign(np.frombuffer(b"".join(data), np.uint8))
        self.title_offsets.assign(np.r_[0, np.cumsum([len(d) for d in data])].astype(np.int32))
        self._titles = None

    def set_corpus(self, corpus):
        """The vocabulary, counts (and titles, when the model holds them) of a `DocumentCorpus`."""
        if corpus.documents != self.documents:
            raise ValueError(f"{corpus!r} has {corpus.documents:,} documents; this model holds {self.documents:,}.")
        self.set_vocabulary(corpus.words, corpus.counts)
        if self.title_bytes:
            self.set_titles(corpus.titles)

    def load_own_variables(self, store):
        super().load_own_variables(store)
        self._noise = self._titles = None

    def fit(self, x=None, y=None, *args, **kwargs):
        """`Word2Vec.fit` on (target, context, negatives) batches of `zoo.data.documents`; a model
        without vocabulary whose `corpus` is set takes that corpus's first."""
        if self.corpus and self.vocab_offsets.numpy()[-1] == 0:
            from zoo.data import documents

            self.set_corpus(documents.corpus(self.corpus))
        return super().fit(x, y, *args, **kwargs)

    def example_batch(self, n=16, seed=0, block=4):
        """n random training elements (blocks of `block`) (target, context, negatives) as numpy."""
        rng = np.random.default_rng(seed)
        ids = lambda high, *shape: rng.integers(0, high, (n, block, *shape)).astype(np.int32)  # noqa: E731
        doc = self.vocab_size + ids(self.documents)
        if self.mode == "dbow":  # half document tags, half skip-gram words
            context = np.where(rng.random((n, block)) < 0.5, doc, ids(self.vocab_size))
        else:
            context = np.concatenate([doc[..., None], ids(self.vocab_size, 2 * self.window)], axis=-1)
            context[..., self.window + 1:] = -1  # empty slots, as at document ends
        return ids(self.vocab_size), context, ids(self.vocab_size, self.negative)

    # --- documents --------------------------------------------------------------------
    def _table(self, name):
        table = self.network.get_layer(name).embeddings.numpy()
        return table.astype(np.float16).astype(np.float32) if self.storage == "float16" else table

    def document_vectors(self):
        """The training documents' vectors, float32 (documents, dim)."""
        return self._table("document_vectors")

    def document_vector(self, i):
        """float32 (dim,) vector of training document `i` (0 <= i < documents)."""
        return self.document_vectors()[check_int(i, "document", 0, self.documents - 1)]

    def token_ids(self, doc, name="doc"):
        """int64 ids of the words of `doc` (str, tokenised like the training text, or a list of tokens)
        that are in the vocabulary; ValueError naming `name` when there is none."""
        if isinstance(doc, str):
            tokens = T.tokenize(doc)
        elif isinstance(doc, (list, tuple)) and all(isinstance(t, str) for t in doc):
            tokens = list(doc)
        else:
            raise TypeError(f"{name} must be a str or a list of str tokens, got {type(doc).__name__}.")
        lookup = self._vocabulary()[1]
        ids = np.array([lookup[t] for t in tokens if t in lookup], np.int64)
        if not len(ids):
            raise ValueError(f"{name} has no word of the vocabulary of {self.name} ({len(tokens)} tokens, none of "
                             f"the {self.vocab_size:,} words seen at least {self.min_count} times in training).")
        return ids

    def _noise_tables(self):
        if self._noise is None:
            c = T.Corpus(self.words, self.word_counts.numpy().astype(np.int64), np.zeros(0, np.int32),
                         np.zeros(1, np.int64), 0)
            self._noise = (c.keep_probability(self.sample), *T.alias_table(c.noise_distribution()))
        return self._noise

    def infer_vectors(self, texts, seed=0, epochs=None, _names=None):
        """float32 (n, dim): `infer_vector` of each of `texts` (a list of str or of token lists)."""
        if isinstance(texts, str) or not isinstance(texts, (list, tuple)) or not texts or len(texts) > MAX_TEXTS:
            raise ValueError(f"texts must be a list of 1 to {MAX_TEXTS:,} texts, got {type(texts).__name__}.")
        seed = check_seed(seed)
        epochs = self.infer_epochs if epochs is None else check_int(epochs, "epochs", 1, MAX_INFER_EPOCHS)
        docs = [self.token_ids(t, _names[i] if _names else f"texts[{i}]") for i, t in enumerate(texts)]
        order = np.argsort([len(ids) for ids in docs], kind="stable")
        out = np.zeros((len(docs), self.dim), np.float32)
        for i in range(0, len(docs), INFER_CHUNK):
            rows = order[i: i + INFER_CHUNK]
            out[rows] = self._infer([docs[j] for j in rows], seed, epochs)
        return out

    def _infer(self, docs, seed, epochs):
        keep, prob, alias = self._noise_tables()
        words, contexts = self.vectors(), self._table("context_vectors")
        rngs = [np.random.default_rng([seed, zlib.crc32(ids.tobytes())]) for ids in docs]
        d = np.stack([(r.random(self.dim) - 0.5) / self.dim for r in rngs]).astype(np.float32)
        label = np.r_[1.0, np.zeros(self.negative)].astype(np.float32)
        for e in range(epochs):
            alpha = self.infer_alpha - (self.infer_alpha - self.infer_min_alpha) * e / max(epochs - 1, 1)
            target, mask, noise, window = self._draws(docs, rngs, keep, prob, alias, words)
            for t in range(target.shape[1]):
                rows = np.flatnonzero(mask[:, t])  # the texts with a t-th kept word (short ones are done)
                h = d[rows] if window is None else (window[0][rows, t] + d[rows]) / window[1][rows, t, None]
                u = contexts[np.concatenate([target[rows, t, None], noise[rows, t]], axis=1)]  # (n, 1 + K, dim)
                g = (label - expit(np.einsum("nd,nkd->nk", h, u))) * alpha
                g[:, 1:] *= noise[rows, t] != target[rows, t, None]  # a noise word equal to the target is skipped
                d[rows] += np.einsum("nk,nkd->nd", g, u)
        return d

    def _draws(self, docs, rngs, keep, prob, alias, words):
        """One inference pass's draws, padded to the longest text: kept target words (n, L), their
        mask, noise words (n, L, K) and for DM the sums and counts of each word's window (+1: the
        document) over the kept words."""
        kept = [ids[r.random(len(ids)) < keep[ids]] for ids, r in zip(docs, rngs)]
        n, length = len(docs), max(1, max(map(len, kept)))
        target, mask = np.zeros((n, length), np.int64), np.zeros((n, length), bool)
        noise = np.zeros((n, length, self.negative), np.int64)
        sums = np.zeros((n, length, self.dim), np.float32) if self.mode == "dm" else None
        count = np.ones((n, length), np.float32)
        for i, (ids, r) in enumerate(zip(kept, rngs)):
            m = len(ids)
            target[i, :m], mask[i, :m] = ids, True
            if sums is not None:
                b, v = r.integers(1, self.window + 1, m), words[ids]
                for o in range(1, self.window + 1):  # window words at distance o, where o <= b
                    sums[i, o:m] += (b[o:] >= o)[:, None] * v[:-o]
                    sums[i, :m - o] += (b[:-o] >= o)[:, None] * v[o:]
                    count[i, o:m] += b[o:] >= o
                    count[i, :m - o] += b[:-o] >= o
            noise[i, :m] = T.alias_draw(r, prob, alias, (m, self.negative))
        return target, mask, noise, (None if sums is None else (sums, count))

    def infer_vector(self, doc, seed=0, epochs=None):
        """float32 (dim,): the vector of a new document `doc` (str, tokenised like the training text,
        or a list of tokens); words outside the vocabulary are left out. Same doc and seed, same
        vector; `epochs` defaults to `infer_epochs`."""
        return self.infer_vectors([doc], seed, epochs, _names=["doc"])[0]

    def titles(self):
        """The training documents' titles (list of str; their indices as str without titles)."""
        if self._titles is None:
            if not self.title_bytes:
                return [str(i) for i in range(self.documents)]
            offsets, raw = self.title_offsets.numpy(), self.title_utf8.numpy().tobytes()
            self._titles = [raw[a:b].decode("utf-8") for a, b in zip(offsets[:-1], offsets[1:])]
        return list(self._titles)

    def _title(self, i):
        return self.titles()[i] if self.title_bytes else int(i)

    def most_similar_documents(self, doc, topn=5, seed=0):
        """[(training document's title, or index without titles, cosine)] of the `topn` training
        documents nearest to `doc`: a text (its inferred vector), or a training document's index
        (itself excluded)."""
        topn = check_int(topn, "topn", 1, self.documents)
        table = self.document_vectors()
        if isinstance(doc, (int, np.integer)) and not isinstance(doc, bool):
            query, exclude = self.document_vector(doc), [int(doc)]
        else:
            query, exclude = self.infer_vector(doc, seed), []
        unit = table / np.maximum(np.linalg.norm(table, axis=1, keepdims=True), 1e-12)
        sims = unit @ (query / max(float(np.linalg.norm(query)), 1e-12))
        sims[exclude] = -np.inf
        best = np.argsort(-sims, kind="stable")[:topn]
        return [(self._title(i), float(sims[i])) for i in best if np.isfinite(sims[i])]

    def similarity_texts(self, a, b, seed=0):
        """Cosine similarity of the inferred vectors of two texts (float)."""
        x, y = self.infer_vectors([a, b], seed)
        return float(x @ y / max(float(np.linalg.norm(x) * np.linalg.norm(y)), 1e-12))
