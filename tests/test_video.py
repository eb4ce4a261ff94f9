"""Moving MNIST and the video predictors: the generator's physics (Srivastava et al.'s recipe, seeded,
fresh draws per pass), the published file's path, predict_frames and its input checks, the loss,
the baselines and the metrics (tiny models)."""

import math

import numpy as np
import pytest
import keras
import tensorflow as tf

import zoo
from zoo import capabilities as cap
from zoo import data, registry
from zoo.data import moving_mnist as mm
from zoo.eval import video as ev
from zoo.models.video import VideoPredictor

TINY = registry.TINY["VideoPredictor"]


def tiny_model(preset="tiny", seed=0, **overrides):
    keras.utils.set_random_seed(seed)
    model = VideoPredictor(**{**TINY[preset], **overrides})
    model.compile()
    return model


@pytest.fixture(scope="module")
def full_size():
    """A narrow predictor of Moving MNIST's own layout (10 frames of 64x64 in, 10 out)."""
    keras.utils.set_random_seed(0)
    model = VideoPredictor(patch=8, filters=4, blocks=1)
    model.compile()
    return model


class FakeRng:
    """Stands in for numpy's Generator: `random(shape)` returns the given rows."""

    def __init__(self, rows):
        self.rows = np.asarray(rows, np.float64)

    def random(self, shape):
        assert tuple(shape) == self.rows.shape
        return self.rows


def paper_trajectory(y, x, theta, frames=20, step=0.1, canvas=36):
    """Srivastava et al.'s GetRandomTrajectory for one digit, scalar by scalar as in their handler."""
    v_y, v_x = math.sin(theta), math.cos(theta)
    out = []
    for _ in range(frames):
        y, x = y + v_y * step, x + v_x * step
        if x <= 0:
            x, v_x = 0.0, -v_x
        if x >= 1.0:
            x, v_x = 1.0, -v_x
        if y <= 0:
            y, v_y = 0.0, -v_y
        if y >= 1.0:
            y, v_y = 1.0, -v_y
        out.append((int(canvas * y), int(canvas * x)))
    return np.array(out)


# ----------------------------------------------------------------------------- the generator
def test_trajectories_are_the_papers_handler_exactly():
    rows = np.random.default_rng(3).random((200, 3))
    got = mm.trajectories(FakeRng(rows), 200)
    for i, (y, x, u) in enumerate(rows):
        np.testing.assert_array_equal(got[i], paper_trajectory(y, x, u * 2 * math.pi), err_msg=f"digit {i}")


def test_digits_move_3_6_pixels_a_frame_and_bounce_inside_the_frame():
    assert mm.STEP * (mm.SIZE - mm.DIGIT) == pytest.approx(3.6)
    paths = mm.unit_paths(np.random.default_rng(0), 2000)
    step = np.linalg.norm(np.diff(paths, axis=1), axis=-1)
    inside = (paths[:, 1:] > 0).all(-1) & (paths[:, 1:] < 1).all(-1) & (paths[:, :-1] > 0).all(-1) & (
        paths[:, :-1] < 1).all(-1)
    assert inside.mean() > 0.5 and np.all(step[inside] * 36 == pytest.approx(3.6))  # free flight: 3.6 px
    assert np.all(step <= 0.1 + 1e-12) and (paths.min(), paths.max()) == (0.0, 1.0)  # some bounce, none leaves
    corners = mm.trajectories(np.random.default_rng(0), 2000)
    assert corners.min() == 0 and corners.max() == 36  # the whole 28x28 digit stays in 64x64
    # a digit rendered alone keeps all its ink in every frame: nothing is cut off by the edges
    seqs = mm.Sequences("test", 40, seed=5)
    alone = mm.render(seqs.images[seqs.idx[:, :1]], seqs.corners[:, :1])
    ink = seqs.images[seqs.idx[:, 0]].reshape(40, -1).sum(1)
    np.testing.assert_array_equal(alone.reshape(40, 20, -1).sum(-1), np.repeat(ink[:, None], 20, 1))


