"""Reproduction 'dirac-gan' — see docs/REPRODUCTIONS.md. Same as: python -m gantoy repro dirac-gan [--quick] [--out DIR]"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from gantoy.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["repro", "dirac-gan", *sys.argv[1:]]))
