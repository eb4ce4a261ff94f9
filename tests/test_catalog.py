"""The catalog: every id builds, has a recipe (or its own trainer) and its parameter count in the index;
the GAN variants compare fairly."""

import pytest

import zoo
from zoo import catalog_index, registry
from zoo.registry import FAMILIES
from training.recipes import RECIPES

MIXTURE_PREFIXES = ("gan", "gan-ns", "unrolled-gan", "mbd-gan", "wgan-gp")


@pytest.mark.parametrize("model_id", registry.list_models())
def test_every_id_has_a_recipe_and_builds(model_id):
    spec = registry.get_spec(model_id)
    assert spec.recipe is not None, f"{model_id} has no recipe (ModelSpec.recipe in its presets module)"
    assert RECIPES[model_id] is spec.recipe  # the training/recipes.py shim
    assert spec.family in FAMILIES
    assert spec.primary_metric is not None, f"{model_id}: an install needs a primary metric to compare"
    if spec.trainer:
        import importlib

        assert callable(importlib.import_module(spec.trainer).main)
    if spec.dataset == "celeb_a":
        return  # 64x64x3: built in test_hub; skip the bigger model here
    model = zoo.load(model_id, pretrained=False)
    assert model.count_params() > 0
    # what `zoo list` / `info` read without Keras (tests/test_cli_fast.py checks the rest of the index)
    assert catalog_index.PARAMS.get(model_id) == (registry.config_digest(spec), model.count_params()), (
        f"zoo/catalog_index.py is stale for {model_id}: run python -m training.catalog_index")


@pytest.mark.parametrize("dataset", ["ring8", "grid25"])
def test_mixture_variants_differ_only_in_the_method(dataset):
    ids = [f"{p}-{dataset}" for p in MIXTURE_PREFIXES]
    assert set(ids) <= set(registry.list_models())
    net = {k: registry.get_spec(ids[0]).config[k] for k in ("architecture", "data_shape", "latent_dim",
                                                             "units", "depth")}
    for mid in ids:
        cfg = registry.get_spec(mid).config
        assert {k: cfg[k] for k in net} == net, mid
        r, r0 = registry.get_spec(mid).recipe, registry.get_spec(ids[0]).recipe
        assert (r.batch_size, r.seed) == (r0.batch_size, r0.seed), mid
        # the same number of generator updates: epochs x (100,000 // (batch x K))
        k = cfg.get("n_critic", 1)
        assert r.epochs * (100_000 // (r.batch_size * k)) == r0.epochs * (100_000 // r0.batch_size), mid
        g_lr = r.compile["g_optimizer"]["config"]["learning_rate"]
        assert g_lr == r0.compile["g_optimizer"]["config"]["learning_rate"], mid
    cfgs = {p: registry.get_spec(f"{p}-{dataset}").config for p in MIXTURE_PREFIXES}
    assert cfgs["gan"]["loss"] == "minimax" and cfgs["gan-ns"]["loss"] == "non-saturating"
    assert cfgs["unrolled-gan"]["unrolled_steps"] == 5
    assert cfgs["mbd-gan"]["minibatch_kernels"] > 0
    assert cfgs["wgan-gp"]["loss"] == "wasserstein" and cfgs["wgan-gp"]["gp_weight"] > 0


def test_mnist_variants_follow_their_papers():
    wgan, gp = registry.get_spec("wgan-mnist").config, registry.get_spec("wgan-gp-mnist").config
    assert (wgan["loss"], wgan["n_critic"], wgan["clip_value"]) == ("wasserstein", 5, 0.01)
    assert (gp["loss"], gp["n_critic"], gp["gp_weight"]) == ("wasserstein", 5, 10.0)
    assert registry.get_spec("lsgan-mnist").config["loss"] == "least-squares"
    d_opt = registry.get_spec("wgan-mnist").recipe.compile["d_optimizer"]
    assert d_opt["class_name"] == "RMSprop" and d_opt["config"]["learning_rate"] == pytest.approx(5e-5)
    g_opt = registry.get_spec("wgan-gp-mnist").recipe.compile["g_optimizer"]["config"]
    assert (g_opt["learning_rate"], g_opt["beta_1"], g_opt["beta_2"]) == pytest.approx((1e-4, 0.5, 0.9))
    # the two cures of collapse on Stacked MNIST: the plain DCGAN's network plus their cure and G's average,
    # trained with one recipe (the packed D's with the PacGAN code's two G updates a step)
    plain = registry.get_spec("dcgan-stacked-mnist").config
    mbd, pac = (registry.get_spec(i) for i in ("mbd-dcgan-stacked-mnist", "pacdcgan-stacked-mnist"))
    assert {k: v for k, v in mbd.config.items() if not k.startswith("minibatch")} == dict(plain, g_ema=0.999)
    assert {k: v for k, v in pac.config.items() if k != "pack"} == dict(plain, g_ema=0.999, g_steps=2)
    assert mbd.config["minibatch_kernels"] > 0 and pac.config["pack"] == 2 and mbd.recipe == pac.recipe


@pytest.mark.parametrize("mnist_id", ["dcgan-mnist", "wgan-gp-mnist"])
def test_the_fashion_ids_keep_the_network_and_recipe_of_their_mnist_id(mnist_id):
    mnist, fashion = registry.get_spec(mnist_id), registry.get_spec(mnist_id.replace("-mnist", "-fashion"))
    assert fashion.dataset == "fashion_mnist" and fashion.config == mnist.config
    assert fashion.recipe == mnist.recipe


def test_a_family_writes_the_keys_of_its_published_config_files():
    """Published config files stay exact as families gain options (ZooModel.ADDED_OPTIONS)."""
    import json
    import os

    written, checked = {}, 0  # family -> the keys its get_config writes (a tiny model's, added options aside)
    for model_id in registry.list_models():
        spec = registry.get_spec(model_id)
        path = os.path.join(spec.pretrained_dir, registry.CONFIG_FILE)
        if not os.path.exists(path):
            continue
        config = json.load(open(path))["config"]
        family = FAMILIES[spec.family]
        if spec.family not in written:
            tiny = family(**next(iter(registry.TINY[spec.family].values())))
            written[spec.family] = set(tiny.get_config()) - set(family.ADDED_OPTIONS)
        added = {k for k, default in family.ADDED_OPTIONS.items() if k in config and config[k] != default}
        assert set(config) == written[spec.family] | added, model_id
        checked += 1
    assert checked >= 20


def test_an_added_option_is_written_only_off_its_default():
    from zoo.models.gan import GAN

    assert "gp_one_sided" not in zoo.load("gan-ring8", pretrained=False).get_config()
    one_sided = GAN(architecture="mlp", data_shape=(2,), latent_dim=4, loss="wasserstein", gp_weight=1.0,
                    gp_one_sided=True)
    config = one_sided.get_config()
    assert config["gp_one_sided"] is True
    assert GAN.from_config(config).gp_one_sided is True
