"""The NMF recommender: its updates on small synthetic problems, its ids and errors, saving,
the MovieLens loader's protocols, the recommender metrics and the parts figure."""

import json
import os

import keras
import numpy as np
import pytest
import tensorflow as tf

import zoo
import zoo.eval
from zoo import capabilities as cap
from zoo import registry
from zoo.data import movielens as ML
from zoo.eval import recommend as R
from zoo.models.nmf import NMF

TINY = registry.TINY["NMF"]


def low_rank(n_users=8, n_items=10, rank=2, seed=0):
    """A non-negative rank-`rank` matrix with entries in about [0, 2] and its (user, item) pairs."""
    rng = np.random.default_rng(seed)
    m = rng.uniform(0.1, 1.0, (n_users, rank)) @ rng.uniform(0.1, 1.0, (rank, n_items))
    u, i = np.meshgrid(np.arange(n_users), np.arange(n_items), indexing="ij")
    return m, np.stack([u.ravel(), i.ravel()], 1).astype(np.int32), m.ravel().astype(np.float32)


def observed(x, y, share=0.7, seed=1):
    keep = np.random.default_rng(seed).uniform(size=len(y)) < share
    return x[keep], y[keep]


def fit_full(model, x, y, steps, optimizer=None):
    """`steps` full-batch updates in one `fit` (one trace), from a fresh compile."""
    model.compile(optimizer=optimizer)
    return model.fit(tf.data.Dataset.from_tensors((x, y)).repeat(steps), epochs=1, verbose=0).history


@pytest.mark.parametrize("preset", sorted(TINY))
def test_factors_stay_non_negative(preset):
    _, x, y = low_rank()
    model = NMF(**TINY[preset])
    fit_full(model, *observed(x, y), steps=20)
    assert model.W.numpy().min() >= 0 and model.H.numpy().min() >= 0
    assert cap.has(model, cap.Recommender) and model.get_config()["solver"] == TINY[preset].get(
        "solver", "multiplicative")


@pytest.mark.parametrize("l2", [0.0, 0.05])
def test_multiplicative_updates_never_increase_the_training_loss(l2):
    _, x, y = low_rank(12, 15, 3, seed=2)
    model = NMF(n_users=12, n_items=15, rank=4, l2=l2, rating_range=None, seed=3)
    model.compile()
    xo, yo = observed(x, y)
    loss = [model.objective(xo, yo)[0]]
    for _ in range(60):  # one full-batch step at a time (eager), J measured after each
        model.train_step((tf.constant(xo), tf.constant(yo)))
        loss.append(model.objective(xo, yo)[0])
    loss = np.array(loss)
    assert np.all(np.diff(loss) <= 1e-6 * loss[:-1]), loss
    assert loss[-1] < 0.5 * loss[0]


def test_recovers_a_rank_2_matrix_from_its_observed_entries():
    m, x, y = low_rank(20, 30, 2, seed=4)
    model = NMF(n_users=20, n_items=30, rank=2, rating_range=None, seed=0)
    fit_full(model, *observed(x, y, share=0.8), steps=500)
    pred = model.predict(x[:, 0], x[:, 1])
    assert np.sqrt(np.mean((pred - y) ** 2)) < 0.01 * y.mean()  # all entries, the held-out 20% included


def test_biased_model_learns_the_biases():
    rng = np.random.default_rng(5)
    bu, bi = rng.normal(0, 0.5, 8), rng.normal(0, 0.5, 10)
    _, x, _ = low_rank()
    y = (3.0 + bu[x[:, 0]] + bi[x[:, 1]]).astype(np.float32)
    model = NMF(n_users=8, n_items=10, rank=2, biases=True, bias_l2=0.0, init_high=0.01, rating_range=None)
    fit_full(model, x, y, steps=30)
    assert float(model.mean.numpy()) == pytest.approx(y.mean(), abs=1e-5)
    assert np.sqrt(np.mean((model.predict(x[:, 0], x[:, 1]) - y) ** 2)) < 0.02


def test_projected_gradient_lowers_the_loss():
    _, x, y = low_rank()
    model = NMF(**TINY["tiny-gradient"])
    before = model.objective(x, y)[0]
    fit_full(model, x, y, steps=100, optimizer=keras.optimizers.Adam(0.05))
    assert model.objective(x, y)[0] < 0.2 * before and model.W.numpy().min() >= 0


