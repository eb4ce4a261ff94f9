"""Captioned MNIST and the text-conditional GAN: captions that are exact, seeded and true to the
measured pixels, held-out templates and combinations, the tokenizer, generation from text, the
matching-aware loss against hand-computed values, fit, saving with the vocabulary, the
text-to-image metrics and clear errors for bad input."""

import re

import numpy as np
import pytest
import keras
import tensorflow as tf

import zoo
from zoo import capabilities as cap
from zoo import eval as E
from zoo import registry
from zoo.data import captions as C
from zoo.eval import text2image as T
from zoo.models.classifier import Classifier
from zoo.models.text2image import TextConditionalGAN

TINY = registry.TINY["TextConditionalGAN"]["tiny"]  # 8x8x1 images, classes "zero", "one", "two"


def tiny(**kw):
    return TextConditionalGAN(**{**TINY, **kw})


def digits_model(**kw):
    return TextConditionalGAN(**{**TINY, "data_shape": [28, 28, 1], "class_words": list(C.DIGIT_WORDS),
                                 "num_classes": 10, **kw})


def softplus(v):
    return np.log1p(np.exp(np.asarray(v, np.float64)))


@pytest.fixture(scope="module")
def shared():
    """One tiny model for the calls that must refuse their input (and so change nothing)."""
    return tiny()


@pytest.fixture(scope="module")
def test_split():
    return C.arrays("test")


@pytest.fixture(scope="module")
def train_split():
    return C.arrays("train")  # measures all 60,000 train digits once (seconds)


# ----------------------------------------------------------------------------- attributes
def test_attribute_measures_on_drawn_bars():
    img = np.zeros((3, 28, 28), np.float32)
    img[0, 4:24, 12:15] = 1.0  # an upright bar 3 pixels wide
    img[1, 4:24, 13:14] = 1.0  # the same bar 1 pixel wide
    for r in range(4, 24):  # a bar leaning right: one column to the right every 4 rows upwards
        c = 12 + (23 - r) // 4
        img[2, r, c:c + 2] = 1.0
    a = C.measure(img)
    assert a[0, 0] == pytest.approx(3.0, abs=0.4) and a[1, 0] == pytest.approx(1.0, abs=0.1)
    assert abs(a[0, 1]) < 1e-9 and a[2, 1] == pytest.approx(0.25, abs=0.05)
    assert a[0, 2] == pytest.approx(np.sqrt(2 / 3), abs=1e-6)  # columns 12, 13, 14: variance 2/3
    np.testing.assert_allclose(C.measure(img[..., None]), a)
    assert np.all(C.measure(np.zeros((1, 28, 28))) == 0)  # no ink: no thickness, slant or width
    with pytest.raises(ValueError, match=r"images must hold finite pixel values in \[0, 1\]"):
        C.measure(img * 255)


def test_the_mosaic_skeleton_is_each_images_own(test_split):
    from skimage.morphology import skeletonize

    noise = np.random.default_rng(0).uniform(size=(40, 28, 28)) > 0.6  # ink touching the borders too
    ink = np.concatenate([test_split.images[:300, ..., 0] > C.INK, noise])
    area = ink.sum(axis=(1, 2))
    alone = np.array([skeletonize(im).sum() for im in ink])
    np.testing.assert_allclose(C.thickness(ink.astype(np.float32)), np.where(alone > 0, area / np.maximum(alone, 1), 0))


# ----------------------------------------------------------------------------- captions
def test_vocabulary_is_the_words_of_the_templates_and_their_fillers():
    found = {str(d) for d in range(10)} | set(C.DIGIT_WORDS) | {"an"}
    for text in (*C.TRAIN_TEMPLATES, *C.TEST_TEMPLATES, *C.STROKES):
        found |= set(C.words(re.sub(r"\{\w*\}", " ", text)))
    for table in (C.THICKNESS, C.WIDTH, C.SLANT_ADJ, C.SLANT_POST, C.SLANT_CLAUSE):
        found |= {w for level in table for phrase in level for w in C.words(phrase)}
    assert tuple(sorted(found)) == C.VOCABULARY and len(C.VOCABULARY) == 64
    # The words of the nine attribute levels are disjoint (a bag of words tells them apart), but for the
    # words of the constructions they share.
    shared = {"leaning", "slanted", "tilted", "to", "the", "that", "leans", "slants", "width"}
    levels = [set(C.THICKNESS[v]) for v in range(3)] + [set(C.words(" ".join(C.WIDTH[v]))) for v in range(3)]
    levels += [set(C.words(" ".join(C.SLANT_POST[v] + C.SLANT_ADJ[v] + C.SLANT_CLAUSE[v]))) for v in range(3)]
    levels = [lv - shared for lv in levels]
    assert all(levels) and sum(len(lv) for lv in levels) == len(set().union(*levels))


