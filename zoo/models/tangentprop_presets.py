"""Catalog ids of the Tangent Prop classifier (trained by `python -m training.tangentprop`)."""

from zoo import recipes as R
from zoo.registry import Card, ModelSpec, register_presets

CARD = Card(
    intended="Teaching and research on invariance priors: how much the tangent vectors of an autoencoder help a "
             "classifier that sees few labels (see the table below), and a starting point for fine-tuning with "
             "`model.fit((x, tangents), y)`. Not for reading handwriting in any setting where errors affect "
             "people.",
    limitations=["- Trained on 1,000 labelled MNIST images: far less accurate than a classifier trained on all "
                 "60,000 labels (`mnist-classifier`).",
                 "- The tangents describe the MNIST manifold as one autoencoder learned it, and the penalty acts "
                 "at the labelled images only; whether it helps is measured, not assumed (see the table)."],
    tags=["image-classification", "tangent-prop", "manifold-tangent-classifier"], task="image-classification")

SPECS = [ModelSpec(
    id="tangentprop-mnist", family="TangentPropClassifier",
    # penalty_weight: the best of 1, 10, 100 on the validation split (python -m training.tangentprop).
    config=dict(input_shape=[28, 28, 1], num_classes=10, architecture="cnn", filters=16, units=128, dropout=0.5,
                penalty_weight=10.0, scores="probabilities"),
    dataset="mnist",
    summary="Small CNN trained on 1,000 MNIST labels with the Tangent Prop penalty along the tangent vectors of "
            "cae-mnist",
    paper="Simard, Victorri, LeCun, Denker 1992, Tangent Prop - A formalism for specifying selected invariances "
          "in an adaptive network, NeurIPS 4; tangents from a contractive autoencoder as in Rifai, Dauphin, "
          "Vincent, Bengio, Muller 2011, The Manifold Tangent Classifier, NeurIPS 24",
    license="cc-by-sa-3.0", primary_metric=("test_accuracy", "max"), trainer="training.tangentprop",
    # epochs are passes over the 1,000 labelled images; every label count gets the same number of updates.
    recipe=R.Recipe(epochs=30, batch_size=32, compile={"optimizer": R.adam(1e-3, beta_1=0.9)}, with_labels=True))]

TINY = {"tiny": dict(input_shape=[8, 8, 1], num_classes=10, architecture="cnn", filters=4, units=8, dropout=0.5,
                     penalty_weight=1.0)}

register_presets("zoo.models.tangentprop.TangentPropClassifier", SPECS, CARD, TINY)