def test_overlapping_digits_are_combined_by_max():
    rng = np.random.default_rng(0)
    digits = rng.integers(0, 256, (3, 2, 28, 28)).astype(np.uint8)
    corners = np.zeros((3, 2, 4, 2), np.int32)
    corners[:, 1] = rng.integers(0, 20, (3, 4, 2))  # overlapping the first digit at the corner (0, 0)
    both = mm.render(digits, corners)
    one, two = mm.render(digits[:, :1], corners[:, :1]), mm.render(digits[:, 1:], corners[:, 1:])
    np.testing.assert_array_equal(both, np.maximum(one, two))
    a, b = corners[0, 1, 0]
    np.testing.assert_array_equal(both[0, 0, :28, :28][a:, b:], np.maximum(digits[0, 0][a:, b:], digits[0, 1][:28 - a, :28 - b]))
    assert not np.array_equal(both, np.clip(one.astype(int) + two, 0, 255))  # not a sum


def test_test_set_is_seeded_exact_and_prefix_stable():
    a = mm.sequences("test", 0, 6)
    assert a.shape == (6, 20, 64, 64) and a.dtype == np.uint8
    np.testing.assert_array_equal(a, mm.test_set()[:6])
    np.testing.assert_array_equal(a[2:5], mm.sequences("test", 2, 5))
    x, y = data.arrays("moving_mnist", "test", num_examples=4)
    assert x.shape == (4, 20, 64, 64, 1) and x.dtype == np.float32 and y.shape == (4, 2)
    np.testing.assert_array_equal(x[..., 0], a[:4] / np.float32(255.0))
    assert 0.0 <= x.min() and x.max() == 1.0
    # the test digits: the labels are MNIST test labels of the digits drawn
    test_labels = data.image_arrays("mnist", "test")[1]
    seqs = mm.test_set()
    np.testing.assert_array_equal(seqs.labels, test_labels[seqs.idx])
    assert len(seqs) == 10_000 and np.bincount(seqs.idx.ravel(), minlength=10_000).tolist() == [2] * 10_000
    np.testing.assert_array_equal(mm.Sequences("test", 5, 7)[:], mm.Sequences("test", 50, 7)[:5])  # any n


def test_training_stream_is_seeded_and_fresh_every_pass():
    ds = data.load("moving_mnist", "train", batch_size=4, seed=3, num_examples=8)
    assert ds.cardinality() == 2 and data.kind("moving_mnist") == "video" and data.is_stream("moving_mnist")
    assert data.DATASETS["moving_mnist"][0] == (20, 64, 64, 1)
    first, second = [np.stack([b.numpy() for b in ds]) for _ in range(2)]
    assert first.shape == (2, 4, 20, 64, 64, 1) and first.dtype == np.float32
    assert not np.array_equal(first, second)  # every pass draws fresh sequences
    again = np.stack([b.numpy() for b in data.load("moving_mnist", "train", batch_size=4, seed=3, num_examples=8)])
    np.testing.assert_array_equal(first, again)  # the same seed, the same passes
    other = next(iter(data.load("moving_mnist", "train", batch_size=4, seed=4, num_examples=8))).numpy()
    assert not np.array_equal(first[0], other)
    # train digits, not test digits: the labels follow the train split
    seqs = mm.Sequences("train", 8, [3, 0])
    np.testing.assert_allclose(first[0, ..., 0], seqs[:4] / 255.0, atol=1e-6)
    x, y = next(iter(data.load("moving_mnist", "train", batch_size=4, seed=3, num_examples=8, with_labels=True)))
    np.testing.assert_array_equal(y.numpy(), seqs.labels[:4])


def test_test_split_loads_in_order_or_shuffled_per_pass():
    ds = data.load("moving_mnist", "test", batch_size=3, num_examples=7)
    batches = [b.numpy() for b in ds]
    assert [len(b) for b in batches] == [3, 3, 1]  # no drop_remainder on test
    np.testing.assert_allclose(np.concatenate(batches)[..., 0], mm.sequences("test", 0, 7) / 255.0, atol=1e-6)
    shuffled = data.load("moving_mnist", "test", batch_size=7, num_examples=7, shuffle=True, seed=1)
    one, two = (next(iter(shuffled)).numpy() for _ in range(2))
    assert not np.array_equal(one, two) and np.allclose(np.sort(one.sum((1, 2, 3, 4))), np.sort(two.sum((1, 2, 3, 4))))


def test_bad_dataset_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="num_examples"):
        data.load("moving_mnist", "test", num_examples=10_001)
    with pytest.raises(ValueError, match="batch_size"):
        data.load("moving_mnist", "train", batch_size=0)
    with pytest.raises(ValueError, match="source"):
        mm.load("test", source="internet")
    with pytest.raises(ValueError, match="split"):
        mm.arrays("valid")


