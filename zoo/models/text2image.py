"""Text-conditional GAN: G(c, phi(t)) and D(x, phi(t)) for a caption t (GAN-CLS, Reed et al. 2016,
Generative Adversarial Text to Image Synthesis, arXiv:1605.05396), at the zoo's scale: captioned
MNIST digits (`zoo.data.captions`) instead of birds and flowers.

A caption is read by a small text encoder, phi(t) = LeakyReLU(W mean_i E[t_i] + b): token
embeddings averaged over the words (padding masked out), then a dense layer. The paper's encoder
is a pretrained char-CNN-RNN; a bag of words is enough for captions whose words each name one
class or attribute level, and it is trained here with the GAN. G and D each read the caption with
their own encoder: they are trained by separate optimizers, and one shared encoder would be
pulled by both games. G is the class-conditional generator of `zoo.models.cgan` with phi(t) in
place of the one-hot label, D its projection (or concat) discriminator with phi(t) as the
condition. With ``matching_aware=True`` D's loss is the matching-aware one: (real x, its caption)
is real; (G(c, t), t) and (real x, another image's caption t') are fake, where t' is the batch's
captions rolled by one (Reed et al. draw other training texts).

The vocabulary is part of the config (a JSON list of words; id 0 pads, word i has id i + 1), so
it ships with the weights. Unknown words are refused: ``generate(text=...)`` raises a ValueError
that lists every word the model does not know (an ``<unk>`` id would let a typo silently
change the picture). A class id works as a caption too: class k is captioned by its word
``class_words[k]`` (``generate(labels=...)``, and ``fit`` on (image, class id) pairs).
"""

import re

import numpy as np
import keras
from keras import layers, ops

from zoo import capabilities as cap
from zoo.data import captions
from zoo.models import cgan as CG
from zoo.models import gan as G
from zoo.models.base import ZooModel, check_int, check_width

MAX_VOCABULARY = 100_000


def check_words(words, name):
    """`words` as a tuple of distinct tokenizer words (lower-case letters and digits)."""
    if isinstance(words, str) or not isinstance(words, (list, tuple)) or not words:
        raise ValueError(f"{name} must be a non-empty list of words, got {words!r:.80}.")
    bad = [w for w in words if not (isinstance(w, str) and re.fullmatch(r"[a-z0-9]+", w))]
    if bad:
        raise ValueError(f"{name} holds entries the tokenizer never yields (lower-case letters and digits "
                         f"only): {bad[:5]!r}.")
    if len(set(words)) != len(words):
        raise ValueError(f"{name} holds a word twice.")
    if len(words) > MAX_VOCABULARY:
        raise ValueError(f"{name} holds {len(words):,} words, more than {MAX_VOCABULARY:,}.")
    return tuple(words)


# ----------------------------------------------------------------------------- builders
def build_text_encoder(vocab_size, max_len, word_dim, text_dim, name="text_encoder"):
    """phi(t) = LeakyReLU(W mean_{i: t_i != 0} E[t_i] + b): token ids (max_len,) -> (text_dim,).
    The Embedding's mask (id 0 pads) makes the average skip the padding. Word vectors start as
    N(0, I) draws, so a caption's features are as strong as the code's from the first step (with
    Keras' default U(-0.05, 0.05) they are ~100 times weaker and G learns to ignore them)."""
    t = keras.Input((max_len,), dtype="int32", name="tokens")
    e = layers.Embedding(vocab_size, word_dim, mask_zero=True, name="word_embedding",
                         embeddings_initializer=keras.initializers.RandomNormal(stddev=1.0))(t)
    h = layers.GlobalAveragePooling1D(name="masked_mean")(e)
    return keras.Model(t, layers.LeakyReLU(0.2)(layers.Dense(text_dim, name="text_features")(h)), name=name)


def build_text_generator(body, encoder, latent_dim, embed_dim):
    """G(c, t) = body([c, W phi(t)]): the class-conditional generator of `zoo.models.cgan` with the
    caption's features in place of the one-hot label."""
    inner = CG.build_conditional_generator(body, latent_dim, encoder.output.shape[-1], embed_dim)
    c = keras.Input((latent_dim,), name="code")
    t = keras.Input(tuple(encoder.input.shape[1:]), dtype="int32", name="tokens")
    return keras.Model([c, t], inner([c, encoder(t)]), name="text_generator")