def trained_tiny(preset="tiny-biased"):
    _, x, y = low_rank()
    model = NMF(**TINY[preset])
    xo, yo = observed(x, y, share=0.6)
    fit_full(model, xo, yo, steps=20)
    return model, xo, yo


def test_recommend_excludes_rated_movies_and_sorts_by_predicted_rating():
    model, xo, _ = trained_tiny()
    model.set_ids(np.arange(8) + 100, np.arange(10) * 7 + 1)  # the data's own ids
    users, movies = model.user_ids.numpy()[xo[:, 0]], model.item_ids.numpy()[xo[:, 1]]
    model.use_ratings(users, movies, titles={int(m): f"film {m}" for m in model.item_ids.numpy()})
    user = 100
    rated = set(movies[users == user].tolist())
    out = model.recommend(user, n=3)
    assert len(out) == min(3, 10 - len(rated))
    titles = {f"film {m}" for m in rated}
    assert not titles & {t for t, _ in out}
    scores = [s for _, s in out]
    assert scores == sorted(scores, reverse=True)
    by_title = {f"film {m}": m for m in model.item_ids.numpy()}
    for t, s in out:
        assert s == pytest.approx(model.predict(user, int(by_title[t])), abs=1e-5)
    everything = model.recommend(user, n=10, exclude_rated=False)
    assert len(everything) == 10 and everything[0][1] >= scores[0]


def test_unknown_ids_and_bad_arguments_raise_value_errors_naming_them():
    model, _, _ = trained_tiny()
    with pytest.raises(ValueError, match="^user_id 99 "):
        model.recommend(99)
    with pytest.raises(ValueError, match="^user_id"):
        model.predict(-1, 0)
    with pytest.raises(ValueError, match="^movie_id 10 "):
        model.predict(0, 10)
    with pytest.raises(ValueError, match="^movie_id"):
        model.predict([0, 1], [1, 2.5])
    with pytest.raises(ValueError, match="^n must be"):
        model.recommend(0, n=0)
    for kwargs, name in [({"rank": 0}, "rank"), ({"solver": "als"}, "solver"), ({"l2": -1.0}, "l2"),
                         ({"biases": "yes"}, "biases"), ({"rating_range": [5, 1]}, "rating_range"),
                         ({"dataset": "netflix"}, "dataset")]:
        with pytest.raises(ValueError, match=f"^{name}"):
            NMF(**{**TINY["tiny"], **kwargs})


def test_fit_needs_integer_pairs_and_ratings():
    _, x, y = low_rank()
    model = NMF(**TINY["tiny"])
    model.compile()
    with pytest.raises(ValueError, match="^training data must be integer"):
        model.fit(x.astype(np.float32), y, batch_size=8, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="user indices must be in"):
        model.fit(x + [8, 0], y, batch_size=8, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="ratings"):
        model.fit(x, batch_size=8, epochs=1, verbose=0)


def test_save_pretrained_then_zoo_load_predicts_the_same(tmp_path):
    model, _, _ = trained_tiny()
    model.set_ids(np.arange(8) * 3 + 5, np.arange(10) + 1000)
    folder = model.save_pretrained(tmp_path / "nmf")
    cfg = json.load(open(os.path.join(folder, "config.json"), encoding="utf-8"))
    assert len(json.dumps(cfg)) < 4000  # ids live in the weights, never in the config
    loaded = zoo.load(folder)
    np.testing.assert_array_equal(loaded.user_ids.numpy(), model.user_ids.numpy())
    users, movies = np.repeat(model.user_ids.numpy(), 10), np.tile(model.item_ids.numpy(), 8)
    np.testing.assert_array_equal(loaded.predict(users, movies), model.predict(users, movies))
    assert loaded.recommend(5, n=4, exclude_rated=False) == model.recommend(5, n=4, exclude_rated=False)
    _, x, y = low_rank()
    loaded.fit(x, y, batch_size=len(x), epochs=1, verbose=0)  # compiled and trainable after load


