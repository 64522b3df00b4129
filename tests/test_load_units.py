"""Loading the official catalogue of units (`manage.py load_units` and the admin upload): codes valid per date,
successions from the conversion, validation first with row numbers, all or nothing, idempotent."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from localities.models import Level, Locality, LocalitySuccession, SuccessionKind

from .factories import DistrictFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
REFORM = "01/07/2025"


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def load(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("load_units", *args, stdout=out, stderr=err)
        status = 0
    except SystemExit as exited:
        status = exited.code
    return status, out.getvalue(), err.getvalue()


def state():
    return (
        sorted(Locality.objects.values_list("slug", "code", "valid_from", "valid_to", "parent_id")),
        sorted(LocalitySuccession.objects.values_list("predecessor_id", "successor_id", "kind", "share_percent")),
    )


@pytest.fixture
def seed_codes():
    """The pre-2025 codes of the two provinces merged on 01/07/2025 (Hưng Yên 33, Thái Bình 34: vietnamadminunits)."""
    Locality.objects.filter(slug="hung-yen").update(code="33")
    Locality.objects.filter(slug="thai-binh").update(code="34")


def test_the_example_catalogue_gives_today_s_seed_provinces_their_codes_and_keeps_the_recorded_merger(seed_codes):
    status, _out, err = load(
        str(EXAMPLES / "units-2025-07-01-provinces.csv"),
        "--effective",
        REFORM,
        "--conversion",
        str(EXAMPLES / "conversion-2025-07-01-provinces.csv"),
    )
    assert status == 0, err
    new_hung_yen, hue = Locality.objects.get(slug="hung-yen-2025"), Locality.objects.get(slug="hue")
    assert (new_hung_yen.code, hue.code) == ("33", "46")  # the code 33 passed from the old province to the new one
    assert Locality.objects.get(slug="hung-yen").code == "33"
    assert LocalitySuccession.objects.filter(successor=new_hung_yen).count() == 2  # already in the seeds: not doubled
    assert Locality.objects.filter(name="Tỉnh Hưng Yên").count() == 2


def test_loading_the_same_files_twice_changes_nothing(seed_codes):
    args = [
        str(EXAMPLES / "units-illustrative-wards.csv"),
        "--effective",
        REFORM,
    ]
    assert load(*args)[0] == 0
    before = state()
    status, _out, _err = load(*args)
    assert status == 0 and state() == before


def test_wards_load_directly_under_their_city_and_a_split_carries_its_shares(tmp_path):
    old = DistrictFactory(parent=ProvinceFactory(), code="MH900", valid_from=datetime.date(2000, 1, 1))
    other = DistrictFactory(parent=old.parent, code="MH901")
    status, _out, err = load(
        str(EXAMPLES / "units-illustrative-wards.csv"),
        "--effective",
        REFORM,
        "--conversion",
        str(EXAMPLES / "conversion-illustrative-split.csv"),
    )
    assert status == 0, err
    ward = Locality.objects.get(code="MH001")
    assert ward.parent.slug == "hue" and ward.level == Level.COMMUNE and ward.valid_from == datetime.date(2025, 7, 1)
    shares = dict(LocalitySuccession.objects.filter(predecessor=old).values_list("successor__code", "share_percent"))
    assert shares == {"MH001": 60, "MH002": 40}
    assert LocalitySuccession.objects.get(predecessor=other).kind == SuccessionKind.MERGE
    old.refresh_from_db()
    other.refresh_from_db()
    assert old.valid_to == other.valid_to == datetime.date(2025, 6, 30)  # ended the day before


@pytest.mark.parametrize(
    ("catalogue", "conversion", "message"),
    [
        ("code,name,kind,parent_code\nMH1,Phường Một,Phường,99\n", None, "row 2: the parent code 99"),
        ("code,name,kind,parent_code\nMH1,Phường Một,Phường,\n", None, "row 2: a district- or commune-level unit"),
        (
            "code,name,kind,parent_code\nMH1,Tỉnh Một,Tỉnh,\nMH2,Phường Hai,Phường,MH3\nMH3,Phường Ba,Phường,MH1\n",
            None,
            "row 3: on 01/07/2025 a commune level unit cannot sit under the commune level unit MH3",
        ),
        (
            "code,name,kind,parent_code\nMH1,Huyện Một,Huyện,MH2\nMH2,Huyện Hai,Huyện,MH1\n",
            None,
            "go round in a circle",
        ),
        ("code,name,kind,parent_code\nMH1,Tỉnh Một,Vùng,\n", None, "row 2: the kind “Vùng”"),
        (
            "code,name,kind,parent_code\nMH1,Tỉnh Một,Tỉnh,\nMH1,Tỉnh Hai,Tỉnh,\n",
            None,
            "row 3: the code MH1 is already",
        ),
        (
            "code,name,kind,parent_code\nMH1,Tỉnh Một,Tỉnh,\n",
            "old_code,new_code,change,share_percent\nZZ9,MH1,merge,\n",
            "row 2: no unit had the old code ZZ9",
        ),
        (
            "code,name,kind,parent_code\nMH1,Tỉnh Một,Tỉnh,\n",
            "old_code,new_code,change,share_percent\nOLD1,MH1,split,60\nOLD1,MH1X,split,50\n",
            "row 3: the new code MH1X",
        ),
        (
            "code,name,kind,parent_code\nMH1,Tỉnh Một,Tỉnh,\nMH2,Tỉnh Hai,Tỉnh,\n",
            "old_code,new_code,change,share_percent\nOLD1,MH1,split,60\nOLD1,MH2,split,50\n",
            "OLD1 add up to 110%",
        ),
        (
            "code,name,kind,parent_code\nMH1,Tỉnh Một,Tỉnh,\n",
            "old_code,new_code,change,share_percent\nOLD1,MH1,melt,\n",
            "row 2: the change “melt”",
        ),
        ("code,name\nMH1,Tỉnh Một\n", None, "the header lacks the column(s) kind, parent_code"),
    ],
)
def test_a_refused_load_names_file_and_row_exits_1_and_writes_nothing(
    tmp_path, english, catalogue, conversion, message
):
    ProvinceFactory(code="OLD1", valid_from=datetime.date(2000, 1, 1))
    args = [write(tmp_path, "catalogue.csv", catalogue), "--effective", REFORM]
    if conversion:
        args += ["--conversion", write(tmp_path, "conversion.csv", conversion)]
    before = state()
    status, _out, err = load(*args)
    assert status == 1
    assert message in err, err
    assert "Nothing was written." in err
    assert state() == before


def test_a_dry_run_reports_and_writes_nothing(english):
    before = state()
    status, out, _err = load(str(EXAMPLES / "units-illustrative-wards.csv"), "--effective", REFORM, "--dry-run")
    assert status == 0 and "New units: 2" in out and "nothing was written" in out
    assert state() == before


def test_an_xlsx_catalogue_with_the_statistics_office_headers_loads(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    for row in (
        ("Mã", "Tên", "Cấp", "Mã tỉnh"),
        ("46", "Thành phố Huế", "Thành phố Trung ương", None),
        ("MH001", "Đặc khu Minh Họa", "Đặc khu", "46"),
    ):
        sheet.append(row)
    path = tmp_path / "catalogue.xlsx"
    workbook.save(path)
    status, _out, err = load(str(path), "--effective", REFORM)
    assert status == 0, err
    assert Locality.objects.get(code="MH001").get_kind_display() == "Đặc khu"


def test_the_admin_upload_checks_then_loads_the_same_way(admin_client, english):
    url = reverse("admin:localities_locality_load_units")
    catalogue = (EXAMPLES / "units-illustrative-wards.csv").read_bytes()

    def post(dry_run: bool):
        data = {"effective": REFORM, "catalogue": SimpleUploadedFile("wards.csv", catalogue)}
        if dry_run:
            data["dry_run"] = "on"
        return admin_client.post(url, data).content.decode()

    assert "New units: 2" in post(True) and not Locality.objects.filter(code="MH001").exists()
    assert "Loaded." in post(False) and Locality.objects.filter(code="MH001").exists()
    refused = admin_client.post(
        url, {"effective": REFORM, "catalogue": SimpleUploadedFile("bad.csv", b"code,name,kind,parent_code\nX,Y,Z,\n")}
    ).content.decode()
    assert "Nothing was written" in refused and "bad.csv, row 2" in refused


def test_the_seed_codes_file_when_present_gives_the_seed_units_their_codes(tmp_path):
    from seeding.seeds import seed_codes

    Locality.objects.filter(slug="hung-yen-phu-cu").update(code="")  # as before fixtures/units/seed-codes.csv
    seed_codes(tmp_path / "missing.csv")  # no file: nothing changes
    assert Locality.objects.get(slug="hung-yen-phu-cu").code == ""
    path = write(
        tmp_path,
        "seed-codes.csv",
        "# sources: vietnamadminunits (district codes)\nslug,code,source\nhung-yen-phu-cu,333,vietnamadminunits\n",
    )
    seed_codes(Path(path))
    assert Locality.objects.get(slug="hung-yen-phu-cu").code == "333"