# ----------------------------------------------------------------------------- the published file
def _fake_published(path, n=5):
    frames = np.random.default_rng(0).integers(0, 256, (20, n, 64, 64)).astype(np.uint8)
    np.save(path, frames)
    return frames


def test_published_file_from_zoo_data_dir(tmp_path, monkeypatch):
    frames = _fake_published(tmp_path / mm.FILE)
    monkeypatch.setenv("ZOO_DATA_DIR", str(tmp_path))
    seqs = mm.published()
    assert seqs.shape == (5, 20, 64, 64)
    np.testing.assert_array_equal(seqs[3], frames[:, 3])  # (time, sequence) -> (sequence, time)
    x, y = mm.arrays("test", source="published")
    assert x.shape == (5, 20, 64, 64, 1) and np.all(y == -1)
    batches = list(mm.load("test", batch_size=2, source="published"))
    assert [len(b) for b in batches] == [2, 2, 1]
    np.testing.assert_allclose(np.concatenate(batches)[..., 0], frames.transpose(1, 0, 2, 3) / 255.0, atol=1e-6)
    with pytest.raises(ValueError, match="test"):
        mm.load("train", source="published")


def test_published_file_downloads_through_get_file_or_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.delenv("ZOO_DATA_DIR", raising=False)
    source = tmp_path / "server" / mm.FILE
    source.parent.mkdir()
    frames = _fake_published(source, n=3)
    (tmp_path / "cache").mkdir()  # get_file falls back to /tmp/.keras for a folder it cannot write to
    (tmp_path / "empty").mkdir()
    seqs = mm.published(url=source.as_uri(), cache_dir=str(tmp_path / "cache"))  # the online path, from a file URL
    np.testing.assert_array_equal(seqs, frames.transpose(1, 0, 2, 3))
    assert (tmp_path / "cache" / "datasets" / mm.FILE).is_file()  # cached where asked
    with pytest.raises(data.DataNotAvailableError, match="ZOO_DATA_DIR.*source='generated'"):
        mm.published(url="http://127.0.0.1:9/mnist_test_seq.npy", cache_dir=str(tmp_path / "empty"))
    np.save(tmp_path / "bad.npy", np.zeros((20, 2, 32, 32), np.uint8))
    monkeypatch.setenv("ZOO_DATA_DIR", str(tmp_path))
    (tmp_path / "bad.npy").rename(tmp_path / mm.FILE)
    with pytest.raises(ValueError, match=r"\(20, n, 64, 64\)"):
        mm.published()


# ----------------------------------------------------------------------------- the model
def test_catalog_entries():
    for model_id in ("convnet-moving-mnist", "convlstm-moving-mnist"):
        spec = registry.get_spec(model_id)
        assert spec.dataset == "moving_mnist" and "predict_frames" in spec.tasks
        assert spec.primary_metric == ("mse", "min") and "103.3" in spec.paper_numbers["mse"]
        assert zoo.info(model_id)["params"] * 4 < 8e6  # float32 weights under 8 MB
    assert cap.has(VideoPredictor, cap.Sequence)


@pytest.mark.parametrize("preset", sorted(TINY))
def test_predict_frames_shapes_range_and_rollout(preset):
    model = tiny_model(preset)
    clips = model.example_batch(5, seed=1)
    assert clips.shape == (5, 5, 8, 8, 1) and 0 <= clips.min() and clips.max() <= 1
    inputs = clips[:, :3]
    two = model.predict_frames(inputs)
    assert two.shape == (5, 2, 8, 8, 1) and two.dtype == np.float32 and 0 <= two.min() and two.max() <= 1
    one = model.predict_frames(inputs[..., 0], steps=1)  # (n, T, H, W) for one channel
    np.testing.assert_allclose(one, two[:, :1], atol=1e-6)
    five = model.predict_frames(inputs, steps=5, batch_size=2)
    np.testing.assert_allclose(five[:, :2], two, atol=1e-6)
    # beyond output_frames: the model runs again on the last 3 frames it has (inputs and predictions)
    np.testing.assert_allclose(five[:, 2:4], model.predict_frames(np.concatenate([inputs[:, 2:], two], 1)), atol=1e-6)


