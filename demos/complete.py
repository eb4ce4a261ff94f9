"""The "Complete" tab: hide part of a digit and let an Inpainter model fill it in.

Models with the `Inpainter` capability: PixelCNN samples the hidden pixels one by one from
p(pixel | the pixels above and to its left), so each seed gives another completion; a GAN or
VAE finds the code whose image best matches the visible pixels (projection under a mask) and
fills the hole from it. The source is an MNIST test digit (by index) or an upload.
"""

import gradio as gr
import numpy as np

from demos.registry import demo
from demos.widgets import ImageInput, check_int, is_image_model, output_image, picture, seed_input, to_model_input
from zoo import capabilities as cap
from zoo import data as zdata

MAX_COMPLETIONS = 8
# region name -> (rows, cols) slices of the hidden part of an (H, W) image, as fractions
REGIONS = {
    "lower half": ((0.5, 1.0), (0.0, 1.0)),
    "upper half": ((0.0, 0.5), (0.0, 1.0)),
    "left half": ((0.0, 1.0), (0.0, 0.5)),
    "right half": ((0.0, 1.0), (0.5, 1.0)),
    "centre square": ((0.25, 0.75), (0.25, 0.75)),
}


def region_mask(region, shape):
    """float32 mask of one example's shape (H, W, C): 0 on the hidden `region`, 1 elsewhere."""
    if region not in REGIONS:
        raise gr.Error(f"Hidden part must be one of {', '.join(REGIONS)}; got {region!r}.")
    (r0, r1), (c0, c1) = REGIONS[region]
    h, w = shape[:2]
    mask = np.ones(shape, np.float32)
    mask[round(r0 * h): round(r1 * h), round(c0 * w): round(c1 * w)] = 0
    return mask


def binary_input(model, x, seed):
    """A binary model (PixelCNN) conditions on 0 / 1 pixels: grey inputs are binarized with the
    seed (each pixel is 1 with its grey level as probability), as in training."""
    if not model.binary_data:
        return x
    return (np.random.default_rng(seed).random(x.shape) < x).astype(np.float32)


def completions(model, x, region, n, seed):
    """(grid rows) the source, the source with its hidden part grey, then n completions; each
    completion is `inpaint` with seed + k."""
    mask = region_mask(region, model.data_shape)
    x = binary_input(model, x[None], seed)
    shown = np.where(mask > 0.5, x, 0.5)
    filled = [model.inpaint(x, mask, seed=seed + k) for k in range(n)]
    return picture(np.concatenate([x, shown, *filled]), ncols=n + 2)


@demo("Complete", serves=cap.Inpainter, accepts=is_image_model, about="""
Hide part of a digit and let the model **fill in the blanks**. PixelCNN draws the hidden
pixels one by one, each given the pixels above and to its left (a causal model cannot look
at pixels below or to the right of the one it draws: hide the *upper* half and it never sees
the rest of the digit); every seed gives another completion. A GAN or VAE looks for the
code whose image best matches the visible pixels and fills the hole from that image.
The row shows the digit, what the model sees (hidden part grey) and the completions.
""")
def complete_tab(tab):
    with gr.Row():
        with gr.Column(scale=1):
            model = tab.model_dropdown()
            region = gr.Radio(list(REGIONS), value="lower half", label="Hidden part")
            n = gr.Slider(1, MAX_COMPLETIONS, value=4, step=1, label="Completions")
            seed = seed_input()
        with gr.Column(scale=2):
            with gr.Tabs():
                with gr.Tab("MNIST test digit"):
                    index = gr.Number(0, label="Test digit (0 to 9,999)", precision=0)
                    go_index = gr.Button("Complete", variant="primary", elem_id="complete-button")
                with gr.Tab("Upload"):
                    image = ImageInput("Digit", height=200)
                    go_image = gr.Button("Complete upload", variant="primary")
    out = output_image("Digit, what the model sees, completions", "complete-output", 240)

    def run_index(model_id, index, region, n, seed):
        i = check_int(index, "Test digit", 0, 9_999)
        n, seed = check_int(n, "Completions", 1, MAX_COMPLETIONS), check_int(seed, "Seed", 0, 2**31 - 1)
        m = tab.model(model_id)
        x, _ = zdata.arrays("mnist", "test", num_examples=i + 1)
        return completions(m, x[i], region, n, seed)

    def run_image(model_id, image, region, n, seed):
        n, seed = check_int(n, "Completions", 1, MAX_COMPLETIONS), check_int(seed, "Seed", 0, 2**31 - 1)
        m = tab.model(model_id)
        return completions(m, to_model_input(image, m.data_shape, "digit"), region, n, seed)

    go_index.click(run_index, [model, index, region, n, seed], out, api_name="complete")
    go_image.click(run_image, [model, image, region, n, seed], out, api_name="complete_image")
