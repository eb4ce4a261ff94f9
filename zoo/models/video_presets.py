"""Catalog ids of the video predictors (Moving MNIST)."""

from zoo import recipes as R
from zoo.registry import Card, ModelSpec, register_presets

CARD = Card(
    intended="Teaching and research on self-supervised \"predict the future\" learning from video: show the model "
             "10 frames of two bouncing digits and it draws the next 10 (`predict_frames`); compare it with the "
             "copy-last-frame and all-black baselines, fine-tune it with `model.fit` on fresh Moving MNIST "
             "sequences. Not for forecasting anything real (traffic, weather, people).",
    limitations=["- Trained on synthetic Moving MNIST only (two 28x28 MNIST digits in 64x64, 3.6 pixels a frame, "
                 "bouncing off the edges): other digits counts, speeds, sizes or real video are out of its domain.",
                 "- Deterministic: it predicts each pixel's probability of being on, so where the future is "
                 "uncertain (digits crossing, bounces) the frames blur rather than commit to one outcome; the blur "
                 "grows with the horizon.",
                 "- Beyond 10 frames `predict_frames` feeds the model its own blurred predictions, which degrade "
                 "quickly.",
                 "- Evaluated on a seeded test set generated with Srivastava et al.'s recipe from MNIST test "
                 "digits, not on the published mnist_test_seq.npy (no dataset host is reachable where it was "
                 "trained): the papers' numbers beside ours are on other test sequences of the same process."],
    tags=["video-prediction", "moving-mnist", "self-supervised"],
    task="other")

_SHI = ("Shi, Chen, Wang, Yeung, Wong, Woo 2015, Convolutional LSTM Network: A Machine Learning Approach for "
        "Precipitation Nowcasting, arXiv:1506.04214")
_SIMVP = ("Gao, Tan, Wu, Li 2022, SimVP: Simpler yet Better Video Prediction, arXiv:2206.05099; data: Srivastava, "
          "Mansimov, Salakhutdinov 2015, Unsupervised Learning of Video Representations using LSTMs, arXiv:1502.04681")
_PAPER_MSE = ("Wang et al. 2017 (PredRNN, NeurIPS), Table 1, MSE per frame (summed over the 64x64 pixels) of frames "
              "11-20 predicted from 1-10 on their 2-digit Moving MNIST test sequences (whether the published 10,000-sequence "
              "file or their own generated ones is not checked here): ConvLSTM 103.3, PredRNN 56.8; ours is on the "
              "seeded generated test set")

# Which design, measured (one thread, TF_NUM_INTRAOP_THREADS=1, on a machine shared with 2-3 other jobs,
# batch 16, Adam 1e-3). Pure train step on a fixed batch:
#   convnet  filters 64, 4 blocks, float32:           0.42-0.65 s/step
#   convnet  filters 64, 4 blocks, mixed_bfloat16:    0.16-0.37 s/step (bfloat16 ~1.7x faster here)
#   convlstm filters 64, 2+2 layers, float32:         6.5 s/step
#   convlstm filters 64, 2+2 layers, mixed_bfloat16:  5.2 s/step
# Equal wall time, 340 s of training each, then MSE per frame on the first 1,000 test sequences (black
# baseline 174.7, copy-last 286.8):
#   convnet  (this config):  1,611 steps (4.7 steps/s) -> 111.2 (0.64 of the black baseline)
#   convlstm (this config):    134 steps (0.39 steps/s) -> 148.0 (0.85)
# The ConvLSTM learns more per update, but it unrolls 20 sequential steps of 4-gate convolutions; the
# convnet sees the 10 frames at once as the channels of one 2D U-Net and predicts the 10 future ones in
# one pass, so it makes 12x more updates in the same time and is ahead at equal wall time: it is the
# design trained. `python -m training.train convnet-moving-mnist --epochs 1` (625 steps, 193 s, 3.2
# steps/s through the training driver) -> 129.8 on all 10,000 test sequences (0.744 of the black
# baseline 174.4; copy-last 287.2); --epochs 2 (1,250 steps, 326 s) -> 116.1 (0.67). The recipe: 60
# epochs of 625 steps, 37,500 updates, about 3.3 hours at 3.2 steps/s (less with the 2 cores alone). The
# ConvLSTM's recipe, for comparison runs: 8 epochs, 5,000 updates, about 3.6 hours at 0.39 steps/s.
_BATCH = 16
_STEPS_PER_EPOCH = 10_000 // _BATCH  # a pass draws 10,000 fresh sequences (zoo.data.moving_mnist)


def _recipe(epochs, lr=1e-3):
    return R.Recipe(epochs=epochs, batch_size=_BATCH, checkpoint_every=200,
                    compile={"optimizer": R.adam_cosine(lr, epochs * _STEPS_PER_EPOCH, beta_1=0.9, alpha=0.05)})


_FRAMES = dict(frame_shape=[64, 64, 1], input_frames=10, output_frames=10, patch=4, kernel_size=3)
SPECS = [
    ModelSpec(
        id="convnet-moving-mnist", family="VideoPredictor", dataset="moving_mnist",
        config=dict(_FRAMES, architecture="convnet", filters=64, blocks=4, precision="mixed_bfloat16"),
        summary="Convolutional video predictor (SimVP-style U-Net on space-to-depth frames): 10 Moving MNIST "
                "frames in, the next 10 out",
        paper=_SIMVP, recipe=_recipe(epochs=60), primary_metric=("mse", "min"),
        paper_numbers={"mse": _PAPER_MSE}),
    ModelSpec(
        id="convlstm-moving-mnist", family="VideoPredictor", dataset="moving_mnist",
        config=dict(_FRAMES, architecture="convlstm", filters=64, blocks=2, precision="mixed_bfloat16"),
        summary="ConvLSTM encoder-forecaster (Shi et al. 2015) on space-to-depth frames: 10 Moving MNIST frames "
                "in, the next 10 out",
        paper=_SHI, recipe=_recipe(epochs=8), primary_metric=("mse", "min"),
        paper_numbers={"mse": _PAPER_MSE}),
]

TINY = {
    "tiny": dict(frame_shape=[8, 8, 1], input_frames=3, output_frames=2, patch=2, architecture="convnet", filters=4,
                 blocks=1),
    "tiny-convlstm": dict(frame_shape=[8, 8, 1], input_frames=3, output_frames=2, patch=2, architecture="convlstm",
                          filters=4, blocks=1),
}

register_presets("zoo.models.video.VideoPredictor", SPECS, CARD, TINY)
