"""Catalog ids of the GAN family: constructor kwargs, dataset, recipe, card text, paper."""

from zoo import recipes as R
from zoo.registry import Card, ModelSpec, register_presets

_GAN = "Goodfellow et al. 2014, Generative Adversarial Nets, arXiv:1406.2661"
_DCGAN = ("Radford, Metz, Chintala 2016, Unsupervised Representation Learning with Deep Convolutional GANs, "
          "arXiv:1511.06434")
_WGAN = "Arjovsky, Chintala, Bottou 2017, Wasserstein GAN, arXiv:1701.07875"
_WGAN_GP = "Gulrajani et al. 2017, Improved Training of Wasserstein GANs, arXiv:1704.00028"
_MBD = "Salimans et al. 2016, Improved Techniques for Training GANs, arXiv:1606.03498"
_UNROLLED = ("Metz, Poole, Pfau, Sohl-Dickstein 2017, Unrolled Generative Adversarial Networks, "
             "arXiv:1611.02163")
_PAC = ("Lin, Khetan, Fanti, Oh 2018, PacGAN: The Power of Two Samples in Generative Adversarial Networks, "
        "arXiv:1712.04086")
_MNIST = "cc-by-sa-3.0"  # weights trained on MNIST follow its license

CARD = Card(
    intended="Teaching and research on generative models: sampling, latent interpolation, fine-tuning with "
             "`model.fit`, and as a baseline for the GAN variants of the zoo. Not for producing data that is "
             "passed off as real, nor for any decision about people.",
    limitations=["- Trained on one dataset at low resolution; samples are not photorealistic and carry the "
                 "biases of the data.",
                 "- GAN samples can miss modes of the data (mode collapse); the evaluation table, not the "
                 "sample grid, says how well the data is covered."],
    tags=["gan", "generative-adversarial-network", "unconditional-image-generation"],
    task="unconditional-image-generation",
)

# The 2D mixtures are teaching data: their ids replace the family's intended use and limitations.
_TOY_USE = ("Teaching and research on mode collapse: compare this model's samples, training curves and mode "
            "counts with the other variants trained on the same data with the same network and recipe "
            "(`benchmarks/modes.md`), and fine-tune it with `model.fit`.")
_TOY_LIMITS = ("- A 2D toy problem: the numbers say how this recipe behaves on this mixture, not how the "
               "method ranks on real data.",
               "- One training run (seed 0) per variant: GAN training is noisy, and another seed can cover "
               "more or fewer modes; the std in the table is over sampling seeds, not training seeds.",
               "- High quality means within 3 standard deviations of a mode, a strict bar on these narrow "
               "modes (an exact sample of the mixture scores 98.9%).")
_STACKED_USE = ("Teaching and research on mode collapse at scale: Stacked MNIST has 1,000 modes (one per triple "
                "of digits), so how many of them the samples hit, and how evenly, is a direct measure of "
                "collapse. Compare `dcgan-stacked-mnist` with `mbd-dcgan-stacked-mnist` (the same DCGAN with "
                "minibatch discrimination), `pacdcgan-stacked-mnist` (PacGAN's packed D) and the published "
                "numbers in `benchmarks/modes.md`; watch the modes-over-training curve. Not for producing data "
                "that is passed off as real, nor for any decision about people.")
_STACKED_LIMITS = (
    "- A short recipe on 2 CPU cores (3 epochs for the plain DCGAN; 20 at batch 64, G averaged, with minibatch "
    "discrimination or the packed D): the samples are rough stacked digits, and a collapsed run stays collapsed; the mode count is "
    "the result, not the sample grid.",
    "- Modes are counted with `mnist-classifier` on each channel: a blurry channel still gets a label, so a "
    "hit mode is not a clean sample of it.",
    "- At the cures' recipe the plain DCGAN covers all 1,000 modes too (KL 0.105, 63.7% confident channels; "
    "`benchmarks/stacked_plain.md`): the collapse of `dcgan-stacked-mnist` comes with its short recipe, and at "
    "this recipe minibatch discrimination adds sharper channels (75.9% confident), packing no coverage.")