# ----------------------------------------------------------------------------- MovieLens
def test_movielens_split_and_folds_are_fixed_and_partition_the_ratings():
    x, y = ML.ratings()
    assert x.shape == (ML.N_RATINGS, 2) and x.dtype == np.int32 and y.dtype == np.float32
    assert (len(ML.user_ids()), len(ML.movie_ids())) == (ML.N_USERS, ML.N_MOVIES)
    assert y.min() == 0.5 and y.max() == 5.0
    train, test = ML.split_index("train"), ML.split_index("test")
    assert (len(train), len(test)) == (80_003, 20_001)
    assert not np.intersect1d(train, test).size and np.union1d(train, test).size == ML.N_RATINGS
    perm = np.random.default_rng(ML.SPLIT_SEED).permutation(ML.N_RATINGS)
    np.testing.assert_array_equal(np.sort(perm[:20_001]), test)  # the same seed, the same split
    xt, yt = zoo.data.arrays("movielens", "test")
    np.testing.assert_array_equal(xt, x[test])
    np.testing.assert_array_equal(yt, y[test])
    folds = ML.folds()
    assert len(folds) == 5 and folds is ML.folds()
    tests = np.concatenate([t for _, t in folds])
    np.testing.assert_array_equal(np.sort(tests), np.arange(ML.N_RATINGS))
    for tr, te in folds:
        assert len(tr) + len(te) == ML.N_RATINGS and not np.intersect1d(tr, te).size
    assert not np.array_equal(ML.folds(5, seed=2)[0][1], folds[0][1])
    with pytest.raises(ValueError, match="^k must"):
        ML.folds(1)


def test_movielens_titles_and_user_ratings():
    assert ML.titles()[1] == "Toy Story (1995)"
    ids, stars = ML.user_ratings(1)
    assert len(ids) == 20 and np.all(np.diff(stars) <= 0)
    with pytest.raises(ValueError, match="^user_id 0 "):
        ML.user_ratings(0)


def test_catalog_models_know_the_movielens_ids_and_never_store_titles():
    for model_id in ("nmf-movielens", "nmf-biased-movielens"):
        spec = registry.get_spec(model_id)
        assert spec.primary_metric == ("rmse_cv", "min") and spec.recipe.with_labels
        assert "GroupLens" in " ".join(spec.card.limitations) and spec.paper_numbers["rmse_cv"]
        assert "title" not in json.dumps(spec.config)
    model = zoo.load("nmf-biased-movielens", pretrained=False)
    np.testing.assert_array_equal(model.item_ids.numpy(), ML.movie_ids())
    assert model.title(1) == "Toy Story (1995)" and model.rated(1) == set(ML.user_ratings(1)[0].tolist())
    assert zoo.data.DATASETS["movielens"][0] == (2,)


def test_bias_baseline_recovers_exact_biases():
    rng = np.random.default_rng(0)
    bu, bi = rng.normal(0, 0.5, 8), rng.normal(0, 0.5, 10)
    _, x, _ = low_rank()
    y = 3.0 + bu[x[:, 0]] + bi[x[:, 1]]
    mu, b_u, b_i = R.bias_baseline(x, y, 8, 10, reg_u=0.0, reg_i=0.0, iters=50)
    np.testing.assert_allclose(mu + b_u[x[:, 0]] + b_i[x[:, 1]], y, atol=1e-6)


def test_recommender_metrics_report_every_number_with_its_protocol():
    import dataclasses

    spec = registry.get_spec("nmf-movielens")
    spec = dataclasses.replace(spec, recipe=dataclasses.replace(spec.recipe, epochs=2))
    model = zoo.load(spec.id, pretrained=False)
    xt, yt = zoo.data.arrays("movielens", "train")
    model.fit(xt, yt, batch_size=len(xt), epochs=2, verbose=0)
    out = zoo.eval.evaluate(model, spec)
    ev = out["eval"]
    assert set(ev) == set(out["protocol"]) == {
        "rmse", "rmse_cv", "rmse_cv_std", "baseline_bias_rmse", "baseline_bias_rmse_cv", "baseline_mean_rmse",
        "baseline_mean_rmse_cv"}
    assert 0.85 < ev["baseline_bias_rmse_cv"] < 0.93 and 1.0 < ev["baseline_mean_rmse_cv"] < 1.1
    assert ev["baseline_bias_rmse_cv"] < ev["baseline_mean_rmse_cv"] and ev["rmse_cv_std"] > 0
    assert all(np.isfinite(v) for v in ev.values())


def test_mnist_parts_figure_is_written_into_the_given_folder(tmp_path):
    sections = R.mnist_parts_figure(tmp_path, name="parts.png", n_components=4, n_images=200)
    assert os.path.isfile(tmp_path / "parts.png") and "(parts.png)" in sections[0][1]
    assert [f for f in os.listdir(tmp_path)] == ["parts.png"]  # no temporary file left behind
