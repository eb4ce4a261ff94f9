"""sha256 of every published weight file, by model id.

Written by `python -m training.train ID` when it installs new weights; the loader
refuses a catalog weight file whose digest differs.
"""

SHA256 = {
    "ae-gaussian-mnist": "92a44fe22db7ccb8ce293ed13dad5c633d3cc292ef26538b127170c6389ba1dc",
    "ae-mnist": "69f44ecf6ba0b74cefd484ecd596d58f9904dc23f2b053630d2f286810337ff8",
    "cae-mnist": "05acd40b8fc4c03448270f39e5032ebcdb3ce361497d11c42da56044739deb5e",
    "convae-mnist": "146b6126b6ba56d01e842568b0b18cf25b364b49bbe7c7c1d558a12fcccc9a29",
    "dae-mnist": "30e7d01b8cce5195e117e6c89af9b179ba8c68174330b9584848c0a4c2445ecd",
    "dcgan-mnist": "91e6d8f2c02294113842768c307270a0eba8c88960ef1dcbd72e86158f0920b9",
    "dcgan-stacked-mnist": "2f3dc955137ea693de947717a3a10ac29252ee938dcfb3ee40311dccc2f061d5",
    "gan-grid25": "8eb1a0a59b157371581846d2072ac4febb0116d84a93369e822bbb29f34566d8",
    "gan-ns-grid25": "b43bdb625f144ad048b99e920141824346bb512601934f21ca93c5f2f44f61ea",
    "gan-ns-ring8": "c4a8c7df5dfd1a56a7a3456b4e8802d0cc7154fabe35b0ec8a3f4362b5953456",
    "gan-ring8": "b4bbe69790516077ee6ca5335285c7240057e6d2a793b1edf08ba079c4998e6d",
    "lsgan-mnist": "640d22c27780c25b3f8f6724d56b466c43019e5a6185966f0c993e8d5f13d0fe",
    "mbd-dcgan-stacked-mnist": "679c9bf2cb56920425387f5b3c60f61f56a3ddfd873f5c8adb8f75d74e4fb3ae",
    "mbd-gan-grid25": "1135721922cd50757cc46df9f388d6de91858f064c68333c95b4164abf420a06",
    "mbd-gan-ring8": "165d09d36c2fabc39e1198573eb46dbe84423b970210c7771786eca10b9e7726",
    "mnist-classifier": "180c2505abea6334eac8e12972f48985795da83ca4ba46b58b5a4cdf60171ebb",
    "tangentprop-mnist": "e49d51df40fb6c18fb1adeac896d70d3211d3c2847e8e34504b23180172499d0",
    "unrolled-gan-grid25": "72f87a9a5ed869336a2dad9f86c6693cbeab0ff3e262eefec1e8e7b1cb257385",
    "unrolled-gan-ring8": "e4f957a85de0b517a33be68f232e6498e75ee387e9f9275967ad79a8087638ae",
    "vae-mnist": "25e0b8228b0dc5bc74272f5dd09cbad1eefaba0d49923bf5a769eedf2934f4b9",
    "wgan-gp-grid25": "40c6f2cc64a2833ac7b376b18c116bc2675596ff269e04ac3e29f6edc85a0887",
    "wgan-gp-mnist": "756ea97f4a45a0c4bd0475f3448f1b5cda064d097094f32820cd67e3189e05f9",
    "wgan-gp-ring8": "0ffd3fe0a9a5bc72134f533e13aff44571b5f4773a7445ca8c31aecb35381844",
    "wgan-mnist": "6c015a7b8b2b6bb2ad3f0a6bb6311eb570525306f89d61a825296687ac8a14b1",
}
