"""The "Translate" and "Super-resolve" tabs: image-to-image models.

Translate serves the `Translator` capability (`translate(x, direction, seed)`): a pix2pix model
learns one direction from paired examples (an edge map -> the digit it came from), a CycleGAN
both directions of two unpaired domains. The source is a held-out test pair of the model's
dataset (by index) or an upload / drawing; the row shows the source, one translation per seed
(dropout is pix2pix's only noise) and, for a test pair, the true target.

Super-resolve serves the `Upscaler` capability (`upscale(low)`): the image is brought to the
model's output size, shrunk by its factor the way its training inputs were made (area
averaging), and upscaled back by bicubic interpolation and by the model, beside the original.
"""

import functools

import gradio as gr
import numpy as np

from demos.registry import demo
from demos.widgets import DrawingInput, ImageInput, check_int, is_image_model, output_image, picture, seed_input
from demos.widgets import to_model_input
from zoo import capabilities as cap
from zoo import data as zdata
from zoo import registry
from zoo.data import superres
from zoo.eval.superres import bicubic

MAX_TRANSLATIONS = 8
MAX_INDEX = 9_999  # the held-out pairs of every paired set: 10,000


def directions(model_id):
    """The directions a translation model learned: its family's DIRECTIONS (e.g. ("a2b",))."""
    return list(registry.get_spec(model_id).family_class.DIRECTIONS)


def check_direction(value, model_id):
    names = directions(model_id)
    if value not in names:
        raise gr.Error(f"Direction must be one of {', '.join(names)} for {model_id}; got {value!r}.")
    return value


def test_pair(model_id, index):
    """(source, target) of the model's held-out test pair `index` (each (H, W, C))."""
    spec = registry.get_spec(model_id)
    source, target = zdata.arrays(spec.dataset, "test", num_examples=index + 1)
    return source[index], target[index]


def translations(model, source, direction, n, seed, target=None):
    """One row: the source, n translations (seeds seed .. seed + n - 1), then the target if known."""
    outs = [model.translate(source[None], direction=direction, seed=seed + k) for k in range(n)]
    row = [source[None], *outs] + ([target[None]] if target is not None else [])
    return picture(np.concatenate(row), ncols=len(row))


@demo("Translate", serves=cap.Translator, accepts=is_image_model, about="""
Turn an image of one kind into another. **pix2pix** learned from pairs (an edge map and the
digit or garment it came from) to draw the target of a source; its generator's dropout is its
only noise, so each seed gives another drawing of the same edges. The row shows the source, the
translations (one per seed) and, for a test pair, the true target. Draw your own edge map (light
strokes on black) or upload one. **CycleGAN** learned both directions between two domains from
unpaired images (a2b: printed digit to handwritten, b2a: back); it has no noise (every seed gives
the same translation) and a test image has no true target.
""")
def translate_tab(tab):
    with gr.Row():
        with gr.Column(scale=1):
            model = tab.model_dropdown()
            names = directions(tab.models[0])
            # Plain fields checked by the handlers, so a bad value's message names the field.
            direction = gr.Dropdown(names, value=names[0], label="Direction (a2b: source to target)",
                                    allow_custom_value=True)
            n = gr.Number(4, label=f"Translations, one per seed (1 to {MAX_TRANSLATIONS})", precision=0)
            seed = seed_input()
        with gr.Column(scale=2):
            with gr.Tabs():
                with gr.Tab("Test pair"):
                    index = gr.Number(0, label=f"Held-out pair (0 to {MAX_INDEX:,})", precision=0)
                    go_index = gr.Button("Translate", variant="primary", elem_id="translate-button")
                with gr.Tab("Upload"):
                    image = ImageInput("Source", height=200)
                    go_image = gr.Button("Translate upload", variant="primary")
                with gr.Tab("Draw"):
                    drawing = DrawingInput("Source")
                    go_drawing = gr.Button("Translate drawing", variant="primary")
    out = output_image("Source, translations, target", "translate-output", 240)

    def follow(model_id):
        names = directions(model_id) if model_id in tab.models else []
        return gr.update(choices=names, value=names[0] if names else None)

    model.change(follow, model, direction, api_visibility="private", queue=False)

    def checked(model_id, direction, n, seed):
        n, seed = check_int(n, "Translations", 1, MAX_TRANSLATIONS), check_int(seed, "Seed", 0, 2**31 - 1)
        m = tab.model(model_id)
        return m, check_direction(direction, model_id), n, seed

    def run_index(model_id, direction, index, n, seed):
        i = check_int(index, "Held-out pair", 0, MAX_INDEX)
        m, direction, n, seed = checked(model_id, direction, n, seed)
        source, target = test_pair(model_id, i)
        if direction == "b2a":
            source, target = target, source
        if registry.get_spec(model_id).dataset in zdata.fonts.UNPAIRED:  # two domains' images: no true target
            target = None
        return translations(m, source, direction, n, seed, target)

    def run_image(model_id, direction, image, n, seed):
        m, direction, n, seed = checked(model_id, direction, n, seed)
        return translations(m, to_model_input(image, m.image_shape, "source"), direction, n, seed)

    go_index.click(run_index, [model, direction, index, n, seed], out, api_name="translate")
    go_image.click(run_image, [model, direction, image, n, seed], out, api_name="translate_image")
    go_drawing.click(run_image, [model, direction, drawing, n, seed], out, api_name="translate_drawing")


