"""doc2vec: the document stream (tags among the contexts), the model (PV-DBOW, PV-DM, inference,
saving), the Lee evaluation protocol.

Fast tests use toy corpora; those reading gensim's Lee files skip without gensim.
"""

import os
import warnings

import numpy as np
import pytest
import keras
import tensorflow as tf

import zoo
from zoo import capabilities as cap
from zoo import data, registry
from zoo.data import documents
from zoo.data.text import CorpusNotAvailableError
from zoo.eval import documents as evaluation
from zoo.models.doc2vec import Doc2Vec
from zoo.models import doc2vec_presets as P

KJV = os.path.join(os.environ.get("ZOO_DATA_DIR") or "/nonexistent", "text", "kjv.txt")
needs_kjv = pytest.mark.skipif(not os.path.exists(KJV), reason="kjv.txt not in $ZOO_DATA_DIR/text")


def name(i, prefix):
    """A word for the number i (letters only): name(27, "a") -> "aabb"."""
    return prefix + "".join(chr(97 + i // 26**k % 26) for k in (1, 0))


def topic_texts(n=40, length=30, seed=0):
    """(texts, groups): documents of `length` words, each from one of two 6-word topics ("a..", "b..")
    with a few shared words ("the", "and")."""
    rng = np.random.default_rng(seed)
    groups = rng.integers(0, 2, n)
    texts = [" ".join(name(i, "ab"[g]) if i < 6 else ("the", "and")[i % 2] for i in rng.integers(0, 8, length))
             for g in groups]
    return texts, groups


def topic_corpus(**kwargs):
    texts, groups = topic_texts(**kwargs)
    return documents.DocumentCorpus.from_documents(texts, min_count=1, name="topics"), texts, groups


def fitted(mode="dbow", epochs=8, **kwargs):
    corpus, texts, groups = topic_corpus()
    model = Doc2Vec.for_corpus(corpus, dim=8, mode=mode, window=2, negative=3, sample=0, infer_epochs=20, **kwargs)
    model.compile(optimizer=keras.optimizers.SGD(0.05))
    model.fit(corpus.dataset(2, mode, window=2, negative=3, sample=0, seed=0, block=16), epochs=epochs, verbose=0)
    return model, texts, groups


# ----------------------------------------------------------------------------- the stream
def test_each_kept_word_has_its_documents_tag_first():
    corpus = documents.DocumentCorpus.from_documents(["aa bb cc aa", "zz", "bb cc dd aa bb"], min_count=1)
    v = len(corpus.words)
    assert corpus.documents == 3 and list(corpus.docs) == [0, 1, 2] and v == 5
    rng = np.random.default_rng(0)
    target, context, negatives = next(corpus.stream(rng, "windows", window=2, negative=3, sample=0, shuffle=False))
    assert len(target) == len(corpus.ids) and context.shape == (len(target), 5) and negatives.shape == (10, 3)
    np.testing.assert_array_equal(context[:, 0], v + np.repeat([0, 1, 2], [4, 1, 5]))  # the tag, always
    words = context[:, 1:]
    assert words[4].max() == -1  # "zz" alone in its document: the tag is its only context
    assert set(words[:4][words[:4] >= 0]) <= set(corpus.ids[:4])  # windows stay in their document
    target, context, _ = next(corpus.stream(rng, "pairs", window=2, negative=3, sample=0, shuffle=False))
    tags = context >= v
    assert tags.sum() == len(corpus.ids)  # one document pair per word
    assert sorted(context[tags] - v) == [0] * 4 + [1] + [2] * 5


def test_a_document_without_known_words_keeps_the_others_in_place():
    corpus = documents.DocumentCorpus.from_documents(["aa bb", "qq", "bb aa"], min_count=2, titles=["x", "y", "z"])
    assert corpus.documents == 3 and list(corpus.docs) == [0, 2] and corpus.titles == ["x", "y", "z"]
    with pytest.raises(ValueError, match="titles"):
        documents.DocumentCorpus.from_documents(["aa"], titles=["x", "y"])


def test_dataset_shapes_fixed_length_and_fresh_draws_each_pass():
    corpus = topic_corpus()[0]
    for layout, width in (("dbow", ()), ("dm", (7,))):
        ds = corpus.dataset(2, layout, window=3, negative=4, seed=0, block=8)
        first, again = (list(ds.as_numpy_iterator()) for _ in range(2))
        assert len(first) == len(again) == int(ds.cardinality()) > 0
        t, c, n = first[0]
        assert t.shape == (2, 8) and c.shape == (2, 8, *width) and n.shape == (2, 8, 4)
        assert not np.array_equal(first[0][0], again[0][0])  # a new pass, new draws
        same = corpus.dataset(2, layout, window=3, negative=4, seed=0, block=8)
        np.testing.assert_array_equal(next(iter(same))[1], first[0][1])  # the same seed, the same stream
    with pytest.raises(ValueError, match="layout"):
        corpus.dataset(2, "pairs")


def test_bible_chapters_are_read_by_their_headings(monkeypatch, tmp_path):
    os.makedirs(tmp_path / "text")
    (tmp_path / "text" / "kjv.txt").write_text(
        "\nGenesis 1\n\n  1 In the beginning God created\nthe heaven.\n  2 And the earth was void.\n\n"
        "1 Kings 5\n\n  1 And Hiram king of Tyre sent\n\nRevelation 10\n\n  1 And I saw another angel.\n")
    monkeypatch.setenv("ZOO_DATA_DIR", str(tmp_path))
    titles, texts = documents.kjv_chapters()
    assert titles == ["Genesis 1", "1 Kings 5", "Revelation 10"]
    assert texts[0] == "In the beginning God created the heaven. And the earth was void."
    assert documents.kjv_test()[0] == ["1 Kings 5", "Revelation 10"]  # every fifth chapter is held out
    assert documents.documents("kjv-chapters")[0] == ["Genesis 1"]
    assert documents.chapter_labels(titles, "book") == ["Genesis", "1 Kings", "Revelation"]
    assert documents.chapter_labels(titles, "group") == ["Law", "History", "Revelation"]
    assert documents.chapter_labels(titles, "testament") == ["Old", "Old", "New"]
    with pytest.raises(ValueError, match="level"):
        documents.chapter_labels(titles, "verse")


def test_the_datasets_are_text_streams_of_zoo_data():
    for name in ("lee-dbow", "lee-dm", "kjv-chapters-dbow"):
        assert name in data.DATASETS and data.kind(name) == "text" and data.is_stream(name)
    with pytest.raises(ValueError, match="only a train split"):
        data.load("lee-dm", split="test")
    with pytest.raises(ValueError, match="no labels"):
        data.load("lee-dm", with_labels=True)


# ----------------------------------------------------------------------------- the model
@pytest.mark.parametrize("mode", ["dbow", "dm"])
def test_training_and_inference_put_documents_of_one_topic_together(mode):
    model, texts, groups = fitted(mode)
    assert cap.has(model, cap.Documents) and cap.has(model, cap.Embedding)
    unit = model.document_vectors() / np.linalg.norm(model.document_vectors(), axis=1, keepdims=True)
    sims = unit @ unit.T
    same = sims[groups[:, None] == groups[None, :]].mean()
    assert same > sims[groups[:, None] != groups[None, :]].mean() + 0.3
    new_a = " ".join(name(i % 6, "a") for i in range(20))
    near = model.most_similar_documents(new_a, topn=5)
    assert len(near) == 5 and all(groups[i] == 0 for i, _ in near) and near[0][1] >= near[-1][1]
    assert model.similarity_texts(new_a, texts[int(np.flatnonzero(groups == 0)[0])]) > \
        model.similarity_texts(new_a, texts[int(np.flatnonzero(groups == 1)[0])])
    assert [i for i, _ in model.most_similar_documents(3, topn=4)] and 3 not in dict(model.most_similar_documents(3))


def test_inference_is_seeded_and_lowers_the_texts_loss():
    model, texts, _ = fitted("dbow", epochs=4)
    v = model.infer_vector(texts[0], seed=1)
    assert v.dtype == np.float32 and v.shape == (8,)
    np.testing.assert_array_equal(v, model.infer_vector(texts[0], seed=1))
    np.testing.assert_array_equal(v, model.infer_vectors([texts[5], texts[0]], seed=1)[1])  # not its neighbours
    assert not np.array_equal(v, model.infer_vector(texts[0], seed=2))
    words, u = model.token_ids(texts[0]), model._table("context_vectors")
    noise = model.word_counts.numpy() ** 0.75
    noise = noise / noise.sum()

    def loss(d):  # the expected negative-sampling loss of the document's words, which inference lowers
        return float(np.sum(np.logaddexp(0, -u[words] @ d)) + len(words) * 3 * noise @ np.logaddexp(0, u @ d))

    start = np.random.default_rng(0).uniform(-0.5, 0.5, 8).astype(np.float32) / 8
    assert loss(v) < loss(start) - 1.0
    assert isinstance(model.most_similar_documents(texts[0])[0][0], int)  # no titles: indices


@pytest.mark.parametrize("storage", ["float32", "float16"])
def test_save_pretrained_then_zoo_load_gives_the_same_vectors(storage, tmp_path):
    model, texts, _ = fitted("dm", epochs=2, storage=storage, titles=True)
    assert model.titles() == [str(i) for i in range(40)] and model.title_bytes == 70
    folder = model.save_pretrained(tmp_path / "m")
    loaded = zoo.load(folder)
    assert loaded.words == model.words and loaded.get_config() == model.get_config()
    assert loaded.titles() == model.titles() and isinstance(loaded.most_similar_documents(0)[0][0], str)
    np.testing.assert_array_equal(loaded.word_counts.numpy(), model.word_counts.numpy())
    np.testing.assert_array_equal(loaded.document_vectors(), model.document_vectors())
    np.testing.assert_array_equal(loaded.infer_vector(texts[1]), model.infer_vector(texts[1]))
    if storage == "float16":  # every method used the rounded values before saving too
        table = model.network.get_layer("context_vectors").embeddings.numpy()
        np.testing.assert_array_equal(loaded._table("context_vectors"), table.astype(np.float16).astype(np.float32))


def test_tiny_presets_train_on_example_batches():
    for preset, kwargs in registry.TINY["Doc2Vec"].items():
        model = Doc2Vec(**kwargs)
        model.compile()
        t, c, n = model.example_batch(16, seed=0)
        assert c.max() < model.vocab_size + model.documents and (c >= model.vocab_size).any()
        before = model.document_vectors().copy()
        history = model.fit(tf.data.Dataset.from_tensor_slices((t, c, n)).batch(8), epochs=1, verbose=0)
        assert np.isfinite(history.history["loss"][-1]), preset
        assert not np.allclose(before, model.document_vectors()), preset  # the document table trains


def test_bad_input_is_refused_naming_the_argument():
    model = fitted("dbow", epochs=1)[0]
    with pytest.raises(TypeError, match="must be a str or a list"):
        model.infer_vector(42)
    with pytest.raises(ValueError, match="has no word of the vocabulary"):
        model.infer_vector("zebra quagga")
    with pytest.raises(ValueError, match="texts must be a list"):
        model.infer_vectors("one text")
    with pytest.raises(ValueError, match="topn"):
        model.most_similar_documents("aaaa", topn=0)
    with pytest.raises(ValueError, match="document"):
        model.document_vector(10**6)
    with pytest.raises(ValueError, match="titles"):
        model.set_titles(["x"] * model.documents)  # the model holds none
    with pytest.raises(ValueError, match="counts"):
        model.set_vocabulary(model.words, np.zeros(len(model.words), int))
    with pytest.raises(ValueError, match="mode"):
        Doc2Vec(mode="pv")
    with pytest.raises(ValueError, match="no vocabulary"):
        Doc2Vec(**registry.TINY["Doc2Vec"]["tiny-dm"]).infer_vector("a b")
    with pytest.raises(ValueError, match="<corpus>-dbow"):
        t, c, n = model.example_batch(4)
        model.loss_terms(t, np.repeat(c[..., None], 3, axis=-1), n)


# ----------------------------------------------------------------------------- evaluation
def test_similarity_correlation_is_pearson_over_the_upper_triangle():
    rng = np.random.default_rng(0)
    v, human = rng.standard_normal((6, 3)), np.triu(rng.random((6, 6)))
    unit = v / np.linalg.norm(v, axis=1, keepdims=True)
    pairs = [(i, j) for i in range(6) for j in range(i + 1, 6)]
    cos, h = [unit[i] @ unit[j] for i, j in pairs], [human[i, j] for i, j in pairs]
    assert evaluation.similarity_correlation(v, human) == pytest.approx(np.corrcoef(cos, h)[0, 1], abs=1e-12)


def test_missing_evaluation_data_is_said_not_raised(monkeypatch):
    def missing(name):
        raise CorpusNotAvailableError(f"{name} is gensim's test data: pip install gensim.")

    monkeypatch.setattr(documents, "_gensim_file", missing)
    spec = registry.get_spec("doc2vec-dbow-lee")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert evaluation.document_metrics(object(), spec) == {}
    assert any("pip install gensim" in str(w.message) for w in caught)


def test_presets_match_the_lee_corpus():
    pytest.importorskip("gensim")
    c = documents.corpus("lee")
    texts, human = documents.lee_test()
    assert len(texts) == 50 and human.shape == (50, 50) and c.raw_words == 58_152
    assert (len(c.words), c.documents) == (P.LEE["vocab_size"], P.LEE["documents"])
    assert sum(len(w.encode()) for w in c.words) == P.LEE["vocab_bytes"]
    for layout in ("dbow", "dm"):
        assert c.blocks(layout) == P.BLOCKS_PER_EPOCH[("lee", layout)]


@pytest.mark.slow
@needs_kjv
def test_presets_match_the_bible_chapters():
    c = documents.corpus("kjv-chapters")
    assert (len(c.words), c.documents) == (P.KJV["vocab_size"], P.KJV["documents"])
    assert sum(len(w.encode()) for w in c.words) == P.KJV["vocab_bytes"]
    assert sum(len(t.encode()) for t in c.titles) == P.KJV["title_bytes"]
    for layout in ("dbow", "dm"):
        assert c.blocks(layout) == P.BLOCKS_PER_EPOCH[("kjv-chapters", layout)]
    titles, _ = documents.kjv_test()
    assert len(titles) == 211 and len(set(documents.chapter_labels(titles))) == 47
    assert len(set(documents.chapter_labels(c.titles + titles))) == 66  # every book has its group
    assert set(documents.chapter_labels(c.titles, "group")) == set(documents.BOOK_GROUPS)


def test_infer_vector_errors_name_its_argument():
    model = Doc2Vec(**registry.TINY["Doc2Vec"][next(iter(registry.TINY["Doc2Vec"]))])
    with pytest.raises(TypeError, match=r"^doc must be a str"):
        model.infer_vector(123)
    with pytest.raises(ValueError, match=r"^texts must be a list"):
        model.infer_vectors("one text")