def test_captions_are_exact_and_seeded(test_split):
    again = C.arrays("test", num_examples=500)
    assert again.texts == test_split.texts[:500]
    np.testing.assert_array_equal(again.tokens, test_split.tokens[:500])
    other = C.arrays("test", seed=7, num_examples=500)
    assert other.texts != again.texts and np.array_equal(other.levels, again.levels)  # same images, other words
    assert C.arrays("test", seed=7, num_examples=500).texts == other.texts
    a, b = C.sample_captions(50, seed=3), C.sample_captions(10, seed=3)
    assert a.texts[:10] == b.texts and a.texts != C.sample_captions(50, seed=4).texts  # the first k: any n
    assert C.template_captions(C.TEST_TEMPLATES[0], 30).texts == C.template_captions(C.TEST_TEMPLATES[0], 30).texts
    assert max(len(C.words(t)) for t in test_split.texts) <= C.MAX_LEN


def test_captions_say_what_the_pixels_show(test_split):
    s = test_split
    np.testing.assert_array_equal(s.levels, C.levels(C.measure(s.images), s.labels))
    for i in range(len(s.texts)):  # each caption names its class and its thickness and slant levels
        w = set(C.words(s.texts[i]))
        t, sl, wd = s.levels[i]
        assert {C.DIGIT_WORDS[s.labels[i]], str(s.labels[i])} & w, s.texts[i]
        assert set(C.THICKNESS[t]) & w and not set(C.THICKNESS[2 - t] if t != 1 else ()) & w, s.texts[i]
        assert {"left", "right"} & w == ({"left"} if sl == 0 else {"right"} if sl == 2 else set()), s.texts[i]
        if "{w}" in s.templates[i]:
            assert {C.words(p)[0] for p in C.WIDTH[wd]} & w, s.texts[i]
    for a, name in enumerate(C.ATTRIBUTES):  # "thick" digits are thicker than "thin" ones, and so on
        values = s.attributes[:, a] / (C.tercile_edges()["width"][s.labels].mean(axis=1) if name == "width" else 1)
        means = [values[s.levels[:, a] == v].mean() for v in range(3)]
        assert means[0] < means[1] < means[2], (name, means)
    assert not any(re.search(r"\ba (eight|8|upright|average)\b", t) for t in s.texts)  # "an eight"


@pytest.mark.slow
def test_held_out_templates_and_combinations_never_reach_training(train_split, test_split):
    assert set(train_split.templates) == set(C.TRAIN_TEMPLATES)
    assert set(test_split.templates) == set(C.TEST_TEMPLATES)
    assert not set(C.TRAIN_TEMPLATES) & set(C.TEST_TEMPLATES)
    train_words = {w for t in train_split.texts for w in C.words(t)}
    assert {w for t in test_split.texts for w in C.words(t)} <= train_words  # new orders, no new words
    combos = {tuple(v) for v in np.c_[train_split.labels, train_split.levels[:, :2]]}
    assert not combos & set(C.HELD_OUT_COMBOS) and len(combos) == 80
    assert set(C.HELD_OUT_COMBOS) <= {tuple(v) for v in np.c_[test_split.labels, test_split.levels[:, :2]]}
    assert 50_000 < len(train_split.texts) < 60_000 and len(test_split.texts) == 10_000
    edges = C.compute_tercile_edges()  # the written-out constants are the train split's terciles
    for k, v in C.tercile_edges().items():
        np.testing.assert_array_equal(edges[k], v)


