"""word2vec: the corpus stream (subsampling, dynamic windows, unigram^0.75 negatives), the model
(training, vectors, gensim's text format, saving), the evaluation protocols.

Fast tests use toy corpora; the ones marked slow read the GCIDE text from $ZOO_DATA_DIR.
"""

import os

import numpy as np
import pytest
import keras
import tensorflow as tf

import zoo
from zoo import capabilities as cap
from zoo import registry
from zoo.data import text
from zoo.eval import embedding
from zoo.models.base import NonFiniteLossError
from zoo.models.word2vec import UnknownWordError, Word2Vec
from zoo.models import word2vec_presets as P

GCIDE = os.path.join(os.environ.get("ZOO_DATA_DIR") or "/nonexistent", "text", "gcide.dict.dz")
needs_gcide = pytest.mark.skipif(not os.path.exists(GCIDE), reason="GCIDE text not in $ZOO_DATA_DIR")


def name(i, prefix="w"):
    """A word for the number i (tokens are letters only): 0 -> "waaa", 27 -> "wabb"."""
    return prefix + "".join(chr(97 + i // 26**k % 26) for k in (2, 1, 0))


def zipf_corpus(n_words=30, n_tokens=60_000, seed=0):
    """Sentences of 10 words drawn from a Zipf-like law over n_words words."""
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, n_words + 1)
    tokens = rng.choice(n_words, n_tokens, p=p / p.sum())
    words = [name(i) for i in tokens]
    return text.Corpus.from_sentences([words[i: i + 10] for i in range(0, n_tokens, 10)])


def two_group_corpus(n=600, seed=0):
    """Sentences of 6 words, all from group A (aaaa..aaae) or all from group B (baaa..baae)."""
    rng = np.random.default_rng(seed)
    return text.Corpus.from_sentences([[name(i, g) for i in rng.integers(0, 5, 6)] for g in rng.choice(["a", "b"], n)])


# ----------------------------------------------------------------------------- tokens
def test_tokenize_matches_gensim_simple_preprocess():
    utils = pytest.importorskip("gensim.utils")
    lines = ["Beneficiary \\Ben`e*fi\"ci*a*ry\\, n.; pl. {Beneficiaries}.", "[1913 Webster]",
             "The stock market's drop was far from over; it continued", "Café déjà vu naïve ÆSIR œuvre Straße",
             "x y z ab _under score_ snake_case a1b2 3rd 2nd", "supercalifragilisticexpialidocious antidisestab",
             "ΣΟΦΙΑ σοφία Москва 東京 co-operate e-mail O'Neil", ""]
    for line in lines:
        assert text.tokenize(line) == utils.simple_preprocess(line), line


def test_corpus_drops_rare_words_before_windowing_and_keeps_sentences():
    c = text.Corpus.from_text("the cat sat\nthe dog sat\nrare the\n", min_count=2)
    assert c.words == ["the", "sat", "cat", "dog"][:2] and list(c.counts) == [3, 2]
    assert c.raw_words == 8 and list(c.starts) == [0, 2, 4, 5]


# ----------------------------------------------------------------------------- the stream
def test_subsampling_keeps_words_at_mikolovs_rate():
    c = zipf_corpus()
    sample, total = 1e-2, c.counts.sum()
    t = sample * total
    formula = np.minimum(1.0, (np.sqrt(c.counts / t) + 1) * t / c.counts)  # word2vec.c / gensim
    np.testing.assert_allclose(c.keep_probability(sample), formula)
    assert formula[0] < 0.3 and formula[-1] == 1.0  # frequent words are thinned, rare ones kept
    rng, passes = np.random.default_rng(1), 20
    kept = sum(np.bincount(c.ids[c.subsample(rng, sample)], minlength=len(c.words)) for _ in range(passes))
    n = c.counts * passes
    measured = kept / n
    sd = np.sqrt(formula * (1 - formula) / n)
    assert np.all(np.abs(measured - formula) <= 5 * sd + 1e-12), np.c_[measured, formula]
    assert np.all(c.keep_probability(0) == 1.0)


def test_negatives_follow_the_unigram_distribution_to_the_power_three_quarters():
    from scipy.stats import chisquare

    c = zipf_corpus()
    rng = np.random.default_rng(2)
    negatives = np.concatenate([neg.ravel() for _, _, neg in c.stream(rng, "pairs", window=2, negative=5, sample=0)])
    assert len(negatives) > 200_000
    p = c.counts ** 0.75 / np.sum(c.counts ** 0.75)
    np.testing.assert_allclose(c.noise_distribution(), p)
    observed = np.bincount(negatives, minlength=len(p))
    assert chisquare(observed, p * len(negatives)).pvalue > 1e-3
    flat = np.bincount(negatives) / len(negatives)  # not the plain unigram law
    assert flat[0] < c.counts[0] / c.counts.sum() - 0.02


def test_windows_are_dynamic_and_stay_in_their_sentence():
    window, n = 5, 400
    sentences = [[name(i, prefix) for i in range(n)] for prefix in ("x", "y")]
    c = text.Corpus.from_sentences(sentences)  # every word once
    sentence = np.array([w[0] for w in c.words])
    index = np.array([sum((ord(ch) - 97) * 26**k for k, ch in enumerate(reversed(w[1:]))) for w in c.words])
    rng = np.random.default_rng(3)
    distances = []
    for _ in range(25):
        for target, context, _ in c.stream(rng, "pairs", window=window, sample=0, shuffle=True):
            assert np.all(sentence[target] == sentence[context]), "a window crossed a sentence boundary"
            distances.append(np.abs(index[target] - index[context]))
    d = np.concatenate(distances)
    assert d.min() == 1 and d.max() == window
    share = np.bincount(d, minlength=window + 1)[1:] / len(d)
    expected = np.arange(window, 0, -1) / np.arange(window, 0, -1).sum()  # b ~ U{1..5}: d kept iff b >= d
    np.testing.assert_allclose(share, expected, atol=0.01)


def test_windows_layout_lists_contexts_nearest_first():
    c = text.Corpus.from_sentences([[name(i) for i in range(30)]])
    position = np.argsort(np.array(c.words))  # words sort like their numbers: id -> position
    (target, context, negatives), = list(c.stream(np.random.default_rng(0), "windows", window=3, sample=0))
    assert context.shape == (30, 6) and negatives.shape == (30, 5)
    for t, row in zip(target, context):
        valid = row[row >= 0]
        assert np.all(row[len(valid):] == -1)  # padding after the valid slots
        d = np.abs(position[valid] - position[t])
        assert np.all(np.diff(d) >= 0) and 1 <= d.max() <= 3


def test_dataset_has_a_fixed_length_and_draws_afresh_each_pass():
    c = zipf_corpus(n_tokens=20_000)
    ds = c.dataset(4, "pairs", window=2, negative=3, seed=0, block=16)
    batches = int(ds.cardinality())
    assert batches == c.blocks_per_epoch("pairs", window=2) * text.BLOCK // 16 // 4
    first, second = list(ds), list(ds)
    assert len(first) == len(second) == batches
    t, x, n = first[0]
    assert t.shape == (4, 16) and x.shape == (4, 16) and n.shape == (4, 16, 3) and t.dtype == tf.int32
    assert not np.array_equal(first[0][0].numpy(), second[0][0].numpy())  # a fresh stream per pass
    again = list(c.dataset(4, "pairs", window=2, negative=3, seed=0, block=16))
    np.testing.assert_array_equal(first[0][2].numpy(), again[0][2].numpy())  # same seed, same stream


def test_text8_without_network_names_zoo_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("ZOO_DATA_DIR", str(tmp_path))

    def offline(*args, **kwargs):
        raise OSError("no network")

    monkeypatch.setattr(keras.utils, "get_file", offline)
    with pytest.raises(text.CorpusNotAvailableError, match="ZOO_DATA_DIR"):
        text.corpus_text("text8")
    with pytest.raises(ValueError, match="train split"):
        zoo.data.load("kjv-pairs", split="test")


# ----------------------------------------------------------------------------- the model
def fitted(corpus, mode="skipgram", epochs=4, storage="float32", **kwargs):
    """A small model trained on `corpus` (the loss is summed over a batch, word2vec's per-pair
    update: with 10 words, small batches keep each word's summed step small)."""
    keras.utils.set_random_seed(0)
    model = Word2Vec.for_corpus(corpus, dim=8, mode=mode, window=2, negative=3, storage=storage, **kwargs)
    model.compile(optimizer=keras.optimizers.SGD(0.025))
    layout = "pairs" if mode == "skipgram" else "windows"
    model.fit(corpus.dataset(4, layout, window=2, negative=3, sample=0, seed=0, block=8), epochs=epochs, verbose=0)
    return model


@pytest.mark.parametrize("mode", ["skipgram", "cbow"])
def test_training_puts_words_of_one_group_nearer(mode):
    model = fitted(two_group_corpus(), mode)
    a, b = [name(i, "a") for i in range(5)], [name(i, "b") for i in range(5)]
    same = np.mean([model.similarity(x, y) for g in (a, b) for x in g for y in g if x != y])
    cross = np.mean([model.similarity(x, y) for x in a for y in b])
    assert same > cross + 0.5, (same, cross)
    assert all(w[0] == "a" for w, _ in model.most_similar("aaaa", topn=4))


def test_vectors_and_word_lookups():
    model = fitted(two_group_corpus(), epochs=1)
    v = model.vector("aaab")
    assert v.dtype == np.float32 and v.shape == (8,)
    assert cap.has(model, cap.Embedding) and len(model.analogy("aaaa", "aaab", "baaa", topn=3)) == 3
    with pytest.raises(UnknownWordError, match="'zebra' is not in the vocabulary") as e:
        model.vector("zebra")
    assert isinstance(e.value, KeyError)
    with pytest.raises(KeyError, match="'queen'"):
        model.analogy("aaaa", "queen", "baaa")


def test_save_word2vec_format_is_read_by_gensim(tmp_path):
    models = pytest.importorskip("gensim.models")
    model = fitted(two_group_corpus(), epochs=1, storage="float16")
    path = model.save_word2vec_format(tmp_path / "vectors.txt")
    kv = models.KeyedVectors.load_word2vec_format(path)
    assert list(kv.index_to_key) == model.words
    np.testing.assert_array_equal(kv.vectors, model.vectors())  # the stored float16 values, exactly
    np.testing.assert_allclose(kv.vectors, model.network.get_layer("word_vectors").embeddings.numpy(),
                               rtol=2**-10, atol=1e-6)  # float16 rounding of the trained table
    assert [w for w, _ in kv.most_similar("aaaa", topn=3)] == [w for w, _ in model.most_similar("aaaa", topn=3)]
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".tmp")]


