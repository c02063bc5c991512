"""Where each part of a form sits in a generated workbook (0-based row/column).

Generation, feedback and the demo's filling use the same layout; reading finds labels wherever the submitter's program
moved them, and relies on it only where a form's own header row was pasted over (read._header_pasted_over).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from formkit.spec import Field, FormSpec

TITLE_ROW = 1
HEADER_START = 3


def _pairs(fields: tuple[Field, ...], start_row: int) -> tuple[dict[str, tuple[int, int]], int]:
    """Label/value pairs, two per row: label in B or E, its value just right of it (merged over two cells)."""
    cells = {}
    for i, f in enumerate(fields):
        row = start_row + i // 2
        col = 1 + (i % 2) * 3
        cells[f.key] = (row, col)
    rows_used = (len(fields) + 1) // 2
    return cells, start_row + rows_used


@dataclass
class Layout:
    spec: FormSpec
    n_rows: int
    labels: dict[str, tuple[int, int]] = field(default_factory=dict)          # header label cells
    signoff_labels: dict[str, tuple[int, int]] = field(default_factory=dict)
    table_row: int = 0

    def __post_init__(self) -> None:
        self.labels, after = _pairs(self.spec.header, HEADER_START)
        self.table_row = after + 1
        self.signoff_labels, self.end_row = _pairs(self.spec.signoff, self.first_data + self.n_rows + 1)

    @property
    def ncols(self) -> int:
        return len(self.spec.columns)

    @property
    def first_data(self) -> int:
        return self.table_row + 1

    def header_value(self, key: str) -> tuple[int, int]:
        r, c = self.labels[key]
        return r, c + 1

    def signoff_value(self, key: str) -> tuple[int, int]:
        r, c = self.signoff_labels[key]
        return r, c + 1

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.spec.columns) if c.key == key)

    def data_cell(self, row: int, key: str) -> tuple[int, int]:
        return self.first_data + row, self.column_index(key)

    def a1(self, row: int | None, key: str) -> str:
        """A1 of a data cell (row = 0-based data row) or of a header/sign-off value (row None)."""
        from xlsxwriter.utility import xl_rowcol_to_cell  # (reading uses the layout, and imports no writer)

        if row is None:
            if key in self.labels:
                return xl_rowcol_to_cell(*self.header_value(key))
            return xl_rowcol_to_cell(*self.signoff_value(key))
        return xl_rowcol_to_cell(*self.data_cell(row, key))
