"""word2vec: skip-gram and CBOW with negative sampling (Mikolov, Chen, Corrado, Dean 2013,
Efficient Estimation of Word Representations in Vector Space, arXiv:1301.3781; Mikolov,
Sutskever, Chen, Corrado, Dean 2013, Distributed Representations of Words and Phrases and
their Compositionality, arXiv:1310.4546).

Two tables: word vectors v (the embeddings users get) and context vectors u (word2vec.c's
syn1neg). Skip-gram scores each (context word c, target t) pair of a window as sigma(v_c . u_t)
against K noise words n: sigma(-v_c . u_n); CBOW scores the mean h of the window's word vectors
the same way (and, like word2vec.c and gensim, hands each context word the whole gradient of h).
The loss is the sum over the batch's pairs, so SGD at rate alpha is word2vec's per-pair update
(a word met many times in one batch gets the sum: keep batches small beside the vocabulary);
a noise word equal to the target is skipped, as word2vec.c does. The training elements come
from `zoo.data.text` (subsampling, dynamic windows, unigram^0.75 negatives).

The vocabulary lives in the weights file as two non-trainable weights (the words' UTF-8 bytes
and their offsets), so config.json stays small and `save_pretrained` -> `zoo.load` keeps it.
"""

import difflib
import os

import numpy as np
import keras
from keras import layers, ops

from zoo import capabilities as cap
from zoo.models.base import MAX_WIDTH, NonFiniteLossError, ZooModel, check_int

MODES = ("skipgram", "cbow")
STORAGES = ("float32", "float16")
MAX_VOCAB, MAX_VOCAB_BYTES = 5_000_000, 100_000_000


class UnknownWordError(KeyError):
    """A word that is not in the model's vocabulary."""

    def __str__(self):  # KeyError would quote the message
        return self.args[0]


class WordTable(layers.Layer):
    """A (vocab_size, dim) table looked up by id (ids < 0 read row 0; callers mask them).

    `shipped` is how a weights file stores it outside `fit`: "float32", "float16" (rounded),
    or None (not stored; it loads as zeros). Inside `fit` (training checkpoints) it is always
    stored whole in float32, so a resumed run continues exactly.
    """

    def __init__(self, vocab_size, dim, initializer, shipped="float32", **kwargs):
        super().__init__(**kwargs)
        self.vocab_size, self.dim, self.shipped, self.full = vocab_size, dim, shipped, False
        self.embeddings = self.add_weight(shape=(vocab_size, dim), initializer=initializer, name="embeddings")

    def call(self, ids):
        return ops.take(self.embeddings, ops.maximum(ids, 0), axis=0)

    def save_own_variables(self, store):
        value = self.embeddings.numpy()
        if self.full or self.shipped == "float32":
            store["0"] = value
        elif self.shipped == "float16":
            store["0"] = value.astype(np.float16)

    def load_own_variables(self, store):  # a wrong shape: assign raises, hub.load reports it
        self.embeddings.assign(np.asarray(store["0"], np.float32) if "0" in store.keys()
                               else np.zeros((self.vocab_size, self.dim), np.float32))


def build_word2vec(vocab_size, dim, mode="skipgram", window=5, negative=5, shipped=("float32", "float32"), seed=0):
    """The scorer: (target (B,), context, negatives (B, K)) -> logits (B, 1 + K) of the target
    (first) and its K noise words against the input vector h: skip-gram's context is one word
    (B,), h its word vector; CBOW's is a window (B, 2 window) padded with -1, h the mean word vector
    of its valid slots. Word vectors start uniform in +-0.5/dim, context vectors at 0 (word2vec.c).
    """
    target = keras.Input((), dtype="int32", name="target")
    context = keras.Input(() if mode == "skipgram" else (2 * window,), dtype="int32", name="context")
    negatives = keras.Input((negative,), dtype="int32", name="negatives")
    init = keras.initializers.RandomUniform(-0.5 / dim, 0.5 / dim, seed=seed)
    words = WordTable(vocab_size, dim, init, shipped[0], name="word_vectors")
    contexts = WordTable(vocab_size, dim, "zeros", shipped[1], name="context_vectors")
    h = words(context) if mode == "skipgram" else window_mean(words(context), context)
    return keras.Model([target, context, negatives], scores(h, contexts, target, negatives), name="scorer")


