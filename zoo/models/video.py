"""Video prediction: the next frames of a clip from its first ones, trained on per-pixel BCE.

Two architectures, one family (``architecture``):

- ``"convlstm"``: the encoder-forecaster of Shi, Chen, Wang, Yeung, Wong, Woo 2015 (Convolutional
  LSTM Network: A Machine Learning Approach for Precipitation Nowcasting, arXiv:1506.04214):
  stacked ConvLSTMs read the input frames; forecaster ConvLSTMs, started from the encoder's
  states and fed no input, unroll the future; a 1x1 convolution of all their hidden states
  gives every future frame's logits.
- ``"convnet"``: a convolutional predictor in the manner of SimVP (Gao, Tan, Wu, Li 2022, SimVP:
  Simpler yet Better Video Prediction, arXiv:2206.05099): the input frames stacked as channels,
  a 2D U-Net (residual blocks at half resolution) maps them to all future frames at once.

Both work at reduced resolution: ``patch`` x ``patch`` pixels become channels (space to depth,
64x64x1 -> 16x16x16 for patch 4) and back. The loss is the per-pixel binary cross-entropy of the
future frames (the standard for Moving MNIST, Srivastava et al. 2015), summed over a frame's
pixels, averaged over frames and sequences.
"""

import math
import types

import numpy as np
import keras
from keras import layers, ops

from zoo import capabilities as cap
from zoo.models.base import ZooModel, check_int, check_shape, check_width

ARCHITECTURES = ("convnet", "convlstm")
PRECISIONS = ("float32", "mixed_bfloat16")
MAX_STEPS = 1000  # frames one predict_frames call may unroll


