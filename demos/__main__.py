"""`python -m demos`: start the Gradio demo, or export it as a Hugging Face Space.

    python -m demos                                  # http://127.0.0.1:7860
    python -m demos --host 0.0.0.0 --port 8080       # flags win over the variables below
    GRADIO_SERVER_NAME=0.0.0.0 GRADIO_SERVER_PORT=7860 python -m demos   # what a Space sets
    python -m demos --models "dcgan*"                # only these models (and the tabs they fill)
    python -m demos --export-space my-space --models "dcgan*"   # a ready Space folder
"""

import argparse
import sys

from demos import space


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m demos", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default=None,
                        help=f"address to bind (default ${space.HOST_VAR}, else 127.0.0.1; 0.0.0.0 for all)")
    parser.add_argument("--port", type=space.port_number, default=None,
                        help=f"port, 1 to 65535 (default ${space.PORT_VAR}, else 7860)")
    parser.add_argument("--share", choices=["off", "on"], default="off",
                        help="'on' asks Gradio for a public share link (needs internet; default off)")
    parser.add_argument("--untrained", action="store_true",
                        help="also offer models without published weights, untrained (development only)")
    parser.add_argument("--models", default=None, metavar="PATTERN",
                        help="offer only these catalog ids: a shell wildcard such as 'dcgan*', several "
                             "separated by commas (default: every model with published weights)")
    parser.add_argument("--export-space", metavar="DIR", default=None,
                        help="write a ready Hugging Face Space (app.py, requirements.txt, README.md) into DIR "
                             "instead of starting the demo")
    parser.add_argument("--zoo-requirement", metavar="SPEC", default=None,
                        help="with --export-space: the pip requirement that installs the zoo, e.g. "
                             "'zoo[demo] @ git+https://github.com/<you>/zoo@<commit>' (default: copy the "
                             "zoo's packages into the Space)")
    args = parser.parse_args(argv)

    if args.export_space is not None:
        if args.untrained or args.share != "off" or args.host is not None or args.port is not None:
            parser.error("--export-space writes a folder; --host, --port, --share and --untrained apply "
                         "when the demo starts (a Space sets GRADIO_SERVER_NAME / GRADIO_SERVER_PORT)")
        try:
            folder, ids = space.export_space(args.export_space, args.models, zoo_requirement=args.zoo_requirement)
        except (ValueError, OSError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        print(f"Wrote a Hugging Face Space serving {', '.join(ids)} to {folder}. Try it: cd {folder} && "
              f"python app.py; publish it: hf upload <you>/<space-name> {folder} --repo-type space")
        return 0
    if args.zoo_requirement is not None:
        parser.error("--zoo-requirement only applies with --export-space")
    try:
        host, port = space.server_address(args.host, args.port)
    except ValueError as e:
        parser.error(str(e))

    from demos.app import build_app, launch  # imports TensorFlow and Gradio: after the options are checked

    if args.models is not None and not space.space_models(args.models) and not args.untrained:
        parser.error(f"no model with published weights matches --models {args.models!r}")
    app = build_app(pretrained=not args.untrained, preload=True, models=args.models)
    launch(app, host=host, port=port, share=args.share == "on")
    return 0


if __name__ == "__main__":
    sys.exit(main())
