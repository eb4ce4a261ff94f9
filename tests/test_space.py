"""The demo as a Hugging Face Space: Gradio's server variables, `--export-space`, and the exported
app started the way a Space starts it (`python app.py` with GRADIO_SERVER_NAME / _PORT set),
driven by gradio_client and, when Chromium is installed, by a headless browser."""

import io
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import numpy as np
import PIL.Image
import pytest

pytest.importorskip("gradio")
import gradio  # noqa: E402
import yaml  # noqa: E402
from gradio_client import Client  # noqa: E402

import demos  # noqa: E402,F401  (registers the tabs)
from demos import __main__ as cli  # noqa: E402
from demos import app as demo_app  # noqa: E402
from demos import space  # noqa: E402
from demos.widgets import picture  # noqa: E402

import zoo  # noqa: E402

MODEL = "dcgan-mnist"
CHROMIUM = "/usr/bin/chromium"
START_TIMEOUT = 300  # TensorFlow + Gradio import and the first model load on a busy 2-core machine


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def grey(image):
    """A served grid of grey digits as (H, W) uint8, whatever colour mode the PNG was saved in."""
    return np.asarray(image.convert("L"))


# ----------------------------------------------------------------------------- server address
def test_flags_win_over_gradio_variables_which_win_over_the_defaults():
    assert space.server_address(environ={}) == ("127.0.0.1", 7860)
    env = {"GRADIO_SERVER_NAME": "0.0.0.0", "GRADIO_SERVER_PORT": "7861"}
    assert space.server_address(environ=env) == ("0.0.0.0", 7861)
    assert space.server_address("127.0.0.1", 8080, environ=env) == ("127.0.0.1", 8080)
    assert space.server_address(None, 8080, environ=env) == ("0.0.0.0", 8080)
    with pytest.raises(ValueError, match="GRADIO_SERVER_PORT must be a port number from 1 to 65535"):
        space.server_address(environ={"GRADIO_SERVER_PORT": "70000"})


@pytest.fixture
def launched(monkeypatch):
    """`python -m demos` with the app stubbed out: records what it would build and launch."""
    calls = {}

    def build_app(**kw):
        calls["build"] = kw
        return "app"

    monkeypatch.setattr(demo_app, "build_app", build_app)
    monkeypatch.setattr(demo_app, "launch", lambda app, **kw: calls.setdefault("launch", kw))
    for var in ("GRADIO_SERVER_NAME", "GRADIO_SERVER_PORT"):
        monkeypatch.delenv(var, raising=False)
    return calls


def test_python_m_demos_reads_the_variables_and_its_flags_win(launched, monkeypatch):
    monkeypatch.setenv("GRADIO_SERVER_NAME", "0.0.0.0")
    monkeypatch.setenv("GRADIO_SERVER_PORT", "7999")
    assert cli.main([]) == 0
    assert (launched["launch"]["host"], launched["launch"]["port"]) == ("0.0.0.0", 7999)
    launched.clear()
    assert cli.main(["--host", "127.0.0.1", "--port", "8123", "--models", "dcgan*"]) == 0
    assert (launched["launch"]["host"], launched["launch"]["port"]) == ("127.0.0.1", 8123)
    assert launched["build"]["models"] == "dcgan*"


def test_python_m_demos_defaults_without_variables(launched):
    assert cli.main([]) == 0
    assert (launched["launch"]["host"], launched["launch"]["port"]) == ("127.0.0.1", 7860)


@pytest.mark.parametrize("argv, env, message", [
    (["--port", "0"], None, "must be a port number from 1 to 65535, got 0"),
    (["--port", "65536"], None, "must be a port number from 1 to 65535, got 65536"),
    (["--port", "http"], None, "must be a port number from 1 to 65535, got 'http'"),
    ([], "99999", "GRADIO_SERVER_PORT must be a port number from 1 to 65535, got 99999"),
    (["--export-space", "x", "--port", "8080"], None, "--export-space writes a folder"),
    (["--zoo-requirement", "zoo"], None, "only applies with --export-space"),
    (["--models", "no-such-model*"], None, "no model with published weights matches"),
])
def test_bad_options_are_argparse_errors(launched, monkeypatch, capsys, argv, env, message):
    if env:
        monkeypatch.setenv("GRADIO_SERVER_PORT", env)
    with pytest.raises(SystemExit) as e:
        cli.main(argv)
    assert e.value.code == 2
    assert message in capsys.readouterr().err
    assert "launch" not in launched


# ----------------------------------------------------------------------------- export
def front_matter(path):
    text = open(path, encoding="utf-8").read()
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export") / "space"
    assert cli.main(["--export-space", str(folder), "--models", MODEL]) == 0
    return folder


