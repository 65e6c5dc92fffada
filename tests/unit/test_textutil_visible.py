"""textutil.visible: the second wall, any control character shown as a harmless one."""

from __future__ import annotations

from planner.textutil import control_character, control_name, visible


def test_escape_sequences_become_visible_characters() -> None:
    osc52 = "a\x1b]52;c;aGk=\x07b"
    assert visible(osc52) == "a␛]52;c;aGk=␇b"
    assert visible("\x1b[2J\x1b[H") == "␛[2J␛[H"
    assert visible("8-bit \x9b2J and \x9d0;t\x9c") == "8-bit ␛2J and ␛0;t␛"
    assert visible("del\x7f nul\x00 cr\r") == "del␡ nul␀ cr␍"


def test_tabs_stay_and_newlines_only_in_multiline_text() -> None:
    assert visible("a\tb") == "a\tb"
    assert visible("one\ntwo") == "one␊two"
    assert visible("one\ntwo\x1b", multiline=True) == "one\ntwo␛"


def test_plain_text_is_returned_as_is() -> None:
    text = "Django REST Framework (DRF) — Ünïcödé 日本語\u00a0"
    assert visible(text) is text
    assert all(len(visible(chr(c))) == 1 for c in range(0xA0))  # spans stay in place
    for result in (visible(chr(c)) for c in range(0xA0) if c != 9):
        assert result.isprintable()


def test_finding_and_naming_control_characters() -> None:
    assert control_character("ok\there") is None
    assert control_character("one\ntwo") == 3
    assert control_character("one\ntwo", multiline=True) is None
    assert control_character("one\ntwo\x07", multiline=True) == 7
    assert control_name("\x1b") == "U+001B (ESC)" and control_name("\x01") == "U+0001"
