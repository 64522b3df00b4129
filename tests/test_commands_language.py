"""Issue 14: the appendix commands speak the user's language in their own lines too, with correct plurals."""

from io import StringIO

import pytest
from django.core.management import ManagementUtility, call_command

from .workbook_factory import edited

pytestmark = pytest.mark.django_db

HY = "hung-yen-2023-2025"
ONE_CHANGE = [("Phụ lục 01", "Văn Giang", "Năm 2025 — Tổng số hộ dân cư", 34900)]


def run(tmp_path, *args) -> str:
    path = tmp_path / "phu-luc.xlsx"
    path.write_bytes(edited(HY, "01", ONE_CHANGE))
    out = StringIO()
    call_command("import_appendix", HY, str(path), *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_in_vietnamese_has_no_english_line(tmp_path, vietnamese):
    text = run(tmp_path, "--dry-run")
    assert "1 thay đổi:" in text and "Phụ lục 01, dòng " in text and "Chạy thử: chưa ghi gì." in text
    for english in ("changes:", "row ", "Dry run", "nothing was written"):
        assert english not in text, english


def test_one_change_is_singular_in_english(tmp_path, english):
    text = run(tmp_path, "--dry-run")
    assert "1 change:" in text and "1 changes" not in text


def test_a_refusal_on_the_command_line_is_worded_in_vietnamese_and_exits_1(tmp_path, capsys, monkeypatch, vietnamese):
    # run_from_argv closes the database connections when it ends; here that would close the test's own connection.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"STT;Huyen\n1;Phu Cu\n")
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "import_appendix", HY, str(bad)]).execute()
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "Lỗi: bad.xlsx bị từ chối (1 lỗi): chưa ghi gì." in err
    assert "CommandError" not in err and "errors)" not in err
