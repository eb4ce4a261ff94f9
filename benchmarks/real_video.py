"""A Moving MNIST video predictor on real video: OpenCV's vtest.avi (pedestrians on a square).

    TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 ZOO_DATA_DIR=../shared/data \\
        python benchmarks/real_video.py      # convnet-moving-mnist: 4 minutes, 7-8 with a stand-in
    python benchmarks/real_video.py --model convlstm-moving-mnist --epochs 5

The video (768x576, 795 frames at 10 frames a second; Debian's ``opencv-doc`` installs it as
`VIDEO`) is read with OpenCV, turned grey and resized to 64x64 (the whole frame, so its 4:3 aspect
is squeezed to 1:1), values in [0, 1]. Time split: the first 80% of the frames are for fine-tuning,
the last 20% for testing, each cut into 20-frame clips (stride 5) on its own side of the boundary,
so no test frame is ever trained on. On every test clip the model sees frames 1-10 and predicts
11-20 (`predict_frames`); the metrics are those of `zoo.eval.video`: per-frame MSE (squared error
summed over the 64x64 pixels) and BCE (nats, summed over the pixels), the mean over the 10 future
steps and the clips, beside the copy-last-frame and all-black baselines. The grey targets are not
binary, so even a perfect prediction has a BCE: the targets' own entropy (the "floor" row). MSE is
also split into the pixels that changed since the last input frame (|truth - frame 10| > 0.1:
"moving") and the rest ("static").

Rows: the model zero-shot (as trained on Moving MNIST), then after `model.fit` on the training
clips (--epochs, Adam at --lr, batch --batch-size, horizontal flips added; stopped after
--max-seconds). When the id has no published weights, its preset config trained --stand-in-steps
steps on Moving MNIST stands in for it, and the report says so. Writes --out (default
benchmarks/real_video.md); the hand-written notes below its marker line are kept.
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

VIDEO = "/usr/share/doc/opencv-doc/examples/data/vtest.avi"
SIZE, LENGTH, INPUT_FRAMES, STRIDE, TRAIN_FRAC = 64, 20, 10, 5, 0.8
MOVING = 0.1  # a pixel whose true value differs from the last input frame's by more is "moving"
MARKER = "<!-- notes: written by hand; benchmarks/real_video.py keeps everything below this line -->"
TITLE = "# A Moving MNIST predictor on real video (OpenCV's vtest.avi)"


# ----------------------------------------------------------------------------- data
def read_frames(path=VIDEO, size=SIZE, max_frames=None):
    """The frames of a video file as float32 (n, size, size) grey in [0, 1] (OpenCV's BGR -> grey,
    area-averaged resize of the whole frame); FileNotFoundError when `path` is missing."""
    import cv2

    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path} does not exist (Debian: apt-get install opencv-doc).")
    cap = cv2.VideoCapture(path)
    if not cap.isOpened():
        raise ValueError(f"OpenCV cannot open {path} as a video.")
    frames = []
    try:
        while max_frames is None or len(frames) < max_frames:
            ok, frame = cap.read()
            if not ok:
                break
            grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
            frames.append(cv2.resize(grey, (size, size), interpolation=cv2.INTER_AREA))
    finally:
        cap.release()
    if not frames:
        raise ValueError(f"{path}: no frame could be decoded.")
    return np.stack(frames).astype(np.float32) / 255.0


def time_split(n_frames, train_frac=TRAIN_FRAC):
    """(train frame range, test frame range): the first `train_frac` of the frames, then the rest."""
    if not 0 < train_frac < 1:
        raise ValueError(f"train_frac must be in (0, 1), got {train_frac!r}.")
    cut = int(round(n_frames * train_frac))
    return range(0, cut), range(cut, n_frames)


def cut_clips(frames, length=LENGTH, stride=STRIDE):
    """Clips (k, length, ...) of consecutive frames starting every `stride` frames (a copy); the
    frames after the last whole clip are left out. ValueError when there are fewer than `length`."""
    frames = np.asarray(frames)
    if length < 1 or stride < 1:
        raise ValueError(f"length and stride must be >= 1, got {length} and {stride}.")
    if len(frames) < length:
        raise ValueError(f"{len(frames)} frames are fewer than one clip of {length}.")
    windows = np.lib.stride_tricks.sliding_window_view(frames, length, axis=0)[::stride]
    return np.ascontiguousarray(np.moveaxis(windows, -1, 1))


def split_clips(frames, length=LENGTH, stride=STRIDE, train_frac=TRAIN_FRAC):
    """(train clips, test clips): `time_split`, then `cut_clips` on each side, so no clip holds
    frames of both."""
    train, test = time_split(len(frames), train_frac)
    return (cut_clips(frames[train.start: train.stop], length, stride),
            cut_clips(frames[test.start: test.stop], length, stride))


# ----------------------------------------------------------------------------- metrics
def binary_entropy(target, eps=1e-7):
    """The BCE of predicting the targets themselves, summed over each frame's pixels: (n, steps)."""
    from zoo.eval.video import frame_errors

    return frame_errors(np.clip(target, eps, 1 - eps), target)[1]