@functools.lru_cache(maxsize=4)
def held_out_images(model_id):
    """The full-resolution held-out images of an upscaler's dataset (N, H, W, C)."""
    return zdata.arrays(registry.get_spec(model_id).dataset, "test")[1]


def index_label(model_id):
    """The test-image field's label, with the model's range: 0 to 9,999 for digits, 0 to 475 for photos."""
    return f"Held-out image (0 to {len(held_out_images(model_id)) - 1:,})"


def super_resolve(model, high):
    """One row: the low-resolution input (nearest-neighbour enlarged to show its pixels), bicubic,
    the model's upscale, the original; each (H, W, C)."""
    low = superres.downsample(high[None], model.scale)
    shown = np.repeat(np.repeat(low, model.scale, axis=1), model.scale, axis=2)
    size = high.shape[:2]
    return picture(np.concatenate([shown, bicubic(low, size), model.upscale(low), high[None]]),
                   ncols=4)


@demo("Super-resolve", serves=cap.Upscaler, accepts=is_image_model, about="""
Make a small image larger. The image is shrunk by the model's factor (4: a digit becomes 7x7
pixels), then brought back to full size by **bicubic** interpolation and by the **model**. SRGAN
is trained with a discriminator, so it invents sharp, plausible detail; SRResNet, the same network
trained on the pixel error alone, is smoother. The row shows what the model sees (each pixel
enlarged), bicubic, the model and the original.
""")
def super_resolve_tab(tab):
    with gr.Row():
        with gr.Column(scale=1):
            model = tab.model_dropdown()
        with gr.Column(scale=2):
            with gr.Tabs():
                with gr.Tab("Test image"):
                    index = gr.Number(0, label=index_label(tab.models[0]), precision=0)
                    go_index = gr.Button("Super-resolve", variant="primary", elem_id="superres-button")
                with gr.Tab("Upload"):
                    image = ImageInput("Image", height=200)
                    go_image = gr.Button("Super-resolve upload", variant="primary")
    out = output_image("Input, bicubic, model, original", "superres-output", 240)

    def follow(model_id):
        return gr.update(label=index_label(model_id)) if model_id in tab.models else gr.update()

    model.change(follow, model, index, api_visibility="private", queue=False)

    def run_index(model_id, index):
        m = tab.model(model_id)
        high = held_out_images(model_id)
        i = check_int(index, "Held-out image", 0, len(high) - 1)
        return super_resolve(m, high[i])

    def run_image(model_id, image):
        m = tab.model(model_id)
        return super_resolve(m, to_model_input(image, m.data_shape, "image"))

    go_index.click(run_index, [model, index], out, api_name="super_resolve")
    go_image.click(run_image, [model, image], out, api_name="super_resolve_image")