def test_the_dataset_yields_image_token_pairs():
    ds = zoo.data.load("captioned_mnist", split="test", batch_size=8, num_examples=20)
    x, t = next(iter(ds))
    assert x.shape == (8, 28, 28, 1) and x.dtype == tf.float32 and t.shape == (8, C.MAX_LEN) and t.dtype == tf.int32
    assert sum(1 for _ in ds) == 3  # the last, smaller batch is kept for test
    xa, ta = zoo.data.arrays("captioned_mnist", "test", num_examples=8)
    np.testing.assert_array_equal(xa, x.numpy())
    np.testing.assert_array_equal(ta, t.numpy())
    assert zoo.data.kind("captioned_mnist") == "images" and not zoo.data.is_stream("captioned_mnist")


# ----------------------------------------------------------------------------- tokens
def test_tokenizer_round_trip_padding_and_unknown_words():
    text = "A bold 7, that LEANS to the right!"
    ids = C.tokenize([text])
    assert ids.shape == (1, C.MAX_LEN) and ids.dtype == np.int32
    assert ids[0, 0] == C.VOCABULARY.index("a") + 1 and np.all(ids[0, 8:] == C.PAD)
    assert C.detokenize(ids) == ["a bold 7 that leans to the right"] == [" ".join(C.words(text))]
    assert C.tokenize([" ".join(["thin"] * 20)]).tolist()[0] == [C.VOCABULARY.index("thin") + 1] * C.MAX_LEN
    with pytest.raises(ValueError, match="text has words outside the model's vocabulary: 'purple', 'seventy'"):
        C.tokenize(["a seventy", "purple seventy 7"])
    with pytest.raises(ValueError, match=r"text\[1\] has no words"):
        C.tokenize(["a seven", " ,!"])
    with pytest.raises(ValueError, match=r"text\[0\] has 20 words; the model reads at most 16"):
        C.tokenize([" ".join(["thin"] * 20)], truncate=False)


# ----------------------------------------------------------------------------- the model
def test_generate_from_text_shapes_range_seeds_and_the_text_matters():
    g = tiny()
    x = g.generate(2, seed=0, text=["a thick zero leaning right", "a thin upright one"])
    assert x.shape == (2, 8, 8, 1) and x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1
    np.testing.assert_array_equal(x, g.generate(2, seed=0, text=["a thick zero leaning right",
                                                                  "a thin upright one"]))
    np.testing.assert_array_equal(g.generate(3, seed=1, text="two"), g.generate(3, seed=1, text=["two"] * 3))
    np.testing.assert_array_equal(g.generate(3, seed=1, labels=2), g.generate(3, seed=1, text="two"))
    assert not np.allclose(g.generate(3, seed=1, text="a thick zero"), g.generate(3, seed=1, text="a thin one"))
    np.testing.assert_array_equal(g.sample_codes(6, seed=5)[:2], g.sample_codes(2, seed=5))
    # the draws are the same, the images equal to float rounding: a CPU may pick other kernels for
    # another batch size (differences of 1.2e-7 seen)
    np.testing.assert_allclose(g.generate(2, seed=5), g.generate(6, seed=5)[:2], rtol=1e-5, atol=1e-6)
    assert g.sample_captions(3, seed=5) == C.sample_captions(3, 5, num_classes=3).texts
    assert all({"three", "3", "nine", "9"}.isdisjoint(C.words(t)) for t in g.sample_captions(200, seed=0))
    assert cap.has(g, cap.TextConditional) and cap.has(g, cap.Conditional) and cap.has(g, cap.Generator)
    np.testing.assert_allclose(g.decode(g.sample_codes(2, seed=4), text="one"), g.generate(2, seed=4, text="one"))
    path = g.interpolate(0, 1, steps=4, text="a bold one")
    ends = np.concatenate([g.generate(1, seed=s, text="a bold one") for s in (0, 1)])
    np.testing.assert_allclose(path[[0, -1]], ends, atol=1e-6)
    np.testing.assert_allclose(g.interpolate(3, 4, steps=3)[0], g.generate(1, seed=3)[0], atol=1e-6)
    assert g.change_class(2).shape == (3, 8, 8, 1)