@pytest.mark.parametrize("bad,match", [
    (np.zeros((2, 4, 8, 8, 1), np.float32), r"frames must have shape \(n, 3, 8, 8, 1\)"),
    (np.zeros((3, 8, 8, 1), np.float32), "frames must have shape"),
    (np.zeros((2, 3, 8, 8, 1), np.uint8), "float"),
    (np.full((2, 3, 8, 8, 1), np.nan, np.float32), "NaN"),
    (np.full((2, 3, 8, 8, 1), 255.0, np.float32), r"\[0, 1\]"),
    (np.zeros((0, 3, 8, 8, 1), np.float32), "empty"),
])
def test_predict_frames_rejects_bad_frames(bad, match):
    with pytest.raises(ValueError, match=match):
        tiny_model().predict_frames(bad)


@pytest.mark.parametrize("steps", [0, -1, 1.5, True, 10**6])
def test_predict_frames_rejects_bad_steps(steps):
    with pytest.raises(ValueError, match="steps"):
        tiny_model().predict_frames(np.zeros((1, 3, 8, 8, 1), np.float32), steps=steps)


def test_bad_constructor_arguments():
    with pytest.raises(ValueError, match="architecture"):
        VideoPredictor(**{**TINY["tiny"], "architecture": "transformer"})
    with pytest.raises(ValueError, match="multiples of 4"):
        VideoPredictor(**{**TINY["tiny"], "frame_shape": [6, 6, 1]})
    with pytest.raises(ValueError, match="kernel_size"):
        VideoPredictor(**{**TINY["tiny"], "kernel_size": 4})


@pytest.mark.parametrize("preset", sorted(TINY))
def test_loss_is_the_per_pixel_bce_of_the_future_frames(preset):
    model = tiny_model(preset)
    clips = model.example_batch(3, seed=2)
    logits = model.network(tf.constant(clips[:, :3])).numpy().astype(np.float64)
    target = clips[:, 3:].astype(np.float64)
    p = 1 / (1 + np.exp(-logits))
    bce = -(target * np.log(p) + (1 - target) * np.log(1 - p)).sum((2, 3, 4)).mean()
    mse = np.square(p - target).sum((2, 3, 4)).mean()
    terms = model.compute_losses(tf.constant(clips))
    assert float(terms["loss"]) == pytest.approx(bce, rel=1e-4) and float(terms["mse"]) == pytest.approx(mse, rel=1e-4)


def test_fit_on_moving_mnist_lowers_the_loss(full_size):
    ds = data.load("moving_mnist", "train", batch_size=4, seed=0, num_examples=16)
    history = full_size.fit(ds, epochs=3, verbose=0).history
    assert history["loss"][-1] < history["loss"][0] and set(history) == {"loss", "mse"}


# ----------------------------------------------------------------------------- the metrics
def test_frame_errors_and_baselines_on_a_toy_case():
    target = np.zeros((1, 2, 2, 2), np.float32)
    target[0, 0, 0, 0] = 1.0  # one pixel on in the first future frame
    mse, bce = ev.frame_errors(np.zeros_like(target), target)
    np.testing.assert_allclose(mse, [[1.0, 0.0]])
    np.testing.assert_allclose(bce, [[-np.log(ev.EPS) - 3 * np.log1p(-ev.EPS), -4 * np.log1p(-ev.EPS)]])
    half = np.full_like(target, 0.5)
    np.testing.assert_allclose(ev.frame_errors(half, target)[0], [[1.0, 1.0]])  # 4 pixels x 0.25
    np.testing.assert_allclose(ev.frame_errors(half, target)[1], [[4 * np.log(2)] * 2])
    inputs = np.arange(3 * 4, dtype=np.float32).reshape(1, 3, 2, 2) / 12
    base = ev.baselines(inputs, steps=4)
    assert base["copy_last"].shape == (1, 4, 2, 2) and not base["black"].any()
    for t in range(4):
        np.testing.assert_array_equal(base["copy_last"][0, t], inputs[0, -1])
    with pytest.raises(ValueError, match="same shape"):
        ev.frame_errors(np.zeros((1, 2, 2, 2)), np.zeros((1, 3, 2, 2)))


class Oracle:
    """Predicts the true future of uint8 clips (n, 20, 64, 64), looked up by their input frames."""

    def __init__(self, clips):
        clips = clips[..., None].astype(np.float32) / 255.0  # as zoo.eval.video scales them
        self.future = {c[:10].tobytes(): c[10:] for c in clips}

    def predict_frames(self, frames, steps=10, batch_size=None):
        return np.stack([self.future[f.tobytes()] for f in frames])[:, :steps]


