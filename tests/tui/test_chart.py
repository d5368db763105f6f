"""The block charts behind the meter trends and the debrief."""

from __future__ import annotations

from voskhod_game.tui.chart import chart_rows, column_heights, resample


def test_resample_gives_each_sample_an_equal_share_of_the_width() -> None:
    assert resample([1.0, 2.0], 4) == [1.0, 1.0, 2.0, 2.0]
    assert resample([1.0, 2.0, 3.0, 4.0], 2) == [1.0, 3.0]
    assert resample([], 5) == []


def test_heights_span_the_meters_range_and_never_hide_a_value_above_the_floor() -> None:
    assert column_heights([0, 50, 100], 0, 100, 2) == [0, 8, 16]
    assert column_heights([0.1], 0, 100, 1) == [1]
    assert column_heights([150, -5], 0, 100, 1) == [8, 0]


def test_rows_are_drawn_top_first_with_eighth_blocks() -> None:
    assert chart_rows([100, 50, 0], 0, 100, 2) == ["█  ", "██ "]
    assert chart_rows([25], 0, 100, 1) == ["▂"]
