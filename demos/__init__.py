"""Gradio demo of the zoo: one app, one tab per task, every pretrained model that can do it.

    python -m demos                      # http://127.0.0.1:7860

>>> from demos import build_app
>>> app = build_app()          # gr.Blocks; app.launch() or demos.app.launch(app)

Importing the package registers the tabs (`demos.tasks` fills `demos.registry.DEMOS`);
`demos.app` reads that registry and never imports the tabs itself.
"""

from demos import tasks  # noqa: F401  (registers the tabs)
from demos import complete  # noqa: F401  (the Complete tab)
from demos import predict  # noqa: F401  (the Predict the future tab)
from demos import conditional  # noqa: F401  (the Conditional tab)
from demos import image2image  # noqa: F401  (the Translate and Super-resolve tabs)
from demos import text2image  # noqa: F401  (the Text to image tab)
from demos.app import build_app, launch

__all__ = ["build_app", "launch"]