def stored_tables(path, shape):
    """dtypes of the datasets of an .h5 weights file with this shape."""
    import h5py

    found = []
    with h5py.File(path, "r") as f:
        f.visititems(lambda k, v: found.append(v.dtype) if isinstance(v, h5py.Dataset) and v.shape == shape else None)
    return found


@pytest.mark.parametrize("storage", ["float32", "float16"])
def test_save_pretrained_then_zoo_load_keeps_vocabulary_and_vectors(storage, tmp_path):
    model = fitted(two_group_corpus(), epochs=1, storage=storage)
    folder = model.save_pretrained(tmp_path / "m")
    loaded = zoo.load(folder)
    assert loaded.words == model.words and loaded.get_config() == model.get_config()
    np.testing.assert_array_equal(loaded.vectors(), model.vectors())
    assert loaded.most_similar("baac", 3) == model.most_similar("baac", 3)
    contexts = loaded.network.get_layer("context_vectors").embeddings.numpy()
    if storage == "float16":  # not stored: they restart at 0 (word2vec's initial value)
        assert not contexts.any()
        assert stored_tables(os.path.join(folder, "model.weights.h5"), (len(model.words), 8)) == [np.float16]
    else:
        for a, b in zip(loaded.get_weights(), model.get_weights()):
            np.testing.assert_array_equal(a, b)
    loaded.fit(two_group_corpus().dataset(4, "pairs", window=2, negative=3, seed=1, block=8), epochs=1, verbose=0)


