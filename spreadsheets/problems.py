"""What the import reports: each problem names the sheet, row and column it was found in."""

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Problem:
    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""  # the column as the layout names it: “Năm 2024 — Tổng số hộ nghèo”
    letter: str = ""  # the spreadsheet column letter, so the cell can be found at once

    def __str__(self) -> str:
        where = {"sheet": self.sheet, "row": self.row, "column": self.column, "letter": self.letter}
        if self.sheet and self.row and self.column:
            if self.letter:
                text = _("Sheet “%(sheet)s”, row %(row)s, column “%(column)s” (%(letter)s)") % where
            else:
                text = _("Sheet “%(sheet)s”, row %(row)s, column “%(column)s”") % where
        elif self.sheet and self.row:
            text = _("Sheet “%(sheet)s”, row %(row)s") % where
        elif self.sheet:
            text = _("Sheet “%(sheet)s”") % where
        else:
            return self.message
        return f"{text}: {self.message}"


class ImportRefused(Exception):
    """The file, or the changes at confirmation, were refused: nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems
