"""The demo's tabs: one small function per task, registered with `@demo`.

A tab declares the capability it serves (`zoo.capabilities`); the app fills its model
dropdown from `zoo.list_models(task=<capability name>, pretrained=True)` and calls the
function inside the tab. Importing `demos` imports this module, which fills
`demos.registry.DEMOS`; the app reads that registry and never imports this module.
A new family adds its tab the same way, e.g. super-resolution:

    @demo("Super-resolution", serves=cap.Upscaler, accepts=is_image_model)
    def super_resolution_tab(tab):
        model = tab.model_dropdown()
        image, out = ImageInput("Low-resolution image"), output_image("Upscaled")
        run = lambda m, x: picture(tab.model(m).upscale(...))
        gr.Button("Upscale").click(run, [model, image], out, api_name="super_resolution")

Handlers validate their inputs with `check_int` / `to_model_input`, which raise `gr.Error`
messages that the UI shows; every endpoint has an explicit `api_name` for gradio_client.
"""

import gradio as gr
import numpy as np

from demos.registry import DEMOS, demo  # noqa: F401  (DEMOS: the tabs registered here)
from demos.widgets import (
    MAX_SAMPLES,
    MAX_SEED,
    DrawingInput,
    decodes_codes_alone,
    ImageInput,
    add_noise,
    check_int,
    codes_of_seeds,
    encode,
    is_image_model,
    output_image,
    picture,
    reconstruct,
    seed_input,
    to_model_input,
    user_error,
)
from zoo import capabilities as cap
from zoo import data as zdata
from zoo import registry

MAX_STEPS = 16  # interpolation frames in one row


# ----------------------------------------------------------------------------- tabs
@demo("Generate", serves=cap.Generator, about="""
Sample new data from a model. **Same seed, same images**: a model, seed and number of
samples always give the same grid, and the first *k* images of a seed do not depend on
how many you ask for.
""")
def generate_tab(tab):
    with gr.Row():
        with gr.Column(scale=1):
            model = tab.model_dropdown()
            n = gr.Number(16, label=f"Number of samples (1 to {MAX_SAMPLES})", precision=0)
            seed = seed_input()
            go = gr.Button("Generate", variant="primary", elem_id="generate-button")
        with gr.Column(scale=2):
            out = output_image("Samples", elem_id="generate-output")

    def run(model_id, n, seed):
        n = check_int(n, "Number of samples", 1, MAX_SAMPLES)
        seed = check_int(seed, "Seed", 0, MAX_SEED)
        return picture(tab.model(model_id).generate(n, seed=seed))

    go.click(run, [model, n, seed], out, api_name="generate")


@demo("Interpolate", serves=cap.Interpolator, accepts=decodes_codes_alone, about="""
Walk the straight line between two codes and decode each point. A seed's code is that of
the first image the Generate tab shows for it; an uploaded image's code comes from the
model's encoder, or for a GAN from projection (the code whose image is nearest yours,
found by gradient descent). **Code arithmetic** decodes code A − code B + code C.
""")
def interpolate_tab(tab):
    model = tab.model_dropdown()
    steps = gr.Slider(2, MAX_STEPS, value=8, step=1, label="Steps along the path")
    with gr.Tabs():
        with gr.Tab("Between two seeds"):
            with gr.Row():
                seed_a, seed_b = seed_input("Seed A", 0), seed_input("Seed B", 1)
            go_seeds = gr.Button("Interpolate", variant="primary")
        with gr.Tab("Between two images"):
            with gr.Row():
                image_a, image_b = ImageInput("Image A", height=200), ImageInput("Image B", height=200)
            go_images = gr.Button("Interpolate images", variant="primary")
    path = output_image("Path from A to B (with images: your A, the path, your B)", "interpolate-output", 240)
    gr.Markdown("### Code arithmetic: A − B + C")
    with gr.Row():
        seed_c = [seed_input(f"Seed {k}", v) for k, v in (("A", 2), ("B", 3), ("C", 4))]
    go_arith = gr.Button("Compute A − B + C", variant="primary")
    arith = output_image("A, B, C and the image of A − B + C", "arithmetic-output", 260)

    def run_seeds(model_id, a, b, steps):
        a, b = check_int(a, "Seed A", 0, MAX_SEED), check_int(b, "Seed B", 0, MAX_SEED)
        steps = check_int(steps, "Steps", 2, MAX_STEPS)
        g = tab.model(model_id)
        return picture(g.decode(_line(codes_of_seeds(g, [a, b]), steps)), ncols=steps)

    def run_images(model_id, a, b, steps):
        steps = check_int(steps, "Steps", 2, MAX_STEPS)
        g = tab.model(model_id)
        x = np.stack([to_model_input(a, g.data_shape, "image A"), to_model_input(b, g.data_shape, "image B")])
        frames = g.decode(_line(encode(g, x), steps))
        return picture(np.concatenate([x[:1], frames, x[1:]]), ncols=steps + 2)

    def run_arithmetic(model_id, a, b, c):
        seeds = [check_int(s, f"Seed {k}", 0, MAX_SEED) for k, s in zip("ABC", (a, b, c))]
        g = tab.model(model_id)
        z = codes_of_seeds(g, seeds)
        return picture(g.decode(np.concatenate([z, z[:1] - z[1:2] + z[2:]])), ncols=4)

    go_seeds.click(run_seeds, [model, seed_a, seed_b, steps], path, api_name="interpolate")
    go_images.click(run_images, [model, image_a, image_b, steps], path, api_name="interpolate_images")
    go_arith.click(run_arithmetic, [model, *seed_c], arith, api_name="arithmetic")