def test_weights_saved_during_fit_keep_both_tables_at_full_precision(tmp_path):
    corpus = two_group_corpus()
    model = Word2Vec.for_corpus(corpus, dim=8, window=2, negative=3, storage="float16")
    model.compile(optimizer=keras.optimizers.SGD(0.05))
    path = str(tmp_path / "ckpt.weights.h5")

    class Save(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            self.model.save_weights(path)  # what training.train's checkpoints do

    model.fit(corpus.dataset(4, "pairs", window=2, negative=3, seed=0, block=8), epochs=1, verbose=0,
              callbacks=[Save()])
    assert stored_tables(path, (len(corpus.words), 8)) == [np.float32, np.float32]  # both tables, whole
    clone = Word2Vec.from_config(model.get_config())
    clone.load_weights(path)
    for a, b in zip(clone.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_fit_stops_at_a_non_finite_loss_and_changes_nothing():
    model = fitted(two_group_corpus(), epochs=1)
    table = model.network.get_layer("word_vectors").embeddings
    table.assign(np.where(np.arange(table.shape[0])[:, None] == 0, np.inf, table.numpy()))
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(NonFiniteLossError, match="step 1"):
        model.fit(two_group_corpus().dataset(4, "pairs", window=2, negative=3, seed=2, block=8), epochs=1,
                  verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_tiny_presets_train_on_example_batches(tmp_path):
    for preset, kwargs in registry.TINY["Word2Vec"].items():
        model = Word2Vec(**kwargs)
        model.compile()
        batch = model.example_batch(16, seed=0)
        before = [w.numpy().copy() for w in model.trainable_weights]
        history = model.fit(tf.data.Dataset.from_tensor_slices(batch).batch(8), epochs=1, verbose=0)
        assert np.isfinite(history.history["loss"][-1]), preset
        assert any(not np.allclose(a, w.numpy()) for a, w in zip(before, model.trainable_weights)), preset
        with pytest.raises(ValueError, match="training data"):
            model.fit(np.zeros((16, 4), np.float32), epochs=1, verbose=0)


def test_bad_batches_and_configs_are_refused():
    model = Word2Vec(vocab_size=20, vocab_bytes=64, dim=4, window=2, negative=2)
    model.compile()
    t, x, n = model.example_batch(8)
    with pytest.raises(ValueError, match="negatives"):
        model.loss_terms(t, x, n[..., :1])
    with pytest.raises(ValueError, match="no vocabulary"):
        model.most_similar("a")
    with pytest.raises(ValueError, match="words and"):
        model.set_vocabulary(["a", "b"])
    with pytest.raises(ValueError, match="mode"):
        Word2Vec(mode="glove")


# ----------------------------------------------------------------------------- evaluation
def test_the_benchmarks_follow_gensims_protocols():
    models = pytest.importorskip("gensim.models")
    from gensim.test.utils import datapath

    words = sorted({w for _, q in embedding.read_analogies(embedding.data_path(embedding.ANALOGIES))
                    for t in q for w in t}
                   | {w for f in (embedding.WORDSIM, embedding.SIMLEX)
                      for a, b, _ in embedding.read_pairs(embedding.data_path(f)) for w in (a, b)})
    rng = np.random.default_rng(0)
    words = [w for w in words if rng.random() < 0.8]  # some words out of the vocabulary
    vectors = rng.standard_normal((len(words), 16)).astype(np.float32)
    vectors[1::2] += vectors[::2][: len(vectors[1::2])]  # some structure, so scores are not all ~0
    kv = models.KeyedVectors(16)
    kv.add_vectors(words, vectors)
    ev = embedding.word_vector_metrics(words, vectors, restrict=600)["eval"]
    assert ev["wordsim353_spearman"] == pytest.approx(kv.evaluate_word_pairs(datapath("wordsim353.tsv"))[1][0],
                                                      abs=1e-9)
    assert ev["simlex999_spearman"] == pytest.approx(kv.evaluate_word_pairs(datapath("simlex999.txt"))[1][0],
                                                     abs=1e-9)
    assert ev["wordsim353_oov"] == pytest.approx(kv.evaluate_word_pairs(datapath("wordsim353.tsv"))[2] / 100)
    score, _ = kv.evaluate_word_analogies(datapath("questions-words.txt"), restrict_vocab=600)
    assert ev["analogy_accuracy"] == pytest.approx(score, abs=1e-9)


# ----------------------------------------------------------------------------- the catalog on GCIDE
@pytest.mark.slow
@needs_gcide
def test_presets_match_the_gcide_corpus():
    c = text.corpus("gcide")
    assert c.raw_words == 4_804_649
    assert len(c.words) == P.GCIDE["vocab_size"]
    assert sum(len(w.encode()) for w in c.words) == P.GCIDE["vocab_bytes"]
    for layout, blocks in P.BLOCKS_PER_EPOCH.items():
        assert c.blocks_per_epoch(layout) == blocks
    ds = zoo.data.load("gcide-windows", batch_size=32, seed=0)
    t, x, n = next(iter(ds))
    assert x.shape == (32, 64, 10) and n.shape == (32, 64, 5) and int(ds.cardinality()) == 52_720 // 32