def scores(pred, inputs, target):
    """{"mse", "bce", "mse_moving", "mse_static"} of predictions (n, steps, H, W, 1): the first two
    per step (steps,), the split MSE as scalars (per frame, mean over steps and clips)."""
    from zoo.eval.video import frame_errors

    mse, bce = frame_errors(pred, target)
    moving = np.abs(target - inputs[:, -1:]) > MOVING
    err = np.square(np.asarray(pred, np.float64) - target)
    axes = tuple(range(2, err.ndim))
    return {"mse": mse.mean(0), "bce": bce.mean(0),
            "mse_moving": float((err * moving).sum(axes).mean()), "mse_static": float((err * ~moving).sum(axes).mean())}


def evaluate(clips, predictions):
    """{row name: scores} for the baselines, a BCE floor and each prediction function
    (name -> fn(inputs) -> (n, steps, H, W, 1))."""
    from zoo.eval.video import baselines

    inputs, target = clips[:, :INPUT_FRAMES], clips[:, INPUT_FRAMES:]
    steps = target.shape[1]
    rows = {name: scores(pred, inputs, target) for name, pred in baselines(inputs, steps).items()}
    rows["floor"] = dict(scores(target, inputs, target), bce=binary_entropy(target).mean(0))
    for name, fn in predictions.items():
        rows[name] = scores(fn(inputs), inputs, target)
    return rows


# ----------------------------------------------------------------------------- models
def load_model(model_id, stand_in_steps, log):
    """(model, description): the published weights, else the preset config trained
    `stand_in_steps` steps on Moving MNIST (0: untrained)."""
    import zoo
    from zoo import capabilities as cap

    cap.require(zoo.registry.get_spec(model_id), cap.Sequence, "model")  # predict_frames, before any loading
    try:
        return zoo.load(model_id), f"`{model_id}` (published weights)"
    except zoo.WeightsNotAvailableError:
        pass
    model = zoo.load(model_id, pretrained=False)
    what = (f"**a stand-in**: `{model_id}` has no published weights yet, so its preset config "
            f"({model.count_params():,} parameters)")
    if stand_in_steps <= 0:
        return model, what + " untrained"
    import keras

    log(f"{model_id} has no published weights: training its preset config {stand_in_steps} steps on Moving MNIST")
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    ds = zoo.data.load("moving_mnist", split="train", batch_size=16, num_examples=16 * stand_in_steps)
    model.fit(ds, epochs=1, verbose=0)
    return model, what + f" trained {stand_in_steps} steps (batch 16, Adam 1e-3) on Moving MNIST"


