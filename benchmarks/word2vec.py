"""word2vec side by side with gensim: same corpus, same tokens, same settings, in one run.

    ZOO_DATA_DIR=../shared/data python benchmarks/word2vec.py            # 3 seeds, both models (~1 h)
    ZOO_DATA_DIR=../shared/data python benchmarks/word2vec.py --seeds 0 --epochs 1 --out /tmp/w2v.md

The corpus is the GCIDE dictionary text, one sentence per line. gensim gets
``gensim.utils.simple_preprocess(line)`` of every line (the script checks that the zoo's
tokenizer gives the same tokens on every line, and that both vocabularies at min count 5 are the
same words with the same counts). Settings for both: 100-d, window 5, min count 5, negative 5,
subsampling 1e-3, learning rate 0.025 -> 0.0001 linearly, 5 epochs; gensim with 2 worker
threads, the zoo with its catalog recipe (`zoo.data.load(spec.dataset, ...)`, SGD under XLA;
TF's thread settings are whatever the environment says, printed below). For each seed and each
model (skip-gram, CBOW): WordSim-353 and SimLex-999 Spearman and Google-analogy accuracy (top
30,000 words), computed by `zoo.eval.embedding` for both (gensim's vectors taken in the zoo's
word order, so both search the same 30,000 words), and the training throughput in corpus words
per second (raw tokens x epochs / seconds of `fit` or `Word2Vec.train`; corpus reading and
vocabulary building are not timed, XLA compilation is). Prints a table and writes it, with the
per-seed numbers, to --out (default benchmarks/word2vec.md).
"""

import argparse
import datetime
import os
import platform
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

IDS = {"skipgram": "word2vec-sg-gcide", "cbow": "word2vec-cbow-gcide"}
SCORES = ("wordsim353_spearman", "simlex999_spearman", "analogy_accuracy")
TOLERANCE, SPEED_TARGET, SPEED_FLOOR = 0.02, 0.5, 0.25


def gensim_lines(raw_text):
    from gensim.utils import simple_preprocess

    return [simple_preprocess(line) for line in raw_text.split("\n")]


def check_same_tokens(lines, raw_text, corpus):
    """The zoo's tokens equal gensim's on every line; both vocabularies agree."""
    import collections

    from zoo.data import text

    for i, (line, tokens) in enumerate(zip(raw_text.split("\n"), lines)):
        if text.tokenize(line) != tokens:
            raise SystemExit(f"line {i}: zoo tokens {text.tokenize(line)} != gensim {tokens}")
    counts = collections.Counter(t for s in lines for t in s)
    vocab = {w: c for w, c in counts.items() if c >= 5}
    if sum(counts.values()) != corpus.raw_words or vocab != dict(zip(corpus.words, map(int, corpus.counts))):
        raise SystemExit("gensim's and the zoo's vocabularies differ.")
    return sum(counts.values())


def run_gensim(lines, mode, seed, epochs, words, corpus):
    from gensim.models import Word2Vec as GensimWord2Vec

    model = GensimWord2Vec(vector_size=100, window=5, min_count=5, sg=int(mode == "skipgram"), negative=5,
                           sample=1e-3, alpha=0.025, min_alpha=0.0001, epochs=epochs, workers=2, seed=seed)
    model.build_vocab(lines)
    t0 = time.perf_counter()
    model.train(lines, total_examples=model.corpus_count, epochs=epochs)
    seconds = time.perf_counter() - t0
    vectors = model.wv.vectors[[model.wv.key_to_index[w] for w in corpus.words]]  # the zoo's order
    return vectors, seconds


def run_zoo(mode, seed, epochs, corpus):
    import keras

    from zoo import data, registry
    from zoo.models.word2vec import Word2Vec

    spec = registry.get_spec(IDS[mode])
    keras.utils.set_random_seed(seed)
    model = Word2Vec(**{**spec.config, "seed": seed})
    model.set_vocabulary(corpus.words)
    model.compile_from_config(_recipe_for(spec, epochs).compile_config())
    ds = data.load(spec.dataset, batch_size=spec.recipe.batch_size, seed=seed)
    t0 = time.perf_counter()
    model.fit(ds, epochs=epochs, verbose=0)
    seconds = time.perf_counter() - t0
    return model.vectors(), seconds