def test_the_text_encoder_averages_the_words_and_skips_the_padding():
    g = tiny()
    enc = g.generator.get_layer("g_text_encoder")
    emb = enc.get_layer("word_embedding").embeddings.numpy()
    w, b = enc.get_layer("text_features").get_weights()
    ids = g.tokenize(["a thin zero", "a thin zero zero"])
    for row, got in zip(ids, enc(ids).numpy()):
        h = emb[row[row != C.PAD]].mean(axis=0) @ w + b
        np.testing.assert_allclose(got, np.where(h > 0, h, 0.2 * h), atol=1e-6)


@pytest.mark.parametrize("call,msg", [
    (lambda g: g.generate(2, seed=0, text=["a thin zero", "a purple zero"]),
     "text has words outside the model's vocabulary: 'purple'"),
    (lambda g: g.generate(2, seed=0, text=["a thin zero"]), r"text must hold one caption per example \(2\), got 1"),
    (lambda g: g.generate(2, seed=0, text=[]), "text must hold one caption per example"),
    (lambda g: g.generate(2, seed=0, text=7), "text must be a str or a list of str, got int"),
    (lambda g: g.generate(2, seed=0, text=["zero", 1]), "text must be a str or a list of str"),
    (lambda g: g.generate(1, seed=0, text="?!"), r"text\[0\] has no words"),
    (lambda g: g.generate(1, seed=0, text="zero " * 17), r"text\[0\] has 17 words"),
    (lambda g: g.generate(2, seed=0, text="zero", labels=[0, 1]), "give text or labels, not both"),
    (lambda g: g.generate(2, seed=0, labels=[0, 3]), r"labels must be in \[0, 2\]"),
    (lambda g: g.decode(np.full((2, 8), np.nan), text="zero"), "codes: found NaN"),
    (lambda g: g.decode(np.zeros((2, 8))), "text is required"),
    (lambda g: g.interpolate(0, 1, text=["zero", "one"]), "text must be one caption"),
    (lambda g: g.generate(2, seed=-1, text="zero"), "seed"),
])
def test_bad_inference_input_gets_a_clear_error(shared, call, msg):
    with pytest.raises(ValueError, match=msg):
        call(shared)


@pytest.mark.parametrize("kw,msg", [
    (dict(class_words=["zero", "eleven", "two"]), "class_words must be words of the vocabulary"),
    (dict(vocabulary=["Zero", "one"]), "vocabulary holds entries the tokenizer never yields"),
    (dict(vocabulary=["zero", "one", "two", "zero"]), "vocabulary holds a word twice"),
    (dict(vocabulary="zero one two"), "vocabulary must be a non-empty list"),
    (dict(num_classes=4), r"num_classes must be len\(class_words\) = 3"),
    (dict(architecture="mlp", data_shape=[2]), "architecture must be 'dcgan'"),
    (dict(max_len=1), "max_len"), (dict(text_dim=0), "text_dim"), (dict(conditioning="hidden"), "conditioning"),
])
def test_bad_constructor_arguments(kw, msg):
    with pytest.raises(ValueError, match=msg):
        tiny(**kw)


# ----------------------------------------------------------------------------- the matching-aware loss
def test_the_mismatching_captions_change_ds_loss_as_computed_by_hand():
    g = tiny(seed=1)
    rng = np.random.default_rng(0)
    x, fake = (rng.uniform(0, 1, (4, 8, 8, 1)).astype(np.float32) for _ in range(2))
    tokens = g.tokenize(["a thick zero", "a thin one leaning left", "two", "a wide zero that leans right"])
    wrong = np.asarray(g.mismatched(tokens))
    np.testing.assert_array_equal(wrong, np.roll(tokens, 1, axis=0))  # another image's caption

    def scores(images, t):
        return np.asarray(g.discriminator([tf.constant(images), tf.constant(t)]), np.float64).ravel()

    real_s, fake_s, wrong_s = scores(x, tokens), scores(fake, tokens), scores(x, wrong)
    assert np.max(np.abs(real_s - wrong_s)) > 1e-5  # D reads the caption
    aware = softplus(-real_s).mean() + 0.5 * softplus(fake_s).mean() + 0.5 * softplus(wrong_s).mean()
    plain = softplus(-real_s).mean() + softplus(fake_s).mean()
    x, fake, tokens, wrong = (tf.constant(v) for v in (x, fake, tokens, wrong))
    loss, _, _ = g.discriminator_loss(x, tokens, wrong, fake, training=False)
    assert float(loss) == pytest.approx(aware, rel=1e-5)
    off = tiny(seed=1, matching_aware=False)
    off.set_weights(g.get_weights())
    loss, _, _ = off.discriminator_loss(x, tokens, wrong, fake, training=False)
    assert float(loss) == pytest.approx(plain, rel=1e-5)


