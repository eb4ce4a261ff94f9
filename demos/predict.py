"""The "Predict the future" tab: show a video predictor 10 frames of Moving MNIST, see its next 10.

Models with the `Sequence` capability (`predict_frames`) whose data are Moving MNIST clips (20
frames of 64x64). The clip is a sequence of the fixed test set (by index) or a fresh one drawn
from a seed (MNIST test digits on new paths). The answer is an animated GIF (the 10 input frames,
then the prediction beside the true future), a still strip of the same frames, and the error of
each predicted frame beside the copy-last-frame and all-black baselines (`zoo.eval.video`).
"""

import functools
import io

import gradio as gr
import numpy as np
import PIL.Image
import PIL.ImageDraw
import PIL.ImageFont

from demos.registry import demo
from demos.widgets import MAX_SEED, ImageOutput, check_int, data_shape, output_image, seed_input, user_error
from zoo import capabilities as cap
from zoo import viz
from zoo.data import moving_mnist
from zoo.eval import video

INPUT_FRAMES = moving_mnist.INPUT_FRAMES  # 10 frames shown to the model
FUTURE = moving_mnist.FRAMES - INPUT_FRAMES  # 10 frames it predicts
LAST_INDEX = moving_mnist.TEST_SIZE - 1
SCALE = 3  # a 64x64 frame is shown 192x192, pixels kept sharp
GAP, BAND = 6, 22  # pixels around the two panels; height of the label band below them
FRAME_MS, HOLD_MS = 300, 1500  # each GIF frame; the last one is held before the loop restarts
TABLE_HEADERS = ["future frame", "model", "copy last frame", "all black"]


def takes_moving_mnist(spec):
    """True for models of Moving MNIST's clips: (20, 64, 64, 1)."""
    return data_shape(spec) == moving_mnist.SHAPE


# ----------------------------------------------------------------------------- clips
@functools.lru_cache(maxsize=1)
def _test_set():
    return moving_mnist.test_set()


def test_clip(index):
    """Sequence `index` of the fixed Moving MNIST test set: float32 (20, 64, 64, 1) in [0, 1]."""
    return _test_set().take([index])[0][..., None].astype(np.float32) / 255.0


def seeded_clip(seed):
    """A fresh clip drawn from `seed` (MNIST test digits, new paths): float32 (20, 64, 64, 1)."""
    return moving_mnist.Sequences("test", 1, seed).take([0])[0][..., None].astype(np.float32) / 255.0


def forecast(model, clip):
    """(inputs, prediction, truth): the clip's first 10 frames, the model's next 10, the true next 10."""
    inputs, truth = clip[:INPUT_FRAMES], clip[INPUT_FRAMES:]
    try:
        pred = model.predict_frames(inputs[None], steps=FUTURE)[0]
    except ValueError as e:  # a model of other clips than the tab's
        raise user_error(f"This model cannot predict Moving MNIST clips: {e}") from None
    return inputs, np.asarray(pred, np.float32), truth


# ----------------------------------------------------------------------------- outputs
def error_table(inputs, pred, truth):
    """Rows [frame number, model, copy last, black]: MSE per frame (squared error summed over the
    64x64 pixels, values in [0, 1]), one row per future frame, then their mean."""
    preds = {"model": pred, **{k: v[0] for k, v in video.baselines(inputs[None], FUTURE).items()}}
    mse = {k: video.frame_errors(p[None], truth[None])[0][0] for k, p in preds.items()}
    cols = [mse["model"], mse["copy_last"], mse["black"]]
    rows = [[str(INPUT_FRAMES + 1 + t), *(round(float(c[t]), 1) for c in cols)] for t in range(FUTURE)]
    return rows + [["mean", *(round(float(c.mean()), 1) for c in cols)]]


def to_uint8(frame):
    return (np.clip(np.asarray(frame, np.float32)[..., 0], 0, 1) * 255 + 0.5).astype(np.uint8)


@functools.lru_cache(maxsize=1)
def _font():
    try:
        return PIL.ImageFont.load_default(size=14)
    except TypeError:  # Pillow without FreeType: the bitmap font
        return PIL.ImageFont.load_default()


def panel_pair(left, right, left_label, right_label):
    """One GIF frame (mode "L"): two labelled frames side by side, each enlarged SCALE times."""
    side = moving_mnist.SIZE * SCALE
    # Labels below the panels: the UI puts the component's own label over the top-left corner.
    canvas = PIL.Image.new("L", (2 * side + 3 * GAP, GAP + side + BAND), 96)
    draw = PIL.ImageDraw.Draw(canvas)
    for k, (frame, label) in enumerate(((left, left_label), (right, right_label))):
        x, y = panel_box(k)[:2]
        im = PIL.Image.fromarray(to_uint8(frame)).resize((side, side), PIL.Image.Resampling.NEAREST)
        canvas.paste(im, (x, y))
        draw.text((x + 2, y + side + 3), label, fill=255, font=_font())
    return canvas


