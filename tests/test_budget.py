"""The bundled weights budget of DESIGN.md: at most 8 MB per model (16 MB for a model whose
embedding table is stored in float16), 250 MB in all."""

import os

from zoo import capabilities as cap
from zoo import registry

MB = 1024 * 1024
TOTAL = 250 * MB
# 64x64 models whose weights are published on the Hugging Face Hub only, never bundled.
HUB_ONLY = {"dcgan-celeba"}


def _limit(model_id):
    """8 MB, or 16 MB for an embedding family (its table ships in float16)."""
    spec = registry.REGISTRY.get(model_id)
    return 16 * MB if spec is not None and cap.has(spec, cap.Embedding) else 8 * MB


def test_install_uses_the_same_budget():
    from training import train as T

    for model_id in registry.REGISTRY:
        assert T.weight_budget(registry.get_spec(model_id)) == _limit(model_id), model_id


def _weight_files():
    root = registry.PRETRAINED_DIR
    for model_id in sorted(os.listdir(root)):
        path = os.path.join(root, model_id, registry.WEIGHTS_FILE)
        if os.path.isfile(path):
            yield model_id, os.path.getsize(path)


def test_every_bundled_weight_file_is_within_its_budget_and_all_within_250_mb():
    sizes = dict(_weight_files())
    assert sizes, "no bundled weights found"
    over = {k: round(v / MB, 2) for k, v in sizes.items() if v > _limit(k)}
    assert not over, f"weights over the per-model budget (8 MB; 16 MB for float16 embeddings): {over}"
    assert sum(sizes.values()) <= TOTAL, f"bundled weights total {sum(sizes.values()) / MB:.1f} MB > 250 MB"


def test_every_catalog_config_fits_the_budget(tmp_path):
    """Checked on the saved untrained networks of the ids not yet trained, so an id is never trained
    into an oversize file (a trained id's own weight file is checked above)."""
    import zoo

    shipped = dict(_weight_files())
    for model_id in registry.REGISTRY:
        if model_id in HUB_ONLY or model_id in shipped:
            continue
        model = zoo.load(model_id, pretrained=False, compile=False)
        folder = model.save_pretrained(tmp_path / model_id)
        size = os.path.getsize(os.path.join(folder, registry.WEIGHTS_FILE))
        assert size <= _limit(model_id), f"{model_id}: {size / MB:.1f} MB > {_limit(model_id) / MB:.0f} MB"
