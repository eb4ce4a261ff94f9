"""Super-resolution metrics of an upscaler on held-out images, beside bicubic upsampling.

Chosen by the `Upscaler` capability for the super-resolution sets of `zoo.data.superres`:

- The first n pairs (low, high) of the dataset's test split (MNIST / Fashion-MNIST test images,
  or the patches of the held-out photos), the model's `upscale(low)` beside the bicubic baseline
  `tf.image.resize(low, (H, W), method="bicubic")` clipped to [0, 1].
- PSNR (dB, `tf.image.psnr`, max 1) and SSIM (`tf.image.ssim`, max 1, 11x11 Gaussian window,
  sigma 1.5, k1 = 0.01, k2 = 0.03) of each image against its original, averaged over the images;
  as in Ledig et al., on the luma Y of RGB images (ITU-R BT.601, as MATLAB's rgb2ycbcr: Y = (16 +
  65.481 R + 128.553 G + 24.966 B) / 255) and with `scale` pixels cut from every border; grey
  images are used as they are.
- Perceptual measures where the source image set has a pinned feature classifier
  (`zoo.eval.features`, MNIST): the classifier's accuracy on the upscaled images (their true
  labels), beside bicubic and the original images, and the FID of the upscaled images against
  the originals, beside bicubic's.

>>> from zoo.eval import superres
>>> superres.superres_metrics(zoo.load("srgan-mnist"), registry.get_spec("srgan-mnist"))["eval"]["psnr"]
"""

import warnings

import numpy as np

from zoo.data import image_arrays
from zoo.data import superres as D
from zoo.eval import features as F
from zoo.eval.fid_kid import fid

BATCH = 500
LUMA = (65.481 / 255.0, 128.553 / 255.0, 24.966 / 255.0)  # BT.601 weights of R, G, B in [0, 1]


def bicubic(low, size):
    """The bicubic baseline: `tf.image.resize(low, size, method="bicubic")` clipped to [0, 1], float32
    numpy (n, *size, C)."""
    import tensorflow as tf

    return np.concatenate([np.clip(tf.image.resize(low[i: i + BATCH], size, method="bicubic").numpy(), 0.0, 1.0)
                           for i in range(0, len(low), BATCH)]).astype(np.float32)


def luma(x):
    """Y of BT.601 (16/255 + the weighted R, G, B) of RGB images in [0, 1]; grey images unchanged."""
    if x.shape[-1] != 3:
        return x
    return (16.0 / 255.0 + np.tensordot(x.astype(np.float64), LUMA, axes=([-1], [0])))[..., None].astype(np.float32)


def psnr_ssim(images, originals, crop=0):
    """(PSNR (n,), SSIM (n,)) of each image against its original, on the luma with `crop` pixels
    cut from every border (see the module docstring)."""
    import tensorflow as tf

    a, b = luma(images), luma(originals)
    if crop:
        a, b = a[:, crop:-crop, crop:-crop], b[:, crop:-crop, crop:-crop]
    psnr = [tf.image.psnr(a[i: i + BATCH], b[i: i + BATCH], max_val=1.0).numpy() for i in range(0, len(a), BATCH)]
    ssim = [tf.image.ssim(a[i: i + BATCH], b[i: i + BATCH], max_val=1.0).numpy() for i in range(0, len(a), BATCH)]
    return np.concatenate(psnr).astype(np.float64), np.concatenate(ssim).astype(np.float64)


def _classifier(source, classifier):
    """The given classifier, else the pinned one of `source`; None (warning why) when there is none."""
    if source is None:
        return None  # photos: no labels, no feature network of natural images
    if classifier is not None:
        return classifier
    if source not in F.FEATURE_NETWORKS:
        return None  # a labelled image set without a pinned feature network
    from zoo.registry import UnknownModelError
    from zoo.saving import ZooLoadError

    try:
        return F.feature_network(source)
    except (ZooLoadError, UnknownModelError) as e:
        warnings.warn(f"Super-resolution accuracy and FID skipped: {e}", RuntimeWarning, stacklevel=3)
        return None


def superres_metrics(model, spec, n_samples=None, classifier=None):
    """PSNR / SSIM of `model.upscale` and of bicubic upsampling on the held-out pairs of
    `spec.dataset`, with the classifier accuracy and FID where a feature network is pinned; {}
    for a dataset that is not a super-resolution set.

    Args:
        model: a model with the `Upscaler` capability.
        spec: its `ModelSpec` (its dataset: "mnist_sr", "fashion_mnist_sr" or "photo_patches_sr").
        n_samples: the first n test pairs (default: the whole test split).
        classifier: feature classifier to use instead of the pinned one (tests, quick looks).

    Returns:
        {"eval": {name: number}, "protocol": {name: how it was computed}}.
    """
    name = spec.dataset
    if name not in D.DATASETS:
        return {}
    low, high = D.arrays(name, "test", num_examples=n_samples)
    scale, n = high.shape[1] // low.shape[1], len(high)
    upscaled, base = model.upscale(low), bicubic(low, high.shape[1:3])
    ev = {}
    for key, images in (("", upscaled), ("_bicubic", base)):
        p, s = psnr_ssim(images, high, crop=scale)
        ev[f"psnr{key}"], ev[f"ssim{key}"] = float(p.mean()), float(s.mean())
    what = (f"the first {n:,} pairs of the {name} test split ({D.DATASETS[name][1]})"
            if n_samples else f"all {n:,} pairs of the {name} test split ({D.DATASETS[name][1]})")
    on = (f"{'luma Y (BT.601) of the RGB images' if high.shape[-1] == 3 else 'the grey images'}, "
          f"{scale} pixels cut from every border, mean over {what}")
    ups, bic = "upscale(low)", f"bicubic upsampling x{scale} (tf.image.resize, method='bicubic', clipped to [0, 1])"
    proto = {
        "psnr": f"PSNR in dB (tf.image.psnr, max_val 1) of {ups} against the originals; {on}",
        "ssim": f"SSIM (tf.image.ssim, max_val 1, 11x11 Gaussian window, sigma 1.5) of {ups} against the "
                f"originals; {on}",
        "psnr_bicubic": f"PSNR as for psnr, of {bic}",
        "ssim_bicubic": f"SSIM as for ssim, of {bic}",
    }
    source = D.SOURCES[name]
    net = _classifier(source, classifier)
    if net is not None:
        labels = image_arrays(source, "test")[1][:n].astype(np.int64)
        feats = {}
        for key, images in (("upscaled", upscaled), ("bicubic", base), ("high_res", high)):
            feats[key], pred = net.features_and_labels(images)
            ev[f"accuracy_{key}"] = float(np.mean(pred == labels))
        ev["fid"], ev["fid_bicubic"] = fid(feats["high_res"], feats["upscaled"]), fid(feats["high_res"], feats["bicubic"])
        net_id = F.feature_network_id(source) if classifier is None else "the given classifier"
        feat = f"features: {net_id} '{F.FEATURE_LAYER}' layer"
        proto.update({
            "accuracy_upscaled": f"share of {ups} that {net_id} labels with the true class; {what}",
            "accuracy_bicubic": f"the same for {bic}",
            "accuracy_high_res": f"the same for the original {high.shape[1]}x{high.shape[2]} images (the ceiling)",
            "fid": f"FID of {ups} against the originals (the same {n:,} images); {feat}",
            "fid_bicubic": f"FID of {bic} against the originals; {feat}",
        })
    return {"eval": ev, "protocol": proto}