def build_text_discriminator(critic, encoder, data_shape, conditioning):
    """D(x, t): the projection discriminator psi(f(x)) + <V phi(t), f(x)> (Miyato & Koyama 2018), or
    the critic of x with phi(t) as extra constant channels ("concat"), as in `zoo.models.cgan`."""
    k = encoder.output.shape[-1]
    inner = (CG.build_projection_discriminator(critic, k) if conditioning == "projection"
             else CG.build_concat_discriminator(critic, data_shape, k))
    x = keras.Input(tuple(data_shape), name="image")
    t = keras.Input(tuple(encoder.input.shape[1:]), dtype="int32", name="tokens")
    return keras.Model([x, t], inner([x, encoder(t)]), name="text_discriminator")


# ----------------------------------------------------------------------------- model
class TextConditionalGAN(CG.ConditionalGAN):
    """Text-to-image GAN trained by the GAN family's alternating SGD on (image, token ids) batches.

    Args:
        vocabulary: the words it reads, a list (default `zoo.data.captions.VOCABULARY`); word i has
            token id i + 1, 0 pads.
        class_words: the caption of each class id, words of the vocabulary (default the digit
            words "zero" ... "nine"); num_classes is their number.
        max_len: tokens per caption (default 16).
        word_dim: size of the word embeddings (default 32).
        text_dim: size of the caption features phi(t) (default 64).
        **kwargs: the class-conditional GAN's arguments (conditioning, matching_aware, embed_dim,
            num_classes = len(class_words)) and the GAN family's (data_shape, latent_dim,
            g_filters, d_filters, loss, n_critic, clip_value, gp_weight, minibatch_kernels,
            minibatch_dim, seed); images only (architecture "dcgan").

    Example:
        t = zoo.load("text2digit")
        x = t.generate(2, seed=0, text=["a thick seven leaning right", "a thin upright zero"])
        t.fit(zoo.data.load("captioned_mnist", split="train", batch_size=64), epochs=1)
    """

    CAPABILITIES = (cap.Generator, cap.Interpolator, cap.Conditional, cap.TextConditional)

    def __init__(self, vocabulary=captions.VOCABULARY, class_words=captions.DIGIT_WORDS, max_len=captions.MAX_LEN,
                 word_dim=32, text_dim=64, **kwargs):
        self.vocabulary = check_words(vocabulary, "vocabulary")
        self.class_words = check_words(class_words, "class_words")
        missing = [w for w in self.class_words if w not in self.vocabulary]
        if missing:
            raise ValueError(f"class_words must be words of the vocabulary; {missing!r} are not.")
        self.max_len = check_int(max_len, "max_len", 2, 512)
        self.word_dim, self.text_dim = check_width(word_dim, "word_dim"), check_width(text_dim, "text_dim")
        if kwargs.setdefault("num_classes", len(self.class_words)) != len(self.class_words):
            raise ValueError(f"num_classes must be len(class_words) = {len(self.class_words)}, got "
                             f"{kwargs['num_classes']!r}.")
        if kwargs.get("architecture", "dcgan") != "dcgan":
            raise ValueError(f"architecture must be 'dcgan' (a text-conditional GAN draws images), got "
                             f"{kwargs['architecture']!r}.")
        self.class_tokens = captions.tokenize(list(self.class_words), self.vocabulary, self.max_len)
        super().__init__(**kwargs)

    def build_networks(self, architecture, g_filters, d_filters, units, depth, mbd):
        shape = tuple(self.data_shape)
        if len(shape) != 3:
            raise ValueError(f"data_shape must be an image shape (H, W, C), got {list(shape)}.")
        extra = self.text_dim if self.conditioning == "concat" else 0  # caption channels D's input gains
        body = G.build_dcgan_generator(self.latent_dim + self.embed_dim, shape, g_filters)
        critic = G.build_dcgan_discriminator((*shape[:2], shape[2] + extra), d_filters, **mbd)
        vocab = len(self.vocabulary) + 1

        def encoder(name):
            return build_text_encoder(vocab, self.max_len, self.word_dim, self.text_dim, name)

        return (build_text_generator(body, encoder("g_text_encoder"), self.latent_dim, self.embed_dim),
                build_text_discriminator(critic, encoder("d_text_encoder"), shape, self.conditioning))

    # --- captions ---------------------------------------------------------------------
    def tokenize(self, text, n=None):
        """Token ids int32 (n, max_len) of `text`: one str (used n times, default once) or a list of n
        strings. ValueError naming `text` for another type, a list of another length, a text
        without words or with more than max_len, or words outside the vocabulary (all listed)."""
        if isinstance(text, np.ndarray) and text.dtype.kind == "U":
            text = text.tolist()
        if isinstance(text, str):
            texts = [text] * (1 if n is None else n)
        elif isinstance(text, (list, tuple)) and all(isinstance(t, str) for t in text):
            texts = list(text)
            if not texts or (n is not None and len(texts) != n):
                raise ValueError(f"text must hold one caption per example ({n if n else 'n >= 1'}), got "
                                 f"{len(texts)}.")
        else:
            raise ValueError(f"text must be a str or a list of str, got {type(text).__name__}.")
        return captions.tokenize(texts, self.vocabulary, self.max_len, truncate=False, name="text")

    def sample_captions(self, n, seed=None):
        """n random training-style captions (list of str): a train template of `zoo.data.captions`
        filled with a class < num_classes and attribute words, uniform; same seed, same captions,
        the first k independent of n. `generate(n, seed)` without text draws these."""
        return captions.sample_captions(self.check_count(n), seed, self.num_classes).texts

    def check_tokens(self, tokens, n=None, name="tokens"):
        """Token ids as int32 numpy (n, max_len) in [0, vocabulary size], each row with a word."""
        arr, vocab = np.asarray(tokens), len(self.vocabulary)
        if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
            raise ValueError(f"{name} must be integer token ids, got dtype {arr.dtype}.")
        if arr.ndim != 2 or arr.shape[1] != self.max_len or (n is not None and len(arr) != n):
            raise ValueError(f"{name} must have shape ({n if n else 'n'}, {self.max_len}), got {arr.shape}.")
        if arr.size and (arr.min() < 0 or arr.max() > vocab):
            raise ValueError(f"{name} must be in [0, {vocab}] (0 pads), got values in [{arr.min()}, {arr.max()}].")
        if arr.size and not np.all((arr != captions.PAD).any(axis=1)):
            raise ValueError(f"{name}: caption {int(np.argmin((arr != captions.PAD).any(axis=1)))} is all padding.")
        return arr.astype(np.int32)

    def _condition(self, n, labels, text):
        """The token ids of `text` or of the class words of `labels` (n, max_len); None for neither."""
        if labels is not None and text is not None:
            raise ValueError("give text or labels, not both: a class id stands for the caption of its word.")
        if text is not None:
            return self.tokenize(text, n)
        return None if labels is None else self.class_tokens[self.check_labels(labels, n)]

    # --- training -------------------------------------------------------------------
    def _check_first_batch(self, x, y=None):
        import tensorflow as tf

        ZooModel._check_first_batch(self, x, y)  # the images
        if isinstance(x, tf.data.Dataset):
            first = next(iter(x.take(1)), None)
            y = None if first is None else keras.utils.unpack_x_y_sample_weight(first)[1]
        elif not (isinstance(x, (np.ndarray, list)) or tf.is_tensor(x)):
            return  # a generator or PyDataset: train_step checks the labels' dtype and shape
        if y is None:
            raise ValueError(self._missing_labels())
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == self.max_len:
            self.check_tokens(y, name="training labels (token ids of the captions)")
        else:
            self.check_labels(y.reshape(-1) if y.ndim == 2 and y.shape[1] == 1 else y, name="training labels")

    def _missing_labels(self):
        return (f"training labels are missing: {type(self).__name__} fits on (images, token ids) pairs, e.g. "
                "zoo.data.load('captioned_mnist', batch_size=64), or (images, class ids).")

    def _label_tensor(self, y):
        """Training captions as int32 token ids (batch, max_len); class ids (batch,) become the tokens
        of their class words. Checked symbolically (dtype, shape)."""
        import tensorflow as tf

        if y is None:
            raise ValueError(self._missing_labels())
        dtype = keras.backend.standardize_dtype(y.dtype)
        if "int" not in dtype:
            raise ValueError(f"training labels must be integer token ids or class ids, got dtype {dtype}.")
        shape = tf.TensorShape(y.shape)
        if shape.rank == 2 and shape[1] == self.max_len:
            return ops.cast(y, "int32")
        if shape.rank == 1 or (shape.rank == 2 and shape[1] == 1):
            return ops.take(ops.convert_to_tensor(self.class_tokens), ops.cast(ops.reshape(y, (-1,)), "int32"), axis=0)
        raise ValueError(f"training labels must be token ids (batch, {self.max_len}) or class ids (batch,), got "
                         f"shape {tuple(y.shape)}.")

    def _onehot(self, tokens):
        """The condition G and D take: the token ids themselves (each network encodes them)."""
        return tokens

    def mismatched(self, tokens):
        """Captions t' of other images: the batch's captions rolled by one. Two images may share
        a caption (the same class and attribute words), so t' can match by chance; batches of one
        example have no other caption to take."""
        return ops.roll(tokens, 1, axis=0)

    # --- inference ------------------------------------------------------------------
    def _decode_tokens(self, codes, tokens, batch_size=512):
        b = check_int(batch_size, "batch_size", 1)
        out = [ops.convert_to_numpy(self.sampler([codes[i: i + b], tokens[i: i + b]], training=False))
               for i in range(0, len(codes), b)]
        return np.concatenate(out).astype(np.float32)

    def decode(self, codes, labels=None, text=None, batch_size=512):
        """Generator output float32 numpy for codes (n, latent_dim) and a caption each: `text` (one
        str for all, or n strings) or class ids `labels` (their class words).

        Example:
            t.decode(t.sample_codes(2, seed=0), text="a bold 7 that leans to the right")
        """
        codes = self.check_codes(codes, self.latent_dim)
        self.check_count(len(codes), "len(codes)")
        tokens = self._condition(len(codes), labels, text)
        if tokens is None:
            raise ValueError("text is required: a text-conditional generator decodes each code with a caption, "
                             "decode(codes, text=...) (or labels=...); generate(n, seed) draws both.")
        return self._decode_tokens(codes, tokens, batch_size)

    def generate(self, n, seed=None, labels=None, text=None, batch_size=512):
        """n images float32 (n, H, W, C) in [0, 1] described by `text` (one str for all n, or n
        strings), or of the classes `labels`, or (neither) for random training-style captions
        drawn from `seed` (`sample_captions`). Same seed, same images. Unknown words: ValueError.

        Example:
            x = zoo.load("text2digit").generate(2, seed=0, text=["a thick seven leaning right",
                                                                 "a thin upright zero"])
        """
        codes = self.sample_codes(n, seed)
        tokens = self._condition(len(codes), labels, text)
        if tokens is None:
            tokens = self.tokenize(self.sample_captions(len(codes), seed))
        return self._decode_tokens(codes, tokens, batch_size)

    def interpolate(self, seed_a, seed_b, steps=8, text=None):
        """Samples along the straight line between the codes of two seeds, all with one caption:
        `text` (a str), or by default the caption `generate(1, seed_a)` draws.

        Example:
            row = zoo.load("text2digit").interpolate(0, 1, steps=8, text="a wide thin two")
        """
        steps = check_int(steps, "steps", 2, 1000)
        if text is not None and not isinstance(text, str):
            raise ValueError(f"text must be one caption (a str), got {type(text).__name__}.")
        a, b = self.sample_codes(1, seed_a), self.sample_codes(1, seed_b)
        caption = self.sample_captions(1, seed_a) if text is None else text
        t = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
        return self._decode_tokens((1 - t) * a + t * b, np.repeat(self.tokenize(caption), steps, axis=0))