# ----------------------------------------------------------------------------- fit and saving
def test_fit_lowers_ds_loss():
    keras.utils.set_random_seed(0)  # the layers' initial weights too: the same run whatever ran before in the worker
    g = tiny()
    g.compile(d_optimizer=keras.optimizers.Adam(1e-2, beta_1=0.5), g_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5))
    y = np.arange(64) % 2  # class ids: "zero" captions blank images, "one" white ones
    x = np.broadcast_to(y[:, None, None, None], (64, 8, 8, 1)).astype(np.float32)
    hist = g.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(16), epochs=5, verbose=0).history["d_loss"]
    assert hist[-1] < 0.6 * hist[0], hist
    assert int(g.d_optimizer.iterations) == 20 and int(g.g_optimizer.iterations) == 20


@pytest.mark.slow
def test_fit_on_captioned_mnist_then_save_load_round_trip(tmp_path):
    g = digits_model()
    g.compile()
    g.fit(zoo.data.load("captioned_mnist", split="test", batch_size=8, num_examples=16), epochs=1, verbose=0)
    assert int(g.g_optimizer.iterations) == 2
    h = zoo.load(str(g.save_pretrained(tmp_path / "m")))
    assert type(h) is TextConditionalGAN and h.vocabulary == C.VOCABULARY and h.get_config() == g.get_config()
    texts = ["a thick 7 leaning right", "a thin upright zero"]
    np.testing.assert_array_equal(h.generate(2, seed=0, text=texts), g.generate(2, seed=0, text=texts))
    assert h.compiled and type(h.g_optimizer).__name__ == "Adam"  # compiled on load: ready to fine-tune


def test_the_vocabulary_ships_with_the_model(tmp_path):
    vocab = ["zero", "one", "two", "thick", "thin", "bold"]  # its own words and ids, not the dataset's
    g = tiny(vocabulary=vocab)
    assert g.tokenize("thin zero").tolist() == [[5, 1] + [0] * 14] and g.class_tokens[2, 0] == 3
    with pytest.raises(ValueError, match="outside the model's vocabulary: 'leaning'"):
        g.generate(1, seed=0, text="zero leaning")
    h = zoo.load(str(g.save_pretrained(tmp_path / "m")))
    assert h.get_config()["vocabulary"] == vocab and h.vocabulary == tuple(vocab)
    np.testing.assert_array_equal(h.generate(2, seed=1, text="bold two"), g.generate(2, seed=1, text="bold two"))


def test_fit_refuses_missing_float_or_bad_captions():
    g = tiny()
    g.compile()
    x = np.random.default_rng(0).uniform(0, 1, (16, 8, 8, 1)).astype(np.float32)
    tokens = g.tokenize(g.sample_captions(16, seed=0))
    with pytest.raises(ValueError, match="training labels are missing.*captioned_mnist"):
        g.fit(tf.data.Dataset.from_tensor_slices(x).batch(8), epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"training labels \(token ids of the captions\) must be integer"):
        g.fit(x, tokens.astype(np.float32), batch_size=8, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="training labels must be integer"):  # the train step's own check
        g.train_step((tf.constant(x[:8]), tf.constant(tokens[:8], tf.float32)))
    bad = tokens.copy()
    bad[3, 0] = len(C.VOCABULARY) + 1
    with pytest.raises(ValueError, match=r"training labels \(token ids of the captions\) must be in \[0, 64\]"):
        g.fit(x, bad, batch_size=8, epochs=1, verbose=0)
    bad = tokens.copy()
    bad[5] = C.PAD
    with pytest.raises(ValueError, match="caption 5 is all padding"):
        g.fit(x, bad, batch_size=8, epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"training labels must be token ids \(batch, 16\) or class ids"):
        g.train_step((tf.constant(x[:8]), tf.constant(tokens[:8, :5])))
    assert int(g.g_optimizer.iterations) == 0