def _recipe_for(spec, epochs):
    """The id's recipe; with fewer epochs the learning rate decays over those epochs."""
    import dataclasses
    import keras

    from zoo.models import word2vec_presets as P

    if epochs == spec.recipe.epochs:
        return spec.recipe
    layout = spec.dataset.rpartition("-")[2]
    steps = epochs * (P.BLOCKS_PER_EPOCH[layout] // spec.recipe.batch_size)
    lr = keras.optimizers.schedules.PolynomialDecay(0.025, steps, end_learning_rate=0.0001, power=1.0)
    return dataclasses.replace(spec.recipe, epochs=epochs, compile={
        "optimizer": keras.optimizers.serialize(keras.optimizers.SGD(lr))})


def stats(values):
    import numpy as np

    v = np.asarray(values, float)
    return v.mean(), (v.std(ddof=1) if len(v) > 1 else 0.0)


def table(results, seeds, raw_words, epochs):  # noqa: C901
    """Markdown lines: mean +- std per (model, implementation), the targets, per-seed rows."""
    lines = ["| model | implementation | WS-353 rho | SimLex-999 rho | analogy acc. | words/s |",
             "| --- | --- | --- | --- | --- | --- |"]
    verdict = []
    for mode in dict.fromkeys(m for m, _ in results):
        means = {}
        for impl in ("zoo", "gensim"):
            rows = results[(mode, impl)]
            cells = []
            for key in SCORES:
                m, s = stats([r[key] for r in rows])
                means[(impl, key)] = m
                cells.append(f"{m:.3f} ± {s:.3f}")
            m, s = stats([raw_words * epochs / r["seconds"] for r in rows])
            means[(impl, "speed")] = m
            lines.append(f"| {mode} | {impl} | {' | '.join(cells)} | {m:,.0f} ± {s:,.0f} |")
        gaps = ", ".join(f"{k.split('_')[0]} {means[('zoo', k)] - means[('gensim', k)]:+.3f}" for k in SCORES)
        ok = all(means[("zoo", k)] >= means[("gensim", k)] - TOLERANCE for k in SCORES)
        ratio = means[("zoo", "speed")] / means[("gensim", "speed")]
        speed = "met" if ratio >= SPEED_TARGET else ("below target" if ratio >= SPEED_FLOOR else "BELOW FLOOR")
        verdict.append(f"- {mode}: zoo - gensim: {gaps} (target: each >= -{TOLERANCE}: "
                       f"{'met' if ok else 'NOT met'}); throughput {ratio:.2f}x gensim's (target "
                       f"{SPEED_TARGET}x, floor {SPEED_FLOOR}x: {speed}).")
    per_seed = ["| model | implementation | seed | WS-353 | SimLex-999 | analogy | seconds |",
                "| --- | --- | --- | --- | --- | --- | --- |"]
    for (mode, impl), rows in results.items():
        for seed, r in zip(seeds, rows):
            per_seed.append(f"| {mode} | {impl} | {seed} | " + " | ".join(f"{r[k]:.4f}" for k in SCORES)
                            + f" | {r['seconds']:.1f} |")
    return lines, verdict, per_seed


def main(argv=None):
    p = argparse.ArgumentParser(prog="python benchmarks/word2vec.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--modes", nargs="+", default=list(IDS), choices=list(IDS))
    p.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "word2vec.md"))
    a = p.parse_args(argv)

    import gensim

    from zoo.data import text
    from zoo.eval import embedding

    raw_text = text.corpus_text("gcide")
    corpus = text.corpus("gcide")
    lines = gensim_lines(raw_text)
    raw_words = check_same_tokens(lines, raw_text, corpus)
    print(f"GCIDE: {len(lines):,} lines, {raw_words:,} tokens, {len(corpus.words):,} words at min count 5; "
          "zoo and gensim tokens identical on every line.", flush=True)
    threads = {k: os.environ.get(k, "default") for k in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")}
    results = {}
    for mode in a.modes:
        for impl in ("zoo", "gensim"):
            results[(mode, impl)] = []
            for seed in a.seeds:
                vectors, seconds = (run_zoo(mode, seed, a.epochs, corpus) if impl == "zoo"
                                    else run_gensim(lines, mode, seed, a.epochs, raw_words, corpus))
                ev = embedding.word_vector_metrics(corpus.words, vectors)["eval"]
                results[(mode, impl)].append({**ev, "seconds": seconds})
                print(f"{mode} {impl} seed {seed}: " + ", ".join(f"{k} {ev[k]:.4f}" for k in SCORES)
                      + f", {raw_words * a.epochs / seconds:,.0f} words/s ({seconds:.0f} s)", flush=True)
    summary, verdict, per_seed = table(results, a.seeds, raw_words, a.epochs)
    print("\n".join(["", *summary, "", *verdict]))
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    doc = [
        "# word2vec: the zoo beside gensim on the same corpus", "",
        f"`python benchmarks/word2vec.py`, run {now} on {platform.machine()} with {os.cpu_count()} CPU cores "
        f"(shared with other jobs), gensim {gensim.__version__}, TF threads {threads}.", "",
        f"GCIDE dictionary text: {len(lines):,} lines, {raw_words:,} tokens (`simple_preprocess` per line, "
        f"identical for both), {len(corpus.words):,} words at min count 5. Both: 100-d, window 5, negative 5, "
        f"sample 1e-3, learning rate 0.025 -> 0.0001 (linear), {a.epochs} epochs, seeds {a.seeds}; gensim "
        "with 2 workers, the zoo with its catalog recipes (skip-gram: blocks of 64 (target, context, "
        "negatives) pairs, 4,096 pairs a step; CBOW: 2,048 windows a step; SGD on the summed losses, XLA).",
        "", "Mean ± standard deviation over the seeds; words/s = corpus tokens x epochs / training seconds "
        "(XLA compilation included, corpus reading and vocabulary building excluded, for both).", "",
        *summary, "", *verdict, "",
        "Scores by `zoo.eval.embedding` for both (Spearman over the pairs in the vocabulary; analogies by "
        "3CosAdd among the 30,000 most frequent words, gensim's protocol). The issue quotes gensim 4.4 at "
        "skip-gram 0.463 / 0.309 / 0.150 and CBOW 0.416 / 0.218 / 0.102 on this corpus.", "",
        "Throughput: gensim's Cython loop updates the tables pair by pair in place (hogwild, 2 threads); the zoo's "
        "step is a Keras / XLA program over a batch whose cost is gathering the 1 + 1 + K = 7 table rows of "
        "each pair and scattering their gradients, about 3 µs a pair on this CPU (measured: two TF threads "
        "instead of one, or batches twice as large, change it by less than 5%); CBOW's windows also carry "
        "10 context slots for 3.5 words on average (GCIDE's lines are short), and the padding rows are "
        "gathered and scattered too. The numpy stream (subsampling, windows, negatives) costs about 3 s an "
        "epoch and runs beside the training step.", "",
        "## Per seed", "", *per_seed, ""]
    tmp = a.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(doc))
    os.replace(tmp, a.out)
    print(f"\nWrote {a.out}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