def _line(codes, steps):
    """`steps` codes evenly spaced from codes[0] to codes[1] (both included)."""
    t = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
    return (1 - t) * codes[0] + t * codes[1]


@demo("Reconstruct", serves=(cap.Encoder, cap.Projector), accepts=is_image_model, about="""
Upload or draw an image; it is converted to the model's input (for digits: grey 28x28,
light strokes on black, centred like MNIST) and reconstructed: by the autoencoder, or for a
GAN by projecting it onto the images the generator can make. Denoising models get a noise
slider: the input is corrupted first, and the model should remove the noise.
""")
def reconstruct_tab(tab):
    def can_denoise(model_id):
        return bool(model_id) and cap.has(registry.get_spec(model_id), cap.Denoiser)

    model = tab.model_dropdown()
    noise = gr.Slider(0, 1, value=0, step=0.05, label="Noise level (standard deviation)",
                      visible=can_denoise(tab.models[0]))
    model.change(lambda m: gr.update(visible=can_denoise(m)), model, noise, api_visibility="private", queue=False)
    with gr.Row():
        with gr.Column():
            with gr.Tabs():
                with gr.Tab("Upload"):
                    image = ImageInput("Image", height=280)
                    go_upload = gr.Button("Reconstruct", variant="primary")
                with gr.Tab("Draw"):
                    drawing = DrawingInput("Draw a digit (pick the brush on the left first)")
                    go_draw = gr.Button("Reconstruct drawing", variant="primary")
        with gr.Column():
            out = output_image("Model input, noisy input (if any), reconstruction", "reconstruct-output", 300)
            score = gr.Markdown()

    def run(model_id, picture_in, level, what):
        level = float(level or 0)
        if not 0 <= level <= 1:
            raise user_error(f"Noise level must be from 0 to 1, got {level}.")
        g = tab.model(model_id)
        x = to_model_input(picture_in, g.data_shape, what)[None]
        noisy = add_noise(x, level)
        y = reconstruct(g, noisy)
        shown = [x, noisy, y] if level > 0 else [x, y]
        mse = float(np.mean((y - x) ** 2))
        return picture(np.concatenate(shown), ncols=len(shown)), f"Mean squared error to the input: {mse:.4f}"

    def run_upload(model_id, image, noise_level):
        return run(model_id, image, noise_level, "image")

    def run_drawing(model_id, drawing, noise_level):
        return run(model_id, drawing, noise_level, "drawing")

    go_upload.click(run_upload, [model, image, noise], [out, score], api_name="reconstruct")
    go_draw.click(run_drawing, [model, drawing, noise], [out, score], api_name="reconstruct_drawing")


MAX_RECOMMEND = 50  # movies in one list


@demo("Recommend", serves=cap.Recommender, about="""
Pick a user of the ratings the model was trained on: the movies they rated highest, beside
the movies the model predicts they would rate highest among those they have not rated
(predicted stars, 0.5 to 5).
""")
def recommend_tab(tab):
    with gr.Row():
        with gr.Column(scale=1):
            model = tab.model_dropdown()
            user = gr.Number(1, label="User id (MovieLens: 1 to 671)", precision=0)
            n = gr.Slider(1, MAX_RECOMMEND, value=10, step=1, label="Number of movies")
            go = gr.Button("Recommend", variant="primary", elem_id="recommend-button")
        with gr.Column(scale=2):
            with gr.Row():
                rated = gr.Dataframe(headers=["Their top-rated movies", "stars"], label="Rated by the user",
                                     interactive=False, elem_id="rated-output", wrap=True,
                                     column_widths=["78%", "22%"])
                recs = gr.Dataframe(headers=["Recommended movies", "predicted stars"], label="Recommended",
                                    interactive=False, elem_id="recommend-output", wrap=True,
                                    column_widths=["78%", "22%"])

    def run(model_id, user_id, n):
        user_id = check_int(user_id, "User id", 0, MAX_SEED)
        n = check_int(n, "Number of movies", 1, MAX_RECOMMEND)
        r = tab.model(model_id)
        try:
            out = r.recommend(user_id, n=n)
        except ValueError as e:  # an unknown user id: the model's message names the ids it knows
            raise user_error(str(e)) from None
        return _their_ratings(registry.get_spec(model_id), user_id, n), [[t, round(s, 2)] for t, s in out]

    go.click(run, [model, user, n], [rated, recs], api_name="recommend")


