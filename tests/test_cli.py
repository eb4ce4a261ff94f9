"""`python -m zoo` commands."""

import json

import numpy as np
import pytest
from PIL import Image

from zoo.__main__ import main


def test_list_and_info(capsys):
    assert main(["list", "dcgan*"]) == 0
    out = capsys.readouterr().out
    assert "dcgan-mnist" in out and "dcgan-celeba" in out and "recipe only" in out
    assert main(["info", "dcgan-celeba"]) == 0
    assert json.loads(capsys.readouterr().out)["dataset"] == "celeb_a"


def test_sample_writes_a_png_grid(tmp_path, capsys):
    out = tmp_path / "s.png"
    assert main(["sample", "dcgan-mnist", "-n", "16", "--seed", "3", "-o", str(out), "--scale", "1"]) == 0
    img = np.array(Image.open(out))
    assert img.shape == (4 * 30 + 2, 4 * 30 + 2)  # 4x4 grid of 28px tiles with 2px padding
    assert img.std() > 10  # not a blank image
    again = tmp_path / "t.png"
    main(["sample", "dcgan-mnist", "-n", "16", "--seed", "3", "-o", str(again), "--scale", "1"])
    assert np.array_equal(img, np.array(Image.open(again)))


@pytest.mark.parametrize("argv,msg", [
    (["sample", "dcgan-mnsit"], "Did you mean 'dcgan-mnist'"),
    (["sample", "dcgan-celeba"], "not published yet"),
    (["sample", "ae-mnist"], "reconstruct(x)"),
    (["sample", "mnist-classifier"], "model 'mnist-classifier' cannot generate samples: `sample` needs the "
                                     "'generate' capability, and its capabilities are classify, features"),
    (["sample", "mnist-classifier"], "python -m zoo list --task generate"),
])
def test_errors_are_one_line_messages(argv, msg, capsys, tmp_path):
    assert main(argv + ["-o", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err
    assert msg in err and "Traceback" not in err
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize("argv,msg", [
    (["sample", "dcgan-mnist", "-n", "0"], "-n must be at least 1"),
    (["sample", "dcgan-mnist", "--seed", "-1"], "--seed must be at least 0"),
    (["sample", "dcgan-mnist", "--scale", "0"], "--scale must be in [1, 16]"),
    (["sample", "dcgan-mnist", "-o", "x.jpg"], "path ending in .png"),
    (["evaluate", "dcgan-mnist", "-n", "100"], "-n must be at least 1,000"),
])
def test_bad_options_are_argparse_errors_naming_the_option(argv, msg, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert msg in err and "Traceback" not in err


def test_list_without_a_match_says_so(capsys):
    assert main(["list", "nothing-like-this*"]) == 1
    assert "No catalog id matches 'nothing-like-this*'" in capsys.readouterr().err


def test_list_by_task(capsys):
    assert main(["list", "--task", "generate", "--pretrained"]) == 0
    ids = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert "dcgan-mnist" in ids and "vae-mnist" in ids and "ae-mnist" not in ids
    assert main(["list", "*-mnist", "--task", "reconstruct"]) == 0
    ids = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert "ae-mnist" in ids and "vae-mnist" in ids and "dcgan-mnist" not in ids
    assert main(["list", "--task", "generat"]) == 2
    err = capsys.readouterr().err
    assert "--task must be one of" in err and "generate" in err and "Traceback" not in err
