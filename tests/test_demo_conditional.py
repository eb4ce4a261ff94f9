"""The demo's Conditional tab as a client uses it: gradio_client against the app on 127.0.0.1.

The shipped cgan-mnist through `zoo.load`: a class's grid is the model's own
generate(n, seed, labels=...), the every-class grid's rows are classified as their class by the
pinned MNIST feature classifier, bad inputs give messages, unconditional models are not offered.
"""

import numpy as np
import pytest

pytest.importorskip("gradio")
from gradio_client.exceptions import AppError  # noqa: E402

import zoo  # noqa: E402
from demos import app as demo_app  # noqa: E402
from demos import conditional  # noqa: E402
from demos import registry as tabs  # noqa: E402
from demos.app import build_app, get_model  # noqa: E402
from demo_client import GENERIC, launched, read, tiles  # noqa: E402
from zoo import capabilities as cap  # noqa: E402
from zoo.eval import features  # noqa: E402

MODEL = "cgan-mnist"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    assert MODEL in zoo.list_models(task="conditional", pretrained=True), f"{MODEL} has no published weights"
    with launched(build_app(), tmp_path_factory.mktemp("downloads")) as c:
        yield c


def test_the_conditional_endpoints_are_published(client):
    named = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/conditional", "/conditional_classes"} <= set(named)
    assert [p["label"] for p in named["/conditional"]["parameters"]][:2] == ["Model", "Class"]


def test_class_names_come_from_the_dataset():
    assert conditional.class_names(MODEL) == [str(d) for d in range(10)]
    assert conditional.class_names("cgan-fashion")[9] == "Ankle boot"
    assert conditional.check_class("Trouser", "cgan-fashion", conditional.class_names("cgan-fashion")) == 1


def test_a_class_grid_is_the_models_own_and_the_same_seed_gives_the_same_grid(client):
    grid = read(client.predict(MODEL, "7", 9, 5, api_name="/conditional"))
    expected = demo_app.picture(get_model(MODEL).generate(9, seed=5, labels=7))
    assert grid.dtype == np.uint8 and grid.shape == expected.shape == (3 * 30 + 2, 3 * 30 + 2)
    assert np.abs(grid.astype(int) - expected).max() <= 1
    assert np.array_equal(grid, read(client.predict(MODEL, "7", 9, 5, api_name="/conditional")))
    assert not np.array_equal(grid, read(client.predict(MODEL, "7", 9, 6, api_name="/conditional")))
    assert not np.array_equal(grid, read(client.predict(MODEL, "1", 9, 5, api_name="/conditional")))


def test_every_class_row_keeps_the_codes_and_is_classified_as_its_class(client):
    n = 4
    grid = read(client.predict(MODEL, n, 3, api_name="/conditional_classes"))
    assert grid.shape == (10 * 30 + 2, n * 30 + 2)
    shown = tiles(grid, 10 * n, ncols=n)
    g = get_model(MODEL)
    # Column 0 is the seed's first code in every class: the model's change_class of that seed.
    first = (np.clip(g.change_class(3)[..., 0], 0, 1) * 255 + 0.5).astype(np.uint8)
    assert np.abs(shown[::n].astype(int) - first).max() <= 1
    labels = features.feature_network("mnist").predict_labels(shown[..., None].astype(np.float32) / 255)
    hits = (labels.reshape(10, n) == np.arange(10)[:, None]).mean(axis=1)
    assert (hits > 0.5).all(), f"share of each row classified as its class: {hits}"


@pytest.mark.parametrize("endpoint,args,message", [
    ("/conditional", ("11", 4, 0), "Class must be one of the classes of cgan-mnist: 0, 1, 2"),
    ("/conditional", ("seven", 4, 0), "got 'seven'"),
    ("/conditional", (None, 4, 0), "Class must be one of the classes of cgan-mnist"),
    ("/conditional", ("3", 0, 0), "Number of samples must be a whole number from 1 to 256"),
    ("/conditional", ("3", 4, -1), "Seed must be a whole number from 0 to 2,147,483,647"),
    ("/conditional", ("3", 4, 2**31), "Seed must be a whole number from 0"),
    ("/conditional_classes", (0, 0), "Codes must be a whole number from 1 to 16"),
    ("/conditional_classes", (17, 0), "got 17"),
    ("/conditional_classes", (4, None), "Seed must be a whole number from 0 to 2,147,483,647; the field is empty"),
])
def test_bad_input_gives_a_message_not_a_crash(client, endpoint, args, message):
    with pytest.raises(AppError) as err:
        client.predict(MODEL, *args, api_name=endpoint)
    assert message in str(err.value) and GENERIC not in str(err.value)


def test_the_tab_is_not_offered_for_an_unconditional_model(client):
    (tab,) = [d for d in tabs.DEMOS if d.label == "Conditional"]
    offered = demo_app.models_for(tab.tasks, accepts=tab.accepts)
    assert MODEL in offered and "dcgan-mnist" not in offered
    assert all(cap.has(zoo.registry.get_spec(i), cap.Conditional) for i in offered)
    for endpoint, args in (("/conditional", ("3", 4, 0)), ("/conditional_classes", (4, 0))):
        with pytest.raises(AppError, match="not in the list of choices"):
            client.predict("dcgan-mnist", *args, api_name=endpoint)
