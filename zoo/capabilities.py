"""Capabilities: what a family can do, declared once by the family.

A family lists its capabilities in ``CAPABILITIES``; `ZooModel` checks at class creation
that it has every method a capability names. Evaluation suites, demo tabs, CLI commands
and card sections ask `has(model_or_spec, Generator)` (or filter `list_models(task=...)`),
never `hasattr` or a family name.

>>> from zoo import capabilities as cap
>>> cap.has(zoo.load("vae-mnist"), cap.Likelihood)
True
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Capability:
    """A named protocol: the methods a family with it provides.

    Args:
        name: the task name (`zoo.list_models(task=name)`, demo tabs, CLI).
        methods: method names the family must define.
        doc: what the methods return, in one line.
    """

    name: str
    methods: tuple
    doc: str = ""


Generator = Capability("generate", ("generate", "sample_codes", "decode"),
                       "generate(n, seed) -> samples in the data's range; decode(codes)")
Interpolator = Capability("interpolate", ("interpolate",),
                          "interpolate(a, b, steps) -> decoded points along a line in code space")
Projector = Capability("project", ("project",), "project(x) -> codes whose samples are nearest to x")
Encoder = Capability("reconstruct", ("encode", "decode", "reconstruct", "reconstruction_errors", "code_encoder"),
                     "encode(x) -> codes, decode(codes), reconstruct(x) in [0, 1]; code_encoder() -> keras "
                     "Model image -> code (differentiable: zoo.manifold's Jacobians)")
Denoiser = Capability("denoise", ("corrupt", "denoise"), "corrupt(x, seed), denoise(x) in [0, 1]")
Contractive = Capability("contract", ("jacobian_norms",), "jacobian_norms(x) -> ||dc/dx||_F^2 per example")
Likelihood = Capability("log_likelihood", ("log_likelihood", "likelihood_protocol"),
                        "log_likelihood(x) -> log p(x) in nats per example; likelihood_protocol() -> how it is computed")
LowerBound = Capability("elbo", ("elbo",), "elbo(x, k, seed) -> a lower bound on log p(x) in nats per example")
Classifier = Capability("classify", ("predict_proba", "predict_labels"),
                        "predict_proba(x) -> (n, classes); predict_labels(x) -> (n,)")
Features = Capability("features", ("features",), "features(x) -> (n, d) feature vectors")
# Capabilities of the families to come (issues 13-16): declared here once, with their methods.
Conditional = Capability("conditional", ("generate",), "generate(n, seed, labels=...) -> class-conditional samples")
TextConditional = Capability("text_to_image", ("generate",),
                             "generate(n, seed, text=...) -> samples described by the text")
Translator = Capability("translate", ("translate",),
                        "translate(x, direction) -> images in [0, 1]; the family's DIRECTIONS lists its directions")
Upscaler = Capability("upscale", ("upscale",), "upscale(x) -> larger images in [0, 1]")
Inpainter = Capability("inpaint", ("inpaint",), "inpaint(x, mask, seed) -> x with mask == 0 filled in")
Sequence = Capability("predict_frames", ("predict_frames",), "predict_frames(frames, steps) -> future frames")
Embedding = Capability("embed", ("vector", "most_similar"), "vector(word), most_similar(word, topn)")
Recommender = Capability("recommend", ("recommend", "predict"), "recommend(user, n), predict(user, item)")
Documents = Capability("embed_documents", ("infer_vector", "most_similar_documents"),
                       "infer_vector(text, seed) -> (dim,) vector of a new document; "
                       "most_similar_documents(text, topn) -> [(training document, cosine)]")
Progressive = Capability("grow", ("stage_samples",),
                         "stage_samples(n, seed) -> {resolution: images}: the same codes through every stage's "
                         "network of a progressively grown generator")

ALL = (Generator, Interpolator, Projector, Encoder, Denoiser, Contractive, Likelihood, LowerBound, Classifier,
       Features,
       Conditional, TextConditional, Translator, Upscaler, Inpainter, Sequence, Embedding, Recommender, Documents,
       Progressive)
BY_NAME = {c.name: c for c in ALL}


def names(obj):
    """Capability names of a model, a family class or a `ModelSpec`."""
    if hasattr(obj, "capabilities") and isinstance(obj.capabilities, tuple):  # a ModelSpec
        return obj.capabilities
    cls = obj if isinstance(obj, type) else type(obj)
    return tuple(c.name for c in getattr(cls, "CAPABILITIES", ()))


def has(obj, capability):
    """True when a model, family class or spec declares `capability` (a Capability or its name)."""
    name = capability.name if isinstance(capability, Capability) else capability
    return name in names(obj)


def require(obj, capability, what="model"):
    """Raise a clear TypeError unless `obj` declares `capability`."""
    if not has(obj, capability):
        cap = capability if isinstance(capability, Capability) else BY_NAME[capability]
        label = getattr(obj, "zoo_id", None) or getattr(obj, "id", None) or type(obj).__name__
        raise TypeError(f"The {what} {label!r} cannot {cap.name}: it has no {', '.join(cap.methods)} "
                        f"(its capabilities: {', '.join(names(obj)) or 'none'}).")


def check_family(cls):
    """Raise TypeError when a family class lacks a method of a capability it declares."""
    for cap in getattr(cls, "CAPABILITIES", ()):
        if not isinstance(cap, Capability):
            raise TypeError(f"{cls.__name__}.CAPABILITIES must hold zoo.capabilities.Capability objects.")
        missing = [m for m in cap.methods if not callable(getattr(cls, m, None))]
        if missing:
            raise TypeError(f"{cls.__name__} declares {cap.name!r} but has no {', '.join(missing)}.")
