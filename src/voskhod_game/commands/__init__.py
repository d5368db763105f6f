"""One module per ``voskhod`` sub-command, each with ``register(subparsers)``."""
