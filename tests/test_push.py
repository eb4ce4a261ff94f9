"""`python -m zoo push`: one commit with config, weights, metrics, card and images, then
`zoo.load("hf://org/repo@<commit>")` reads it back. Offline: `HfApi`'s calls are intercepted by a
fake Hub that files each commit into a Hugging Face cache laid out as `snapshot_download` leaves
it (blobs/, snapshots/<commit>/ symlinks, refs/<branch>), and the load runs with HF_HUB_OFFLINE=1."""

import hashlib
import json
import os
import subprocess
import sys
import types

import numpy as np
import pytest

import huggingface_hub
from huggingface_hub import CommitInfo, HfApi

import zoo
from zoo import __main__ as cli
from zoo import hub, registry, saving
from zoo.models.gan import GAN

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = "gan-ring8"
LFS = (".h5", ".png")  # what the Hub stores with LFS here (binary); blobs named by sha256, others by git sha1


def git_blob_sha1(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class FakeHub:
    """Stands in for the Hub: records each call and files every commit into an HF cache."""

    def __init__(self, cache):
        self.cache, self.calls, self.commits = cache, [], {}

    def repo_dir(self, repo_id):
        return os.path.join(self.cache, "models--" + repo_id.replace("/", "--"))

    def install(self, monkeypatch):
        hub_ = self

        def create_repo(self, repo_id, **kw):
            hub_.calls.append(("create_repo", repo_id, kw))

        def create_branch(self, repo_id, **kw):
            hub_.calls.append(("create_branch", repo_id, kw))

        def upload_folder(self, **kw):
            hub_.calls.append(("upload_folder", kw["repo_id"], kw))
            return hub_.commit(kw["repo_id"], kw["folder_path"], kw.get("revision") or "main", kw["commit_message"])

        for name, fn in (("create_repo", create_repo), ("create_branch", create_branch),
                         ("upload_folder", upload_folder)):
            monkeypatch.setattr(HfApi, name, fn)

    def commit(self, repo_id, folder, branch, message):
        files = {n: open(os.path.join(folder, n), "rb").read() for n in sorted(os.listdir(folder))}
        oid = hashlib.sha1(json.dumps({n: hashlib.sha256(b).hexdigest() for n, b in files.items()}).encode()
                           + branch.encode()).hexdigest()
        repo = self.repo_dir(repo_id)
        snapshot = os.path.join(repo, "snapshots", oid)
        os.makedirs(os.path.join(repo, "blobs"), exist_ok=True)
        os.makedirs(snapshot, exist_ok=True)
        os.makedirs(os.path.join(repo, "refs"), exist_ok=True)
        entries = {}
        for name, data in files.items():
            lfs = name.endswith(LFS)
            etag = hashlib.sha256(data).hexdigest() if lfs else git_blob_sha1(data)
            with open(os.path.join(repo, "blobs", etag), "wb") as f:
                f.write(data)
            os.symlink(os.path.join("..", "..", "blobs", etag), os.path.join(snapshot, name))
            entries[name] = (len(data), git_blob_sha1(data), etag if lfs else None)
        with open(os.path.join(repo, "refs", branch), "w") as f:
            f.write(oid)
        self._tree_cache(repo, oid, entries)
        self.commits[oid] = sorted(files)
        return CommitInfo(commit_url=f"https://huggingface.co/{repo_id}/commit/{oid}", commit_message=message,
                          commit_description="", oid=oid)

    @staticmethod
    def _tree_cache(repo, oid, entries):
        """The per-commit file listing a real snapshot_download records (huggingface_hub >= 1.x), against
        which an offline load checks that the snapshot is complete; older versions have none."""
        try:
            from huggingface_hub._tree_cache import TreeCacheEntry, write_tree_cache
        except ImportError:
            return
        write_tree_cache(repo, oid, {n: TreeCacheEntry(size=size, blob_id=blob, lfs_sha256=lfs,
                                                       lfs_size=size if lfs else None)
                                     for n, (size, blob, lfs) in entries.items()})


@pytest.fixture
def fake_hub(tmp_path, monkeypatch):
    h = FakeHub(str(tmp_path / "hub"))
    h.install(monkeypatch)
    return h


def load_offline(tmp_path, cache, handles, expected):
    """In a fresh process with HF_HUB_OFFLINE=1 and the filled cache: load each handle, generate(3, seed=7),
    compare with `expected`; prints the snapshot folder's files."""
    np.save(tmp_path / "expected.npy", expected)
    code = (
        "import os, numpy as np, zoo\n"
        "from huggingface_hub import snapshot_download\n"
        f"e = np.load({str(tmp_path / 'expected.npy')!r})\n"
        f"for h in {handles!r}:\n"
        "    x = zoo.load(h).generate(3, seed=7)\n"
        "    assert np.array_equal(x, e), h\n"
        "    repo, rev = zoo.hub.parse_hf_handle(h)\n"
        "    print(h, sorted(os.listdir(snapshot_download(repo, revision=rev))))\n"
    )
    env = dict(os.environ, HF_HUB_OFFLINE="1", HF_HUB_CACHE=cache, TF_CPP_MIN_LOG_LEVEL="2")
    r = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stdout


def test_push_a_catalog_id_in_one_commit_and_load_it_back(fake_hub, tmp_path, capsys):
    spec = registry.get_spec(MODEL)
    assert cli.main(["push", MODEL, "me/gan-ring8", "--revision", "v2", "--private"]) == 0
    out = capsys.readouterr().out
    (upload,) = [c for c in fake_hub.calls if c[0] == "upload_folder"]
    oid = next(iter(fake_hub.commits))
    assert f"commit {oid}" in out and f"https://huggingface.co/me/gan-ring8/commit/{oid}" in out
    assert f"zoo.load('hf://me/gan-ring8@{oid}')" in out
    # one commit: config, weights, metrics, the card as README.md and its images; on the branch asked for
    assert fake_hub.commits[oid] == sorted(spec.files)
    assert {"config.json", "model.weights.h5", "metrics.json", "README.md"} <= set(spec.files)
    assert [n for n in spec.files if n.endswith(".png")]
    kw = upload[2]
    assert kw["revision"] == "v2" and kw["repo_type"] == "model"
    assert set(kw["delete_patterns"]) == set(hub.HF_ALLOW_PATTERNS)  # stale files of an earlier push go
    assert [c[0] for c in fake_hub.calls] == ["create_repo", "create_branch", "upload_folder"]
    assert fake_hub.calls[0][2]["private"] is True
    assert fake_hub.calls[1][2] == dict(branch="v2", repo_type="model", exist_ok=True)
    # the card and its images byte for byte; metrics as the catalog has them
    snapshot = os.path.join(fake_hub.repo_dir("me/gan-ring8"), "snapshots", oid)
    for name in spec.files:
        if name not in ("config.json", "model.weights.h5", "metrics.json"):  # those three are written anew
            assert saving.sha256_file(os.path.join(snapshot, name)) == spec.files[name], name
    assert json.load(open(os.path.join(snapshot, "metrics.json"))) == spec.metrics
    expected = zoo.load(MODEL, compile=False).generate(3, seed=7)
    listed = load_offline(tmp_path, fake_hub.cache, [f"hf://me/gan-ring8@{oid}", "hf://me/gan-ring8@v2"], expected)
    assert str(sorted(spec.files)) in listed


def test_push_a_folder_publishes_its_own_metrics_card_and_images(fake_hub, tmp_path, capsys):
    g = GAN(**registry.TINY["GAN"]["tiny"])
    g.compile()
    card, image = tmp_path / "card" / "README.md", tmp_path / "card" / "samples.png"
    card.parent.mkdir()
    card.write_text("---\nlibrary_name: keras\n---\n# my tiny GAN\n")
    from zoo import viz

    viz.save_samples(str(image), g.generate(4, seed=0))
    folder = hub.save_pretrained(g, tmp_path / "mine", metrics={"eval": {"fid": 1.5}},
                                 extra_files={"README.md": str(card), "samples.png": str(image)})
    assert cli.main(["push", str(folder), "me/tiny-gan", "-m", "first"]) == 0
    oid = next(iter(fake_hub.commits))
    assert fake_hub.commits[oid] == ["README.md", "config.json", "metrics.json", "model.weights.h5", "samples.png"]
    (upload,) = [c for c in fake_hub.calls if c[0] == "upload_folder"]
    assert upload[2]["commit_message"] == "first" and upload[2]["revision"] is None
    assert "create_branch" not in [c[0] for c in fake_hub.calls]
    snapshot = os.path.join(fake_hub.repo_dir("me/tiny-gan"), "snapshots", oid)
    assert open(os.path.join(snapshot, "README.md")).read() == card.read_text()
    assert json.load(open(os.path.join(snapshot, "metrics.json"))) == {"eval": {"fid": 1.5}}
    assert f"commit {oid}" in capsys.readouterr().out
    load_offline(tmp_path, fake_hub.cache, [f"hf://me/tiny-gan@{oid}", "hf://me/tiny-gan"], g.generate(3, seed=7))


@pytest.mark.parametrize("argv, message", [
    (["push", "no-such-model", "me/x"], "Did you mean"),
    (["push", "/nonexistent/folder", "me/x"], "No model folder"),
])
def test_push_errors_are_messages(fake_hub, capsys, argv, message):
    assert cli.main(argv) == 2
    assert message in capsys.readouterr().err
    assert not fake_hub.calls


@pytest.mark.parametrize("repo", ["just-a-name", "a/b/c", "me/", "me/bad name"])
def test_push_needs_org_slash_repo(fake_hub, capsys, repo):
    with pytest.raises(SystemExit) as e:
        cli.main(["push", MODEL, repo])
    assert e.value.code == 2
    assert "must be a Hub repo id such as me/dcgan-mnist" in capsys.readouterr().err


def test_a_hub_error_is_a_message(monkeypatch, capsys):
    response = types.SimpleNamespace(status_code=401, headers={}, request=None)

    def refused(self, repo_id, **kw):
        raise huggingface_hub.utils.HfHubHTTPError("401 Client Error: Unauthorized (log in with `hf auth login`)",
                                                   response=response)

    monkeypatch.setattr(HfApi, "create_repo", refused)
    assert cli.main(["push", MODEL, "me/gan-ring8"]) == 2
    assert "401 Client Error" in capsys.readouterr().err


def test_push_an_hf_model_again_publishes_its_own_files(fake_hub, monkeypatch, capsys):
    from huggingface_hub import constants

    assert cli.main(["push", MODEL, "me/first"]) == 0
    (first,) = fake_hub.commits
    monkeypatch.setattr(constants, "HF_HUB_CACHE", fake_hub.cache)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    assert cli.main(["push", f"hf://me/first@{first}", "me/second"]) == 0
    second = [oid for oid in fake_hub.commits if oid != first][0]
    assert fake_hub.commits[second] == fake_hub.commits[first]
    a, b = (os.path.join(fake_hub.repo_dir(r), "snapshots", oid)
            for r, oid in (("me/first", first), ("me/second", second)))
    for name in fake_hub.commits[first]:
        if name not in ("config.json", "model.weights.h5"):  # written anew (HDF5 is not byte-stable)
            assert saving.sha256_file(os.path.join(a, name)) == saving.sha256_file(os.path.join(b, name)), name
    assert np.array_equal(zoo.load(a).generate(3, seed=7), zoo.load(b).generate(3, seed=7))
    assert f"zoo.load('hf://me/second@{second}')" in capsys.readouterr().out