def panel_box(k):
    """(left, top, right, bottom) of panel k (0 left, 1 right) in a GIF frame."""
    side = moving_mnist.SIZE * SCALE
    x = GAP + k * (side + GAP)
    return x, GAP, x + side, GAP + side


def animation(inputs, pred, truth):
    """The animated GIF as bytes: 10 frames "input | truth" (the same frame), then 10 frames
    "prediction | truth"; 20 frames, looping, the last one held."""
    frames = [panel_pair(f, f, f"input {t + 1}", f"truth {t + 1}") for t, f in enumerate(inputs)]
    frames += [panel_pair(p, y, f"prediction {INPUT_FRAMES + t + 1}", f"truth {INPUT_FRAMES + t + 1}")
               for t, (p, y) in enumerate(zip(pred, truth))]
    buf = io.BytesIO()
    durations = [FRAME_MS] * (len(frames) - 1) + [HOLD_MS]
    # The frame numbers in the labels make every frame differ, so Pillow merges none of them.
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0)
    return buf.getvalue()


def strip(inputs, pred, truth):
    """The still picture (uint8): row 1 the input frames 1-10, row 2 the true frames 11-20, row 3
    the predicted frames 11-20 (a 2-pixel white grid between frames)."""
    return viz.image_grid(np.concatenate([inputs, truth, pred]), ncols=INPUT_FRAMES)


class GifOutput(gr.Image):
    """A read-only animated GIF, written atomically under its content hash (see `ImageOutput`).
    A direct subclass of gr.Image: Gradio names a template's frontend component after its base."""

    is_template = True  # rendered by the frontend's Image component

    def __init__(self, label="Animation", **kwargs):
        super().__init__(label=label, format="gif", interactive=False, **kwargs)

    def get_config(self, cls=None):
        return super().get_config(cls or gr.Image)

    def postprocess(self, value):
        return None if value is None else ImageOutput.store(self, value, "prediction.gif")


def predict_outputs(model, clip):
    """(GIF bytes, strip uint8, error table rows) of a model on one clip (20, 64, 64, 1)."""
    if not cap.has(model, cap.Sequence):
        raise user_error("This model cannot predict frames.")
    inputs, pred, truth = forecast(model, clip)
    return animation(inputs, pred, truth), strip(inputs, pred, truth), error_table(inputs, pred, truth)


@demo("Predict the future", serves=cap.Sequence, accepts=takes_moving_mnist, about="""
Show a model **10 frames** of two digits bouncing in a box and it draws the **next 10**. The
animation plays the 10 input frames, then the model's prediction beside what really happened;
the table gives the error of each predicted frame (squared error summed over the 64x64 pixels)
beside two baselines that know nothing: copy the last input frame, and predict a black frame.
The model predicts how likely each pixel is to be on, so where the future is uncertain (digits
crossing, bouncing off a wall) it blurs, and the blur grows with every frame.
""")
def predict_tab(tab):
    with gr.Row():
        with gr.Column(scale=1):
            model = tab.model_dropdown()
            with gr.Tabs():
                with gr.Tab("Test sequence"):
                    index = gr.Number(0, label=f"Moving MNIST test sequence (0 to {LAST_INDEX:,})", precision=0)
                    go_index = gr.Button("Predict", variant="primary", elem_id="predict-button")
                with gr.Tab("New clip from a seed"):
                    seed = seed_input()
                    go_seed = gr.Button("Predict new clip", variant="primary", elem_id="predict-seed-button")
        with gr.Column(scale=2):
            gif = GifOutput("Input frames 1-10, then prediction | truth for frames 11-20", height=260,
                            elem_classes=["pixelated"], elem_id="predict-gif", buttons=["download", "fullscreen"])
            table = gr.Dataframe(headers=TABLE_HEADERS, datatype=["str", "number", "number", "number"],
                                 label="MSE per frame (squared error summed over 64x64 pixels in [0, 1])",
                                 interactive=False, elem_id="predict-table")
    still = output_image("Still frames. Row 1: input frames 1-10; row 2: true frames 11-20; row 3: predicted "
                         "frames 11-20", "predict-strip", 240)

    def run_index(model_id, index):
        i = check_int(index, "Test sequence", 0, LAST_INDEX)
        return predict_outputs(tab.model(model_id), test_clip(i))

    def run_seed(model_id, seed):
        s = check_int(seed, "Seed", 0, MAX_SEED)
        return predict_outputs(tab.model(model_id), seeded_clip(s))

    go_index.click(run_index, [model, index], [gif, still, table], api_name="predict_future")
    go_seed.click(run_seed, [model, seed], [gif, still, table], api_name="predict_future_seed")
