"""Player settings (theme, high contrast, text reveal, language), kept beside the saves.

They live in ``.settings.json`` inside the save directory: the save store skips
dot-files, a ``--saves`` directory carries its own settings, and tests that use
a temporary save directory never touch the player's real ones.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from ..i18n import _

SETTINGS_FILE = ".settings.json"


@dataclass
class Settings:
    theme: str = "mission-control"
    high_contrast: bool = False
    reveal: bool = True  # the short type-out of new story text
    language: str = ""  # the game's words (and the story's, where translated); "" follows the locale


def settings_path(saves_dir: Path) -> Path:
    return Path(saves_dir) / SETTINGS_FILE


def load_settings(saves_dir: Path) -> Settings:
    """The saved settings, or the defaults if there are none or they cannot be read."""
    try:
        data = json.loads(settings_path(saves_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(data, dict):
        return Settings()
    defaults = Settings()
    known = {f.name: type(getattr(defaults, f.name)) for f in fields(Settings)}
    values = {k: v for k, v in data.items() if k in known and isinstance(v, known[k])}
    return Settings(**values)


def save_settings(saves_dir: Path, settings: Settings) -> str | None:
    """Write the settings; return a message for the player if that failed."""
    from ..engine.saves import write_atomically

    path = settings_path(saves_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, json.dumps(asdict(settings), indent=1).encode("utf-8"))
    except OSError as exc:
        return _("Settings not saved ({reason}); they apply until you quit.").format(reason=exc.strerror or exc)
    return None