_FASHION_LIMITS = (
    "- FID, precision / recall and the confident share are measured with `fashion-classifier` (pinned in "
    "`zoo/eval/features.py`), so they compare only with other Fashion-MNIST numbers; the "
    "card gives the real test images' confident share beside the samples'.",
    "- Shirts, T-shirts, pullovers and coats look alike at 28x28; the classifier confuses them on real images "
    "too, which lowers every model's confident share on those classes.",
    "- Trained on CPU with a short recipe: samples are not photorealistic and carry the biases of the data.")
_ADAM = R.gan(R.adam(2e-4), R.adam(2e-4))  # DCGAN paper: Adam 2e-4, beta_1 = 0.5
_DIGITS = dict(architecture="dcgan", latent_dim=64, g_filters=64, d_filters=64)
_FID = ("fid", "min")

# The recipe of the two cures of collapse on Stacked MNIST (packing, minibatch discrimination). Version 1 of
# pacdcgan-stacked-mnist (15 epochs at batch 128, 7,030 updates, no averaging, 41 min planned) reached 778 modes,
# KL 1.73: D won outright for its first ~2,000 updates and the modes probed during training levelled off near
# 430 from update 4,000 on. Version 2 takes dcgan-mnist's measured recipe (benchmarks/gan_recipe.md, one epoch
# of MNIST each: batch 64 beats batch 128 at equal images, FID 714 vs 893, recall 0.19 vs 0.12, in no more
# time, and averaging G's weights raises recall to 0.26): batch 64 with G averaged (beta 0.999, the last ~1
# epoch), 20 epochs (18,740 updates). Version 1 took 2,905 CPU s for 15 epochs, so 20 are planned at about
# 2,905 x 20 / 15 x 1.1 (batch 64's smaller steps) = 71 min of the 90-min budget.
_STACKED_CURES = R.Recipe(epochs=20, batch_size=64, compile=_ADAM, probe_every=200)

