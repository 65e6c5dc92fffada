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


BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""The embeddings, overrides and isolates (and their pops): each can reorder the rest of
a terminal line (the "Trojan Source" trick), so they are control characters here."""


def test_bidi_controls_are_shown_as_a_picture_one_for_one() -> None:
    assert visible("report\u202egpj.exe") == "report⇄gpj.exe"
    assert visible(BIDI) == "⇄" * len(BIDI)
    assert visible("a\u2067b\u2069c", multiline=True) == "a⇄b⇄c"
    assert visible("\u202e\x1b[2J") == "⇄␛[2J"


def test_bidi_marks_stay_they_reorder_nothing_beyond_their_neighbours() -> None:
    text = "שלום\u200f (RLM) and \u200e (LRM) and \u061c (ALM)"
    assert visible(text) is text
    assert control_character(text) is None


def test_bidi_controls_are_found_and_named() -> None:
    assert control_character("ok \u202e here") == 3
    assert control_character("one\n\u2066", multiline=True) == 4
    names = [control_name(c) for c in BIDI]
    assert names == [
        "U+202A (LRE)",
        "U+202B (RLE)",
        "U+202C (PDF)",
        "U+202D (LRO)",
        "U+202E (RLO)",
        "U+2066 (LRI)",
        "U+2067 (RLI)",
        "U+2068 (FSI)",
        "U+2069 (PDI)",
    ]