def time_limit(seconds):
    """A Keras callback that stops `fit` after `seconds` of training; it counts the steps (`steps`)
    and says whether it stopped the training (`hit`)."""
    import keras

    class TimeLimit(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.start, self.steps, self.hit = time.perf_counter(), 0, False

        def on_train_batch_end(self, batch, logs=None):
            self.steps += 1
            if time.perf_counter() - self.start > seconds:
                self.model.stop_training, self.hit = True, True

    return TimeLimit()


def fine_tune(model, clips, epochs, lr, batch_size, max_seconds, seed=0, flip=True):
    """`model.fit` on the training clips (and their mirror images); returns (steps, seconds, final
    loss, stopped by the time limit)."""
    import keras

    keras.utils.set_random_seed(seed)
    x = np.concatenate([clips, clips[:, :, :, ::-1]]) if flip else clips
    model.compile(optimizer=keras.optimizers.Adam(lr))
    limit = time_limit(max_seconds)
    start = time.perf_counter()
    hist = model.fit(x, batch_size=batch_size, epochs=epochs, shuffle=True, verbose=0, callbacks=[limit])
    return limit.steps, time.perf_counter() - start, float(hist.history["loss"][-1]), limit.hit


# ----------------------------------------------------------------------------- report
LABELS = {"copy_last": "copy the last input frame", "black": "all black (zeros)",
          "zero_shot": "model, zero-shot", "fine_tuned": "model, fine-tuned on the first 80%",
          "floor": "the true frames (BCE floor: the targets' entropy)"}


def table(rows):
    out = ["| predictor | MSE / frame | BCE / frame | MSE on moving pixels | MSE on static pixels |",
           "| --- | ---: | ---: | ---: | ---: |"]
    for name in ("copy_last", "black", "zero_shot", "fine_tuned", "floor"):
        if name in rows:
            r = rows[name]
            out.append(f"| {LABELS[name]} | {r['mse'].mean():.1f} | {r['bce'].mean():.1f} | "
                       f"{r['mse_moving']:.1f} | {r['mse_static']:.1f} |")
    return out


def step_table(rows):
    names = [n for n in ("copy_last", "black", "zero_shot", "fine_tuned") if n in rows]
    steps = len(rows[names[0]]["mse"])
    out = ["| future frame | " + " | ".join(LABELS[n] for n in names) + " |",
           "| ---: |" + " ---: |" * len(names)]
    for t in range(steps):
        out.append(f"| {INPUT_FRAMES + t + 1} | " + " | ".join(f"{rows[n]['mse'][t]:.1f}" for n in names) + " |")
    return out


def report(info, rows):
    lines = [TITLE, "",
             f"Written by `{' '.join(['python benchmarks/real_video.py', *info['argv']])}` on {info['date']} "
             f"({info['machine']}; TF threads: intra {os.environ['TF_NUM_INTRAOP_THREADS']}, inter "
             f"{os.environ['TF_NUM_INTEROP_THREADS']}). Wall time {info['wall']:.0f} s in all.", "",
             "## Protocol", "",
             f"- Video: `{info['video']}`, {info['frames']} frames of {info['source_shape']} at "
             f"{info['fps']:g} frames a second, grey, the whole frame resized to 64x64 (OpenCV, area "
             "averaging; the 4:3 aspect squeezed to 1:1), values in [0, 1].",
             f"- Time split: frames 1-{info['cut']} for fine-tuning, {info['cut'] + 1}-{info['frames']} for "
             f"testing; each part cut into {LENGTH}-frame clips every {info['stride']} frames on its own side "
             f"of the split: {info['n_train']} training clips, {info['n_test']} test clips (overlapping, so "
             "not independent).",
             "- Each test clip: frames 1-10 in, 11-20 predicted (`predict_frames`). MSE per frame: squared "
             "error summed over the 64x64 pixels; BCE per frame: binary cross-entropy summed over the pixels "
             "(nats, predictions clipped to [1e-7, 1 - 1e-7]); both the mean over the 10 future frames and "
             "the test clips (`zoo.eval.video.frame_errors`, `baselines`). Moving pixels: |true frame - "
             f"frame 10| > {MOVING}, {info['moving_frac']:.1%} of the future pixels; static: the rest.",
             f"- Model: {info['model']}.",
             f"- Fine-tuning: `model.fit` on the {info['n_train']} training clips and their mirror images "
             f"({'on' if info['flip'] else 'off'}), Adam {info['lr']:g}, batch {info['batch_size']}, up to "
             f"{info['epochs']} epochs or {info['max_seconds']:.0f} s: {info['ft_steps']} steps in "
             f"{info['ft_seconds']:.0f} s{' (stopped by the time limit)' if info['ft_hit'] else ''}, final "
             f"training loss {info['ft_loss']:.1f} nats per frame.",
             "", "## Results", "", *table(rows), "",
             "MSE per future frame:", "", *step_table(rows), "",
             "Times: " + ", ".join(f"{k} {v:.0f} s" for k, v in info["times"].items()) + ".", ""]
    return "\n".join(lines)


def write_report(path, text):
    from zoo.saving import write_file_atomic

    notes = ""
    if os.path.isfile(path):
        old = open(path, encoding="utf-8").read()
        if MARKER in old:
            notes = old[old.index(MARKER) + len(MARKER):]
    write_file_atomic(path, text + "\n" + MARKER + notes.rstrip() + "\n")


# ----------------------------------------------------------------------------- main
def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="convnet-moving-mnist", help="catalog id (default convnet-moving-mnist)")
    p.add_argument("--video", default=VIDEO, help=f"the video file (default {VIDEO})")
    p.add_argument("--epochs", type=int, default=10, help="fine-tuning epochs (default 10)")
    p.add_argument("--max-seconds", type=float, default=300, help="stop fine-tuning after this (default 300)")
    p.add_argument("--lr", type=float, default=3e-4, help="fine-tuning Adam learning rate (default 3e-4)")
    p.add_argument("--batch-size", type=int, default=8, help="fine-tuning batch (default 8)")
    p.add_argument("--stride", type=int, default=STRIDE, help=f"frames between clip starts (default {STRIDE})")
    p.add_argument("--no-flip", action="store_true", help="do not add mirrored training clips")
    p.add_argument("--stand-in-steps", type=int, default=300,
                   help="Moving MNIST steps of the stand-in when the id has no weights (default 300; 0: untrained)")
    p.add_argument("--seed", type=int, default=0, help="seed of the fine-tuning (default 0)")
    p.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "real_video.md"),
                   help="the report (default benchmarks/real_video.md); '-' prints it only")
    args = p.parse_args(argv)
    for name in ("epochs", "batch_size", "stride"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be >= 1, got {getattr(args, name)}")
    return args


def main(argv=None):
    # One CPU thread unless told otherwise (TensorFlow reads these when it starts).
    for var in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
        os.environ.setdefault(var, "1")
    args = parse_args(argv)
    if not os.path.isfile(args.video):
        print(f"skipped: {args.video} is not installed (Debian: apt-get install opencv-doc).")
        return 0
    import cv2

    def log(msg):
        print(f"[{time.perf_counter() - t0:6.0f} s] {msg}", flush=True)

    t0, times = time.perf_counter(), {}
    cap = cv2.VideoCapture(args.video)
    fps = cap.get(cv2.CAP_PROP_FPS)
    shape = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    cap.release()
    frames = read_frames(args.video)[..., None]
    train, test = split_clips(frames, LENGTH, args.stride)
    times["reading the video"] = time.perf_counter() - t0
    log(f"{len(frames)} frames: {len(train)} training clips, {len(test)} test clips")

    t = time.perf_counter()
    model, description = load_model(args.model, args.stand_in_steps, log)
    times["loading / stand-in training"] = time.perf_counter() - t

    def predict(x):
        return model.predict_frames(x, steps=LENGTH - INPUT_FRAMES, batch_size=16)

    t = time.perf_counter()
    rows = evaluate(test, {"zero_shot": predict})
    times["zero-shot evaluation"] = time.perf_counter() - t
    log(f"zero-shot MSE {rows['zero_shot']['mse'].mean():.1f} (copy-last {rows['copy_last']['mse'].mean():.1f})")
    steps, seconds, loss, hit = fine_tune(model, train, args.epochs, args.lr, args.batch_size, args.max_seconds,
                                          args.seed, not args.no_flip)
    times["fine-tuning"] = seconds
    t = time.perf_counter()
    rows["fine_tuned"] = evaluate(test, {"fine_tuned": predict})["fine_tuned"]
    times["fine-tuned evaluation"] = time.perf_counter() - t
    log(f"fine-tuned ({steps} steps, {seconds:.0f} s) MSE {rows['fine_tuned']['mse'].mean():.1f}")

    target = test[:, INPUT_FRAMES:]
    info = dict(argv=list(argv if argv is not None else sys.argv[1:]), date=datetime.date.today().isoformat(),
                machine=f"{platform.machine()}, {os.cpu_count()} cores, shared with other jobs",
                wall=time.perf_counter() - t0, video=args.video, frames=len(frames),
                source_shape=f"{shape[0]}x{shape[1]}", fps=fps, cut=time_split(len(frames))[0].stop,
                stride=args.stride, n_train=len(train), n_test=len(test),
                moving_frac=float((np.abs(target - test[:, INPUT_FRAMES - 1: INPUT_FRAMES]) > MOVING).mean()),
                model=description, flip=not args.no_flip, lr=args.lr, batch_size=args.batch_size, epochs=args.epochs,
                max_seconds=args.max_seconds, ft_steps=steps, ft_seconds=seconds, ft_loss=loss, ft_hit=hit,
                times=times)
    text = report(info, rows)
    print(text)
    if args.out != "-":
        write_report(args.out, text)
        log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
