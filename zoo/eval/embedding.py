"""Word-vector benchmarks, computed by the zoo's own code on gensim's copies of the data sets.

- WordSim-353 (Finkelstein et al. 2002) and SimLex-999 (Hill, Reichart, Korhonen 2015): Spearman
  rank correlation between the cosine similarity of each word pair and the human score, over the
  pairs whose two words are in the vocabulary (gensim's ``evaluate_word_pairs`` protocol).
- Google analogies (Mikolov et al. 2013, ``questions-words.txt``, 19,544 questions "a b c d":
  a is to b as c is to d): the answer is the word nearest (cosine) to b - a + c over unit
  vectors (3CosAdd), a, b and c excluded, searched among the 30,000 most frequent words; a
  question counts when its four words are all among them; the score is the share answered
  right over all sections (gensim's ``evaluate_word_analogies(restrict_vocab=30000)`` protocol).
- Out-of-vocabulary share of each set: the pairs / questions left out.

Words are compared lower-cased (gensim's ``case_insensitive=True``). The files come with gensim
(``gensim.test.utils.datapath``); they are parsed here, so only their location needs gensim.

>>> from zoo.eval import embedding
>>> embedding.embedding_metrics(zoo.load("word2vec-sg-gcide"))["eval"]["wordsim353_spearman"]
"""

import os

import numpy as np

WORDSIM, SIMLEX, ANALOGIES = "wordsim353.tsv", "simlex999.txt", "questions-words.txt"
RESTRICT_VOCAB = 30_000
ANALOGY_BATCH = 512


class EvaluationDataMissing(FileNotFoundError):
    """gensim (whose test data holds the evaluation sets) is not installed."""


def data_path(name):
    """Path of one of gensim's evaluation files."""
    try:
        from gensim.test.utils import datapath
    except ImportError:
        raise EvaluationDataMissing(f"The word-vector benchmarks read {name} from gensim's test data: pip "
                                    "install gensim (the zoo's dev extra has it).") from None
    path = datapath(name)
    if not os.path.exists(path):
        raise EvaluationDataMissing(f"{path} is missing from this gensim installation.")
    return path


def read_pairs(path):
    """[(word 1, word 2, human score)] of a tab-separated file; '#' lines are comments."""
    pairs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            a, b, score = line.rstrip("\n").split("\t")[:3]
            pairs.append((a.lower(), b.lower(), float(score)))
    return pairs


def read_analogies(path):
    """[(section, [(a, b, c, d), ...])] of questions-words.txt (': section' headers)."""
    sections = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith(":"):
                sections.append((line[1:].strip(), []))
            elif line.strip():
                sections[-1][1].append(tuple(w.lower() for w in line.split()))
    return sections


def _unit(vectors):
    vectors = np.asarray(vectors, np.float32)
    norm = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norm, 1e-12)


def _index(words, limit=None):
    """{word: row} of the first `limit` words; the first occurrence wins."""
    out = {}
    for i, w in enumerate(words[:limit] if limit else words):
        out.setdefault(w.lower(), i)
    return out


def pair_spearman(words, vectors, pairs):
    """(Spearman rho, OOV share, pairs used) of cosine similarities against human scores."""
    from scipy.stats import spearmanr

    index, unit = _index(words), _unit(vectors)
    used = [(index[a], index[b], s) for a, b, s in pairs if a in index and b in index]
    if len(used) < 2:
        return float("nan"), 1 - len(used) / len(pairs), len(used)
    i, j, human = (np.array(x) for x in zip(*used))
    cosine = np.sum(unit[i] * unit[j], axis=1)
    return float(spearmanr(cosine, human).statistic), 1 - len(used) / len(pairs), len(used)


def analogy_accuracy(words, vectors, sections, restrict=RESTRICT_VOCAB):
    """(accuracy, OOV share, questions used, {section: accuracy}) of 3CosAdd among the first
    `restrict` words (the vocabulary must be sorted by frequency)."""
    index = _index(words, restrict)
    unit = _unit(np.asarray(vectors)[:restrict])
    correct, total, per, asked = 0, 0, {}, 0
    for name, questions in sections:
        asked += len(questions)
        q = np.array([[index[w] for w in t] for t in questions if all(w in index for w in t)], np.int64)
        if not len(q):
            continue
        right = 0
        for k in range(0, len(q), ANALOGY_BATCH):
            a, b, c, d = q[k: k + ANALOGY_BATCH].T
            scores = _unit(unit[b] - unit[a] + unit[c]) @ unit.T
            rows = np.arange(len(a))
            scores[rows, a] = scores[rows, b] = scores[rows, c] = -np.inf
            right += int(np.sum(np.argmax(scores, axis=1) == d))
        per[name] = right / len(q)
        correct, total = correct + right, total + len(q)
    return (correct / total if total else float("nan")), 1 - total / asked, total, per


def word_vector_metrics(words, vectors, restrict=RESTRICT_VOCAB):
    """{"eval": ..., "protocol": ...} of a vocabulary (most frequent first) and its vectors."""
    ev, proto = {}, {}
    for key, file, name in (("wordsim353", WORDSIM, "WordSim-353"), ("simlex999", SIMLEX, "SimLex-999")):
        pairs = read_pairs(data_path(file))
        rho, oov, used = pair_spearman(words, vectors, pairs)
        ev[f"{key}_spearman"], ev[f"{key}_oov"] = rho, oov
        proto[f"{key}_spearman"] = (f"Spearman rank correlation of cosine similarity with the human scores of "
                                    f"{name} (gensim's {file}), over the {used} of {len(pairs)} pairs whose words "
                                    "are both in the vocabulary (lower-cased; gensim's evaluate_word_pairs)")
        proto[f"{key}_oov"] = f"share of the {len(pairs)} {name} pairs left out: a word not in the vocabulary"
    sections = read_analogies(data_path(ANALOGIES))
    acc, oov, used, _ = analogy_accuracy(words, vectors, sections, restrict)
    n = sum(len(q) for _, q in sections)
    ev["analogy_accuracy"], ev["analogy_oov"] = acc, oov
    proto["analogy_accuracy"] = (f"Google analogies (gensim's {ANALOGIES}): share of the {used:,} of {n:,} "
                                 f"questions a:b::c:d whose four words are among the {restrict:,} most frequent "
                                 "words answered right: d is the nearest word by cosine to b - a + c over unit "
                                 "vectors (3CosAdd), a, b, c excluded, among those words (gensim's "
                                 f"evaluate_word_analogies, restrict_vocab={restrict})")
    proto["analogy_oov"] = (f"share of the {n:,} analogy questions left out: a word not among the "
                            f"{restrict:,} most frequent")
    return {"eval": ev, "protocol": proto}


def embedding_metrics(model, restrict=RESTRICT_VOCAB):
    """`word_vector_metrics` of a model with the Embedding capability (its `words` and `vectors()`)."""
    return word_vector_metrics(model.words, model.vectors(), restrict)
