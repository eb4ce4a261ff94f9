"""Non-negative matrix factorization of a rating matrix on its observed entries, for
recommendation (Lee & Seung 1999, Learning the parts of objects by non-negative matrix
factorization, Nature 401:788; Lee & Seung 2001, Algorithms for non-negative matrix
factorization, NeurIPS 13).

A rating is predicted as w_u . h_i (plain) or, with ``biases``, mu + b_u + b_i + w_u . h_i
(Koren's baseline plus a non-negative interaction), W >= 0 (users x rank), H >= 0 (rank x
items). A step on a batch Omega of observed ratings lowers

    J = sum_Omega (r_ui - r_ui_hat)^2 + l2 sum_Omega (|w_u|^2 + |h_i|^2)
        + bias_l2 (sum of b_u^2 over the batch's users + sum of b_i^2 over its movies)

(the factor penalty once per rating, as Surprise's NMF; the bias penalty once per user or
movie, as Koren's baseline). Solvers:
- "multiplicative": the biases (if any) are set to their exact minimisers given the rest,
  then Lee & Seung's update on the observed entries,
  W <- W * (sum_i r_ui h_i) / (sum_i r_ui_hat h_i + l2 n_u w_u), then H likewise. Factors
  stay non-negative and J never increases (the auxiliary function of the 2001 paper; an
  offset mu + b_u + b_i >= 0 only enlarges the denominator). On the whole training set one
  step is one iteration of the algorithm; on minibatches it is a stochastic variant.
- "projected-gradient": one step of the compiled optimizer on J / |batch|, then W, H clipped at 0.
Under `tf.distribute` the step's counts, sums and running mean are summed across replicas, so a
step on R replicas is the step on the global batch (docs/distribute.md).
Users and movies unseen in training get the mean rating (plain) or mu + the known bias.
"""

import numpy as np
import keras
from keras import ops

from zoo import capabilities as cap
from zoo import data as zdata
from zoo import distribute
from zoo.models.base import ZooModel, check_int, check_seed

SOLVERS = ("multiplicative", "projected-gradient")
MAX_ROWS = 10_000_000  # users or movies
MAX_FACTOR_VALUES = 64_000_000  # (users + movies) x rank: a config cap (256 MB of float32)
EPS = 1e-9  # keeps a denominator positive; a factor whose numerator is 0 goes to 0


def _nonneg_float(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}.")
    return float(value)


def _dot_rows(a, b):
    return ops.sum(a * b, axis=1)


