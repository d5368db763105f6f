"""A tiny deterministic random source whose whole state is one integer.

``random.Random`` carries 625 words of state; saving it with every undo step
and every save slot is wasteful, and its stream is not promised to stay the same
across Python versions. SplitMix64 is small, fast enough in pure Python, and
the same seed gives the same game everywhere.
"""

from __future__ import annotations

import secrets

_MASK = (1 << 64) - 1


class Rng:
    __slots__ = ("state",)

    def __init__(self, state: int) -> None:
        self.state = state & _MASK

    @classmethod
    def from_seed(cls, seed: int) -> Rng:
        return cls(seed * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019)

    def next64(self) -> int:
        self.state, z = _next(self.state)
        return z

    def random(self) -> float:
        """A float in [0, 1)."""
        return (self.next64() >> 11) * (1.0 / (1 << 53))

    def below(self, n: int) -> int:
        """An integer in [0, n)."""
        return int(self.random() * n)


def _next(state: int) -> tuple[int, int]:
    """SplitMix64: the next state and its 64-bit output."""
    state = (state + 0x9E3779B97F4A7C15) & _MASK
    z = ((state ^ (state >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return state, z ^ (z >> 31)


def draw(state: int) -> tuple[int, float]:
    """The next state and a float in [0, 1) from a state held elsewhere (a RunState), as Rng.random."""
    state, z = _next(state & _MASK)
    return state, (z >> 11) * (1.0 / (1 << 53))


def new_seed() -> int:
    return secrets.randbits(31)
