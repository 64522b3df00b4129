"""Opening an uploaded workbook safely: size first, then the zip container, then its sheets, measured and read.

A bad file is refused with a message a person understands — never answered with a server error.
"""

import zipfile
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from .measuring import measure_workbook
from .problems import ImportRefused, Problem
from .workbook import UploadedWorkbook, uploaded_workbook

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # an appendix workbook is a few tens of kilobytes
# The largest request body any page accepts (spreadsheets.middleware checks it before the body is read): one
# workbook of MAX_UPLOAD_BYTES plus the form's other fields and the multipart boundaries.
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + 256 * 1024
# An .xlsx is a zip: a small file can unpack to gigabytes. Appendix workbooks unpack to well under 1 MB.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 20_000  # data rows of one sheet
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97–2003 (.xls) and other Office binary files


def size_limit_text() -> str:
    return _("%(size)s MB") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}


def too_large_message() -> str:
    return _("The file is larger than %(limit)s: nothing was read.") % {"limit": size_limit_text()}


def refuse(message: str) -> ImportRefused:
    return ImportRefused([Problem(message)])


def open_workbook(source, *, size: int) -> UploadedWorkbook:
    """The workbook in `source` (a binary file object of `size` bytes), or ImportRefused.

    Formulas are kept as formulas (data_only=False) so that the import can refuse them where figures belong.
    """
    if size > MAX_UPLOAD_BYTES:
        raise refuse(too_large_message())
    data = source.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise refuse(too_large_message())
    if data.startswith(_OLE_SIGNATURE):
        raise refuse(
            _(
                "The file is in the old Excel 97–2003 format (.xls). Save it as an Excel workbook (.xlsx) "
                "and upload it again."
            )
        )
    if not data.startswith(b"PK"):
        raise refuse(_("The file is not an Excel workbook (.xlsx)."))
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if "xl/workbook.xml" not in names:
                raise refuse(_("The file is not an Excel workbook (.xlsx)."))
            if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
                raise refuse(_("The workbook unpacks to more than the application accepts: nothing was read."))
            broken = archive.testzip()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as error:
        raise _damaged(error) from error
    if broken:
        raise _damaged(broken)
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            # Rows, cells, columns and merged areas really present, whatever the sheets declare (measuring.py),
            # and what the cells hold, in the same pass.
            measured = measure_workbook(archive)
        # openpyxl reads the rest (names, shared strings, formats): read-only, it parses no sheet.
        book = load_workbook(BytesIO(data), read_only=True, data_only=False, rich_text=False)
        try:
            return uploaded_workbook(book, measured)
        finally:
            book.close()
    except ImportRefused:
        raise
    except Exception as error:  # openpyxl raises many kinds (KeyError, TypeError, XML errors) on damaged parts
        raise _damaged(error) from error


def _damaged(detail) -> ImportRefused:
    return refuse(
        _("The file is damaged and cannot be opened as a workbook (%(detail)s). Export it again and redo the changes.")
        % {"detail": str(detail)[:200] or detail.__class__.__name__}
    )
