"""Join codes, participant tokens and the host secret.

All randomness comes from :mod:`secrets`. The join code is what students type
on a phone, so it avoids look-alike characters (0/O, 1/I/L); eight of those 31
characters give about 40 bits, and join attempts are rate limited on top.
"""

from __future__ import annotations

import hmac
import secrets

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_matches(expected: str, typed: str) -> bool:
    """Constant-time comparison of a typed code with the session's code, forgiving case, spaces and dashes."""
    cleaned = "".join(ch for ch in typed.upper() if ch.isalnum())
    return hmac.compare_digest(cleaned.encode(), expected.encode())


def new_token() -> str:
    return secrets.token_urlsafe(24)


def new_host_secret() -> str:
    return secrets.token_urlsafe(32)


def secret_matches(expected: str, given: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))
