"""Video prediction metrics on Moving MNIST, beside the two trivial baselines.

For each test sequence the model sees frames 1-10 and predicts frames 11-20 (`predict_frames`).
Per future frame: MSE = the squared error summed over the 64x64 pixels (values in [0, 1]), the
measure of the PredRNN table (Wang et al. 2017: ConvLSTM 103.3, PredRNN 56.8 per frame), and
BCE = the binary cross-entropy summed over the pixels (nats per frame; predictions clipped to
[1e-7, 1 - 1e-7]). Each is the mean over the 10 future steps and the sequences. Baselines: copy
the last input frame into every future frame, and predict all black (zeros).

>>> from zoo.eval import video
>>> video.sequence_metrics(zoo.load("convnet-moving-mnist"), spec, n_samples=1000)["eval"]["mse"]
"""

import os

import numpy as np

from zoo.data import moving_mnist

N_TEST = moving_mnist.TEST_SIZE
CHUNK = 250  # sequences rendered and predicted at once
EPS = 1e-7
BASELINES = ("copy_last", "black")


def frame_errors(pred, target, eps=EPS):
    """(squared error, BCE) summed over each frame's pixels: float64 (n, steps) twice, for
    predictions `pred` and true frames `target` (n, steps, H, W[, C]) in [0, 1]."""
    pred, target = np.asarray(pred, np.float64), np.asarray(target, np.float64)
    if pred.shape != target.shape:
        raise ValueError(f"pred {pred.shape} and target {target.shape} must have the same shape.")
    axes = tuple(range(2, pred.ndim))
    p = np.clip(pred, eps, 1.0 - eps)
    bce = -(target * np.log(p) + (1.0 - target) * np.log1p(-p))
    return np.square(pred - target).sum(axis=axes), bce.sum(axis=axes)


def baselines(inputs, steps):
    """{"copy_last": the last input frame repeated `steps` times, "black": zeros} for input clips
    (n, T, H, W[, C])."""
    inputs = np.asarray(inputs, np.float32)
    last = np.repeat(inputs[:, -1:], steps, axis=1)
    return {"copy_last": last, "black": np.zeros_like(last)}


def _chunks(n, source):
    if source == "published":
        clips = moving_mnist.published()
        if n > len(clips):
            raise ValueError(f"n_samples={n} is more than the {len(clips)} sequences of the published file.")
        for s in range(0, n, CHUNK):
            yield np.asarray(clips[s: min(n, s + CHUNK)])
        return
    test = moving_mnist.test_set()
    for s in range(0, n, CHUNK):
        yield test[s: min(n, s + CHUNK)]