def test_sequence_metrics_of_a_tiny_model_and_of_an_oracle(full_size):
    res = ev.sequence_metrics(full_size, registry.get_spec("convnet-moving-mnist"), n_samples=12)
    e, p = res["eval"], res["protocol"]
    assert set(e) == set(p) and {"mse", "bce", "copy_last_mse", "copy_last_bce", "black_mse", "black_bce"} <= set(e)
    assert all("first 12" in p[k] for k in p) and "summed over the 64x64 pixels" in p["mse"]
    clips = mm.sequences("test", 0, 12)[..., None] / 255.0
    future = clips[:, 10:]
    assert e["black_mse"] == pytest.approx(np.square(future).sum((2, 3, 4)).mean())
    assert e["copy_last_mse"] == pytest.approx(np.square(future - clips[:, 9:10]).sum((2, 3, 4)).mean())
    assert e["mse_vs_best_baseline"] == pytest.approx(e["mse"] / min(e["black_mse"], e["copy_last_mse"]))
    assert np.isfinite(e["mse"]) and e["mse"] > 0 and e["mse_step1"] > 0
    perfect = ev.sequence_metrics(Oracle(mm.sequences("test", 0, 12)), n_samples=12)["eval"]
    assert perfect["mse"] == 0 and perfect["black_mse"] == e["black_mse"]
    with pytest.raises(ValueError, match="n_samples"):
        ev.sequence_metrics(full_size, n_samples=10_001)


def test_sequence_metrics_on_the_published_file(tmp_path, monkeypatch):
    frames = _fake_published(tmp_path / mm.FILE, n=4)
    monkeypatch.setenv("ZOO_DATA_DIR", str(tmp_path))
    clips = frames.transpose(1, 0, 2, 3)[..., None] / 255.0
    res = ev.sequence_metrics(Oracle(frames.transpose(1, 0, 2, 3)), n_samples=4, source="published")
    assert res["eval"]["mse"] == 0 and "mnist_test_seq.npy" in res["protocol"]["mse"]
    assert res["eval"]["black_mse"] == pytest.approx(np.square(clips[:, 10:]).sum((2, 3, 4)).mean())


def test_suite_picks_the_video_metrics_by_capability(full_size, monkeypatch):
    from zoo.eval import suite

    calls = []
    monkeypatch.setattr(suite.video, "sequence_metrics", lambda m, s, n: calls.append(n) or {
        "eval": {"mse": 1.0}, "protocol": {"mse": "x"}})
    out = suite.evaluate(full_size, registry.get_spec("convnet-moving-mnist"), n_samples=8)
    assert calls == [8] and out["eval"] == {"mse": 1.0}


def test_training_draws_each_epoch_from_its_seed():
    """training.train loads a streamed set once per epoch with seed epoch_seed(recipe seed, epoch):
    a resumed epoch sees the batches of the uninterrupted one, and two epochs differ."""
    from training import train as T

    spec = registry.get_spec("convnet-moving-mnist")
    make, steps = T.epoch_data(spec, spec.recipe, max_steps=2)
    assert steps == 2 and T.epoch_data(spec, spec.recipe)[1] == 10_000 // spec.recipe.batch_size
    first = [b.numpy() for b in make(0)]
    assert len(first) == 2 and first[0].shape == (spec.recipe.batch_size, 20, 64, 64, 1)
    np.testing.assert_array_equal(first[1], next(iter(make(0).skip(1))).numpy())
    assert not np.array_equal(first[0], next(iter(make(1))).numpy())


def test_card_figure_shows_inputs_truth_and_prediction_of_test_sequences(tmp_path):
    from PIL import Image

    k = mm.INPUT_FRAMES
    model = tiny_model(frame_shape=[64, 64, 1], input_frames=k, output_frames=mm.FRAMES - k)
    path = ev.prediction_figure(model, str(tmp_path / "p.png"), n=2)
    img = np.asarray(Image.open(path))
    assert img.shape[:2] == (6 * (64 + 2) + 2, k * (64 + 2) + 2)  # 2 sequences x 3 rows, 10 frames a row
    first = mm.test_set()[:1][0]  # row 1 is the first test sequence's input frames, as drawn
    np.testing.assert_array_equal(img[2:66, 2:66], first[0])
    np.testing.assert_array_equal(img[68:132, 2:66], first[k])  # row 2 starts with frame 11
    assert ev.card_figures(registry.get_spec("dcgan-mnist"), str(tmp_path)) == []  # no frames to predict