# ----------------------------------------------------------------------------- metrics
class _Reader:
    """A "generator" that reads its captions and returns a real test digit with what they say."""

    num_classes = 10

    def __init__(self, split):
        self.split = split
        self.key = {tuple(v): i for i, v in enumerate(np.c_[split.labels, split.levels])}
        self.key3 = {tuple(v[:3]): i for i, v in enumerate(np.c_[split.labels, split.levels])}

    def generate(self, n, seed=None, text=None):
        out = []
        for t in text:
            w = C.words(t)
            digit = next(d for d in range(10) if C.DIGIT_WORDS[d] in w or str(d) in w)
            thick = next(v for v in range(3) if set(C.THICKNESS[v]) & set(w))
            slant = 0 if "left" in w else 2 if "right" in w else 1
            width = next((v for v in range(3) if {C.words(p)[0] for p in C.WIDTH[v]} & set(w)), None)
            i = self.key.get((digit, thick, slant, width), self.key3.get((digit, thick, slant)))
            out.append(self.split.images[i])
        return np.stack(out)


def test_metrics_of_a_perfect_caption_reader_and_their_protocol(test_split):
    class Constant:
        def predict_labels(self, x):
            return np.zeros(len(x), np.int64)

    res = T.text2image_metrics(_Reader(test_split), "captioned_mnist", n_samples=1080, classifier=Constant())
    ev, proto = res["eval"], res["protocol"]
    assert set(ev) == set(proto) and all(np.isfinite(v) for v in ev.values())
    assert ev["text_class_accuracy"] == pytest.approx(0.1)  # classes cycled: one caption in ten names a zero
    assert ev["text_heldout_combo_class_accuracy"] == pytest.approx(0.1)  # a held-out combination per class
    for name in ("thickness", "slant"):  # the digits drawn are exactly what the captions say
        assert ev[f"text_{name}_level_accuracy"] > 0.98 and ev[f"text_heldout_combo_{name}_level_accuracy"] == 1.0
        assert ev[f"text_{name}_spearman"] > 0.8
    assert ev["text_width_spearman"] > 0.6
    assert "1,080 samples generate(n, seed=0, text=captions), 270 captions of each of the 4 held-out" in \
        proto["text_thickness_spearman"]
    assert T.spearman([0, 1, 2], [5, 5, 5]) == 0.0 and T.spearman([0, 1, 2], [1, 3, 2]) == pytest.approx(0.5)
    assert T.text2image_metrics(_Reader(test_split), "mnist") == {}  # no captions: nothing to say


def test_the_suite_chooses_the_text_metrics_by_capability():
    clf = Classifier(**{**registry.get_spec("mnist-classifier").config, "filters": 4, "units": 16})
    res = E.evaluate(digits_model(), registry.get_spec("text2digit"), n_samples=40, classifier=clf)
    ev = res["eval"]
    for key in ("text_class_accuracy", "text_thickness_spearman", "text_slant_spearman", "text_width_spearman",
                "text_heldout_combo_class_accuracy", "text_class_accuracy_template_3"):
        assert key in ev and np.isfinite(ev[key]) and key in res["protocol"], key
    assert 0 <= ev["text_class_accuracy"] <= 1 and -1 <= ev["text_slant_spearman"] <= 1


def test_catalog_ids():
    a, b = registry.get_spec("text2digit"), registry.get_spec("text2digit-nomismatch")
    assert a.config["matching_aware"] is True and b.config["matching_aware"] is False
    assert {k: v for k, v in a.config.items() if k != "matching_aware"} == \
           {k: v for k, v in b.config.items() if k != "matching_aware"} and a.recipe == b.recipe
    assert a.dataset == "captioned_mnist" and a.recipe.with_labels and "text_to_image" in a.tasks
    assert a.config["vocabulary"] == list(C.VOCABULARY) and a.primary_metric == ("text_class_accuracy", "max")
    assert "text2digit" in zoo.list_models(task="text_to_image")
    assert keras.saving.get_registered_object("zoo>TextConditionalGAN") is TextConditionalGAN