def _their_ratings(spec, user_id, n):
    """The user's n best-rated movies [[title, stars]] in the model's rating set ([] for other data)."""
    if spec.dataset not in zdata.RATINGS:
        return []
    ids, stars = zdata.movielens.user_ratings(user_id)
    titles = zdata.movielens.titles()
    return [[titles[int(m)], float(s)] for m, s in zip(ids[:n], stars[:n])]


MAX_NEIGHBOURS = 30  # words in one list or map


@demo("Words", serves=cap.Embedding, about="""
Word vectors learned from text (word2vec): the words whose vectors are nearest a word's (cosine
similarity), drawn on a 2-D map (the first two principal components of their vectors), and
analogies by vector arithmetic: *a* is to *b* as *c* is to the word nearest b − a + c
(man : king :: woman : ?). Words are lower-case; a word the model never saw is refused.
""")
def words_tab(tab):
    model = tab.model_dropdown()
    with gr.Row():
        with gr.Column():
            word = gr.Textbox("king", label="Word")
            n = gr.Number(10, label=f"Neighbours (1 to {MAX_NEIGHBOURS})", precision=0)
            go = gr.Button("Nearest words", variant="primary", elem_id="nearest-button")
            near = gr.Dataframe(headers=["word", "cosine"], label="Nearest words", elem_id="nearest-output")
        neighbourhood = gr.Image(label="The word and its neighbours (2-D PCA)", type="numpy")
    with gr.Row():
        a, b, c = (gr.Textbox(v, label=k) for k, v in (("a", "man"), ("b", "king"), ("c", "woman")))
    go_analogy = gr.Button("a is to b as c is to ...", variant="primary", elem_id="analogy-button")
    answers = gr.Dataframe(headers=["word", "cosine"], label="Answers (nearest to b − a + c)",
                           elem_id="analogy-output")

    def run_near(model_id, w, k):
        k = check_int(k, "Neighbours", 1, MAX_NEIGHBOURS)
        m, w = tab.model(model_id), _word(w, "Word")
        rows = _lookup(m.most_similar, w, topn=k)
        return [[x, round(s, 4)] for x, s in rows], _word_map(m, [w, *(x for x, _ in rows)])

    def run_analogy(model_id, a, b, c):
        words = [_word(v, k) for k, v in zip("abc", (a, b, c))]
        return [[x, round(s, 4)] for x, s in _lookup(tab.model(model_id).analogy, *words, topn=5)]

    go.click(run_near, [model, word, n], [near, neighbourhood], api_name="nearest_words")
    go_analogy.click(run_analogy, [model, a, b, c], answers, api_name="analogy")


def _word(value, what):
    word = str(value or "").strip().lower()
    if not word or len(word.split()) != 1:
        raise user_error(f"{what}: type one word.")
    return word


def _lookup(method, *words, **kwargs):
    try:
        return method(*words, **kwargs)
    except KeyError as e:  # zoo.models.word2vec.UnknownWordError names the word
        raise user_error(str(e)) from None


def _word_map(model, words):
    """An RGB image of `words` at the first two principal components of their vectors."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    x = np.stack([model.vector(w) for w in words])
    x = x - x.mean(axis=0)
    xy = x @ np.linalg.svd(x, full_matrices=False)[2][:2].T
    fig = Figure(figsize=(5, 4), dpi=100)
    ax = fig.subplots()
    ax.scatter(xy[1:, 0], xy[1:, 1], s=12)
    ax.scatter(xy[:1, 0], xy[:1, 1], s=40, c="C3")
    for (px, py), w in zip(xy, words):
        ax.annotate(w, (px, py), fontsize=8, xytext=(3, 3), textcoords="offset points")
    ax.set_xticks([])
    ax.set_yticks([])
    fig.tight_layout()
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()
