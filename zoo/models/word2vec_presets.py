"""Catalog ids of word2vec: skip-gram and CBOW on the GCIDE dictionary text, with the settings
of the word2vec / gensim defaults the issue fixes (100-d, window 5, min count 5, 5 epochs,
negative 5, subsampling 1e-3, learning rate 0.025 decaying linearly to 0.0001)."""

from zoo import recipes as R
from zoo.registry import Card, ModelSpec, register_presets

# The GCIDE vocabulary at min count 5 (zoo.data.text.corpus("gcide")): 46,517 words, 338,640 bytes
# of UTF-8; an epoch is 182,665 blocks of 64 skip-gram pairs or 52,720 blocks of 64 CBOW windows
# (Corpus.blocks_per_epoch). tests/test_word2vec.py checks these against the corpus when it is here.
GCIDE = dict(vocab_size=46_517, vocab_bytes=338_640, dim=100, window=5, negative=5, sample=1e-3, min_count=5,
             corpus="gcide", storage="float16")
BLOCKS_PER_EPOCH = {"pairs": 182_665, "windows": 52_720}
EPOCHS = 5


def _recipe(layout, batch):
    """SGD on the summed pair losses (word2vec's per-pair update) at 0.025 decaying linearly to
    0.0001 over the run (gensim's alpha / min_alpha), `batch` blocks of 64 per step, under XLA."""
    steps = EPOCHS * (BLOCKS_PER_EPOCH[layout] // batch)
    lr = R.schedule("PolynomialDecay", initial_learning_rate=0.025, decay_steps=steps, end_learning_rate=0.0001,
                    power=1.0)
    return R.Recipe(epochs=EPOCHS, batch_size=batch, jit_compile=True, checkpoint_every=500,
                    compile={"optimizer": R.optimizer("SGD", lr)})


CARD = Card(
    intended="Word vectors for teaching and research: nearest words, word similarity, analogies (vector "
             "arithmetic), features for small text models, and the side-by-side comparison with gensim on the "
             "same corpus (benchmarks/word2vec.py). The vectors derive from the GCIDE dictionary text, which is "
             "GPL-2+: whether trained vectors are a derivative work of their corpus is not settled, so the zoo "
             "ships them under the text's licence, GPL-2.0-or-later, and anything that redistributes them (or "
             "a product built on them) should respect its terms. Not for decisions about people.",
    limitations=[
        "- Trained on a dictionary (Webster's 1913 and WordNet glosses, 4.8M tokens): archaic senses and "
        "vocabulary, lexicographers' abbreviations among the frequent words (webster, obs, cf, fr), little "
        "modern usage; the views and biases of its sources (1913) are in the vectors.",
        "- A small corpus: scores are far below vectors trained on billions of words, and the analogy test "
        "covers only the questions whose words are among the 30,000 most frequent (see analogy_oov).",
        "- Tokens are lower-case runs of 2 to 15 letters (gensim's simple_preprocess); other words, and words "
        "seen fewer than 5 times, are not in the vocabulary (they raise a KeyError naming the word).",
        "- The weights file stores the word vectors in float16 (9.3 MB of a 9.8 MB file, within the zoo's 16 MB "
        "budget for an embedding table; every method uses these rounded values) and not the context vectors "
        "(another 9.3 MB): fine-tuning with `fit` restarts them at 0, word2vec's initial value.",
    ],
    tags=["word2vec", "word-embeddings", "text", "feature-extraction"],
    task="feature-extraction")

PAPER = ("Mikolov, Chen, Corrado, Dean 2013, Efficient Estimation of Word Representations in Vector Space, "
         "arXiv:1301.3781; Mikolov, Sutskever, Chen, Corrado, Dean 2013, Distributed Representations of Words "
         "and Phrases and their Compositionality, arXiv:1310.4546")
PEER = "gensim 4.4, same corpus, tokens and settings: the peer, not the paper"


def _peer(ws, sl, an):
    return {"wordsim353_spearman": f"{ws} ({PEER})", "simlex999_spearman": f"{sl} ({PEER})",
            "analogy_accuracy": f"{an} ({PEER})"}


SPECS = [
    ModelSpec(
        id="word2vec-sg-gcide", family="Word2Vec", config=dict(GCIDE, mode="skipgram"), dataset="gcide-pairs",
        summary="word2vec skip-gram with negative sampling on the GCIDE dictionary text: 100-d vectors of 46,517 "
                "words",
        paper=PAPER, license="gpl-2.0", recipe=_recipe("pairs", 64), primary_metric=("wordsim353_spearman", "max"),
        paper_numbers=_peer(0.463, 0.309, 0.150)),
    ModelSpec(
        id="word2vec-cbow-gcide", family="Word2Vec", config=dict(GCIDE, mode="cbow"), dataset="gcide-windows",
        summary="word2vec CBOW with negative sampling on the GCIDE dictionary text: 100-d vectors of 46,517 words",
        paper=PAPER, license="gpl-2.0", recipe=_recipe("windows", 32), primary_metric=("wordsim353_spearman", "max"),
        paper_numbers=_peer(0.416, 0.218, 0.102)),
]

TINY = {
    "tiny-skipgram": dict(vocab_size=20, vocab_bytes=64, dim=4, mode="skipgram", window=2, negative=2),
    "tiny-cbow": dict(vocab_size=20, vocab_bytes=64, dim=4, mode="cbow", window=2, negative=2),
}

register_presets("zoo.models.word2vec.Word2Vec", SPECS, CARD, TINY)