def test_export_writes_a_ready_space(exported):
    assert {"app.py", "requirements.txt", "README.md", ".gitattributes", "zoo", "demos"} <= set(os.listdir(exported))
    meta = front_matter(exported / "README.md")
    assert meta["sdk"] == "gradio" and meta["app_file"] == "app.py"
    assert meta["sdk_version"] == gradio.__version__
    assert meta["models"] == [MODEL] and meta["title"] and meta["license"] == "apache-2.0"
    # the zoo is copied in, with the weights of the served models only, still matching their pins
    assert os.listdir(exported / "zoo" / "pretrained" / MODEL)
    assert [d for d in os.listdir(exported / "zoo" / "pretrained") if not d.endswith(".md")] == [MODEL]
    assert not list(exported.rglob("__pycache__"))
    folder = exported / "zoo" / "pretrained" / MODEL
    pins = zoo.registry.get_spec(MODEL).files
    assert {n: zoo.saving.sha256_file(folder / n) for n in os.listdir(folder)} == pins
    # requirements: the zoo's dependencies pinned to what is installed here, gradio from sdk_version
    import importlib.metadata

    reqs = [line for line in (exported / "requirements.txt").read_text().splitlines()
            if line and not line.startswith("#")]
    pinned = dict(line.split("==") for line in reqs)
    assert {"tensorflow-cpu", "keras", "huggingface-hub", "numpy", "pillow"} <= set(pinned)
    assert all(importlib.metadata.version(name) == v for name, v in pinned.items())
    assert "gradio" not in pinned
    app = (exported / "app.py").read_text()
    assert "import zoo" in app and "import demos" in app and "server_address()" in app


def test_export_replaces_an_earlier_export_but_nothing_else(exported, tmp_path, capsys):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    assert cli.main(["--export-space", str(foreign), "--models", MODEL]) == 1
    assert "not an earlier Space export" in capsys.readouterr().err
    assert os.listdir(foreign) == ["notes.txt"]
    assert cli.main(["--export-space", str(tmp_path / "s"), "--models", "nothing-like-this"]) == 1
    assert "No model with published weights matches" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()
    again = tmp_path / "again"
    assert cli.main(["--export-space", str(again), "--models", MODEL]) == 0
    (again / "stale.txt").write_text("from before")
    assert cli.main(["--export-space", str(again), "--models", MODEL,
                     "--zoo-requirement", "zoo[demo] @ git+https://example.org/zoo@0123abc"]) == 0
    assert sorted(os.listdir(again)) == [".gitattributes", "README.md", "app.py", "requirements.txt"]
    assert "zoo[demo] @ git+https://example.org/zoo@0123abc" in (again / "requirements.txt").read_text()
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".")]  # no staging folder left behind


# ----------------------------------------------------------------------------- the exported app, running
@pytest.fixture(scope="module")
def space_url(exported):
    """`python app.py` in the exported folder with the variables a Space sets."""
    port = free_port()
    env = dict(os.environ, GRADIO_SERVER_NAME="127.0.0.1", GRADIO_SERVER_PORT=str(port),
               GRADIO_ANALYTICS_ENABLED="False", TF_CPP_MIN_LOG_LEVEL="2")
    log = open(exported.parent / "app.log", "w+")
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=exported, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + START_TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                log.seek(0)
                pytest.fail(f"the exported app did not start on {url}:\n{log.read()[-3000:]}")
            time.sleep(1)
        log.seek(0)
        yield url, log.read()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_the_exported_space_serves_generate_on_the_space_port(space_url, exported, tmp_path):
    url, startup = space_url
    assert f"from {exported / 'zoo'}" in startup  # the copy in the Space, not this checkout
    client = Client(url, verbose=False, download_files=str(tmp_path))
    named = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert "/generate" in named and "/recommend" not in named  # only the tabs the served model fills
    path = client.predict(MODEL, 4, 0, api_name="/generate")
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    grid = grey(PIL.Image.open(io.BytesIO(data)))
    expected = picture(zoo.load(MODEL, compile=False).generate(4, seed=0))
    assert grid.shape == expected.shape
    assert np.abs(grid.astype(int) - expected).max() <= 1


# ----------------------------------------------------------------------------- a browser on the exported tab
@pytest.mark.browser
def test_a_browser_generates_on_the_exported_space(space_url, tmp_path):
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing in CI: .ci/run must apt-get install chromium", pytrace=False)
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium): the browser test of the exported "
                    "Space needs a real Chromium")
    playwright_api = pytest.importorskip("playwright.sync_api")
    url, _ = space_url
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    with playwright_api.sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        context = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True, args=args,
                                                       viewport={"width": 1280, "height": 860})
        try:
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.goto(url)
            page.wait_for_selector("#generate-button")
            assert page.get_by_role("tab", name="Recommend").count() == 0
            page.get_by_label("Number of samples (1 to 256)").fill("9")
            page.get_by_label("Seed (0 to 2,147,483,647)").fill("3")
            page.locator("#generate-button").click()
            img = page.locator("#generate-output img")
            playwright_api.expect(img).to_have_attribute("src", re.compile(r"\S"), timeout=60_000)
            page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=img.element_handle())
            shown = grey(PIL.Image.open(io.BytesIO(page.request.get(img.get_attribute("src")).body())))
        finally:
            context.close()
    expected = picture(zoo.load(MODEL, compile=False).generate(9, seed=3))
    assert shown.shape == expected.shape
    assert np.abs(shown.astype(int) - expected).max() <= 1