def per_step_errors(model, n=N_TEST, source="generated", batch_size=50):
    """{name: (per-step mean MSE (steps,), per-step mean BCE (steps,))} of the model ("model") and
    the baselines on the first n test sequences (10 input frames, 10 future)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= N_TEST:
        raise ValueError(f"n_samples must be an int in [1, {N_TEST}], got {n!r}.")
    sums, steps = {}, moving_mnist.FRAMES - moving_mnist.INPUT_FRAMES
    for clips in _chunks(int(n), source):
        clips = clips[..., None].astype(np.float32) / 255.0
        inputs, target = clips[:, : moving_mnist.INPUT_FRAMES], clips[:, moving_mnist.INPUT_FRAMES:]
        preds = {"model": model.predict_frames(inputs, steps=steps, batch_size=batch_size), **baselines(inputs, steps)}
        for name, pred in preds.items():
            mse, bce = frame_errors(pred, target)
            old = sums.get(name, (0.0, 0.0))
            sums[name] = (old[0] + mse.sum(0), old[1] + bce.sum(0))
    return {k: (m / n, b / n) for k, (m, b) in sums.items()}


def sequence_metrics(model, spec=None, n_samples=None, source="generated"):
    """Per-frame MSE and BCE of `predict_frames` on Moving MNIST's test sequences, beside the
    copy-last-frame and all-black baselines, each with its protocol.

    Args:
        model: a model with `predict_frames` (10 frames in, 10 out, 64x64x1).
        spec: its `ModelSpec` (unused: the test set is Moving MNIST's) (default None).
        n_samples: the first n test sequences (default all 10,000).
        source: "generated" (the seeded test set of `zoo.data.moving_mnist`) or "published" (the
            paper's mnist_test_seq.npy) (default "generated").

    Returns:
        {"eval": {name: number}, "protocol": {name: how it was computed}}.
    """
    n = int(n_samples or N_TEST)
    res = per_step_errors(model, n, source)
    where = (f"the first {n:,} of the 10,000 seeded test sequences of zoo.data.moving_mnist (MNIST test digits, "
             f"seed {moving_mnist.TEST_SEED}; Srivastava et al.'s generator)" if source == "generated" else
             f"the first {n:,} sequences of the published mnist_test_seq.npy (Srivastava et al. 2015)")
    task = f"frames 11-20 predicted from frames 1-10 on {where}"
    what = {"model": "predict_frames", "copy_last": "the copy-last-frame baseline (frame 10 repeated)",
            "black": "the all-black baseline (zeros)"}
    ev, proto = {}, {}
    for name, (mse, bce) in res.items():
        key = "" if name == "model" else f"{name}_"
        ev[f"{key}mse"], ev[f"{key}bce"] = float(mse.mean()), float(bce.mean())
        proto[f"{key}mse"] = (f"MSE per frame of {what[name]}: squared error summed over the 64x64 pixels (values "
                              f"in [0, 1]), mean over the 10 future steps and the sequences; {task}")
        proto[f"{key}bce"] = (f"BCE per frame of {what[name]}: binary cross-entropy summed over the 64x64 pixels "
                              f"(nats; predictions clipped to [{EPS:g}, 1 - {EPS:g}]), mean over the 10 future "
                              f"steps and the sequences; {task}")
    mse = res["model"][0]
    for step in (1, len(mse)):
        ev[f"mse_step{step}"] = float(mse[step - 1])
        proto[f"mse_step{step}"] = f"MSE per frame of predict_frames at future step {step} only; {task}"
    best = min(ev[f"{b}_mse"] for b in BASELINES)
    ev["mse_vs_best_baseline"] = float(ev["mse"] / best)
    proto["mse_vs_best_baseline"] = ("mse / min(copy_last_mse, black_mse): below 1 beats both baselines (0.75 is "
                                     f"25% below the better one); {task}")
    return {"eval": ev, "protocol": proto}


# ----------------------------------------------------------------------------- card figure
N_FIGURE_CLIPS = 3  # test sequences shown in the card


def prediction_figure(model, path, n=N_FIGURE_CLIPS):
    """PNG of the first n test sequences, three rows each: the 10 input frames, the 10 true future
    frames, and `predict_frames(inputs, steps=10)`. Returns `path`."""
    from zoo import viz

    clips = moving_mnist.test_set()[:n][..., None].astype(np.float32) / 255.0
    k = moving_mnist.INPUT_FRAMES
    inputs, target = clips[:, :k], clips[:, k:]
    pred = model.predict_frames(inputs, steps=target.shape[1])
    rows = np.concatenate([np.stack([inputs[i], target[i], pred[i]]) for i in range(n)])  # (3n, 10, H, W, 1)
    return viz.save_png(path, viz.image_grid(rows.reshape(-1, *rows.shape[2:]), ncols=k), scale=1)


def card_figures(spec, folder):
    """The card section [(title, markdown)] with `<id>-predictions.png` drawn into `folder` from the
    installed model ([] for a model that does not predict frames, or is not installed)."""
    from zoo import capabilities as cap
    from zoo.hub import load

    if not cap.has(spec, cap.Sequence) or not spec.weights:
        return []
    name = f"{spec.id}-predictions.png"
    prediction_figure(load(spec.id, compile=False), os.path.join(folder, name))
    k = moving_mnist.INPUT_FRAMES
    body = (f"![predictions of {spec.id}]({name})\n\nThe first {N_FIGURE_CLIPS} sequences of the Moving MNIST test "
            f"set, three rows each: the {k} frames the model sees, the {moving_mnist.FRAMES - k} frames that "
            f"follow, and `predict_frames(frames, steps={moving_mnist.FRAMES - k})`. Time runs left to right.")
    return [("Predictions", body)]
