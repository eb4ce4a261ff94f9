"""benchmarks/real_video.py: the clip cutting and time split, the metrics' split into moving and
static pixels, and reading OpenCV's vtest.avi (skipped where Debian's opencv-doc is not installed)."""

import importlib.util
import os

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location("real_video", os.path.join(ROOT, "benchmarks", "real_video.py"))
real_video = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(real_video)


def test_clips_start_every_stride_frames_and_drop_the_incomplete_tail():
    frames = np.arange(47)[:, None] * np.ones((1, 3))  # frame t holds the value t
    clips = real_video.cut_clips(frames, length=20, stride=5)
    assert clips.shape == (6, 20, 3)  # starts 0, 5, ..., 25; 30 + 20 > 47
    assert np.array_equal(clips[:, :, 0], np.arange(0, 30, 5)[:, None] + np.arange(20))
    clips[0, 0] = -1  # a copy, not a view of the frames
    assert frames[0, 0] == 0
    assert real_video.cut_clips(frames[:20], 20, 5).shape == (1, 20, 3)
    with pytest.raises(ValueError, match="fewer than one clip of 20"):
        real_video.cut_clips(frames[:19], 20, 5)
    with pytest.raises(ValueError, match="stride"):
        real_video.cut_clips(frames, 20, 0)


def test_the_time_split_keeps_test_frames_out_of_every_training_clip():
    train, test = real_video.time_split(795)
    assert (train.start, train.stop, test.start, test.stop) == (0, 636, 636, 795)
    frames = np.arange(795, dtype=np.float32)
    train_clips, test_clips = real_video.split_clips(frames, length=20, stride=5)
    assert train_clips.shape == (124, 20) and test_clips.shape == (28, 20)
    assert train_clips.max() == 634 and test_clips.min() == 636  # the last training clip: frames 615-634
    assert np.all(np.diff(test_clips, axis=1) == 1)  # consecutive frames, no jump over the split
    with pytest.raises(ValueError, match="train_frac"):
        real_video.time_split(795, 1.0)


def test_moving_and_static_errors_add_up_to_the_frame_error(rng):
    clips = rng.random((3, 20, 8, 8, 1)).astype(np.float32)
    clips[:, 12:, :4] = clips[:, 9:10, :4]  # the top half stands still after frame 10 in the future ...
    inputs, target = clips[:, :10], clips[:, 10:]
    copy = np.repeat(inputs[:, -1:], 10, axis=1)
    s = real_video.scores(copy, inputs, target)
    assert s["mse"].shape == s["bce"].shape == (10,)
    assert s["mse_moving"] + s["mse_static"] == pytest.approx(s["mse"].mean())
    assert s["mse_static"] < 0.1 * s["mse_moving"]  # copying the last frame errs on what moved
    perfect = real_video.scores(target, inputs, target)
    assert perfect["mse"].max() == 0
    rows = real_video.evaluate(clips, {"model": lambda x: np.full((len(x), 10, 8, 8, 1), 0.5, np.float32)})
    assert set(rows) == {"copy_last", "black", "floor", "model"}
    assert rows["floor"]["bce"].mean() < rows["model"]["bce"].mean()  # nothing beats the targets' entropy
    assert rows["model"]["mse"] == pytest.approx(((target - 0.5) ** 2).sum((2, 3, 4)).mean(0))


def test_the_script_skips_without_the_video(tmp_path, capsys):
    out = tmp_path / "report.md"
    assert real_video.main(["--video", str(tmp_path / "vtest.avi"), "--out", str(out)]) == 0
    assert "skipped" in capsys.readouterr().out and not out.exists()


@pytest.mark.skipif(not os.path.isfile(real_video.VIDEO), reason=f"{real_video.VIDEO} not installed "
                    "(Debian: apt-get install opencv-doc)")
def test_reads_the_first_20_frames_of_vtest():
    pytest.importorskip("cv2")
    frames = real_video.read_frames(max_frames=20)
    assert frames.shape == (20, 64, 64) and frames.dtype == np.float32
    assert 0 <= frames.min() and frames.max() <= 1 and 0.3 < frames.mean() < 0.7  # a grey square, by day
    change = np.abs(np.diff(frames, axis=0)).mean((1, 2))
    assert np.all(change > 0) and np.all(change < 0.05)  # people walk; the camera stands still


def test_a_rerun_rewrites_the_numbers_and_keeps_the_notes(tmp_path):
    path = tmp_path / "real_video.md"
    real_video.write_report(str(path), "# numbers 1")
    with open(path, "a", encoding="utf-8") as f:
        f.write("\n## Notes\n\nwritten by hand\n")
    real_video.write_report(str(path), "# numbers 2")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# numbers 2\n") and "numbers 1" not in text
    assert text.index(real_video.MARKER) < text.index("written by hand")


def test_a_model_that_cannot_predict_frames_is_refused_before_loading():
    with pytest.raises(TypeError, match="'dcgan-mnist' cannot predict_frames"):
        real_video.load_model("dcgan-mnist", 0, print)
