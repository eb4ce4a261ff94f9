"""`python -m demos [--host 127.0.0.1] [--port 7860] [--share off]`: start the Gradio demo."""

import argparse


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m demos", description="Start the zoo's Gradio demo.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1; 0.0.0.0 for all)")
    parser.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    parser.add_argument("--share", choices=["off", "on"], default="off",
                        help="'on' asks Gradio for a public share link (needs internet; default off)")
    parser.add_argument("--untrained", action="store_true",
                        help="also offer models without published weights, untrained (development only)")
    args = parser.parse_args(argv)

    from demos.app import build_app, launch  # imports TensorFlow and Gradio: after --help

    app = build_app(pretrained=not args.untrained, preload=True)
    launch(app, host=args.host, port=args.port, share=args.share == "on")


if __name__ == "__main__":
    main()
