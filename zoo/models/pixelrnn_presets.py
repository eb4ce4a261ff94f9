"""Catalog ids of PixelRNN (Row LSTM)."""

from zoo import recipes as R
from zoo.registry import Card, ModelSpec, register_presets

CARD = Card(
    intended="Teaching and research on autoregressive generative models and self-supervised \"fill in the "
             "blanks\" learning: a recurrent PixelRNN beside the convolutional PixelCNN on the same exact "
             "likelihood (and the VAE's bound) on the same binarized test images, sampling pixel by pixel, and "
             "completing partly hidden digits (`inpaint`); fine-tuning with `model.fit`. Not for producing data "
             "that is passed off as real, nor for any decision about people.",
    limitations=["- The Row LSTM's receptive field is a triangle above each pixel: it widens by kernel_size // 2 "
                 "columns per row up, so pixels of the rows just above and far to the right are never seen (a "
                 "blind spot that the paper's Diagonal BiLSTM and the Gated PixelCNN do not have).",
                 "- Its rows are computed one after another (a recurrence down the image), in training as in "
                 "likelihoods: slower than the PixelCNN, whose rows are computed in parallel. Sampling is "
                 "sequential too, one pixel after another (784 steps per image).",
                 "- Trained on binarized MNIST only, at 28x28: it models black-and-white pixels, so grey images "
                 "must be binarized first (log_likelihood and inpaint refuse grey values).",
                 "- A causal model: `inpaint` conditions each unknown pixel on the pixels above and to its left "
                 "only; known pixels below or to the right of it are not used.",
                 "- Small by the paper's standards (sized for a few CPU hours): the test NLL is measured on one "
                 "fixed stochastic binarization of the test split (the one of vae-mnist and pixelcnn-mnist); the "
                 "paper's MNIST numbers are on the static binarization of Larochelle & Murray 2011, so compare "
                 "with them with care."],
    tags=["pixelrnn", "row-lstm", "autoregressive", "unconditional-image-generation", "inpainting"],
    task="unconditional-image-generation")

_PAPER = ("van den Oord, Kalchbrenner, Kavukcuoglu 2016, Pixel Recurrent Neural Networks, arXiv:1601.06759 "
          "(section 3.1, Row LSTM)")

# Sizing: runs of 40-200 steps on MNIST, one thread (TF_NUM_INTRAOP_THREADS=1), Adam 1e-3, on a 2-core
# machine shared with two trainings (pixelcnn-mnist, convnet-moving-mnist) and test jobs (load average
# 5-8); ms/step wall clock (CPU time of the process in brackets), first_kernel 7, kernel 3:
#   hidden 16, 2 Row LSTMs, batch 32:  277-1030 (155-236)
#   hidden 16, 3 Row LSTMs, batch 32:  485, 736 over 200 steps (260)
#   hidden 32, 2 Row LSTMs, batch 32:  991 (409)
#   hidden 32, 3 Row LSTMs, batch 32: 1243 (569)
#   hidden 32, 2 Row LSTMs, batch 64: 1793 (702)
# (the rows as ops.scan: 235 ms CPU a step for hidden 16 / 2 layers, against 275-327 unrolled.) As for
# pixelcnn-mnist, updates count more than width on this CPU: hidden 16 (a 32-channel residual stream)
# with 3 Row LSTMs at batch 32 is 1,875 steps an epoch, about 23 minutes at the 200-step rate, so
# 6 epochs (about 2.3 hours) fit the 3-hour budget with room for the evaluation (generate(10,000) for
# the sample metrics: about 25 minutes at the same load, 73 s per 512 digits; the test NLL: under a minute).
_EPOCHS, _BATCH = 6, 32
_CONFIG = dict(input_shape=[28, 28, 1], hidden=16, num_layers=3, kernel_size=3, first_kernel=7, head_units=64)
RECIPE = R.Recipe(epochs=_EPOCHS, batch_size=_BATCH, compile={"optimizer": R.adam_cosine(
    1e-3, _EPOCHS * (60_000 // _BATCH), beta_1=0.9, alpha=0.05)})

SPECS = [ModelSpec(
    id="pixelrnn-mnist", family="PixelRNN", config=dict(_CONFIG, binarize=True), dataset="mnist",
    summary="PixelRNN (Row LSTM) on dynamically binarized MNIST: exact likelihood, pixel-by-pixel sampling, "
            "inpainting",
    paper=_PAPER, license="cc-by-sa-3.0", recipe=RECIPE, primary_metric=("test_nll", "min"),
    paper_numbers={"test_nll": "80.54 nats, Row LSTM, van den Oord et al. 2016 (Pixel Recurrent Neural Networks, "
                               "table 4), binarized MNIST; the same table's best PixelRNN is the Diagonal BiLSTM "
                               "(7 layers, h = 16) at 79.20 nats"})]

TINY = {
    "tiny": dict(input_shape=[8, 8, 1], hidden=4, num_layers=2, kernel_size=3, first_kernel=3, head_units=8),
    "tiny-k5": dict(input_shape=[6, 7, 1], hidden=4, num_layers=1, kernel_size=5, first_kernel=5, head_units=4),
}

register_presets("zoo.models.pixelrnn.PixelRNN", SPECS, CARD, TINY)
