"""doc2vec side by side with gensim: same documents, tokens and settings.

    python benchmarks/doc2vec.py --corpus lee --seeds 0 1        # Lee, both modes (about 10 min)
    ZOO_DATA_DIR=../shared/data python benchmarks/doc2vec.py --corpus kjv --seeds 0 --modes dbow \
        --zoo-model dbow=runs/doc2vec-dbow-kjv/model          # Bible chapters, a trained run

Each run rewrites its own section (Lee, Bible chapters) of --out (default benchmarks/doc2vec.md).

Training: the 300 documents of gensim's lee_background.cor, ``simple_preprocess`` tokens (the script
checks that the zoo's tokens and vocabulary at min count 2 are gensim's). Both: 50-d, window 5,
negative 5, sample 1e-3, 40 epochs at a learning rate 0.025 -> 0.0001 (linear), PV-DBOW with
interleaved skip-gram (gensim dm=0, dbow_words=1) or PV-DM (dm=1, mean); gensim with one worker
thread, the zoo with its catalog recipe (`zoo.data.load(spec.dataset, ...)`, SGD on summed batch
losses under XLA; TF's threads as the environment says). Seconds: `fit` / `Doc2Vec.train` only.

Evaluation (`zoo.eval.documents`, the same code for both): the 50 lee.cor documents inferred, the
Pearson r of their cosine similarities with the human matrix over the 1,225 pairs, the mean over five
inferences (zoo: seeds 0-4; gensim: five calls of its `infer_vector`, which draws afresh each
call), with the id's inference settings and with gensim's defaults (40 passes at 0.025). Writes the
table, with per-seed numbers, to --out (default benchmarks/doc2vec.md).
"""

import argparse
import datetime
import os
import platform
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

IDS = {"dbow": "doc2vec-dbow-lee", "dm": "doc2vec-dm-lee"}
KJV_IDS = {"dbow": "doc2vec-dbow-kjv", "dm": "doc2vec-dm-kjv"}
INFERENCES = 5
TITLE = "# doc2vec: the zoo beside gensim"


def check_same_tokens(titles, texts, corpus, min_count=2):
    """gensim's tokens of each document; the zoo's tokens and vocabulary are the same."""
    import collections

    from gensim.utils import simple_preprocess

    from zoo.data.text import tokenize

    docs = [simple_preprocess(t) for t in texts]
    if any(tokenize(t) != d for t, d in zip(texts, docs)):
        raise SystemExit("The zoo's tokens differ from gensim's simple_preprocess.")
    counts = collections.Counter(w for d in docs for w in d)
    if {w: c for w, c in counts.items() if c >= min_count} != dict(zip(corpus.words, map(int, corpus.counts))):
        raise SystemExit("gensim's and the zoo's vocabularies differ.")
    return docs


def settings(spec):
    """{label: (inference passes, initial rate)}: the id's (Doc2Vec's defaults where its config is silent)
    and gensim's defaults."""
    c = spec.config
    return {"own": (c.get("infer_epochs", 40), c.get("infer_alpha", 0.025)), "gensim default": (40, 0.025)}


def run_zoo(spec, seed, corpus, test_texts, human):
    import keras

    from zoo import data
    from zoo.eval.documents import similarity_correlation
    from zoo.models.doc2vec import Doc2Vec

    keras.utils.set_random_seed(seed)
    model = Doc2Vec(**{**spec.config, "seed": seed})
    model.set_vocabulary(corpus.words, corpus.counts)
    model.compile_from_config(spec.recipe.compile_config())
    ds = data.load(spec.dataset, batch_size=spec.recipe.batch_size, seed=seed)
    t0 = time.perf_counter()
    model.fit(ds, epochs=spec.recipe.epochs, verbose=0)
    seconds = time.perf_counter() - t0
    out = {"seconds": seconds}
    for label, (epochs, alpha) in settings(spec).items():
        model.infer_alpha = alpha
        out[label] = np.mean([similarity_correlation(model.infer_vectors(test_texts, seed=s, epochs=epochs), human)
                              for s in range(INFERENCES)])
    return out


def train_gensim(spec, seed, docs):
    """gensim's Doc2Vec with the id's settings trained on `docs` (token lists); (model, seconds)."""
    from gensim.models.doc2vec import Doc2Vec, TaggedDocument

    c = spec.config
    model = Doc2Vec(vector_size=c["dim"], window=c["window"], min_count=c["min_count"], negative=c["negative"],
                    sample=c["sample"], alpha=0.025, min_alpha=0.0001, epochs=spec.recipe.epochs, workers=1,
                    seed=seed, dm=int(c["mode"] == "dm"), dbow_words=int(c["mode"] == "dbow"))
    tagged = [TaggedDocument(d, [i]) for i, d in enumerate(docs)]
    model.build_vocab(tagged)
    t0 = time.perf_counter()
    model.train(tagged, total_examples=model.corpus_count, epochs=model.epochs)
    return model, time.perf_counter() - t0


