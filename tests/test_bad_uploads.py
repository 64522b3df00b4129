"""The upload corpus (tests/bad_input/uploads.py) sent through the import page of conftest's `small_plan`: each file
is refused with a message that names the problem (or read, for a harmless one) — never a server error, never a
partial write.
"""

import time
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from spreadsheets.files import MAX_UPLOAD_BYTES
from spreadsheets.importing import read_workbook

from .bad_input import uploads
from .workbook_factory import database_state, export

# Messages are asserted in their English source (the Vietnamese catalogue is updated separately).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

IMPORT_01 = reverse("spreadsheets:import_appendix", args=["tinh-thu-2021-2023", "01"])  # conftest's small_plan


@pytest.fixture
def plan(small_plan):
    return small_plan


def upload(data: bytes, name: str = "phu-luc-01.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


@pytest.mark.parametrize("name", list(uploads.REFUSED))
def test_a_bad_upload_is_refused_with_a_message_and_writes_nothing(admin_client, plan, name):
    build, message = uploads.REFUSED[name]
    data = build(plan)
    before = database_state()
    started = time.perf_counter()
    response = admin_client.post(IMPORT_01, {"workbook": upload(data)})
    assert response.status_code == 200
    errors = [str(problem) for problem in response.context["result"].errors]
    assert any(message in error for error in errors), errors
    assert response.context["token"] == ""  # nothing pending: there is nothing to confirm
    assert not any(key.startswith("workbook-import:") for key in admin_client.session.keys())
    assert database_state() == before
    assert time.perf_counter() - started < 30
    # Whatever the file held is shown escaped.
    assert b"<script>" not in response.content


def test_an_empty_file_is_refused_by_the_form(admin_client, plan):
    before = database_state()
    response = admin_client.post(IMPORT_01, {"workbook": upload(uploads.empty_file())})
    assert response.status_code == 400
    assert response.context["form"].errors["workbook"]
    assert database_state() == before


def test_a_50_megabyte_upload_is_refused_before_its_body_is_read(admin_client, plan, monkeypatch):
    def parse(*args, **kwargs):
        raise AssertionError("the request body was parsed")

    monkeypatch.setattr("django.http.multipartparser.MultiPartParser.parse", parse)
    before = database_state()
    response = admin_client.post(IMPORT_01, {"workbook": upload(uploads.fifty_megabytes(plan))})
    assert response.status_code == 413
    assert "The file is larger than 5 MB: nothing was read." in response.content.decode()
    assert database_state() == before


def test_a_file_just_over_the_limit_but_within_the_request_limit_is_refused_by_the_size_check(admin_client, plan):
    data = export(plan, "01")
    data += b"\0" * (MAX_UPLOAD_BYTES + 1 - len(data))
    response = admin_client.post(IMPORT_01, {"workbook": upload(data)})
    assert response.status_code == 200
    assert [str(p) for p in response.context["result"].errors] == ["The file is larger than 5 MB: nothing was read."]


def test_a_hidden_extra_sheet_is_not_read(admin_client, plan):
    before = database_state()
    response = admin_client.post(IMPORT_01, {"workbook": upload(uploads.hidden_extra_sheet(plan))})
    assert response.status_code == 200
    result = response.context["result"]
    assert result.ok and result.changes == []
    assert b"<script>" not in response.content
    assert database_state() == before


def test_a_hidden_appendix_sheet_is_read_and_its_change_previewed_like_any_other(admin_client, plan):
    before = database_state()
    response = admin_client.post(IMPORT_01, {"workbook": upload(uploads.hidden_appendix_sheet(plan))})
    result = response.context["result"]
    assert result.ok and [change.new for change in result.changes] == ["10001"]
    assert any("hidden" in str(notice) for notice in result.notices)
    assert database_state() == before  # a preview writes nothing


def test_the_million_row_sheet_is_small_and_refused_quickly(plan):
    data = uploads.million_rows()
    assert len(data) < MAX_UPLOAD_BYTES  # so it reaches the row check, not the size check
    started = time.perf_counter()
    result = read_workbook(BytesIO(data), size=len(data), plan=plan)
    assert not result.ok
    assert any("has more than 20,000 rows" in str(problem) for problem in result.errors)
    assert time.perf_counter() - started < 20
