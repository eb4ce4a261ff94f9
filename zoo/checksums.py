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
    "gan-grid25": "e8749a5edc89c61fa6324b50a6e8a64142273e4473e267c5f6cd67f148e0266e",
    "gan-ns-grid25": "3ec45a845cf8d519ff1c5d86a2b335c36badadf81ac4b23f719aa72cefda27ac",
    "gan-ns-ring8": "4cb909bed4e82a210d9f39d8a49a86a48c298f10ee2ab2fcc622178082c8f61b",
    "gan-ring8": "842650a729c46e8d91722281460198c8861217688ac35e796ac6f60ee7f498d9",
    "lsgan-mnist": "640d22c27780c25b3f8f6724d56b466c43019e5a6185966f0c993e8d5f13d0fe",
    "mbd-dcgan-stacked-mnist": "679c9bf2cb56920425387f5b3c60f61f56a3ddfd873f5c8adb8f75d74e4fb3ae",
    "mbd-gan-grid25": "993987b3e54faaa923f93c96e2afba0b488edf47b944c88ff14798e96db98517",
    "mbd-gan-ring8": "b932ca6e159930a7c863825e6c28ad0b82f6d47dd8541f6b739c3af9d9fee87d",
    "mnist-classifier": "180c2505abea6334eac8e12972f48985795da83ca4ba46b58b5a4cdf60171ebb",
    "tangentprop-mnist": "e49d51df40fb6c18fb1adeac896d70d3211d3c2847e8e34504b23180172499d0",
    "unrolled-gan-grid25": "336dc7f0744584dc1cd41ae9733f33ada94c70b7c99a93eb3be9d9526bf0a465",
    "unrolled-gan-ring8": "1b753ab0337838bb3e05ee0a29a7be55961a598b7376e95a4d6786cce50710b1",
    "vae-mnist": "25e0b8228b0dc5bc74272f5dd09cbad1eefaba0d49923bf5a769eedf2934f4b9",
    "wgan-gp-grid25": "d1e7fe8cc9e87b96ea0843a0a50a777c1d2d6ea4f225681881f65c5480d4fa6e",
    "wgan-gp-mnist": "756ea97f4a45a0c4bd0475f3448f1b5cda064d097094f32820cd67e3189e05f9",
    "wgan-gp-ring8": "599766d2162dac5ee4a35d7c20cf1f0045d6ba359209f6f3c93c1bdb1cca983b",
    "wgan-mnist": "6c015a7b8b2b6bb2ad3f0a6bb6311eb570525306f89d61a825296687ac8a14b1",
}