def window_mean(vectors, context):
    """The mean of the valid slots (context id >= 0) of a window's vectors (B, slots, d); forward: the
    mean, backward: each slot gets the mean's whole gradient (word2vec.c's and gensim's CBOW)."""
    valid = ops.cast(context >= 0, "float32")[..., None]
    total = ops.sum(vectors * valid, axis=1)
    mean = total / ops.maximum(ops.sum(valid, axis=1), 1.0)
    return total + ops.stop_gradient(mean - total)


def scores(h, contexts, target, negatives):
    """Logits (B, 1 + K) of the target (first) and its K noise words, their context vectors (a
    WordTable) against the input vectors h (B, d)."""
    return ops.einsum("bd,bkd->bk", h, contexts(ops.concatenate([target[:, None], negatives], axis=-1)))


class Word2Vec(ZooModel):
    """Skip-gram or CBOW word vectors with negative sampling.

    Args:
        vocab_size: words in the vocabulary (default 20).
        vocab_bytes: bytes of the vocabulary's UTF-8 text, words end to end (default 128).
        dim: vector size (default 100).
        mode: "skipgram" or "cbow" (default "skipgram").
        window: largest window radius; CBOW's batches have 2 window context slots (default 5).
        negative: noise words per positive pair, K (default 5).
        sample: subsampling threshold of the training stream (default 1e-3; recorded, used by
            `zoo.data.text`).
        min_count: the vocabulary's minimum count (default 5; recorded).
        corpus: a `zoo.data.text` corpus whose vocabulary `fit` fills in while the model has
            none (default None).
        storage: "float32", or "float16": saved files hold the word vectors in float16 and not
            the context vectors (they load as 0, word2vec's initial value), and every inference
            method uses the float16 values, so results are the same before and after saving
            (default "float32").
        seed: seed of the initial word vectors (default 0).

    Example:
        w = zoo.load("word2vec-sg-gcide")
        w.most_similar("king", topn=5); w.analogy("man", "king", "woman")
        w.save_word2vec_format("vectors.txt")   # gensim.models.KeyedVectors.load_word2vec_format
    """

    CAPABILITIES = (cap.Embedding,)
    TRACKERS = ("loss",)
    DATASET_LAYOUT = {"skipgram": "pairs", "cbow": "windows"}  # mode -> its zoo.data datasets' suffix

    def __init__(self, vocab_size=20, vocab_bytes=128, dim=100, mode="skipgram", window=5, negative=5, sample=1e-3,
                 min_count=5, corpus=None, storage="float32", seed=0, **kwargs):
        kwargs.setdefault("name", "word2vec")
        super().__init__(**kwargs)
        if mode not in MODES or storage not in STORAGES:
            raise ValueError(f"mode must be in {MODES}, storage in {STORAGES}; got {mode!r}, {storage!r}.")
        self.vocab_size = check_int(vocab_size, "vocab_size", 1, MAX_VOCAB)
        self.vocab_bytes = check_int(vocab_bytes, "vocab_bytes", 1, MAX_VOCAB_BYTES)
        self.dim, self.mode = check_int(dim, "dim", 1, MAX_WIDTH), mode
        self.window, self.negative = check_int(window, "window", 1, 100), check_int(negative, "negative", 1, 100)
        self.sample, self.min_count, self.corpus, self.storage = float(sample), int(min_count), corpus, storage
        if self.vocab_size * self.dim > 500_000_000:
            raise ValueError(f"vocab_size x dim = {self.vocab_size * self.dim:,} values is over the cap of 5e8.")
        shipped = ("float16", None) if storage == "float16" else ("float32", "float32")
        self.network = build_word2vec(self.vocab_size, self.dim, mode, self.window, self.negative, shipped,
                                      int(seed))
        self._add_vocabulary_weights()
        self.built = True

    def _add_vocabulary_weights(self):
        self.vocab_utf8 = self.add_weight(shape=(self.vocab_bytes,), initializer="zeros", dtype="uint8",
                                          trainable=False, name="vocab_utf8")
        self.vocab_offsets = self.add_weight(shape=(self.vocab_size + 1,), initializer="zeros", dtype="int32",
                                             trainable=False, name="vocab_offsets")
        self._vocab = None

    @classmethod
    def for_corpus(cls, corpus, **kwargs):
        """A model sized for a `zoo.data.text.Corpus` (or a word list), its vocabulary set."""
        words = list(getattr(corpus, "words", corpus))
        model = cls(vocab_size=len(words), vocab_bytes=max(1, sum(len(w.encode()) for w in words)), **kwargs)
        model.set_vocabulary(words)
        return model

    @property
    def data_shape(self):
        """Shape of one training element's context: () for skip-gram pairs, (2 window,) for CBOW."""
        return () if self.mode == "skipgram" else (2 * self.window,)

    data_range = None  # the data are word ids

    # --- vocabulary -------------------------------------------------------------------
    def set_vocabulary(self, words):
        """Store `words` (exactly vocab_size distinct str, without whitespace, vocab_bytes of UTF-8)."""
        words = [str(w) for w in words]
        data = [w.encode("utf-8") for w in words]
        if len(words) != self.vocab_size or sum(map(len, data)) != self.vocab_bytes:
            raise ValueError(f"The vocabulary has {len(words):,} words and {sum(map(len, data)):,} bytes; this "
                             f"model holds {self.vocab_size:,} and {self.vocab_bytes:,}.")
        if len(set(words)) != len(words) or any(not w or w.split() != [w] for w in words):
            raise ValueError("Vocabulary words must be distinct, non-empty and free of whitespace.")
        self.vocab_utf8.assign(np.frombuffer(b"".join(data), np.uint8))
        self.vocab_offsets.assign(np.r_[0, np.cumsum([len(d) for d in data])].astype(np.int32))
        self._vocab = None

    def load_own_variables(self, store):
        super().load_own_variables(store)
        self._vocab = None

    def _vocabulary(self):
        if self._vocab is None:
            offsets, raw = self.vocab_offsets.numpy(), self.vocab_utf8.numpy().tobytes()
            if offsets[-1] == 0:
                raise ValueError(f"{self.name} has no vocabulary yet: fit it on a corpus (zoo.data.text), or "
                                 f"build it with {type(self).__name__}.for_corpus(corpus).")
            words = [raw[a:b].decode("utf-8") for a, b in zip(offsets[:-1], offsets[1:])]
            self._vocab = (words, {w: i for i, w in enumerate(words)})
        return self._vocab

    @property
    def words(self):
        """The vocabulary, most frequent first (list of str)."""
        return list(self._vocabulary()[0])

    def index(self, word):
        """Row of `word`; `UnknownWordError` (a KeyError) naming it otherwise."""
        lookup = self._vocabulary()[1]
        if not isinstance(word, str):
            raise TypeError(f"A word must be a str, got {type(word).__name__}.")
        if word not in lookup:
            near = difflib.get_close_matches(word, [w for w in lookup if w[:1] == word[:1]], n=3)
            hint = f" Close: {', '.join(near)}." if near else ""
            raise UnknownWordError(f"{word!r} is not in the vocabulary of {self.name} ({self.vocab_size:,} words, "
                                   f"lower-case, seen at least {self.min_count} times in training).{hint}")
        return lookup[word]

    # --- vectors ----------------------------------------------------------------------
    def vectors(self):
        """The word vectors, float32 (vocab_size, dim), float16-rounded when storage is float16."""
        table = self.network.get_layer("word_vectors").embeddings.numpy()
        return table.astype(np.float16).astype(np.float32) if self.storage == "float16" else table

    def vector(self, word):
        """float32 (dim,) vector of `word`."""
        return self.vectors()[self.index(word)]

    def _nearest(self, query, exclude, topn):
        topn = check_int(topn, "topn", 1, self.vocab_size)
        table = self.vectors()
        unit = table / np.maximum(np.linalg.norm(table, axis=1, keepdims=True), 1e-12)
        scores = unit @ (query / max(float(np.linalg.norm(query)), 1e-12))
        scores[list(exclude)] = -np.inf
        best = np.argsort(-scores, kind="stable")[:topn]
        words = self._vocabulary()[0]
        return [(words[i], float(scores[i])) for i in best if np.isfinite(scores[i])]

    def most_similar(self, word, topn=10):
        """[(word, cosine)] of the `topn` words nearest to `word` (itself excluded)."""
        i = self.index(word)
        return self._nearest(self.vectors()[i], {i}, topn)

    def similarity(self, a, b):
        """Cosine similarity of two words' vectors (float)."""
        x, y = self.vector(a), self.vector(b)
        return float(x @ y / max(float(np.linalg.norm(x) * np.linalg.norm(y)), 1e-12))

    def analogy(self, a, b, c, topn=1):
        """a is to b as c is to ...: [(word, cosine)] nearest to unit(b) - unit(a) + unit(c)
        (3CosAdd), a, b, c excluded. Example: analogy("man", "king", "woman")."""
        ids = [self.index(w) for w in (a, b, c)]
        table = self.vectors()[ids]
        unit = table / np.maximum(np.linalg.norm(table, axis=1, keepdims=True), 1e-12)
        return self._nearest(unit[1] - unit[0] + unit[2], set(ids), topn)

    def save_word2vec_format(self, path):
        """Write the word2vec text format (gensim's `KeyedVectors.load_word2vec_format(path)`)
        atomically; returns the path."""
        path = os.fspath(path)
        words, table = self._vocabulary()[0], self.vectors()
        tmp = f"{path}.{os.getpid()}.tmp"
        try:
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(f"{len(words)} {self.dim}\n")
                for w, row in zip(words, table):
                    f.write(w + " " + " ".join(repr(float(x)) for x in row) + "\n")
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
        return path

    # --- training ---------------------------------------------------------------------
    def default_optimizer(self, name):
        return keras.optimizers.SGD(0.025)

    def check_data(self, x, name="training data"):
        """Target word ids: integer, (n,) or (n, block), in [0, vocab_size); ValueError naming `name`."""
        x = np.asarray(x)
        if not np.issubdtype(x.dtype, np.integer) or x.ndim not in (1, 2) or not x.size:
            raise ValueError(f"{name} must be integer word ids of shape (n,) or (n, block) (zoo.data.text "
                             f"batches), got {x.dtype} {x.shape}.")
        if x.min() < 0 or x.max() >= self.vocab_size:
            raise ValueError(f"{name}: word ids must be in [0, {self.vocab_size}), got {x.min()} to {x.max()}.")
        return x

    def loss_terms(self, target, context, negatives, training=False):
        """(summed negative log-likelihood of the batch, number of positive pairs): -log sigma of
        each target's score and -log sigma(-score) of each noise word (one equal to the target is
        skipped, as in word2vec.c)."""
        layout, rank = tuple(self.data_shape), len(target.shape)
        if tuple(context.shape[rank:]) != layout or tuple(negatives.shape[rank:]) != (self.negative,):
            kind = self.DATASET_LAYOUT[self.mode]
            raise ValueError(f"training data of {self.name} ({self.mode}): (target, context, negatives) whose "
                             f"shapes add {layout} and ({self.negative},) to the target's (zoo.data.load("
                             f"'<corpus>-{kind}'), window {self.window}, negative {self.negative}); got the shapes "
                             f"{tuple(target.shape)}, {tuple(context.shape)}, {tuple(negatives.shape)}.")
        target = ops.reshape(target, (-1,))  # blocks of elements (zoo.data.text) are flattened
        context, negatives = ops.reshape(context, (-1, *layout)), ops.reshape(negatives, (-1, self.negative))
        logits = self.network([target, context, negatives], training=training)
        slot = ops.any(context >= 0, axis=1) if layout else context >= 0
        noise = (negatives != target[:, None]) & (negatives >= 0)
        keep = slot[:, None] & ops.concatenate([ops.ones_like(slot[:, None]), noise], axis=-1)
        sign = ops.convert_to_tensor([-1.0] + [1.0] * self.negative)  # -log sigma(x) = softplus(-x)
        loss = ops.sum(ops.where(keep, ops.softplus(sign * logits), 0.0))
        return loss, ops.sum(ops.cast(slot, "float32"))

    def train_step(self, data):
        import tensorflow as tf

        target, context, negatives = data[0] if len(data) == 1 else data  # fit(x=(t, c, n)) packs it
        with tf.GradientTape() as tape:
            loss, pairs = self.loss_terms(target, context, negatives, training=True)
        # A sum over the batch (word2vec.c's per-pair updates): under tf.distribute the replicas'
        # summed gradients are the global batch's, so the loss is not scaled.
        grads = tape.gradient(loss, self.trainable_variables)
        finite = tf.math.is_finite(loss)  # a non-finite step changes nothing (fit then stops)
        grads = [tf.IndexedSlices(tf.where(finite, g.values, 0.0), g.indices, g.dense_shape)
                 if isinstance(g, tf.IndexedSlices) else tf.where(finite, g, 0.0) for g in grads]
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return self.track({"loss": loss / ops.maximum(pairs, 1.0)})

    def fit(self, x=None, y=None, *args, callbacks=None, **kwargs):
        """`keras.Model.fit` on (target, context, negatives) batches (`zoo.data.text`). A model
        without vocabulary whose `corpus` is set takes that corpus's first. Stops at the first
        non-finite loss with `NonFiniteLossError`; that step changed nothing (its update is
        dropped inside the step, so no copy of the tables is kept: they are large)."""
        if self.corpus and self.vocab_offsets.numpy()[-1] == 0:
            from zoo.data import text

            self.set_vocabulary(text.corpus(self.corpus, self.min_count).words)
        self._check_first_batch(x)
        stop, tables = _StopAtNonFinite(), [t for t in self.network.layers if isinstance(t, WordTable)]
        try:
            for t in tables:
                t.full = True  # checkpoints written during fit keep both tables in float32
            history = keras.Model.fit(self, x, y, *args, callbacks=[stop, *(callbacks or [])], **kwargs)
        finally:
            for t in tables:
                t.full = False
        if stop.bad:
            raise NonFiniteLossError(f"{self.name}: the loss became non-finite at step {stop.bad}; training "
                                     "stopped and the weights are those from before that step. Lower the "
                                     "learning rate.")
        return history

    def example_batch(self, n=16, seed=0, block=4):
        """n random training elements (blocks of `block`) (target, context, negatives) as numpy."""
        rng = np.random.default_rng(seed)
        ids = lambda *shape: rng.integers(0, self.vocab_size, (n, block, *shape)).astype(np.int32)  # noqa: E731
        context = ids() if self.mode == "skipgram" else ids(2 * self.window)
        if self.mode == "cbow":
            context[..., self.window:] = -1  # empty slots, as at sentence ends
        return ids(), context, ids(self.negative)


class _StopAtNonFinite(keras.callbacks.Callback):
    bad, step = None, 0

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        if not np.isfinite(float((logs or {}).get("loss", 0.0))):
            self.bad = self.bad or self.step
            self.model.stop_training = True
