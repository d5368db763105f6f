"""A baseline process: read every YAML file of a story with ``yaml.CSafeLoader``, then print a prompt.

``python benchmarks/csafe_load.py DIR`` is the least any command that reads a
story must do (start Python, import PyYAML, parse the files with the C parser
into plain data), with the cyclic garbage collector paused as the story loader
pauses it. It prints ``> `` when done, as line mode does before its first prompt.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import yaml


def load_all(root: Path) -> list[object]:
    return [yaml.load(p.read_bytes().decode("utf-8"), Loader=yaml.CSafeLoader) for p in sorted(root.glob("*.yaml"))]


if __name__ == "__main__":
    gc.disable()
    load_all(Path(sys.argv[1]))
    sys.stdout.write("> ")
    sys.stdout.flush()
