"""The published appendix tables, read straight from the source documents in fixtures/sources/.

Tests compare the database with these rows, so a figure mistyped in a seed file cannot hide.
"""

import re
from functools import cache
from pathlib import Path

SOURCES = Path(__file__).resolve().parent.parent / "fixtures" / "sources"
TAGS = re.compile(r"<[^>]+>")


def _cells(line: str) -> list[str]:
    return [TAGS.sub("", cell).strip() for cell in line.split("\t")]


@cache
def thua_thien_hue_appendix() -> list[list[str]]:
    """Rows of the district table: [STT, Đơn vị, 5 figures], the total row first."""
    text = (SOURCES / "thua-thien-hue-2024.txt").read_text(encoding="utf-8")
    rows = [_cells(line) for line in text.splitlines() if line.count("\t") == 6]
    return [row for row in rows if row[1] != "Đơn vị"]


@cache
def hung_yen_appendix_01() -> list[list[str]]:
    """Rows of Phụ lục 01: [STT, label, 15 figures] — districts then the Tổng cộng row."""
    text = (SOURCES / "hung-yen-2023-2025.txt").read_text(encoding="utf-8")
    rows = [_cells(line) for line in text.splitlines() if line.count("\t") >= 16]
    return [row[:17] for row in rows if re.match(r"^\d+$", row[0]) or row[0] == "Tổng cộng"]


@cache
def hung_yen_appendix_02() -> list[list[str]]:
    """Rows of Phụ lục 02: [Stt, chỉ tiêu, ĐVT, 2022, 2023, 2024, 2025, đơn vị thực hiện]."""
    text = (SOURCES / "hung-yen-2023-2025.txt").read_text(encoding="utf-8")
    section = text.split("**Phụ lục 02")[1].split("**Phụ lục 3")[0]
    return [_cells(line) for line in section.splitlines() if line.count("\t") == 7 and "ĐVT" not in line]


@cache
def hung_yen_appendix_03() -> list[list[str]]:
    """Rows of Phụ lục 3: [Stt, nhiệm vụ, chủ trì, phối hợp, thời gian, ghi chú]."""
    text = (SOURCES / "hung-yen-2023-2025.txt").read_text(encoding="utf-8")
    section = text.split("**Phụ lục 3")[1]
    return [row for row in (_cells(line) for line in section.splitlines() if "\t" in line) if row[0].isdigit()]
