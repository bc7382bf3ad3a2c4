"""Reproduction 'mode-collapse' — see docs/REPRODUCTIONS.md. Same as: python -m gantoy repro mode-collapse [--quick] [--out DIR]"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from gantoy.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["repro", "mode-collapse", *sys.argv[1:]]))