# ----------------------------------------------------------------------------- builders
def space_to_depth(x, frames, shape, patch):
    """(batch, frames, H, W, C) -> (batch, frames, H / patch, W / patch, patch * patch * C)."""
    h, w, c = shape
    x = layers.Reshape((frames, h // patch, patch, w // patch, patch, c))(x)
    x = layers.Permute((1, 2, 4, 3, 5, 6))(x)
    return layers.Reshape((frames, h // patch, w // patch, patch * patch * c))(x)


def depth_to_space(x, frames, shape, patch):
    """The inverse of `space_to_depth`."""
    h, w, c = shape
    x = layers.Reshape((frames, h // patch, w // patch, patch, patch, c))(x)
    x = layers.Permute((1, 2, 4, 3, 5, 6))(x)
    return layers.Reshape((frames, h, w, c))(x)


def _norm_act(x, name, dtype):
    groups = math.gcd(8, x.shape[-1])
    x = layers.GroupNormalization(groups, name=f"{name}_norm", dtype=dtype)(x)
    return layers.Activation("silu", name=f"{name}_act", dtype=dtype)(x)


def build_convnet(frame_shape=(64, 64, 1), input_frames=10, output_frames=10, patch=4, filters=64, blocks=4,
                  kernel_size=3, precision="float32"):
    """Frames (Tin, H, W, C) -> logits (Tout, H, W, C) of the future frames, SimVP-style.

    Space to depth, the frames stacked as channels (h, w, Tin * D); a conv stem (`filters`), a
    stride-2 conv to half resolution (2 `filters`), `blocks` residual blocks (conv-norm-SiLU
    twice), a transposed conv back up joined with the stem (U-Net skip), a conv, and a 1x1 conv to
    Tout * D channels, unstacked into frames and back to full resolution (depth to space).
    """
    h, w, c = frame_shape
    hp, wp, d = h // patch, w // patch, patch * patch * c
    k, f = kernel_size, filters
    x_in = keras.Input((input_frames, *frame_shape), name="frames")
    x = space_to_depth(x_in, input_frames, frame_shape, patch)
    x = layers.Reshape((hp, wp, input_frames * d))(layers.Permute((2, 3, 1, 4))(x))
    skip = _norm_act(layers.Conv2D(f, k, padding="same", name="stem", dtype=precision)(x), "stem", precision)
    y = _norm_act(layers.Conv2D(2 * f, k, strides=2, padding="same", name="down", dtype=precision)(skip), "down",
                  precision)
    for i in range(blocks):
        r = _norm_act(layers.Conv2D(2 * f, k, padding="same", name=f"block{i}_a", dtype=precision)(y), f"block{i}_a",
                      precision)
        r = layers.Conv2D(2 * f, k, padding="same", name=f"block{i}_b", dtype=precision)(r)
        y = _norm_act(layers.Add(name=f"block{i}_add", dtype=precision)([y, r]), f"block{i}_b", precision)
    y = layers.Conv2DTranspose(f, k, strides=2, padding="same", name="up", dtype=precision)(y)
    y = layers.Concatenate(name="skip", dtype=precision)([_norm_act(y, "up", precision), skip])
    y = _norm_act(layers.Conv2D(f, k, padding="same", name="merge", dtype=precision)(y), "merge", precision)
    y = layers.Conv2D(output_frames * d, 1, name="logits", dtype="float32")(y)
    y = layers.Permute((3, 1, 2, 4))(layers.Reshape((hp, wp, output_frames, d))(y))
    return keras.Model(x_in, depth_to_space(y, output_frames, frame_shape, patch), name="predictor")


def build_convlstm(frame_shape=(64, 64, 1), input_frames=10, output_frames=10, patch=4, filters=64, blocks=2,
                   kernel_size=3, precision="float32"):
    """Frames (Tin, H, W, C) -> logits (Tout, H, W, C): Shi et al.'s encoder-forecaster.

    Space to depth and a per-frame conv (`filters`); `blocks` stacked ConvLSTMs (`filters`,
    `kernel_size`) read the Tin frames; `blocks` forecaster ConvLSTMs, each started from the final
    (h, c) of its encoder layer, unroll Tout steps on a zero input; a 1x1 conv of their hidden
    states (concatenated) gives the logits, back to full resolution.
    """
    k, f, d = kernel_size, filters, patch * patch * frame_shape[2]
    x_in = keras.Input((input_frames, *frame_shape), name="frames")
    x = space_to_depth(x_in, input_frames, frame_shape, patch)
    x = layers.Conv3D(f, (1, k, k), padding="same", activation="silu", name="stem", dtype=precision)(x)
    states = []
    for i in range(blocks):
        x, h_state, c_state = layers.ConvLSTM2D(f, k, padding="same", return_sequences=True, return_state=True,
                                                name=f"encoder{i}", dtype=precision)(x)
        states.append([h_state, c_state])
    y = ops.repeat(ops.zeros_like(x[:, -1:, :, :, :1]), output_frames, axis=1)  # the forecaster has no input
    hidden = []
    for i in range(blocks):
        y = layers.ConvLSTM2D(f, k, padding="same", return_sequences=True, name=f"forecaster{i}",
                              dtype=precision)(y, initial_state=states[i])
        hidden.append(y)
    y = layers.Concatenate(name="hidden", dtype=precision)(hidden) if blocks > 1 else hidden[0]
    y = layers.Conv3D(d, 1, name="logits", dtype="float32")(y)
    return keras.Model(x_in, depth_to_space(y, output_frames, frame_shape, patch), name="predictor")


BUILDERS = {"convnet": build_convnet, "convlstm": build_convlstm}


# ----------------------------------------------------------------------------- model
class VideoPredictor(ZooModel):
    """Predicts `output_frames` frames from `input_frames`; trained on whole clips.

    Args:
        frame_shape: (H, W, C) of one frame (default [64, 64, 1]).
        input_frames: frames it conditions on (default 10).
        output_frames: frames one forward pass predicts (default 10).
        patch: space-to-depth factor; H and W must be multiples of it (and of 2 patch for
            "convnet") (default 4).
        architecture: "convnet" (SimVP-style) or "convlstm" (Shi et al. 2015) (default "convnet").
        filters: channels of the convolutions / ConvLSTM states (default 64).
        blocks: residual blocks ("convnet") or ConvLSTM layers in the encoder and in the
            forecaster ("convlstm") (default 4).
        kernel_size: odd kernel of every spatial convolution (default 3).
        precision: "float32" or "mixed_bfloat16" (bfloat16 compute, float32 weights and logits)
            (default "float32").

    A training example is one clip (input_frames + output_frames, H, W, C) in [0, 1]: the first
    `input_frames` are the input, the rest the target. Trackers: ``loss`` (BCE summed over a
    frame's pixels, nats per frame) and ``mse`` (squared error summed over a frame's pixels).

    Example:
        v = zoo.load("convnet-moving-mnist")
        future = v.predict_frames(clips[:, :10], steps=10)    # (n, 10, 64, 64, 1) in [0, 1]
        v.fit(zoo.data.load("moving_mnist", split="train", batch_size=16), epochs=1)
    """

    CAPABILITIES = (cap.Sequence,)
    TRACKERS = ("loss", "mse")

    def __init__(self, frame_shape=(64, 64, 1), input_frames=10, output_frames=10, patch=4, architecture="convnet",
                 filters=64, blocks=4, kernel_size=3, precision="float32", **kwargs):
        super().__init__(**kwargs)
        self.frame_shape = check_shape(frame_shape, "frame_shape", rank=3)
        self.input_frames = check_int(input_frames, "input_frames", 1, 100)
        self.output_frames = check_int(output_frames, "output_frames", 1, 100)
        self.patch = check_int(patch, "patch", 1, 64)
        if architecture not in ARCHITECTURES:
            raise ValueError(f"architecture must be one of {ARCHITECTURES}, got {architecture!r}.")
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}.")
        multiple = self.patch * (2 if architecture == "convnet" else 1)
        if any(s % multiple for s in self.frame_shape[:2]):
            raise ValueError(f"frame_shape {list(self.frame_shape)}: H and W must be multiples of {multiple} "
                             f"(patch {self.patch}{' times 2, for the half-resolution blocks' if multiple > patch else ''}).")
        kernel_size = check_int(kernel_size, "kernel_size", 1, 15)
        if kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd, got {kernel_size}.")
        self.architecture, self.precision = architecture, precision
        self.data_shape = (self.input_frames + self.output_frames, *self.frame_shape)
        self.network = BUILDERS[architecture](self.frame_shape, self.input_frames, self.output_frames, self.patch,
                                              check_width(filters, "filters"), check_int(blocks, "blocks", 1, 32),
                                              kernel_size, precision)
        self.built = True

    # --- training -------------------------------------------------------------------
    def frame_losses(self, x, training=False):
        """(BCE, squared error) of the predicted future frames of clips x, each summed over a frame's
        pixels: float32 (batch, output_frames) twice."""
        inputs, target = x[:, : self.input_frames], x[:, self.input_frames:]
        logits = ops.cast(self.network(inputs, training=training), "float32")
        bce = ops.binary_crossentropy(target, logits, from_logits=True)
        err = ops.square(ops.sigmoid(logits) - target)
        shape = (ops.shape(x)[0], self.output_frames, -1)
        return ops.sum(ops.reshape(bce, shape), axis=-1), ops.sum(ops.reshape(err, shape), axis=-1)

    def compute_losses(self, x, training=False):
        bce, err = self.frame_losses(x, training=training)
        return {"loss": ops.mean(bce), "mse": ops.mean(err)}

    # --- prediction -----------------------------------------------------------------
    def check_frames(self, frames, name="frames"):
        """float32 (n, input_frames, H, W, C) in [0, 1] ((n, input_frames, H, W) for C = 1); ValueError
        naming `name` otherwise."""
        frames = np.asarray(frames)
        if frames.ndim == 4 and self.frame_shape[2] == 1:
            frames = frames[..., None]
        # The base class's checks, on the shape of the input clips rather than whole training clips.
        view = types.SimpleNamespace(data_shape=(self.input_frames, *self.frame_shape), data_range=self.data_range)
        return ZooModel.check_data(view, frames, name)

    def predict_frames(self, frames, steps=None, batch_size=64):
        """The next `steps` frames of each clip, float32 (n, steps, H, W, C) in [0, 1] (the predicted
        probability of each pixel being on).

        Args:
            frames: the last `input_frames` frames of each clip, (n, input_frames, H, W, C) in [0, 1].
            steps: frames to predict (default `output_frames`); beyond `output_frames` the model
                runs again on its own predictions (the last `input_frames` frames so far).
            batch_size: clips per forward pass (default 64).

        Example:
            future = v.predict_frames(clips[:, :10], steps=10)
        """
        import tensorflow as tf

        frames = self.check_frames(frames)
        steps = self.output_frames if steps is None else check_int(steps, "steps", 1, MAX_STEPS)
        self.check_count(len(frames), "frames", per_example=(steps, *self.frame_shape))
        if getattr(self, "_predict_fn", None) is None:
            self._predict_fn = tf.function(lambda t: ops.sigmoid(ops.cast(self.network(t, training=False), "float32")),
                                           reduce_retracing=True)
        out, history = [], frames
        while sum(o.shape[1] for o in out) < steps:
            nxt = self.batched(self._predict_fn, history[:, -self.input_frames:], batch_size)
            out.append(nxt)
            history = np.concatenate([history, nxt], axis=1)
        return np.concatenate(out, axis=1)[:, :steps].astype(np.float32)

    def example_batch(self, n=4, seed=0):
        """n clips float32 (n, input_frames + output_frames, H, W, C) of bouncing sprites, drawn with
        Moving MNIST's physics (`zoo.data.moving_mnist`) at this model's frame size: two random
        sprites of half the frame's side a clip (for tests and quick looks)."""
        from zoo.data import moving_mnist

        h, w, c = self.frame_shape
        side = max(1, min(h, w) // 2)
        rng = np.random.default_rng(seed)
        sprites = (rng.random((n, 2, side, side)) * 255).astype(np.uint8)
        corners = moving_mnist.trajectories(rng, 2 * n, self.data_shape[0], size=min(h, w), digit=side)
        clips = np.zeros((n, self.data_shape[0], h, w, c), np.float32)
        square = moving_mnist.render(sprites, corners.reshape(n, 2, -1, 2), size=min(h, w))
        clips[:, :, : min(h, w), : min(h, w)] = square[..., None] / 255.0
        return clips
