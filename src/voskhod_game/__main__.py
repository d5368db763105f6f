"""``python -m voskhod_game`` is the same program as ``voskhod``."""

from .cli import main

raise SystemExit(main())