SPECS = [
    ModelSpec(id="dcgan-mnist", family="GAN",
              config=dict(architecture="dcgan", data_shape=[28, 28, 1], latent_dim=64, g_filters=80,
                          d_filters=56, loss="non-saturating", n_critic=1, g_ema=0.999, d_blocks=3,
                          d_batch_norm=True),
              dataset="mnist", summary="DCGAN on MNIST digits (28x28, non-saturating loss)", paper=_DCGAN,
              license=_MNIST, primary_metric=_FID,
              # benchmarks/gan_recipe.md (one epoch each): batch 64 beats batch 128 at equal images (FID 714 vs
              # 893, precision 0.81 vs 0.65, recall 0.19 vs 0.12) in no more time, and averaging G's weights
              # adds recall (0.26). benchmarks/gan_recipe_d.md (one epoch each, that recipe as the base): G with
              # 80 filters raises the confident share 48.0 -> 52.7% and lowers FID 728 -> 684 at the same cost,
              # where D-side changes (dropout, spectral norm, two time scales) do not help and a 128-filter D
              # doubles the time. Version 2 (12 epochs) ended at 73% confident, still improving: 24 epochs at
              # batch 64, 22,488 updates, planned at 52 min (130 s an epoch measured beside another
              # single-threaded training) of the 60-min budget; version 3's run took 3,292 s wall beside another
              # training, 3,034 s of CPU: FID 152.9, precision 0.68, 77.8% confident. benchmarks/
              # gan_recipe_dshape.md (three epochs each, version 3 as the base): Radford et al.'s D (batch norm
              # after every conv but the first) and a third strided block (7x7 -> 4x4, 256 channels) raise the
              # confident share 54.6 -> 68.2%, FID 564 -> 319, recall 0.36 -> 0.75 at precision 0.85 -> 0.84;
              # batch norm alone 62.4% at the same cost, the third block alone 57.1% at 1.4x. Both together take
              # 1.4x version 3's step (181 s an epoch beside another single-threaded training), so version 4
              # trains 18 epochs at batch 64 (16,866 updates), planned at 54 min of the 60-min budget. That run
              # with D at 64 filters (runs/dcgan-mnist-v4: 3,518 s wall beside another training, 3,386 s of CPU)
              # reached FID 55.3, precision 0.74, recall 0.86, 84.9% confident, but its weight file (G, averaged
              # G, D) was 8,650,568 bytes, over the 8 MiB budget, so it was not shipped. Version 4 is that recipe
              # with D at 56 filters (56 -> 112 -> 224 channels; 8,033,592 bytes): 2,966 s wall (its first epoch
              # alone on two threads, 105 s; then beside other jobs), FID 56.9, precision 0.74, recall 0.86,
              # 84.8% confident, every class 8.0-11.9%.
              recipe=R.Recipe(epochs=18, batch_size=64, compile=_ADAM)),
    # Fashion-MNIST, the zoo's second image domain: the MNIST ids' networks and recipes, so the two domains
    # compare at equal cost (targets: confident share >= 0.85 x real images', precision / recall >=
    # 0.75, every class 5-15%, with fashion-classifier).
    ModelSpec(id="dcgan-fashion", family="GAN",
              config=dict(architecture="dcgan", data_shape=[28, 28, 1], latent_dim=64, g_filters=80,
                          d_filters=56, loss="non-saturating", n_critic=1, g_ema=0.999, d_blocks=3,
                          d_batch_norm=True),
              dataset="fashion_mnist", summary="DCGAN on Fashion-MNIST clothes (28x28, non-saturating loss, "
                                               "averaged G); dcgan-mnist's network and recipe",
              paper=_DCGAN, license="mit", primary_metric=_FID, limitations=_FASHION_LIMITS,
              # Version 2 follows dcgan-mnist's version 4 (Radford et al.'s D with a third block at 56 filters, 18
              # epochs; benchmarks/gan_recipe_dshape.md): FID 41.9, precision 0.75, recall 0.75, 69.7% confident
              # (real test items 85.9%; target 73.0%), every class 8.5-11.7%; 3,337 s wall beside another
              # single-threaded run, 2,943 CPU s. Version 1 (dcgan-mnist version 3's network and recipe, 24
              # epochs, 51 CPU min): FID 115.5, precision 0.71, recall 0.64, 59.2% confident.
              recipe=R.Recipe(epochs=18, batch_size=64, compile=_ADAM)),
    ModelSpec(id="wgan-gp-fashion", family="GAN",
              config=dict(data_shape=[28, 28, 1], **dict(_DIGITS, g_filters=80), loss="wasserstein", n_critic=5,
                          gp_weight=10.0, g_ema=0.999),
              dataset="fashion_mnist", summary="WGAN-GP (lambda 10, 5 critic steps) on Fashion-MNIST; "
                                               "wgan-gp-mnist's network and recipe",
              paper=_WGAN_GP, license="mit", primary_metric=_FID, limitations=_FASHION_LIMITS,
              recipe=R.Recipe(epochs=90, batch_size=64,
                              compile=R.gan(R.adam(1e-4, 0.5, 0.9), R.adam(1e-4, 0.5, 0.9)))),
    ModelSpec(id="dcgan-celeba", family="GAN",
              config=dict(architecture="dcgan", data_shape=[64, 64, 3], latent_dim=100, g_filters=64,
                          d_filters=64, loss="non-saturating", n_critic=1),
              dataset="celeb_a", summary="DCGAN on CelebA faces (64x64); recipe only, train with "
                                         "tensorflow-datasets",
              paper=_DCGAN, license="other",  # CelebA is for non-commercial research only
              recipe=R.Recipe(epochs=5, batch_size=128, compile=_ADAM), primary_metric=_FID),
    ModelSpec(id="wgan-mnist", family="GAN",
              config=dict(data_shape=[28, 28, 1], **dict(_DIGITS, g_filters=80), loss="wasserstein", n_critic=5,
                          clip_value=0.01, g_ema=0.999),
              dataset="mnist", summary="WGAN with weight clipping (tau 0.01, 5 critic steps) on MNIST",
              paper=_WGAN, license=_MNIST, primary_metric=_FID,
              # WGAN paper: RMSProp 5e-5, tau 0.01, 5 critic steps, batch 64 per update (kept: the algorithm is
              # the point of this id). benchmarks/gan_recipe_wgan.md (version 1's 10 epochs, 1,875 G updates,
              # each): G at 80 filters with its weights averaged against version 1's network: confident 31.7%
              # vs 28.6%, recall 0.085 vs 0.033, FID 857 vs 868, for 7% more time (537 s vs 503 s beside another
              # training). Clipping learns slowly, so version 2 mostly trains longer: 130 epochs (24,375 G
              # updates; the paper ran 100,000+) at 54-75 s an epoch is 117-162 min of the 180-min budget;
              # beta 0.999 averages over the last ~5 epochs. Version 1 (10 epochs): FID 922.7, 35.7% confident.
              recipe=R.Recipe(epochs=130, batch_size=64, compile=R.gan(R.rmsprop(5e-5), R.rmsprop(5e-5)))),
    ModelSpec(id="wgan-gp-mnist", family="GAN",
              config=dict(data_shape=[28, 28, 1], **dict(_DIGITS, g_filters=80), loss="wasserstein", n_critic=5,
                          gp_weight=10.0, g_ema=0.999),
              dataset="mnist", summary="WGAN-GP (lambda 10, 5 critic steps, no batch norm in the critic) on MNIST",
              paper=_WGAN_GP, license=_MNIST, primary_metric=_FID,
              # WGAN-GP paper: Adam 1e-4, beta = (0.5, 0.9), 5 critic steps, batch 64. benchmarks/
              # gan_recipe_wgan_gp.md (version 1's 10 epochs, 1,875 G updates, each): G at 80 filters with its
              # weights averaged (beta 0.995) against version 1's network: confident 59.3% vs 56.2%, FID 409 vs
              # 438, recall 0.70 vs 0.65, precision level (0.75), 869 s vs 805 s beside another training. Both
              # are far from the targets after 10 epochs, so version 2 mostly trains longer: 90 epochs (16,860
              # G updates; the paper ran 200,000) at 87 s an epoch is 130 min of the 180-min budget; beta
              # 0.999 averages over the last ~4 epochs. Version 1 (10 epochs): FID 486.3, 58.0% confident.
              # Version 2 (90 epochs, 132 CPU min): FID 140.5, precision 0.70, recall 0.86, 78.8% confident.
              # Not adopted: a critic with a third strided block and layer norm at 56 filters (benchmarks/
              # gan_recipe_wgan_gp_shape.md, ten epochs each: FID 305 vs 409, recall 0.82 vs 0.70, 63.5% vs 59.3%
              # confident) costs 1.7x the step. Its full run was planned at 54 epochs from 192 s an epoch on one
              # thread, measured in a first part of the run; a later machine took 368 s an epoch on two threads
              # alone, so the 54 epochs (about 5.5 h there) outlast a working session and its run folder, and the
              # recipe stays the shipped version 2's until a run of it completes.
              recipe=R.Recipe(epochs=90, batch_size=64,
                              compile=R.gan(R.adam(1e-4, 0.5, 0.9), R.adam(1e-4, 0.5, 0.9)))),
    ModelSpec(id="lsgan-mnist", family="GAN",
              config=dict(architecture="dcgan", data_shape=[28, 28, 1], latent_dim=64, g_filters=80,
                          d_filters=56, d_blocks=3, d_batch_norm=True, loss="least-squares", n_critic=1,
                          g_ema=0.999),
              dataset="mnist", summary="LSGAN (least-squares loss, a-b-c = 0-1-1) on MNIST",
              paper="Mao et al. 2017, Least Squares Generative Adversarial Networks, arXiv:1611.04076",
              license=_MNIST, primary_metric=_FID,
              # LSGAN paper: Adam 2e-4, beta_1 0.5. Version 3 takes dcgan-mnist's version-4 network and recipe
              # (D with three strided blocks and batch norm at 56 filters, G at 80, averaged G, 18 epochs at batch
              # 64; see its comment), so the two losses compare at equal network and cost. The same run with a
              # 64-filter D reached FID 73.5, precision 0.75, 84.2% confident, but its weight file was over the
              # 8 MiB budget (not shipped). Version 2 (version-3 DCGAN network, 24 epochs): FID 153.6, precision
              # 0.68, 78.3% confident; version 1 (64 filters, 10 epochs at batch 128, no averaging): FID 325.1.
              recipe=R.Recipe(epochs=18, batch_size=64, compile=_ADAM)),
    ModelSpec(id="dcgan-stacked-mnist", family="GAN",
              config=dict(data_shape=[28, 28, 3], **_DIGITS, loss="non-saturating"),
              dataset="stacked_mnist", summary="DCGAN on Stacked MNIST (3 digits as RGB channels, 1,000 modes)",
              paper=_DCGAN, license=_MNIST, primary_metric=("modes_hit", "max"),
              intended=_STACKED_USE, limitations=_STACKED_LIMITS,
              recipe=R.Recipe(epochs=3, batch_size=128, compile=_ADAM, probe_every=100)),
    ModelSpec(id="mbd-dcgan-stacked-mnist", family="GAN",
              config=dict(data_shape=[28, 28, 3], **_DIGITS, loss="non-saturating", g_ema=0.999,
                          # T: 6,272 x 128; with G's average the weight file is 8,338,488 bytes of the 8 MiB
                          minibatch_kernels=32, minibatch_dim=4),
              dataset="stacked_mnist",
              summary="The Stacked MNIST DCGAN with minibatch discrimination in D (1,000 modes)",
              paper=_MBD, license=_MNIST, primary_metric=("modes_hit", "max"),
              intended=_STACKED_USE, limitations=_STACKED_LIMITS,
              # Trains with pacdcgan-stacked-mnist's recipe (_STACKED_CURES), so minibatch discrimination and
              # packing compare at equal network, D updates and averaging (the packed one also takes two G
              # updates a step). Version 2 (15 epochs at batch 128, 7,030 updates, no averaging): 994 modes,
              # KL 0.386; version 1 (3 epochs): 61 modes.
              recipe=_STACKED_CURES),
    # PacGAN2: D scores packs of 2 samples (6 channels); batch 64 = 32 packs a critic update. Two G updates per
    # D update, as in the PacGAN authors' Stacked MNIST code (github.com/fjxmlzn/PacGAN, from carpedm20's DCGAN:
    # "run g_optim twice to make sure that d_loss does not go to zero"). Measured: with one G update (the
    # cures' recipe alone) D won for the first ~2,000 updates and the modes probed on 2,600 samples peaked at
    # 511 (update 4,400) and fell to 441 by update 5,600 (run stopped there); version 1 (batch 128, one G
    # update) levelled off near 430. With two, 489 at D update 2,000, 609 at 8,000, 859 at 17,800; version 2:
    # 1,000 modes, KL 0.158 (26,000 samples). The second G update cost no measurable time: epochs took 132-162
    # s against 123-169 s with one, beside the same other training.
    ModelSpec(id="pacdcgan-stacked-mnist", family="GAN",
              config=dict(data_shape=[28, 28, 3], **_DIGITS, loss="non-saturating", g_ema=0.999, pack=2,
                          g_steps=2),
              dataset="stacked_mnist",
              summary="The Stacked MNIST DCGAN with PacGAN's packing: D scores pairs of samples (1,000 modes)",
              paper=_PAC, license=_MNIST, primary_metric=("modes_hit", "max"),
              paper_numbers={"modes_hit": "1,000 +- 0 modes, KL 0.06 +- 0.01 (PacDCGAN2: Lin et al. 2018, "
                                          "Table 3; the DCGAN without packing 99 modes, KL 3.40: Srivastava et al. "
                                          "2017, Table 2): 26,000 samples, each channel labelled by a pretrained "
                                          "MNIST classifier, their DCGAN and training schedule"},
              intended=_STACKED_USE, limitations=_STACKED_LIMITS, recipe=_STACKED_CURES),
]

