"""The bundled weights budget of DESIGN.md: at most 8 MB per model, 120 MB in all."""

import os

from zoo import registry

MB = 1024 * 1024
# 64x64 models whose weights are published on the Hugging Face Hub only, never bundled.
HUB_ONLY = {"dcgan-celeba"}


def _weight_files():
    root = registry.PRETRAINED_DIR
    for model_id in sorted(os.listdir(root)):
        path = os.path.join(root, model_id, registry.WEIGHTS_FILE)
        if os.path.isfile(path):
            yield model_id, os.path.getsize(path)


def test_every_bundled_weight_file_is_within_8_mb_and_all_within_120_mb():
    sizes = dict(_weight_files())
    assert sizes, "no bundled weights found"
    over = {k: round(v / MB, 2) for k, v in sizes.items() if v > 8 * MB}
    assert not over, f"weights over the 8 MB per-model budget: {over}"
    assert sum(sizes.values()) <= 120 * MB, f"bundled weights total {sum(sizes.values()) / MB:.1f} MB > 120 MB"


def test_every_catalog_config_fits_the_budget():
    """Checked on the built networks too, so an id is never trained into an oversize file."""
    import zoo

    for model_id in registry.REGISTRY:
        if model_id in HUB_ONLY:
            continue
        model = zoo.load(model_id, pretrained=False, compile=False)
        n = sum(int(w.size) for w in model.get_weights())
        assert n * 4 <= 8 * MB, f"{model_id}: {n:,} float32 parameters = {n * 4 / MB:.1f} MB > 8 MB"
