"""Catalog ids of the super-resolution GAN family (SRGAN / SRResNet): constructor kwargs, dataset,
recipe, card text, paper."""

from zoo import recipes as R
from zoo.registry import Card, ModelSpec, register_presets

_PAPER = ("Ledig et al. 2017, Photo-Realistic Single Image Super-Resolution Using a Generative Adversarial Network, "
          "arXiv:1609.04802; sub-pixel upsampling: Shi et al. 2016, arXiv:1609.05158")

CARD = Card(
    intended="Teaching and research on single-image super-resolution: upscaling small images by 4 "
             "(`upscale(x)`), comparing a GAN trained on the perceptual loss (SRGAN) with the same generator "
             "trained on the pixel MSE alone (SRResNet) and with bicubic interpolation, and fine-tuning with "
             "`model.fit` on (low, high) pairs. Not for recovering detail that matters (documents, faces, "
             "medical or forensic images): the added detail is invented, however plausible it looks.",
    limitations=["- The inputs are made by area (box) downsampling (`zoo.data.superres`); the paper downsamples "
                 "with a bicubic kernel. Images degraded otherwise (blur, noise, JPEG) are outside the training "
                 "distribution and upscale worse.",
                 "- Trained from scratch on CPU with a short recipe (the paper trains 10^6 steps and starts SRGAN "
                 "from a trained SRResNet) and a generator 8x smaller than the paper's (32 filters, 8 residual "
                 "blocks instead of 64 and 16).",
                 "- The GAN adds plausible detail, not the true one: its PSNR / SSIM are expected to be lower "
                 "than SRResNet's, as in the paper; its perceptual scores are the point.",
                 "- One training run (seed 0)."],
    tags=["gan", "srgan", "super-resolution", "image-to-image"],
    task="image-to-image",
)

# The generator of every id: 32 filters, 8 residual blocks (the paper's: 64, 16); D 32 filters, Dense 256.
_G = dict(scale=4, filters=32, num_blocks=8, d_filters=32, d_units=256)
_DIGITS = dict(_G, data_shape=[28, 28, 1])
_PHOTO_G = dict(_G, data_shape=[32, 32, 3], image_skip=True, batch_norm=False)
# feature_weight 0.006 ~ (1/12.75)^2, the paper's rescaling of the VGG features, applied to the MSE of
# mnist-classifier's 128-d features: on bicubic upscales of MNIST test digits that MSE is 8.5 and the pixel MSE
# 0.035, so the feature term (0.051) weighs about as much as the pixel term, which is what the paper's factor is for.
_FEATURES = dict(feature_weight=0.006, feature_dataset="mnist")
_ADAM = R.gan(R.adam(1e-4, beta_1=0.9), R.adam(1e-4, beta_1=0.9))  # the paper's Adam(1e-4, beta_1 = 0.9)
# Step times, measured on 30 steps of batch 16 after 2 warm-up steps with one CPU thread, on a 2-core machine
# busy with two other trainings (CPU time, wall time in brackets): srgan-mnist 295 ms (690), srgan-fashion
# 211 ms (311, no feature network), srresnet-mnist 109 ms (347, no D), srgan-photos 281 ms (688).
# MNIST / Fashion-MNIST: 60,000 pairs, batch 16 (the paper's) -> 3,750 steps an epoch; 2 epochs = 7,500 steps
# = 37 min of CPU for srgan-mnist (26 for srgan-fashion, 14 for srresnet-mnist, trained as long as srgan-mnist
# so the two differ only in the loss). Photos: 5,681 train patches -> 355 steps an epoch; 20 epochs = 7,100
# steps = 33 min of CPU.
_DIGIT_RECIPE = R.Recipe(epochs=2, batch_size=16, compile=_ADAM)
_PHOTO_RECIPE = R.Recipe(epochs=20, batch_size=16, compile=_ADAM)
_PAPER_NUMBERS = {
    "psnr": "x4 on natural photos, PSNR (dB) on the Y channel with a 4-pixel border removed (Ledig et al. table "
            "2): Set14 SRResNet 28.49, SRGAN 26.02, bicubic 25.99; BSD100 SRResNet 27.58, SRGAN 25.16, bicubic "
            "25.94",
    "ssim": "x4 on natural photos, same protocol (Ledig et al. table 2): Set14 SRResNet 0.8184, SRGAN 0.7397, "
            "bicubic 0.7486; BSD100 SRResNet 0.7620, SRGAN 0.6688, bicubic 0.6935",
}
_NO_FEATURES = ("- The content loss is the pixel MSE alone (the paper's SRGAN-MSE): no feature network enters the "
                "training, so the classifier accuracy and FID of the evaluation (fashion-classifier's, pinned in "
                "`zoo/eval/features.py`) judge it with a network it never saw.",
                "- Trained from scratch on CPU with a short recipe and a generator 8x smaller than the paper's.",
                "- The GAN adds plausible detail, not the true one; one training run (seed 0).")