# --- Metz et al.'s own 2D experiment (their section 3.1, figure 1 and appendix A; the optimizer settings
# of the authors' reference notebook, github.com/poolio/unrolled_gan): the ring at their scale (radius 2,
# std 0.02), G = 2 x Dense(128, ReLU) from a 256-d code, D = x / 4 -> Dense(128, ReLU) -> logit, kernels
# orthogonal with gain 0.8, the minimax game, Adam beta_1 0.5, epsilon 1e-8, D 1e-4, G 1e-3, batch 512,
# 25,000 updates (128 epochs of 195 batches of the 100,000 training points), 10 unrolled steps (figure 1).
# The plain GAN runs the same setting without unrolling. `python benchmarks/unrolled_paper.py --write`
# trains both with seeds 0, 1 and 2 (`benchmarks/unrolled_paper.md`); the ids are the seed-0 runs.
_METZ_NET = dict(architecture="mlp-metz", data_shape=[2], latent_dim=256, units=128, depth=2, loss="minimax")
_METZ_RECIPE = R.Recipe(epochs=128, batch_size=512, probe_every=500, compile=R.gan(
    R.optimizer("Adam", 1e-4, beta_1=0.5, beta_2=0.999, epsilon=1e-8),
    R.optimizer("Adam", 1e-3, beta_1=0.5, beta_2=0.999, epsilon=1e-8)))