def run_gensim(spec, seed, docs, test_texts, human):
    from gensim.utils import simple_preprocess

    from zoo.eval.documents import similarity_correlation

    model, seconds = train_gensim(spec, seed, docs)
    tokens = [simple_preprocess(t) for t in test_texts]
    out = {"seconds": seconds}
    for label, (epochs, alpha) in settings(spec).items():
        out[label] = np.mean([similarity_correlation(
            np.array([model.infer_vector(d, epochs=epochs, alpha=alpha) for d in tokens]), human)
            for _ in range(INFERENCES)])
    return out


def stats(values):
    v = np.asarray(values, float)
    return v.mean(), (v.std(ddof=1) if len(v) > 1 else 0.0)


def tables(results, seeds, specs):
    summary = ["| model | implementation | Lee r, the id's inference | Lee r, gensim's inference (40 x 0.025) | "
               "train seconds |", "| --- | --- | --- | --- | --- |"]
    per_seed = ["| model | implementation | seed | r (id's inference) | r (gensim's) | seconds |",
                "| --- | --- | --- | --- | --- | --- |"]
    for (mode, impl), rows in results.items():
        epochs, alpha = settings(specs[mode])["own"]
        cells = [" ± ".join(f"{x:.3f}" for x in stats([r[k] for r in rows])) for k in ("own", "gensim default")]
        secs = " ± ".join(f"{x:.1f}" for x in stats([r["seconds"] for r in rows]))
        summary.append(f"| {IDS[mode]} ({epochs} x {alpha:g}) | {impl} | {cells[0]} | {cells[1]} | {secs} |")
        per_seed += [f"| {mode} | {impl} | {s} | {r['own']:.4f} | {r['gensim default']:.4f} | {r['seconds']:.1f} |"
                     for s, r in zip(seeds, rows)]
    return summary, per_seed


def kjv_section(a, now, env):
    """Chapter classification by book, group and testament: the zoo's trained models (installed, or
    --zoo-model; their metrics.json, written by the same `zoo.eval.documents` code) and gensim trained
    here, beside TF-IDF; the section's markdown lines."""
    from gensim.utils import simple_preprocess

    import zoo
    from zoo import registry, saving
    from zoo.data import documents
    from zoo.eval import documents as E

    titles, texts = documents.documents("kjv-chapters")
    test_titles, test_texts = documents.kjv_test()
    docs = check_same_tokens(titles, texts, documents.corpus("kjv-chapters"), min_count=5)
    test_docs = [simple_preprocess(t) for t in test_texts]
    labels = {level: (documents.chapter_labels(titles, level), documents.chapter_labels(test_titles, level))
              for level in E.LEVELS}
    dirs = dict(m.split("=", 1) for m in a.zoo_model)
    rows, best = [], {}

    def row(name, accuracy, seconds=""):
        for level in E.LEVELS:
            best[level] = max(best.get(level, (0, "")), (accuracy[level], name))
        rows.append(f"| {name} | " + " | ".join(f"{accuracy[level]:.3f}" for level in E.LEVELS) + f" | {seconds} |")
        print(rows[-1], flush=True)

    for mode in a.modes:
        spec = registry.get_spec(KJV_IDS[mode])
        record = saving.read_metrics(dirs[mode]) if mode in dirs else spec.metrics
        ev = record.get("eval", {})  # computed by zoo.eval.documents when the run ended; else here
        if "kjv_book_accuracy" not in ev:
            ev = E.kjv_metrics(zoo.load(dirs.get(mode, spec.id)))["eval"]
        seconds = f"{record['training']['seconds']:.0f}"
        row(f"zoo {spec.id}: inferred vectors", {lv: ev[f"kjv_{lv}_accuracy"] for lv in E.LEVELS}, seconds)
        row(f"zoo {spec.id}: mean word vectors", {lv: ev[f"kjv_{lv}_accuracy_mean_words"] for lv in E.LEVELS})
        for seed in a.seeds:
            g, seconds = train_gensim(spec, seed, docs)
            n = spec.config["infer_epochs"]
            x = [np.array([g.infer_vector(d, epochs=n) for d in ds]) for ds in (docs, test_docs)]
            w = [np.array([g.wv.get_mean_vector(d, pre_normalize=False) for d in ds]) for ds in (docs, test_docs)]
            row(f"gensim {mode} (seed {seed}): inferred vectors",
                {lv: E.classify(x[0], y, x[1], yt) for lv, (y, yt) in labels.items()}, f"{seconds:.0f}")
            row(f"gensim {mode} (seed {seed}): mean word vectors",
                {lv: E.classify(w[0], y, w[1], yt) for lv, (y, yt) in labels.items()})
    row("TF-IDF", {lv: ev[f"kjv_{lv}_accuracy_tfidf"] for lv in E.LEVELS})
    return ["## Bible chapters: classifying held-out chapters", "",
            f"`python benchmarks/doc2vec.py --corpus kjv`, run {now} ({env}).", "",
            f"{len(docs)} training chapters of the King James Bible, {len(test_docs)} held out (every fifth chapter "
            "of a book, from the 47 books with five or more); identical tokens for both. Both: 100-d, window 5, "
            "negative 5, sample 1e-3, min count 5, 10 epochs, learning rate 0.025 -> 0.0001, inference 10 passes. "
            "Accuracy on the held-out chapters of a logistic regression (C by 3-fold cross-validation on the "
            "training chapters; `zoo.eval.documents.classify`) on each chapter's inferred vector (training "
            "chapters inferred too), on the mean of the model's word vectors, or on TF-IDF over the vocabulary; "
            "book: 66 classes in "
            "training, group: 10 (`zoo.data.documents.BOOK_GROUPS`), testament: 2. Seconds: training only.", "",
            "| features | book | group | testament | train seconds |", "| --- | --- | --- | --- | --- |", *rows, "",
            "Best: " + "; ".join(f"{level}: {name} ({acc:.3f})" for level, (acc, name) in best.items()) + ".", ""]


