"""Rate limits: a token bucket per connection and a sliding window per address.

Kept apart from the server so the rules can be tested without sockets and so
the clock can be injected.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class TokenBucket:
    """``rate`` tokens a second up to ``burst``; each message takes one."""

    __slots__ = ("burst", "clock", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.tokens = float(burst)
        self.clock = clock
        self.stamp = clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class FailureLimiter:
    """At most ``limit`` failures per key in any ``window`` seconds (wrong join codes per address).

    Only failures are counted, so a whole class behind one address (a school NAT,
    a proxy) joins without limit, while guessing stays slow: with 20 wrong codes a
    minute one address needs about 40,000 years on average to hit the 8-character code.
    Once an address is over the limit its attempts are refused before the code is
    looked at, so a guess made then tells nothing.
    """

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str, now: float) -> deque[float] | None:
        failures = self._failures.get(key)
        if failures is None:
            return None
        while failures and now - failures[0] > self.window:
            failures.popleft()
        if not failures:
            del self._failures[key]
            return None
        return failures

    def blocked(self, key: str) -> bool:
        failures = self._recent(key, self.clock())
        return failures is not None and len(failures) >= self.limit

    def failed(self, key: str) -> None:
        now = self.clock()
        failures = self._recent(key, now)
        if failures is None:
            failures = self._failures[key] = deque()
        failures.append(now)
        if len(self._failures) > 10_000:  # forget quiet addresses so memory stays bounded
            self._failures = {k: v for k, v in self._failures.items() if v and now - v[-1] <= self.window}
