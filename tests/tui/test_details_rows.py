"""The detail pane's label/value rows draw exactly what a two-column ``Table.grid`` draws
(the pane used one; the rows skip its measuring, which cost part of every redraw)."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from planner.tui.widgets.details import LABEL_WIDTH, _Rows

words = st.text(alphabet="abcdefgh ĳ日本~-/()", min_size=0, max_size=30)
values = st.lists(words, min_size=1, max_size=3).map("\n".join)
labels = st.text(alphabet="abcdefgh", min_size=0, max_size=LABEL_WIDTH - 1)
styles = st.sampled_from(["", "dim", "bold", "italic green"])


def grid(rows: list[tuple[Text, Text]]) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(width=LABEL_WIDTH - 1, style="dim", no_wrap=True)
    table.add_column(ratio=1)
    for label, value in rows:
        table.add_row(label, value)
    return table


def drawn(renderable: object, width: int) -> list[list[Segment]]:
    console = Console(width=width, file=io.StringIO(), force_terminal=True)
    lines = console.render_lines(renderable, console.options, pad=True)  # type: ignore[arg-type]
    # no style and the null style draw alike
    return [list(Segment.simplify(Segment(t, s or Style()) for t, s, _ in ln)) for ln in lines]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(labels, values, styles), min_size=1, max_size=4),
    st.integers(min_value=LABEL_WIDTH + 1, max_value=90),
)
def test_rows_draw_as_the_grid(cells: list[tuple[str, str, str]], width: int) -> None:
    rows = _Rows()
    pairs = [(Text(label), Text(value, style=style)) for label, value, style in cells]
    rows.rows.extend(pairs)
    assert drawn(rows, width) == drawn(grid(pairs), width)