_METZ_USE = ("Teaching and research on mode collapse: Metz et al.'s 2D experiment in their own setting. Compare "
             "`unrolled-gan-ring8-paper` with `gan-ring8-paper` (the same networks and recipe without unrolling) "
             "and with the shared-recipe variants on `ring8` (`benchmarks/modes.md`), and fine-tune with "
             "`model.fit`.")
_METZ_PAPER = ("Figure 1 (no count is published): with 10 unrolled steps the generator spreads over all 8 modes "
               "within 25,000 updates; the plain GAN visits the modes one at a time and never covers them")
for _id, _steps, _what in (("unrolled-gan-ring8-paper", 10, "Unrolled GAN (10 unrolled steps)"),
                           ("gan-ring8-paper", 0, "GAN (no unrolling)")):
    SPECS.append(ModelSpec(
        id=_id, family="GAN", config=dict(_METZ_NET, unrolled_steps=_steps), dataset="ring8_r2",
        summary=f"{_what} in Metz et al.'s own 2D setting: their networks, minimax game and Adam settings, on "
                "their ring (radius 2)", paper=_UNROLLED, recipe=_METZ_RECIPE, primary_metric=("modes_covered_mean", "max"),
        paper_numbers={"modes_covered_mean": _METZ_PAPER}, intended=_METZ_USE, limitations=_TOY_LIMITS))

