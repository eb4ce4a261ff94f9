"""The "Conditional" tab: ask a class-conditional generator for a class, or decode the same codes
as every class.

Models with the `Conditional` capability (`generate(n, seed, labels=...)`). The class names are
those of the model's dataset (`zoo.eval.conditional.CLASS_NAMES`, e.g. MNIST's digits or
Fashion-MNIST's garments), else the class ids 0 to K-1. "Same codes, every class" decodes the
first codes of a seed once per class (`generate(n, seed, labels=c)` draws the same codes for
every c): one row per class, one column per code, so a column keeps its style and changes class.
"""

import inspect

import gradio as gr
import numpy as np

from demos.registry import demo
from demos.widgets import MAX_SAMPLES, MAX_SEED, check_int, output_image, picture, seed_input, user_error
from zoo import capabilities as cap
from zoo import registry
from zoo.eval.conditional import CLASS_NAMES

MAX_CODES = 16  # columns of the every-class grid (rows: one per class)


def num_classes(spec):
    """K of a catalog model: its config's num_classes, else its family's default."""
    k = spec.config.get("num_classes")
    if k is None:
        k = inspect.signature(spec.family_class).parameters["num_classes"].default
    return int(k)


def class_names(model_id):
    """The names of a catalog model's K classes: its dataset's when they are known and K matches,
    else "0" to "K-1"."""
    spec = registry.get_spec(model_id)
    k = num_classes(spec)
    names = CLASS_NAMES.get(spec.dataset)
    return list(names) if names and len(names) == k else [str(c) for c in range(k)]


def check_class(value, model_id, names):
    """The class id of `value` (a class name, or an id 0 to K-1), else a `gr.Error` naming the field."""
    rule = f"Class must be one of the classes of {model_id}: {', '.join(names)}"
    text = str(value).strip() if value is not None else ""
    if not text:
        raise user_error(f"{rule}; the field is empty.")
    if text in names:
        return names.index(text)
    if text.isdigit() and int(text) < len(names):  # an id is accepted too ("1" for "Trouser")
        return int(text)
    raise user_error(f"{rule}; got {value!r}.")


def class_grid(model, n, seed):
    """(K * n, ...) samples: row c is generate(n, seed, labels=c), the seed's first n codes
    decoded as class c."""
    return np.concatenate([model.generate(n, seed=seed, labels=c) for c in range(model.num_classes)])


@demo("Conditional", serves=cap.Conditional, about="""
Ask for a **class**. A conditional GAN gives the class label to both networks: the generator makes
an image of that class from a random code, and the discriminator judges the (image, class) pair. A
**matching-aware** discriminator also counts real images shown with a wrong class as fake, so the
generator is rewarded only for images that match their label. **Same codes, every class** decodes a
seed's codes once per class: each column keeps its code (the style: slant, stroke width), each row
is one class.
""")
def conditional_tab(tab):
    names = class_names(tab.models[0])
    with gr.Row():
        with gr.Column(scale=1):
            model = tab.model_dropdown()
            # Custom values allowed: the choices follow the model, and check_class names the field
            # for a value the model does not know (Gradio's own check would use the first model's).
            klass = gr.Dropdown(names, value=names[0], label="Class", allow_custom_value=True,
                                elem_id="conditional-class")
            n = gr.Number(16, label=f"Number of samples (1 to {MAX_SAMPLES})", precision=0)
            seed = seed_input()
            go = gr.Button("Generate this class", variant="primary", elem_id="conditional-button")
        with gr.Column(scale=2):
            out = output_image("Samples of the class", "conditional-output")
    gr.Markdown("### Same codes, every class")
    with gr.Row():
        with gr.Column(scale=1):
            codes = gr.Number(8, label=f"Codes of the seed above (columns, 1 to {MAX_CODES})", precision=0)
            go_classes = gr.Button("Same codes, every class", variant="primary", elem_id="conditional-classes-button")
        with gr.Column(scale=2):
            grid = output_image("One row per class, one column per code of the seed", "conditional-classes-output")

    def follow(model_id):
        choices = class_names(model_id) if model_id in tab.models else []
        return gr.update(choices=choices, value=choices[0] if choices else None)

    model.change(follow, model, klass, api_visibility="private", queue=False)

    def run(model_id, label, n, seed):
        n = check_int(n, "Number of samples", 1, MAX_SAMPLES)
        seed = check_int(seed, "Seed", 0, MAX_SEED)
        g = tab.model(model_id)
        c = check_class(label, model_id, class_names(model_id))
        return picture(g.generate(n, seed=seed, labels=c))

    def run_classes(model_id, n, seed):
        n = check_int(n, "Codes", 1, MAX_CODES)
        seed = check_int(seed, "Seed", 0, MAX_SEED)
        return picture(class_grid(tab.model(model_id), n, seed), ncols=n)

    go.click(run, [model, klass, n, seed], out, api_name="conditional")
    go_classes.click(run_classes, [model, codes, seed], grid, api_name="conditional_classes")
