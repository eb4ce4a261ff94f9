"""sha256 of every published weight file, by model id.

Written by `python -m training.train ID` when it installs new weights; the loader
refuses a catalog weight file whose digest differs.
"""

SHA256 = {
    "dcgan-mnist": "91e6d8f2c02294113842768c307270a0eba8c88960ef1dcbd72e86158f0920b9",
    "mnist-classifier": "180c2505abea6334eac8e12972f48985795da83ca4ba46b58b5a4cdf60171ebb",
}
