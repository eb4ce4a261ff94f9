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
    "gan-grid25": "16d36b9362e0bf0fa5c23699b40d178c6e9f7b6a8cfff6047d5ba43311347779",
    "gan-ns-grid25": "cd43eefabe3d39e61a2d795cb85cca76b0dda2dc86a42a991c51c500d4d01665",
    "gan-ns-ring8": "c8a3ecb5b0f3a2aea89dbfddb3c4e2aea1fc56bd9f8bbc69579987b9a58b3f5b",
    "gan-ring8": "6f486035cc193623817ac5b2dfeb3806881e15c650346eb22824af3b60b89f46",
    "lsgan-mnist": "640d22c27780c25b3f8f6724d56b466c43019e5a6185966f0c993e8d5f13d0fe",
    "mbd-dcgan-stacked-mnist": "679c9bf2cb56920425387f5b3c60f61f56a3ddfd873f5c8adb8f75d74e4fb3ae",
    "mbd-gan-grid25": "71b4eb06288cd6f01b1705d910123aa3eb74979c04e71ee3878078481039d82b",
    "mbd-gan-ring8": "5c4deaeab9665befbdea50f6a5b3ebe752c8f5ecdfed09217ef523bb3c1ae2d3",
    "mnist-classifier": "180c2505abea6334eac8e12972f48985795da83ca4ba46b58b5a4cdf60171ebb",
    "tangentprop-mnist": "e49d51df40fb6c18fb1adeac896d70d3211d3c2847e8e34504b23180172499d0",
    "unrolled-gan-grid25": "71ac034ef7cdeddc0d644aa730e99bd57e23841ff6514c2a8a47febac3657ab9",
    "unrolled-gan-ring8": "5132a1da1ed0afe3c85d43a0be1274aa8518ec43c47e6f4cb6f746435872ea82",
    "vae-mnist": "25e0b8228b0dc5bc74272f5dd09cbad1eefaba0d49923bf5a769eedf2934f4b9",
    "wgan-gp-grid25": "8fe112304daffb3297587fffbe66248ae48b280d967c7f817e1571cad86f57d8",
    "wgan-gp-mnist": "756ea97f4a45a0c4bd0475f3448f1b5cda064d097094f32820cd67e3189e05f9",
    "wgan-gp-ring8": "bc9c2172f06bff44e12d59b992b87a1b13d0dbd158ae5b452cfbdf6ef472ceb4",
    "wgan-mnist": "6c015a7b8b2b6bb2ad3f0a6bb6311eb570525306f89d61a825296687ac8a14b1",
}
