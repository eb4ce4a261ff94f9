"""The critic-weight figure of the Wasserstein GANs' cards (zoo.eval.critic)."""

import numpy as np
import pytest

from zoo import registry
from zoo.eval import critic
from zoo.models.gan import GAN


def test_share_at_bound_counts_weights_within_one_percent_of_tau():
    w = np.array([-0.01, -0.00995, 0.0, 0.005, 0.0099, 0.01])
    assert critic.share_at_bound(w, 0.01) == pytest.approx(4 / 6)
    assert np.isnan(critic.share_at_bound(w, None))


def test_critic_weights_are_the_discriminators_kernels_only():
    g = GAN(architecture="mlp", data_shape=[2], latent_dim=2, units=8, depth=2, loss="wasserstein", n_critic=1,
            clip_value=0.01)
    w = critic.critic_weights(g)
    kernels = [v for v in g.discriminator.trainable_weights if v.path.endswith("kernel")]
    assert w.size == sum(int(np.prod(v.shape)) for v in kernels) < g.discriminator.count_params()


def test_only_wasserstein_gans_of_the_same_data_are_compared():
    spec = registry.get_spec("wgan-mnist")
    peers = critic.critic_peers(spec)
    assert peers[0] is spec and len(peers) >= 2
    assert all(critic.is_critic_spec(s) and s.dataset == spec.dataset for s in peers)
    assert not critic.is_critic_spec(registry.get_spec("dcgan-mnist"))


@pytest.mark.slow
def test_clipping_piles_the_shipped_critics_weights_at_tau(tmp_path):
    sections = critic.card_figures(registry.get_spec("wgan-mnist"), tmp_path)
    assert (tmp_path / "wgan-mnist-critic.png").stat().st_size > 0 and len(sections) == 1
    assert "| `wgan-mnist` | clipped to ±0.01 |" in sections[0][1]
    share = float(sections[0][1].split("| `wgan-mnist` | clipped to ±0.01 | ")[1].split("%")[0])
    assert share > 30.0, "weight clipping leaves a large share of the critic's weights at the bound"
