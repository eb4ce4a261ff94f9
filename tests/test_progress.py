"""Progress bars (zoo.progress): shown when forced on, silent with ZOO_QUIET=1 / --quiet and when
stdout is not a terminal; used by evaluation, clustering, projection and the training command."""

import os

import numpy as np
import pytest

import zoo
from zoo import progress, registry


@pytest.fixture
def bars(monkeypatch):
    """ZOO_QUIET as a test sets it, restored after (the CLI's --quiet writes os.environ)."""
    monkeypatch.delenv(progress.QUIET_ENV, raising=False)

    def set_to(value):
        monkeypatch.setenv(progress.QUIET_ENV, value)

    return set_to


@pytest.mark.parametrize("value,shown", [("0", True), ("1", False), ("", False), ("off", True), ("true", False)])
def test_track_prints_a_bar_only_when_on(bars, capsys, value, shown):
    bars(value)  # "": unset, and pytest's captured stdout is not a terminal, so off
    assert list(progress.track(range(3), "counting")) == [0, 1, 2]  # the items, whatever is shown
    out = capsys.readouterr().out
    assert progress.enabled() == shown
    assert ("counting" in out and "3/3" in out) == shown
    if not shown:
        assert out == ""


def test_a_bar_stopped_early_still_ends_its_line(bars, capsys):
    bars("0")
    with pytest.raises(RuntimeError):
        with progress.progress(10, "work", unit="item") as bar:
            bar.advance(4)
            raise RuntimeError("stop")
    out = capsys.readouterr().out
    assert "4/10" in out and out.endswith("\n")
    with progress.progress(None, "open-ended") as bar:  # unknown total
        bar.advance()
        bar.advance()
    assert "2/Unknown" in capsys.readouterr().out


def _tiny(family, preset):
    return registry.FAMILIES[family](**registry.TINY[family][preset])


@pytest.mark.parametrize("value", ["0", "1"])
def test_projection_and_clustering_show_progress_when_on(bars, capsys, value):
    bars(value)
    gan = _tiny("GAN", "tiny")
    x = np.random.default_rng(0).uniform(size=(4, 8, 8, 1)).astype("float32")
    codes = gan.project(x, steps=3, candidates=4)
    assert codes.shape == (4, 8)
    ae = _tiny("Autoencoder", next(iter(registry.TINY["Autoencoder"])))
    xs = np.random.default_rng(1).uniform(size=(30, *ae.data_shape)).astype("float32")
    res = zoo.cluster.clustering_metrics(ae, xs, np.arange(30) % 3, k=3)
    assert set(res["eval"]) >= {"cluster_acc_kmeans_codes", "nmi_agglomerative_pixels"}
    out = capsys.readouterr().out
    if value == "1":
        assert out == ""
    else:
        assert "Finding the codes of 4 examples" in out and "3/3" in out
        assert "Clustering 30 inputs" in out and "5/5" in out


@pytest.mark.parametrize("value", ["0", "1"])
def test_evaluation_shows_its_suites_when_on(bars, capsys, value):
    bars(value)
    spec = registry.ModelSpec(id="tiny-ring8", family="GAN", config=registry.TINY["GAN"]["tiny-mlp"],
                              dataset="ring8", summary="s", paper="p")
    res = zoo.eval.evaluate(_tiny("GAN", "tiny-mlp"), spec, n_samples=200)
    assert "modes_covered_mean" in res["eval"]
    out = capsys.readouterr().out
    assert (out == "") == (value == "1")
    if value == "0":
        assert "Evaluating tiny-ring8 (generate" in out and "1/Unknown" in out


@pytest.mark.parametrize("where", ["before", "after"])
def test_cli_quiet_turns_bars_off(bars, capsys, where):
    from zoo.__main__ import main

    bars("0")
    argv = ["--quiet", "list", "dcgan-mnist"] if where == "before" else ["list", "dcgan-mnist", "--quiet"]
    assert main(argv) == 0
    assert os.environ[progress.QUIET_ENV] == "1" and not progress.enabled()
    assert capsys.readouterr().out.startswith("dcgan-mnist")


def test_training_quiet_silences_step_lines_and_bars(bars, monkeypatch):
    from training import train as T

    calls = []
    monkeypatch.setattr(T, "train", lambda *args, verbose=True, **kwargs: calls.append(verbose))
    bars("0")
    assert T.main(["dcgan-mnist", "--max-steps", "1"]) == 0 and progress.enabled()
    assert T.main(["dcgan-mnist", "--max-steps", "1", "--quiet"]) == 0
    assert calls == [True, False] and not progress.enabled()