class NMF(ZooModel):
    """Non-negative matrix factorization recommender (see the module docstring).

    Args:
        n_users: rows of W, one per user (default 8).
        n_items: columns of H, one per item (default 10).
        rank: number of factors k (default 2).
        biases: add the global mean and user / movie biases (default False).
        l2: factor penalty per observed rating (default 0.0).
        bias_l2: bias penalty per user or movie (default 10.0; used with biases).
        solver: "multiplicative" (Lee & Seung) or "projected-gradient" (default "multiplicative").
        init_high: W and H start uniform in [0, init_high] (default 1.0).
        rating_range: (low, high) predictions are clipped to, or None (default [0.5, 5.0]).
        dataset: a rating set of `zoo.data` ("movielens") whose ids, titles and ratings the model
            uses, or None: ids are the indices 0.. n - 1 (default None).
        seed: seed of the initial factors (default 0).

    Training data: ``fit(x, y)`` with x int (n, 2) (user index, item index) and y the ratings;
    `zoo.data.load("movielens", with_labels=True)` yields them. Trackers: ``loss`` (J per
    rating, before the step's update) and ``rmse`` (of the training batch, before the update).

    Example:
        r = zoo.load("nmf-biased-movielens")
        r.recommend(1, n=5)          # [(title, predicted stars), ...]
        r.predict(1, 31)             # user 1's predicted stars for movie 31
    """

    CAPABILITIES = (cap.Recommender,)
    TRACKERS = ("loss", "rmse")

    def __init__(self, n_users=8, n_items=10, rank=2, biases=False, l2=0.0, bias_l2=10.0,
                 solver="multiplicative", init_high=1.0, rating_range=(0.5, 5.0), dataset=None, seed=0,
                 **kwargs):
        super().__init__(**kwargs)
        self.n_users = check_int(n_users, "n_users", 1, MAX_ROWS)
        self.n_items = check_int(n_items, "n_items", 1, MAX_ROWS)
        self.rank = check_int(rank, "rank", 1, 4096)
        if (self.n_users + self.n_items) * self.rank > MAX_FACTOR_VALUES:
            raise ValueError(f"(n_users + n_items) x rank = {(self.n_users + self.n_items) * self.rank:,} factor "
                             f"values exceed the cap of {MAX_FACTOR_VALUES:,}.")
        if not isinstance(biases, bool):
            raise ValueError(f"biases must be True or False, got {biases!r}.")
        if solver not in SOLVERS:
            raise ValueError(f"solver must be one of {SOLVERS}, got {solver!r}.")
        self.biases, self.solver = biases, solver
        self.l2, self.bias_l2 = _nonneg_float(l2, "l2"), _nonneg_float(bias_l2, "bias_l2")
        init_high = _nonneg_float(init_high, "init_high")
        if rating_range is not None:
            try:
                low, high = (float(v) for v in rating_range)
            except (TypeError, ValueError):
                low = high = float("nan")
            if not (np.isfinite(low) and np.isfinite(high) and low < high):
                raise ValueError(f"rating_range must be [low, high] with low < high, or None; got {rating_range!r}.")
            rating_range = (low, high)
        self.rating_range = rating_range
        if dataset is not None and dataset not in zdata.RATINGS:
            raise ValueError(f"dataset must be None or a rating set of zoo.data {zdata.RATINGS}, got {dataset!r}.")
        self.dataset, seed = dataset, check_seed(seed)
        self.data_shape = (2,)
        uniform = keras.initializers.RandomUniform
        self.W = self.add_weight((self.n_users, self.rank), uniform(0.0, init_high, seed=seed), name="W")
        self.H = self.add_weight((self.rank, self.n_items), uniform(0.0, init_high, seed=(seed + 1) % 2**32),
                                 name="H")
        if biases:
            self.user_bias = self.add_weight((self.n_users,), "zeros", name="user_bias")
            self.item_bias = self.add_weight((self.n_items,), "zeros", name="item_bias")
        # What training saw: the running mean rating (the fallback, and mu), how many ratings it
        # averages, and which users and movies had ratings. Non-trainable, saved with the weights.
        fixed = dict(initializer="zeros", trainable=False)
        self.mean = self.add_weight((), name="mean", **fixed)
        self.count = self.add_weight((), name="count", **fixed)
        self.user_seen = self.add_weight((self.n_users,), name="user_seen", **fixed)
        self.item_seen = self.add_weight((self.n_items,), name="item_seen", **fixed)
        # The dataset's own ids of each row / column (index -> id), so ids round-trip with the weights.
        self.user_ids = self.add_weight((self.n_users,), dtype="int64", name="user_ids", **fixed)
        self.item_ids = self.add_weight((self.n_items,), dtype="int64", name="item_ids", **fixed)
        users, items = np.arange(self.n_users), np.arange(self.n_items)
        if dataset is not None:
            users, items = zdata.movielens.user_ids(), zdata.movielens.movie_ids()
            if (len(users), len(items)) != (self.n_users, self.n_items):
                raise ValueError(f"{dataset} has {len(users):,} users and {len(items):,} movies; the model was "
                                 f"configured for n_users={self.n_users:,}, n_items={self.n_items:,}.")
        self.user_ids.assign(users.astype(np.int64))
        self.item_ids.assign(items.astype(np.int64))
        self._rated, self._titles = None, None
        self.built = True

    @property
    def data_range(self):
        return None  # indices, checked against n_users / n_items

    # --- training ---------------------------------------------------------------------
    def check_batch(self, x):
        if tuple(x.shape[1:]) != (2,) or "int" not in keras.backend.standardize_dtype(x.dtype):
            raise ValueError(f"{self.name} trains on int (batch, 2) (user index, item index) pairs with the "
                             f"ratings as labels, got {keras.backend.standardize_dtype(x.dtype)} {tuple(x.shape)}. "
                             "zoo.data.load('movielens', with_labels=True) yields them.")

    def check_data(self, x, name="pairs"):
        """int (n, 2) numpy of (user index, item index) within the model's users and movies."""
        x = np.asarray(x)
        if x.ndim != 2 or x.shape[1] != 2 or len(x) == 0:
            raise ValueError(f"{name} must have shape (n, 2) with n >= 1 (user index, item index), got {x.shape}.")
        if not np.issubdtype(x.dtype, np.integer):
            raise ValueError(f"{name} must be integer (user index, item index) pairs, got dtype {x.dtype}.")
        for col, n, what in ((0, self.n_users, "user"), (1, self.n_items, "item")):
            if x[:, col].min() < 0 or x[:, col].max() >= n:
                raise ValueError(f"{name}: {what} indices must be in [0, {n - 1}], got [{x[:, col].min()}, "
                                 f"{x[:, col].max()}].")
        return x

    def _batch(self, data):
        x, r = self.unpack(data)
        if r is None:
            raise ValueError(f"{self.name} trains on (pairs, ratings): fit(x, y) with x int (n, 2) (user index, "
                             "item index) and y the ratings (n,).")
        u, i = ops.cast(x[:, 0], "int32"), ops.cast(x[:, 1], "int32")
        ones = ops.ones_like(ops.cast(u, "float32"))
        n_u = ops.segment_sum(ones, u, num_segments=self.n_users)
        n_i = ops.segment_sum(ones, i, num_segments=self.n_items)
        n_u, n_i = distribute.all_sum([n_u, n_i])  # the global batch's counts under tf.distribute
        return u, i, ops.reshape(ops.cast(r, "float32"), (-1,)), n_u, n_i

    def _offset(self, u, i):
        """mu + b_u + b_i per rating (0 without biases)."""
        if not self.biases:
            return 0.0
        return self.mean + ops.take(self.user_bias, u) + ops.take(self.item_bias, i)

    def _terms(self, u, i, r, n_u, n_i):
        """{"loss": J / |batch|, "rmse": batch RMSE} at the current weights."""
        wu, hi = ops.take(self.W, u, axis=0), ops.transpose(ops.take(self.H, i, axis=1))
        err = r - (self._offset(u, i) + _dot_rows(wu, hi))
        sq = ops.sum(ops.square(err))
        j = sq + self.l2 * ops.sum(ops.square(wu) + ops.square(hi))
        penalty = 0.0
        if self.biases:
            penalty = self.bias_l2 * (ops.sum(ops.cast(n_u > 0, "float32") * ops.square(self.user_bias))
                                      + ops.sum(ops.cast(n_i > 0, "float32") * ops.square(self.item_bias)))
            j = j + penalty
        n = ops.cast(ops.shape(r)[0], "float32")
        replicas = distribute.num_replicas()
        if replicas > 1:  # the global batch's J / n and RMSE; a gradient step follows this replica's "share"
            local = j - penalty + penalty / replicas  # the bias penalty (of the global counts) once in all
            n_all, sq_all, j_all = distribute.all_sum([n, ops.stop_gradient(sq), ops.stop_gradient(local)])
            return {"loss": j_all / n_all, "rmse": ops.sqrt(sq_all / n_all), "share": local / n_all}
        return {"loss": j / n, "rmse": ops.sqrt(sq / n)}

    def _observe(self, r, n_u, n_i):
        """Running mean of the ratings seen, and the users / movies that had some."""
        b, r_sum = distribute.all_sum([ops.cast(ops.shape(r)[0], "float32"), ops.sum(r)])  # global batch
        total = self.count + b
        self.mean.assign(self.mean + (r_sum - b * self.mean) / total)
        self.count.assign(ops.minimum(total, 1e7))  # later batches still move the mean a little
        self.user_seen.assign(ops.maximum(self.user_seen, ops.cast(n_u > 0, "float32")))
        self.item_seen.assign(ops.maximum(self.item_seen, ops.cast(n_i > 0, "float32")))

    def _multiplicative(self, u, i, r, n_u, n_i):
        if self.biases:  # exact minimisers given the rest: b_u = sum(r - mu - b_i - w.h) / (n_u + bias_l2), then b_i
            f = _dot_rows(ops.take(self.W, u, axis=0), ops.transpose(ops.take(self.H, i, axis=1)))
            for bias, idx, n, other, o_idx in ((self.user_bias, u, n_u, self.item_bias, i),
                                               (self.item_bias, i, n_i, self.user_bias, u)):
                total = distribute.all_sum(ops.segment_sum(r - self.mean - ops.take(other, o_idx) - f, idx,
                                                           bias.shape[0]))
                bias.assign(ops.where(n > 0, total / (n + self.bias_l2), bias))
        c = self._offset(u, i)
        self.W.assign(self._update(self.W, ops.transpose(ops.take(self.H, i, axis=1)), u, n_u, r, c))
        self.H.assign(ops.transpose(self._update(ops.transpose(self.H), ops.take(self.W, u, axis=0), i, n_i, r, c)))
        self.optimizer.iterations.assign_add(1)  # the step count, as for the gradient solver

    def _update(self, f, g, idx, count, r, c):
        """Lee & Seung's update of the factor rows f (rows, k) on the observed ratings r, g being the
        other side's factors per rating (batch, k) and c the offsets; rows without ratings keep theirs."""
        est = c + _dot_rows(ops.take(f, idx, axis=0), g)
        num = ops.segment_sum(r[:, None] * g, idx, f.shape[0])
        den = ops.segment_sum(est[:, None] * g, idx, f.shape[0])
        num, den = distribute.all_sum([num, den])  # the global batch's sums under tf.distribute
        den = den + self.l2 * count[:, None] * f
        new = ops.where(count[:, None] > 0, f * num / ops.maximum(den, EPS), f)
        return ops.maximum(new, 0.0)  # only a negative rating could make it negative

    def train_step(self, data):
        import tensorflow as tf

        u, i, r, n_u, n_i = self._batch(data)
        self._observe(r, n_u, n_i)
        if self.solver == "multiplicative":
            terms = self._terms(u, i, r, n_u, n_i)
            self._multiplicative(u, i, r, n_u, n_i)
        else:
            variables = self.trainable_variables
            with tf.GradientTape() as tape:
                terms = self._terms(u, i, r, n_u, n_i)
            loss = terms.pop("share", terms["loss"])  # this replica's share under tf.distribute
            self.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
            self.W.assign(ops.maximum(self.W, 0.0))  # the projection onto W, H >= 0
            self.H.assign(ops.maximum(self.H, 0.0))
        return self.track(terms)

    def test_step(self, data):
        return self.track(self._terms(*self._batch(data)))

    def objective(self, x, y):
        """(J / n, RMSE) of ratings y at (user index, item index) pairs x, at the current weights: what
        a training step on them lowers, without the fallback and clipping of `predict`."""
        x = self.check_data(x)
        y = np.asarray(y, np.float32).reshape(-1)
        if len(y) != len(x):
            raise ValueError(f"y must hold one rating per pair: {len(x)} pairs, {len(y)} ratings.")
        u, i = x[:, 0].astype(np.int32), x[:, 1].astype(np.int32)
        n_u = np.bincount(u, minlength=self.n_users).astype(np.float32)
        n_i = np.bincount(i, minlength=self.n_items).astype(np.float32)
        return tuple(float(v) for v in self._terms(u, i, y, n_u, n_i).values())

    # --- ids, titles, ratings -------------------------------------------------------------
    def _index(self, ids, which):
        """Indices of the dataset's ids (scalar or array); ValueError naming the argument."""
        known = (self.user_ids if which == "user_id" else self.item_ids).numpy()
        arr = np.asarray(ids)
        if arr.dtype.kind not in "iu" and not (arr.dtype.kind == "f" and np.all(np.mod(arr, 1) == 0)):
            raise ValueError(f"{which} must be an integer id (or an array of them), got {ids!r}.")
        arr = arr.astype(np.int64)
        order = np.argsort(known, kind="stable")
        pos = np.clip(np.searchsorted(known, arr, sorter=order), 0, len(known) - 1)
        idx = order[pos]
        bad = known[idx] != arr
        if np.any(bad):
            first = arr[bad].ravel()[0].item()
            raise ValueError(f"{which} {first!r} is not known to this model ({len(known):,} ids, from "
                             f"{known.min()} to {known.max()}).")
        return idx

    def set_ids(self, user_ids=None, movie_ids=None):
        """Name the users and movies (index -> id) with your data's own distinct int ids, n_users and
        n_items of them; they are saved with the weights. Models of a `zoo.data` set have its ids."""
        for ids, var, name in ((user_ids, self.user_ids, "user_ids"), (movie_ids, self.item_ids, "movie_ids")):
            if ids is None:
                continue
            arr = np.asarray(ids)
            if arr.shape != tuple(var.shape) or arr.dtype.kind not in "iu" or len(np.unique(arr)) != len(arr):
                raise ValueError(f"{name} must be {var.shape[0]:,} distinct integer ids, got {arr.dtype} {arr.shape}.")
            var.assign(arr.astype(np.int64))

    def use_ratings(self, user_ids, movie_ids, titles=None):
        """Tell `recommend` which movies each user has rated (excluded from the recommendations)
        and, optionally, {movie id: title}; models of a `zoo.data` rating set read both there."""
        self._rated = {}
        for uid, mid in zip(np.asarray(user_ids).tolist(), np.asarray(movie_ids).tolist()):
            self._rated.setdefault(int(uid), set()).add(int(mid))
        self._titles = dict(titles or {})

    def rated(self, user_id):
        """Movie ids (set) the user has rated: from `use_ratings`, else from the model's dataset."""
        self._index(user_id, "user_id")
        if self._rated is None and self.dataset is not None:
            return set(zdata.movielens.user_ratings(int(user_id))[0].tolist())
        return set((self._rated or {}).get(int(user_id), ()))

    def title(self, movie_id):
        """A movie's title: from `use_ratings`, else the dataset's (looked up, never stored), else "movie <id>"."""
        if self._titles is None and self.dataset is not None:
            self._titles = zdata.movielens.titles()
        return (self._titles or {}).get(int(movie_id), f"movie {int(movie_id)}")

    # --- inference --------------------------------------------------------------------
    def _scores(self, u, i):
        """Predicted ratings of index arrays u, i (numpy), with the fallback for unseen rows and
        the clip to rating_range."""
        W, H, mean = self.W.numpy(), self.H.numpy(), float(self.mean.numpy())
        seen = (self.user_seen.numpy()[u] > 0) & (self.item_seen.numpy()[i] > 0)
        f = np.where(seen, np.sum(W[u] * H[:, i].T, axis=-1), 0.0)
        if self.biases:
            out = mean + self.user_bias.numpy()[u] + self.item_bias.numpy()[i] + f
        else:
            out = np.where(seen, f, mean)
        if self.rating_range is not None:
            out = np.clip(out, *self.rating_range)
        return out.astype(np.float32)

    def predict(self, user_id, movie_id):
        """Predicted rating(s): a float for one (user id, movie id), float32 (n,) for arrays of ids.

        Example:
            r.predict(1, 31); r.predict([1, 2], [31, 31])
        """
        u, i = self._index(user_id, "user_id"), self._index(movie_id, "movie_id")
        scalar = np.ndim(u) == 0 and np.ndim(i) == 0
        try:
            u, i = np.broadcast_arrays(np.atleast_1d(u), np.atleast_1d(i))
        except ValueError:
            raise ValueError(f"user_id and movie_id must have the same length, got {np.shape(user_id)} and "
                             f"{np.shape(movie_id)}.") from None
        out = self._scores(u.ravel(), i.ravel())
        return float(out[0]) if scalar else out

    def recommend(self, user_id, n=10, exclude_rated=True):
        """The n movies with the highest predicted rating for a user id, among the movies seen in
        training (minus those the user rated, by default): [(title, predicted rating), ...], best
        first (ties by movie index).

        Example:
            for title, stars in zoo.load("nmf-biased-movielens").recommend(1, n=5): print(title, stars)
        """
        u = int(self._index(user_id, "user_id"))
        n = check_int(n, "n", 1, self.n_items)
        scores = self._scores(np.full(self.n_items, u), np.arange(self.n_items)).astype(np.float64)
        keep = self.item_seen.numpy() > 0
        if exclude_rated:
            keep &= ~np.isin(self.item_ids.numpy(), np.fromiter(self.rated(user_id), np.int64))
        idx = np.flatnonzero(keep)
        best = idx[np.argsort(-scores[idx], kind="stable")[:n]]
        ids = self.item_ids.numpy()
        return [(self.title(ids[j]), float(scores[j])) for j in best]
