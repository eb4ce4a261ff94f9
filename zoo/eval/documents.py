"""Document-vector benchmarks, computed by the zoo's own code.

- Lee similarity (Lee, Pincombe, Welsh 2005; gensim's test data): the vectors of the 50 documents of
  ``lee.cor``, inferred by the model (`infer_vector`, seeds 0 to 4), their 50 x 50 cosine
  similarities, and the Pearson correlation of its 1,225 off-diagonal upper-triangle entries with the
  mean human judgements of ``similarities0-1.txt`` (gensim's test_lee protocol, where LSI reaches
  > 0.6); mean and std over the seeds, beside TF-IDF cosine (scikit-learn's TfidfVectorizer fitted on
  the training documents, the same tokens) as the baseline.
- Self-retrieval (gensim's doc2vec tutorial's sanity check): the share of training documents whose
  inferred vector (seed 0) has its own trained vector as the nearest (cosine) of the document table.
- Bible chapters (``kjv-chapters``): the 211 held-out chapters (every fifth of a book) classified by
  book (66 classes), by the book's group (10) and by testament (2), by a logistic regression
  (scikit-learn, L2, its C chosen by 3-fold cross-validation on the 978 training chapters) on the
  chapters' inferred vectors (seed 0; training chapters too, so both sides are inferred alike),
  beside the same classifier on TF-IDF vectors (over the model's vocabulary) and on the mean of the
  model's own word vectors (for PV-DBOW, skip-gram word2vec vectors trained on the same chapters).

A missing evaluation set (gensim not installed) gives no metric and a warning that says so.

>>> from zoo.eval import documents
>>> documents.document_metrics(zoo.load("doc2vec-dbow-lee"), registry.get_spec("doc2vec-dbow-lee"))
"""

import warnings

import numpy as np
import scipy.sparse

from zoo.data import documents as D
from zoo.data.text import CorpusNotAvailableError

SEEDS = (0, 1, 2, 3, 4)
LEVELS = ("book", "group", "testament")
CS = (0.1, 1.0, 10.0, 100.0)


def _unit(x):
    x = np.asarray(x, np.float64)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def similarity_correlation(vectors, human):
    """Pearson r between the cosine similarities of `vectors` (n, d) and the human matrix (n, n)
    over the n (n - 1) / 2 pairs i < j (the matrix's upper triangle)."""
    i, j = np.triu_indices(len(human), 1)
    unit = _unit(vectors)
    return float(np.corrcoef(np.sum(unit[i] * unit[j], axis=1), np.asarray(human)[i, j])[0, 1])


def tfidf_vectors(train_texts, texts, vocabulary=None):
    """TF-IDF vectors of `texts` (a scipy sparse matrix; scikit-learn defaults: smooth idf, l2 norm)
    fitted on `train_texts`, over `zoo.data.text.tokenize` tokens (those in `vocabulary` if given)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from zoo.data.text import tokenize

    return TfidfVectorizer(analyzer=tokenize, vocabulary=vocabulary).fit(train_texts).transform(texts)


def lee_metrics(model, seeds=SEEDS):
    """{"eval", "protocol"} of the Lee similarity benchmark and self-retrieval (module docstring)."""
    texts, human = D.lee_test()
    r = [similarity_correlation(model.infer_vectors(texts, seed=s), human) for s in seeds]
    titles, train = D.documents("lee")
    nearest = np.argmax(_unit(model.infer_vectors(train, seed=0)) @ _unit(model.document_vectors()).T, axis=1)
    what = (f"Pearson r of the cosine similarities of the 50 lee.cor documents' vectors (infer_vector, "
            f"{model.infer_epochs} epochs) with the mean human judgements (gensim's similarities0-1.txt), over "
            "the 1,225 pairs i < j (gensim's test_lee protocol)")
    return {
        "eval": {"lee_pearson": float(np.mean(r)), "lee_pearson_std": float(np.std(r, ddof=1)) if len(r) > 1
                 else 0.0, "lee_pearson_tfidf": similarity_correlation(tfidf_vectors(train, texts).toarray(), human),
                 "self_retrieval": float(np.mean(nearest == np.arange(len(train))))},
        "protocol": {
            "lee_pearson": f"mean over inference seeds {list(seeds)} of the {what}",
            "lee_pearson_std": f"sample std (ddof=1) over inference seeds {list(seeds)} of lee_pearson",
            "lee_pearson_tfidf": "baseline: the same correlation for TF-IDF cosine similarities (scikit-learn "
                                 f"TfidfVectorizer fitted on the {len(train)} training documents, the same tokens)",
            "self_retrieval": f"share of the {len(train)} training documents whose inferred vector (seed 0) is "
                              "nearest (cosine) to its own trained vector among all trained document vectors",
        },
    }


def classify(train_x, train_y, test_x, test_y):
    """Test accuracy of a multinomial logistic regression (C in `CS` by 3-fold cross-validation on the
    training set, seeded folds; dense features standardized, sparse TF-IDF ones as they are)."""
    import scipy.sparse
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, KFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    scale = [] if scipy.sparse.issparse(train_x) else [StandardScaler()]
    clf = GridSearchCV(make_pipeline(*scale, LogisticRegression(max_iter=2000)),
                       {"logisticregression__C": list(CS)}, cv=KFold(3, shuffle=True, random_state=0))
    return float(np.mean(clf.fit(train_x, train_y).predict(test_x) == np.asarray(test_y)))


def mean_word_vectors(model, texts):
    """The mean of the model's word vectors over each text's words in its vocabulary."""
    vectors = model.vectors()
    return np.stack([vectors[model.token_ids(t)].mean(axis=0) for t in texts])


def kjv_metrics(model):
    """{"eval", "protocol"} of the held-out chapter classification (module docstring)."""
    train_titles, train = D.documents("kjv-chapters")
    test_titles, test = D.kjv_test()
    features = {"doc2vec": (model.infer_vectors(train, seed=0), model.infer_vectors(test, seed=0)),
                "tfidf": (tfidf_vectors(train, train, model.words), tfidf_vectors(train, test, model.words)),
                "mean_words": (mean_word_vectors(model, train), mean_word_vectors(model, test))}
    ev, proto = {}, {}
    what = {"doc2vec": "the chapters' inferred vectors (infer_vector, seed 0)",
            "tfidf": "TF-IDF vectors over the model's vocabulary (scikit-learn TfidfVectorizer fitted on the "
                     "training chapters)",
            "mean_words": "the mean of the model's word vectors over each chapter's words"}
    for level in LEVELS:
        y, y_test = D.chapter_labels(train_titles, level), D.chapter_labels(test_titles, level)
        for name, (x, x_test) in features.items():
            key = f"kjv_{level}_accuracy" + ("" if name == "doc2vec" else f"_{name}")
            ev[key] = classify(x, y, x_test, y_test)
            proto[key] = (f"accuracy on the {len(test)} held-out KJV chapters (every fifth of a book) of their "
                          f"{level} ({len(set(y))} classes in training) by logistic regression (C by 3-fold CV "
                          f"on the {len(train)} training chapters) on {what[name]}")
    return {"eval": ev, "protocol": proto}


def document_metrics(model, spec):
    """The metrics of a document model by its dataset's corpus ({} with a warning when its
    evaluation data is missing)."""
    corpus = spec.dataset.rpartition("-")[0]
    try:
        if corpus == "lee":
            return lee_metrics(model)
        if corpus == "kjv-chapters":
            return kjv_metrics(model)
    except CorpusNotAvailableError as e:
        warnings.warn(f"Document metrics of {spec.id} skipped: {e}", RuntimeWarning, stacklevel=2)
        return {}
    return {}