# --- the variants of the mode-collapse comparison on the 2D mixtures: every variant of a dataset
# gets the same MLP, number of generator updates, batch size and learning-rate schedule; only the
# method differs. 100,000 training points, batch 256 per update: 390 generator updates per epoch with
# K = 1, 78 with K = 5 (WGAN-GP), so WGAN-GP runs 5x the epochs for the same number of updates.
# The budgets come from `benchmarks/mixture_steps.py`: HQ % keeps rising with the length of the
# schedule. 15,210 updates left every ring8 variant at <= 95% HQ and every grid25 variant at <= 72%;
# a 60,000-update schedule took gan-ring8 to 96.6 / 98.3 / 98.5% HQ after 20k / 40k / 60k updates
# (gan-grid25: 71.2 / 88.9 / 90.5% after 20k / 40k / 50k), and a 50,000-update schedule took
# wgan-gp-grid25 to 94.9% after 40k. grid25, the harder dataset, gets the longer budget.
VARIANTS = {
    # id prefix: (config overrides, summary, paper)
    "gan": (dict(loss="minimax"), "GAN with the minimax loss log(1 - D(G(z)))", _GAN),
    "gan-ns": (dict(loss="non-saturating"), "GAN with the non-saturating loss -log D(G(z))", _GAN),
    "unrolled-gan": (dict(loss="non-saturating", unrolled_steps=5, unroll_lr=None),
                     "Unrolled GAN: G looks 5 steps of D's own Adam ahead (non-saturating loss)", _UNROLLED),
    "mbd-gan": (dict(loss="non-saturating", minibatch_kernels=8, minibatch_dim=4),
                "GAN with minibatch discrimination in D (non-saturating loss)", _MBD),
    "wgan-gp": (dict(loss="wasserstein", n_critic=5, gp_weight=0.1),
                "WGAN-GP: Wasserstein critic with gradient penalty, 5 critic steps", _WGAN_GP),
    "wgan-gp1": (dict(loss="wasserstein", n_critic=5, gp_weight=0.1, gp_one_sided=True),
                 "WGAN-GP with the one-sided penalty max(0, ||grad f|| - 1)^2 (only gradients steeper than 1 "
                 "are penalised), 5 critic steps", _WGAN_GP),
}
MIXTURE_NET = {"ring8": dict(latent_dim=16, units=128, depth=3), "grid25": dict(latent_dim=16, units=128, depth=3)}
MIXTURE_EPOCHS = {"ring8": 103, "grid25": 154}
MIXTURE_G_STEPS = {d: e * (100_000 // 256) for d, e in MIXTURE_EPOCHS.items()}  # 40,170 and 60,060


def _mixture_recipe(prefix, data):
    epochs, steps = MIXTURE_EPOCHS[data], MIXTURE_G_STEPS[data]
    if prefix.startswith("wgan-gp"):  # K = 5: five times the epochs for the same generator updates
        return R.Recipe(epochs=5 * epochs, batch_size=256, probe_every=390,
                        compile=R.gan(R.adam_cosine(5e-4, 5 * steps, 0.5, 0.9), R.adam_cosine(5e-4, steps, 0.5, 0.9)))
    return R.Recipe(epochs=epochs, batch_size=256, probe_every=390,
                    compile=R.gan(R.adam_cosine(5e-4, steps), R.adam_cosine(5e-4, steps)))


for _data, _net in MIXTURE_NET.items():
    for _prefix, (_over, _summary, _paper) in VARIANTS.items():
        SPECS.append(ModelSpec(
            id=f"{_prefix}-{_data}", family="GAN", config=dict(architecture="mlp", data_shape=[2], **_net, **_over),
            dataset=_data, summary=f"{_summary}, on the 2D mixture {_data}", paper=_paper,
            recipe=_mixture_recipe(_prefix, _data), primary_metric=("hq_percent_mean", "max"),
            intended=_TOY_USE, limitations=_TOY_LIMITS))

TINY = {
    "tiny": dict(architecture="dcgan", data_shape=[8, 8, 1], latent_dim=8, g_filters=4, d_filters=4),
    "tiny-mlp": dict(architecture="mlp", data_shape=[2], latent_dim=2, units=8, depth=2),
    "tiny-wgan-gp": dict(architecture="dcgan", data_shape=[8, 8, 1], latent_dim=8, g_filters=4, d_filters=4,
                         loss="wasserstein", n_critic=2, gp_weight=10.0),
    "tiny-wgan-gp1": dict(architecture="mlp", data_shape=[2], latent_dim=2, units=8, depth=2, loss="wasserstein",
                          n_critic=2, gp_weight=1.0, gp_one_sided=True),
    "tiny-pack": dict(architecture="dcgan", data_shape=[8, 8, 3], latent_dim=8, g_filters=4, d_filters=4, pack=2),
    "tiny-sn-dropout": dict(architecture="dcgan", data_shape=[8, 8, 1], latent_dim=8, g_filters=4, d_filters=4,
                            d_dropout=0.2, d_spectral_norm=True),
    "tiny-ema": dict(architecture="dcgan", data_shape=[8, 8, 1], latent_dim=8, g_filters=4, d_filters=4, g_ema=0.9),
    "tiny-metz": dict(architecture="mlp-metz", data_shape=[2], latent_dim=4, units=8, depth=1, loss="minimax",
                      unrolled_steps=2),
    "tiny-unrolled-mbd": dict(architecture="mlp", data_shape=[2], latent_dim=2, units=8, depth=2,
                              unrolled_steps=2, minibatch_kernels=4, minibatch_dim=2),
}

register_presets("zoo.models.gan.GAN", SPECS, CARD, TINY)