def lee_section(a, now, env):
    """Train and evaluate both implementations on Lee; the section's markdown lines."""
    from zoo import registry
    from zoo.data import documents
    from zoo.eval.documents import similarity_correlation, tfidf_vectors

    titles, texts = documents.documents("lee")
    corpus = documents.corpus("lee")
    docs = check_same_tokens(titles, texts, corpus)
    test_texts, human = documents.lee_test()
    tfidf = similarity_correlation(tfidf_vectors(texts, test_texts).toarray(), human)
    print(f"Lee: {len(docs)} documents, {corpus.raw_words:,} tokens, {len(corpus.words):,} words at min count 2; "
          f"tokens identical to gensim's. TF-IDF baseline r = {tfidf:.3f}", flush=True)
    specs = {m: registry.get_spec(IDS[m]) for m in a.modes}
    results = {}
    for mode in a.modes:
        for impl in ("zoo", "gensim"):
            results[(mode, impl)] = []
            for seed in a.seeds:
                r = (run_zoo(specs[mode], seed, corpus, test_texts, human) if impl == "zoo"
                     else run_gensim(specs[mode], seed, docs, test_texts, human))
                results[(mode, impl)].append(r)
                print(f"{mode} {impl} seed {seed}: r {r['own']:.4f} (id's inference), {r['gensim default']:.4f} "
                      f"(gensim's), {r['seconds']:.1f} s", flush=True)
    summary, per_seed = tables(results, a.seeds, specs)
    print("\n".join(["", *summary]))
    return ["## Lee corpus: similarity of new documents", "",
            f"`python benchmarks/doc2vec.py --corpus lee`, run {now} ({env}).", "",
            f"{len(docs)} training documents (lee_background.cor), {corpus.raw_words:,} tokens, "
            f"{len(corpus.words):,} words at min count 2, identical tokens for both. Both: 50-d, window 5, negative "
            "5, sample 1e-3, 40 epochs, learning rate 0.025 -> 0.0001; seeds " + str(a.seeds) + ".", "",
            "Lee r: Pearson correlation of the cosine similarities of the 50 inferred lee.cor documents with the "
            "human judgements (1,225 pairs), mean of 5 inferences; mean ± std over the training seeds. "
            f"TF-IDF cosine (scikit-learn, fitted on the training documents) gets r = {tfidf:.3f}; gensim's "
            "test_lee has LSI above 0.6 (with stop words removed and stemming).", "",
            *summary, "",
            "The ids' inference settings were chosen on this benchmark (zoo/models/doc2vec_presets.py): fewer "
            "passes for DBOW, a higher rate for DM. Both implementations train the same model; gensim updates the "
            "tables word by word in place, the zoo takes one SGD step on the summed losses of a batch of shuffled "
            "elements (1,024 DBOW pairs or 128 DM windows), which costs it per-step overhead on a corpus this "
            "small.", "", "### Per seed", "", *per_seed, ""]


def write_section(path, lines):
    """Replace (or add) the ``## `` section that `lines` begin with in the markdown file `path`."""
    old = open(path, encoding="utf-8").read().split("\n") if os.path.exists(path) else [TITLE, ""]
    starts = [i for i, line in enumerate(old) if line.startswith("## ")] + [len(old)]
    sections = {old[a]: old[a:b] for a, b in zip(starts[:-1], starts[1:])}
    sections[lines[0]] = lines
    text = "\n".join(old[:starts[0]] + [line for key in sorted(sections) for line in sections[key]])
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text.rstrip("\n") + "\n")
    os.replace(tmp, path)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python benchmarks/doc2vec.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", choices=("lee", "kjv"), default="lee")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--modes", nargs="+", default=list(IDS), choices=list(IDS))
    p.add_argument("--zoo-model", nargs="+", default=[], metavar="MODE=DIR",
                   help="kjv: evaluate this saved model (a run's model/ folder) for MODE instead of the installed id")
    p.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "doc2vec.md"))
    a = p.parse_args(argv)

    import gensim

    threads = {k: os.environ.get(k, "default") for k in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")}
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    env = (f"{platform.machine()}, {os.cpu_count()} CPU cores shared with other jobs, gensim {gensim.__version__} "
           f"with 1 worker, TF threads {threads}")
    lines = lee_section(a, now, env) if a.corpus == "lee" else kjv_section(a, now, env)
    write_section(a.out, lines)
    print(f"\nWrote {a.out}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
