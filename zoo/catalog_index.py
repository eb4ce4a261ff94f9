"""Machine-written by `python -m training.catalog_index`: do not edit.

What the catalog says about a family or an id without importing its class (and so Keras):
each family's capability names, and each id's parameter count keyed by a digest of its family
and config (`zoo.registry.config_digest`). `zoo.registry` uses an entry only while it matches;
anything missing is computed from the class.
"""

CAPABILITIES = {
    'Autoencoder': ['reconstruct', 'interpolate'],
    'Classifier': ['classify', 'features'],
    'ConditionalGAN': ['generate', 'interpolate', 'conditional'],
    'ContractiveAutoencoder': ['reconstruct', 'interpolate', 'contract'],
    'DenoisingAutoencoder': ['reconstruct', 'interpolate', 'denoise'],
    'Doc2Vec': ['embed', 'embed_documents'],
    'GAN': ['generate', 'interpolate', 'project', 'inpaint'],
    'NMF': ['recommend'],
    'PixelCNN': ['generate', 'log_likelihood', 'inpaint'],
    'PixelRNN': ['generate', 'log_likelihood', 'inpaint'],
    'TangentPropClassifier': ['classify'],
    'VAE': ['generate', 'reconstruct', 'interpolate', 'log_likelihood', 'elbo', 'inpaint'],
    'VideoPredictor': ['predict_frames'],
    'Word2Vec': ['embed'],
}

PARAMS = {
    'ae-gaussian-mnist': ('4356a6c9f45e790a', 1083696),
    'ae-mnist': ('2030887d6256f3e3', 1083696),
    'cae-mnist': ('805be71e6b28941b', 567344),
    'cgan-fashion': ('f640454e9a7c3c19', 961154),
    'cgan-mnist': ('f640454e9a7c3c19', 961154),
    'cgan-nomismatch-mnist': ('afa942dbc12ca061', 961154),
    'convae-mnist': ('c75dcbe5dd712711', 131521),
    'convlstm-moving-mnist': ('e5e2d95dbfd25f09', 1046864),
    'convnet-moving-mnist': ('1a48721986bb2485', 1507424),
    'dae-mnist': ('87bf17db2572ee48', 1083696),
    'dcgan-celeba': ('f60025397a9be9cb', 6374084),
    'dcgan-mnist': ('304031885259b3d4', 697410),
    'dcgan-stacked-mnist': ('461b5f78f193b87d', 701508),
    'doc2vec-dbow-kjv': ('9ae84b65956b00a3', 1116820),
    'doc2vec-dbow-lee': ('11bc9a133d54ddff', 444987),
    'doc2vec-dm-kjv': ('8c28fa3c385124f5', 1116820),
    'doc2vec-dm-lee': ('f6748d3689e12d02', 444987),
    'fashion-classifier': ('86ca37a568bdd9df', 468394),
    'gan-grid25': ('a86ab034624c8aba', 68995),
    'gan-ns-grid25': ('a6d2fb0f80d26072', 68995),
    'gan-ns-ring8': ('a6d2fb0f80d26072', 68995),
    'gan-ring8': ('a86ab034624c8aba', 68995),
    'lsgan-mnist': ('e1fc827465a290b0', 697410),
    'mbd-dcgan-stacked-mnist': ('28dd6e12850aae0b', 1504356),
    'mbd-gan-grid25': ('9600b041e2b9ed87', 73099),
    'mbd-gan-ring8': ('9600b041e2b9ed87', 73099),
    'mnist-classifier': ('5a34684c9f87c69a', 468394),
    'nmf-biased-movielens': ('6c082747fb26993b', 175268),
    'nmf-movielens': ('a5fd7736bbdf429a', 165531),
    'pixelcnn-mnist': ('8bae369f497389aa', 139937),
    'pixelrnn-mnist': ('3f5ac3bb8a4850d5', 27105),
    'tangentprop-mnist': ('37347003b62f50ad', 206922),
    'unrolled-gan-grid25': ('ede5c848056d9d05', 68995),
    'unrolled-gan-ring8': ('ede5c848056d9d05', 68995),
    'vae-mnist': ('c2565daae923cd79', 1091920),
    'wgan-gp-grid25': ('db18e53b23e1413a', 68995),
    'wgan-gp-mnist': ('8a7cfd6e25fc8b0f', 697410),
    'wgan-gp-ring8': ('db18e53b23e1413a', 68995),
    'wgan-mnist': ('c3a7af8eee88a4aa', 697410),
    'word2vec-cbow-gcide': ('c1f94979b1221bac', 9688558),
    'word2vec-sg-gcide': ('45fd22a58ddee37d', 9688558),
}
