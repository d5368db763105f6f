"""Which choice and beat names really clash with ``transitions`` as the engine sets it up.

The loader refuses exactly the names this test finds refused by the library
(``RESERVED_TRIGGERS``), so the rule cannot drift from the library's behaviour.
"""

from __future__ import annotations

import pytest
from transitions import Machine

from voskhod_game.story.loader import RESERVED_TRIGGERS
from voskhod_game.story.model import MACHINE_STATE_ATTRIBUTE

# Names the first release refused, names of Machine attributes, and look-alikes of its callbacks.
CANDIDATES = [
    "trigger", "state", "machine", "model", "initial", "to_hatch", "is_open", "may_go", "on_enter",
    "on_exit", "add_transition", "set_state", "get_state", "events", "states", "models", "dispatch",
    "prepare", "before", "after", "conditions", "dest", "source", "callbacks", "send_event", "name",
]  # fmt: skip


class _Run:
    __slots__ = (MACHINE_STATE_ATTRIBUTE,)


def _fire_both_ways(name: str) -> str:
    """Build a machine as rules.build_machine does, with ``name`` as a state and a trigger, and fire it."""
    machine = Machine(
        model=None,
        states=[name, "other.beat"],
        transitions=[
            {"trigger": name, "source": name, "dest": "other.beat"},
            {"trigger": name, "source": "other.beat", "dest": name},
        ],
        initial=name,
        auto_transitions=False,
        send_event=False,
        model_attribute=MACHINE_STATE_ATTRIBUTE,
    )
    run = _Run()
    machine.set_state(name, model=run)
    assert machine.events[name].trigger(run)
    assert machine.events[name].trigger(run)
    return getattr(run, MACHINE_STATE_ATTRIBUTE)


@pytest.mark.parametrize("name", CANDIDATES)
def test_names_the_library_accepts_are_not_reserved(name: str) -> None:
    assert _fire_both_ways(name) == name
    assert name not in RESERVED_TRIGGERS


@pytest.mark.parametrize("name", sorted(RESERVED_TRIGGERS))
def test_every_reserved_name_is_refused_by_the_library(name: str) -> None:
    with pytest.raises(ValueError):
        _fire_both_ways(name)
