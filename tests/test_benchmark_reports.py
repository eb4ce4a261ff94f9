"""The report and bookkeeping code of benchmarks/unrolled_paper.py, benchmarks/k_sweep.py, benchmarks/gan_recipe.py,
benchmarks/srgan_photos.py, benchmarks/inpainting.py, benchmarks/real_floors.py,
benchmarks/stacked_plain.py and benchmarks/gan_truncation.py, on hand-made results (the trainings themselves are the benchmarks' job, not the suite's)."""

import argparse
import importlib.util
import json
import math
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _script(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, "benchmarks", f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


unrolled_paper = _script("unrolled_paper")
k_sweep = _script("k_sweep")
srgan_photos = _script("srgan_photos")
inpainting = _script("inpainting")
real_floors = _script("real_floors")
stacked_plain = _script("stacked_plain")
gan_truncation = _script("gan_truncation")


def _result(model_id, seed, modes):
    return {"id": model_id, "seed": seed, "seconds_this_run": 600.0, "modes_covered_mean": modes,
            "hq_percent_mean": 90.0, "kl_to_uniform_mean": 0.05}


def test_unrolled_paper_report_averages_the_seeds_and_judges_the_target():
    unrolled, plain = unrolled_paper.IDS
    results = {(unrolled, 0): _result(unrolled, 0, 8.0), (unrolled, 1): _result(unrolled, 1, 7.0),
               (unrolled, 2): _result(unrolled, 2, 8.0), (plain, 0): _result(plain, 0, 1.0)}
    text = unrolled_paper.report(results, [0, 1, 2])
    assert f"`{unrolled}`: 7.67 modes on average over 3 training seeds (min 7.00, max 8.00); target >= 7.5 met." in text
    assert f"`{plain}`: 1.00 modes on average over 1 training seeds" in text
    assert text.count(f"| `{unrolled}` |") == 3 and text.count(f"| `{plain}` |") == 1
    results[(unrolled, 1)] = _result(unrolled, 1, 5.0)
    assert "target >= 7.5 missed." in unrolled_paper.report(results, [0, 1, 2])


def test_unrolled_paper_keeps_a_finished_run_and_rejects_negative_seeds(tmp_path):
    model_id = unrolled_paper.IDS[1]
    folder = tmp_path / f"{model_id}-seed5"
    folder.mkdir()
    (folder / "result.json").write_text(json.dumps(_result(model_id, 5, 3.0)))
    assert unrolled_paper.run(model_id, 5, str(tmp_path))["modes_covered_mean"] == 3.0  # read, not trained
    with pytest.raises(SystemExit):
        unrolled_paper.main(["--seeds", "-1", "--runs", str(tmp_path)])


def test_k_sweep_report_derives_js_from_the_d_loss_and_lists_every_evaluation(tmp_path):
    # rows: (generator updates, seconds, d_loss, gradient to G, W estimate, modes, HQ %)
    results = {"minimax, K = 5": [(100, 1.0, 1.2, 1e-2, 0.1, 4, 20.0), (200, 2.0, 0.2, 1e-4, 0.3, 2, 10.0)],
               "WGAN-GP, K = 5": [(100, 1.0, 1.3, 1e-2, 0.9, 5, 30.0), (200, 2.0, 1.3, 1e-2, 0.4, 8, 80.0)]}
    args = argparse.Namespace(gsteps=200, every=100, lr=5e-4, batch=256, seed=0)
    md, png = tmp_path / "k.md", tmp_path / "k.png"
    k_sweep.write_report(results, args, str(md), str(png))
    text = md.read_text()
    assert png.stat().st_size > 0
    js = (math.log(4) - 0.2) / 2  # D's loss = log 4 - 2 JS_D
    assert f"| minimax, K = 5 | 1,000 | 0.200 | {js:.3f} | 1.00e-04 | — | 2 | 10.0 | +1.00 | — | 2 |" in text
    assert "| WGAN-GP, K = 5 | 1,000 | — | — | — | 0.400 | 8 | 80.0 | — | -1.00 | 2 |" in text
    assert text.count("| minimax, K = 5 | ") == 3  # the summary row and two evaluations
    # the reading paragraph quotes the table's own numbers
    assert "with the HQ share over the evaluations: minimax, K = 5: +1.00." in text
    assert "WGAN-GP, K = 5: -1.00 (negative: it falls as the samples improve)" in text


def test_srgan_photos_scores_a_colour_shift_and_the_report_lists_every_row():
    import numpy as np

    rng = np.random.default_rng(0)
    high = rng.uniform(0.2, 0.8, (4, 32, 32, 3)).astype(np.float32)
    same = srgan_photos.scores(high, high)
    assert same["colour_shift"] == 0.0 and same["ssim"] == pytest.approx(1.0)
    redder = high.copy()
    redder[..., 0] += 0.1  # 25.5 levels more red, the luma moves too
    shifted = srgan_photos.scores(redder, high)
    assert shifted["colour_shift"] == pytest.approx(25.5, rel=1e-4)
    assert shifted["psnr_rgb"] == pytest.approx(10 * math.log10(3 / 0.01), rel=1e-3)  # MSE 0.01 / 3 over RGB
    text = srgan_photos.report([("bicubic", same, None), ("image skip", shifted, 95.4)], 3, "python x")
    assert "| image skip | " in text and f"| {shifted['colour_shift']:.1f} | 95 |" in text
    assert "| bicubic | " in text and "for 3 epochs" in text and text.startswith("# Generator variants of srgan-photos")
    with pytest.raises(SystemExit):
        srgan_photos.main(["--only", "9"])


def test_gan_recipe_counts_generator_updates_of_a_k_step_critic_and_names_the_optimizers():
    gan_recipe = _script("gan_recipe")
    ev = dict.fromkeys(gan_recipe.KEYS, 0.5)
    table, text = gan_recipe.report([("batch 64", 64, ev, 12.0)], "wgan-gp-mnist", 120_000, 2_000,
                                    optimizers="D: Adam(lr=0.0001)")
    # K = 5: a generator update takes five critic batches of 64, so 120,000 images are 375 G updates
    assert "| variant | batch | G updates |" in table and "| batch 64 | 64 | 375 |" in table
    assert "with the catalog recipe's optimizers (D: Adam(lr=0.0001))" in text
    table, text = gan_recipe.report([("batch 64", 64, ev, 12.0)], "dcgan-mnist", 60_000, 2_000)
    assert "| batch 64 | 64 | 937 |" in table and "Adam(beta_1 0.5), rate 2e-4" in text
    with pytest.raises(SystemExit):  # a variant with its own rates cannot run on the catalog's optimizers
        gan_recipe.main(["--model", "wgan-gp-mnist", "--catalog-optimizers", "--only", "7", "--images", "128",
                         "--samples", "100"])


def test_inpainting_table_measured_the_installed_weights():
    """Every installed MNIST Inpainter has a row in benchmarks/inpainting.md, measured on its installed version."""
    assert inpainting.main(["--check"]) == 0


def test_inpainting_check_finds_a_stale_or_missing_row(tmp_path, capsys):
    ids = inpainting.inpainters()
    assert "dcgan-mnist" in ids and "vae-mnist" in ids
    from zoo import registry

    version = registry.get_spec("dcgan-mnist").version
    table = tmp_path / "inpainting.md"
    table.write_text("| input / model | how | weights version | classifier accuracy | seconds | CPU seconds |\n"
                     "| whole digits (ceiling) |  |  | 0.992 |  |  |\n"
                     f"| dcgan-mnist | projection under the mask | {version + 1} | 0.700 | 1 | 1 |\n")
    problems = inpainting.check(str(table))
    assert f"dcgan-mnist: row measured version {version + 1}, installed version {version}" in problems
    assert any(p.startswith("vae-mnist: no row") for p in problems)
    assert inpainting.main(["--check", "--out", str(table)]) == 1
    assert "rerun `python benchmarks/inpainting.py`" in capsys.readouterr().err


def test_real_floors_were_written_under_the_suites_protocol():
    assert real_floors.main(["--check"]) == 0


def test_real_floors_check_finds_another_protocol_or_a_missing_dataset(tmp_path):
    written = json.load(open(real_floors.OUT, encoding="utf-8"))
    written["protocol"]["precision_recall_k"] += 2
    del written["datasets"]["fashion_mnist"]
    path = tmp_path / "floors.json"
    path.write_text(json.dumps(written))
    problems = real_floors.check(str(path))
    assert len(problems) == 2 and "written under" in problems[0] and "fashion_mnist" in problems[1]
    assert real_floors.check(str(tmp_path / "none.json")) == [f"{tmp_path / 'none.json'} is missing"]


def test_real_floors_score_real_train_images_as_the_samples():
    """The stand-in generator returns real train images: the classifier is as sure of them as of the test
    images, and they cover every class about evenly (a small sample; the file holds 10,000)."""
    ev = real_floors.floors("mnist", n=500)
    assert abs(ev["confident_share"] - ev["confident_share_real"]) < 0.03
    assert ev["classes_covered"] == 10 and ev["class_share_max"] < 0.15
    assert not any("_real_vs_real" in k for k in ev)


def test_stacked_plain_control_is_the_plain_network_with_the_cures_recipe_and_its_report_lists_all():
    from zoo import registry

    control, plain = stacked_plain.control_spec(), registry.get_spec("dcgan-stacked-mnist")
    mbd, pac = registry.get_spec("mbd-dcgan-stacked-mnist"), registry.get_spec("pacdcgan-stacked-mnist")
    assert control.id == plain.id and control.recipe == mbd.recipe == pac.recipe
    assert control.config == {k: v for k, v in mbd.config.items() if not k.startswith("minibatch")}
    assert stacked_plain.control_spec(2).config == {k: v for k, v in pac.config.items() if k != "pack"}
    assert registry.get_spec("dcgan-stacked-mnist") is plain  # building the control changes no catalog entry
    run = {"eval": {"modes_hit": 512, "mode_kl_to_uniform": 1.25, "channel_confident_share": 0.5},
           "training": {"recipe": "20 epochs", "cpu_seconds": 3000.0}}
    text = stacked_plain.report(run, "python benchmarks/stacked_plain.py")
    assert "| control: the plain DCGAN | neither | 512 | 1.250 | 50.0 | 20 epochs | beta 0.999 | 1 | 50 |" in text
    assert "| beta 0.999 | 2 | 50 |" in stacked_plain.report(run, "python benchmarks/stacked_plain.py --g-steps 2", 2)
    for mid in ("dcgan-stacked-mnist", "mbd-dcgan-stacked-mnist", "pacdcgan-stacked-mnist"):
        assert f"| `{mid}` (installed, version {registry.get_spec(mid).version}) |" in text


def test_a_quick_stacked_plain_run_cannot_replace_the_full_table(tmp_path, capsys):
    for argv in (["--epochs", "1", "--run", str(tmp_path / "run")], ["--max-steps", "5", "--out", str(tmp_path / "x.md")]):
        with pytest.raises(SystemExit):
            stacked_plain.main(argv)
        assert "must not replace the full run's table or folder" in capsys.readouterr().err


def _tempered_row(dataset, confident, precision=0.85, recall=0.85, real=0.86, shares=(0.08, 0.12), psi=1.0):
    return {"id": "x", "version": 1, "dataset": dataset, "psi": psi, "seconds": 1.0, "confident_share": confident,
            "confident_share_real": real, "precision": precision, "recall": recall, "fid": 50.0,
            "class_share_min": shares[0], "class_share_max": shares[1]}


def test_gan_truncation_judges_each_dataset_by_its_own_targets():
    meets = gan_truncation.meets
    assert meets(_tempered_row("mnist", 0.91)) and not meets(_tempered_row("mnist", 0.89))
    assert not meets(_tempered_row("mnist", 0.95, precision=0.79))
    assert not meets(_tempered_row("mnist", 0.95, recall=0.79))
    assert not meets(_tempered_row("mnist", 0.95, shares=(0.04, 0.12)))
    assert not meets(_tempered_row("mnist", 0.95, shares=(0.06, 0.16)))
    # Fashion-MNIST: 0.85 x the real images' share (0.86 -> 0.731), precision and recall 0.75
    assert meets(_tempered_row("fashion_mnist", 0.74, precision=0.76, recall=0.76))
    assert not meets(_tempered_row("fashion_mnist", 0.72, precision=0.76, recall=0.76))
    assert not meets(_tempered_row("fashion_mnist", 0.80, precision=0.74))


def test_gan_truncation_scales_the_models_own_codes_and_reports_every_row():
    import numpy as np

    class Fake:
        def sample_codes(self, n, seed=None):
            return np.random.default_rng(seed).normal(size=(n, 3)).astype(np.float32)

        def decode(self, codes):
            return codes

    full, tempered = Fake().sample_codes(5, 0), gan_truncation.Tempered(Fake(), 0.7).generate(5, seed=0)
    np.testing.assert_allclose(tempered, 0.7 * full, rtol=1e-6)
    rows = [_tempered_row("mnist", 0.85, psi=1.0), _tempered_row("mnist", 0.86, psi=0.7, recall=0.78)]
    text = gan_truncation.report(rows, "python benchmarks/gan_truncation.py", 10_000)
    assert "| `x` v1 | 1 | 85.0% (86.0%) |" in text and "| `x` v1 | 0.7 | 86.0% (86.0%) |" in text
    assert text.count("| no |") == 2  # 0.85 / 0.86 < 90%
    assert "at most 86.0% (psi 0.7)" in text and "recall 0.850 down to 0.780" in text


def test_gan_truncation_refuses_bad_arguments_by_name(capsys):
    with pytest.raises(SystemExit):
        gan_truncation.main(["--psi", "1.0", "1.5", "--ids", "dcgan-mnist"])
    assert "--psi" in capsys.readouterr().err
    for argv, name in ((["--ids", "gan-ring8"], "--ids"), (["--ids", "no-such-id"], "--ids"), (["-n", "10"], "-n")):
        with pytest.raises(SystemExit):
            gan_truncation.main(argv)
        assert name in capsys.readouterr().err, argv
