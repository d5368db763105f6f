"""Where things live: the bundled story and the save directory.

Run from a checkout, the game uses the repository's ``scenes/`` and ``saves/``;
installed as a wheel, it uses the story shipped inside the package and the
user's data directory. ``--saves`` and ``VOSKHOD_SAVES`` override the latter.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_DIR = PACKAGE_DIR.parent.parent
SAVES_ENV = "VOSKHOD_SAVES"


def in_checkout() -> bool:
    return (CHECKOUT_DIR / "pyproject.toml").is_file() and (CHECKOUT_DIR / "scenes" / "story.yaml").is_file()


def default_story_dir() -> Path:
    """The Voskhod-2 story: the checkout's ``scenes/`` or the copy in the wheel."""
    if in_checkout():
        return CHECKOUT_DIR / "scenes"
    return PACKAGE_DIR / "_story"


def saves_dir(override: str | os.PathLike[str] | None = None) -> Path:
    if override:
        return Path(override).expanduser()
    env = os.environ.get(SAVES_ENV)
    if env:
        return Path(env).expanduser()
    if in_checkout():
        return CHECKOUT_DIR / "saves"
    from platformdirs import user_data_path

    return user_data_path("voskhod", appauthor=False) / "saves"