_PHOTO_LIMITS = ("- Trained on 5,681 overlapping 32x32 patches of six photos (scikit-image's astronaut, chelsea, "
                 "rocket, stereo_motorcycle, immunohistochemistry; scikit-learn's china.jpg) and tested on two "
                 "others (coffee, flower.jpg): far too little data for a general photo upscaler.",
                 "- No feature network of natural images is pinned: the content loss is the pixel MSE alone "
                 "(SRGAN-MSE) and the evaluation reports PSNR / SSIM beside bicubic, without FID.",
                 "- The generator departs from the paper's: it adds its output to the bicubic upscale of the input "
                 "(VDSR's image skip) and its trunk has no batch normalization (EDSR's), because the paper's "
                 "generator shifted the colours of the held-out patches (benchmarks/srgan_photos.md).",
                 "- The photos keep their own licences (scikit-learn's two are CC BY 2.0 from Flickr); trained "
                 "from scratch on CPU with a short recipe, one run (seed 0).")

_MNIST_LIMITS = (*CARD.limitations,
                 "- The feature term of the content loss uses mnist-classifier, the network that also scores "
                 "the classifier accuracy and FID of the evaluation: a generator trained to match its features is "
                 "judged by it, so those two numbers favour srgan-mnist over srresnet-mnist and bicubic. PSNR and "
                 "SSIM do not depend on that network.")

SPECS = [
    ModelSpec(id="srgan-mnist", family="SRGAN", config=dict(_DIGITS, adversarial=True, **_FEATURES),
              dataset="mnist_sr",
              summary="SRGAN x4 on MNIST (7x7 -> 28x28): pixel + mnist-classifier feature loss + 1e-3 adversarial",
              paper=_PAPER, license="cc-by-sa-3.0", recipe=_DIGIT_RECIPE, primary_metric=("fid", "min"),
              paper_numbers=_PAPER_NUMBERS, limitations=_MNIST_LIMITS),
    ModelSpec(id="srresnet-mnist", family="SRGAN", config=dict(_DIGITS, adversarial=False), dataset="mnist_sr",
              summary="SRResNet x4 on MNIST (7x7 -> 28x28): srgan-mnist's generator on the pixel MSE alone",
              paper=_PAPER, license="cc-by-sa-3.0", recipe=_DIGIT_RECIPE, primary_metric=("psnr", "max"),
              paper_numbers=_PAPER_NUMBERS),
    ModelSpec(id="srgan-fashion", family="SRGAN", config=dict(_DIGITS, adversarial=True), dataset="fashion_mnist_sr",
              summary="SRGAN x4 on Fashion-MNIST (7x7 -> 28x28): pixel MSE + 1e-3 adversarial",
              paper=_PAPER, license="mit", recipe=_DIGIT_RECIPE, primary_metric=("psnr", "max"),
              paper_numbers=_PAPER_NUMBERS, limitations=_NO_FEATURES),
    # Photos: benchmarks/srgan_photos.md (2 epochs each, the recipe's optimizer): the paper's generator (BN trunk,
    # sigmoid image) shifts the colours of the held-out patches by 35 levels (sum over R, G, B) at 23.3 dB; adding
    # its output to the bicubic upscale (image_skip) cuts that to 5.1 levels at 28.6 dB, and dropping BN from the
    # trunk as EDSR does to 1.7 levels at 33.1 dB, so the photo ids take both. The same generator without D
    # (srresnet-photos) stays at bicubic's 39.4 dB: on these smooth patches bicubic is hard to beat in PSNR, and
    # the adversarial term (1e-3, the paper's) outweighs a pixel MSE of ~1e-4 there.
    ModelSpec(id="srgan-photos", family="SRGAN", config=dict(_PHOTO_G, adversarial=True),
              dataset="photo_patches_sr",
              summary="SRGAN x4 on RGB photo patches (8x8 -> 32x32): pixel MSE + 1e-3 adversarial; residual on "
                      "bicubic, no BN",
              paper=_PAPER, license="other", recipe=_PHOTO_RECIPE, primary_metric=("psnr", "max"),
              paper_numbers=_PAPER_NUMBERS, limitations=_PHOTO_LIMITS),
    ModelSpec(id="srresnet-photos", family="SRGAN", config=dict(_PHOTO_G, adversarial=False),
              dataset="photo_patches_sr",
              summary="SRResNet x4 on RGB photo patches (8x8 -> 32x32): srgan-photos' generator on the pixel MSE "
                      "alone",
              paper=_PAPER, license="other", recipe=_PHOTO_RECIPE, primary_metric=("psnr", "max"),
              paper_numbers=_PAPER_NUMBERS, limitations=_PHOTO_LIMITS),
]

_TINY = dict(data_shape=[16, 16, 1], scale=2, filters=4, num_blocks=1, d_filters=4, d_units=8)
TINY = {
    "tiny": _TINY,  # 8x8 -> 16x16
    "tiny-srresnet-rgb-x4": dict(_TINY, data_shape=[16, 16, 3], scale=4, adversarial=False),  # 4x4 -> 16x16
}

register_presets("zoo.models.srgan.SRGAN", SPECS, CARD, TINY)
