"""The "Text to image" tab: type a description, get samples that fit it.

Models with the `TextConditional` capability (`generate(n, seed, text=...)`), e.g. text2digit:
a caption names a digit and how it is written (thickness, slant, width); the model reads only the
words of its vocabulary, listed in the tab, and a caption with another word gets a message that
names it.
"""

import inspect

import gradio as gr

from demos.registry import demo
from demos.widgets import MAX_SAMPLES, MAX_SEED, check_int, output_image, picture, seed_input, user_error
from zoo import capabilities as cap
from zoo import registry

MAX_CHARS = 200
EXAMPLE = "a thick seven leaning right"


def vocabulary(model_id):
    """The words a catalog model reads: its config's vocabulary, else its family's default."""
    spec = registry.get_spec(model_id)
    words = spec.config.get("vocabulary") or inspect.signature(spec.family_class).parameters["vocabulary"].default
    return "Words the model reads: " + ", ".join(sorted(words))


def check_text(text):
    """The caption, stripped, else a `gr.Error` naming the field."""
    text = (text or "").strip() if isinstance(text, str) or text is None else None
    if not text:
        raise user_error("Description must be a few words, e.g. " + repr(EXAMPLE) + "; the field is empty.")
    if len(text) > MAX_CHARS:
        raise user_error(f"Description must be at most {MAX_CHARS} characters; got {len(text)}.")
    return text


@demo("Text to image", serves=cap.TextConditional, about=f"""
Describe a digit and the model draws it: say which digit and, if you like, how it is written —
**thin / regular / thick** strokes, **leaning left / upright / leaning right**, **narrow /
wide**, e.g. *{EXAMPLE}*. The model was trained on captions measured from MNIST digits, with a
discriminator that also sees real digits paired with the wrong caption, so it must follow the
words and not only draw a plausible digit. Each seed gives other digits for the same words.
""")
def text_to_image_tab(tab):
    with gr.Row():
        with gr.Column(scale=1):
            model = tab.model_dropdown()
            text = gr.Textbox(EXAMPLE, label="Description", max_lines=1, elem_id="text2image-text")
            n = gr.Number(16, label=f"Number of samples (1 to {MAX_SAMPLES})", precision=0)
            seed = seed_input()
            go = gr.Button("Draw", variant="primary", elem_id="text2image-button")
            words = gr.Markdown(vocabulary(tab.models[0]))
        with gr.Column(scale=2):
            out = output_image("Samples of the description", "text2image-output")

    def run(model_id, text, n, seed):
        text = check_text(text)
        n, seed = check_int(n, "Number of samples", 1, MAX_SAMPLES), check_int(seed, "Seed", 0, MAX_SEED)
        try:
            images = tab.model(model_id).generate(n, seed=seed, text=text)
        except ValueError as e:  # unknown words: the model's message names them
            raise user_error(f"Description: {e}") from None
        return picture(images)

    model.change(vocabulary, model, words, api_visibility="private", queue=False)
    go.click(run, [model, text, n, seed], out, api_name="text_to_image")
