"""Pausing the garbage collector around bulk work restores whatever setting it found."""

from __future__ import annotations

import gc

import pytest

from voskhod_game.gcpause import CollectorHold, collector_paused


def test_paused_inside_and_restored_after_even_on_an_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        hold = CollectorHold()
        hold.hold()
        hold.release()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_hold_spans_callbacks_and_holding_twice_is_one_hold() -> None:
    hold = CollectorHold()
    hold.hold()
    hold.hold()
    assert hold.holding and not gc.isenabled()
    hold.release()
    assert not hold.holding and gc.isenabled()
    hold.release()  # a second release changes nothing
    assert gc.isenabled()
