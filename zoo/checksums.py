"""sha256 of every published weight file, by model id.

Written by `python -m training.train ID` when it installs new weights; the loader
refuses a catalog weight file whose digest differs.
"""

SHA256 = {
    "dcgan-mnist": "91e6d8f2c02294113842768c307270a0eba8c88960ef1dcbd72e86158f0920b9",
    "mnist-classifier": "a522a475b976f8d87034592c07b2bfc39e220f31e80965dde5f97a3e0001315a",
}
