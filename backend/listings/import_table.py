"""Reading an uploaded listing import file into a header and rows of text (issue #6).

The file type is decided by what the bytes are, never by the file name: an XLSX workbook is a
ZIP holding `xl/workbook.xml`; anything else must be text (UTF-8, with or without the BOM the
template carries, or GBK/GB18030, which Excel writes for "CSV" on a Chinese Windows). A PDF,
an image or an old binary .xls renamed to .csv or .xlsx is refused, and so is a workbook that
would unpack to far more than it weighs (a ZIP bomb).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

# Limits of one upload. The row limit is a setting (LISTING_IMPORT_MAX_ROWS); the byte limit
# can be set as LISTING_IMPORT_MAX_BYTES and is 5 MB otherwise: 2,000 rows of the template
# weigh about 200 KB as XLSX and 300 KB as CSV.
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_COLUMNS = 40
# The sheet of the template that holds the rows; another workbook's first sheet otherwise.
DATA_SHEET = "商品"

# Signatures of files that are not spreadsheets, for a clear refusal (instead of "bad text").
BINARY_SIGNATURES = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"RIFF",
    b"\x1f\x8b",
    b"Rar!",
    b"7z\xbc\xaf",
    b"MZ",
    b"\x7fELF",
)
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def max_bytes() -> int:
    return int(getattr(settings, "LISTING_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    return int(settings.LISTING_IMPORT_MAX_ROWS)


class TableError(Exception):
    """The file cannot be read as a table at all; `code` is an ImportErrorCode value."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class Table:
    kind: str  # "xlsx" or "csv"
    header: list[str]
    # (spreadsheet row number, cells as text); the header is row 1, blank rows are left out.
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    encoding: str = ""


def read_table(upload) -> Table:
    """The header and the non-blank rows of `upload` (a Django UploadedFile or any file)."""
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise TableError(_too_large(limit), code="FILE_TOO_LARGE")
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise TableError(_too_large(limit), code="FILE_TOO_LARGE")
    if not data.strip():
        raise TableError(_("文件是空的。"), code="EMPTY_FILE")
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(OLE_SIGNATURE):
        raise TableError(
            _("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 或 CSV 后再上传。"),
            code="UNSUPPORTED_FILE_TYPE",
        )
    if data.startswith(BINARY_SIGNATURES) or b"\x00" in data[:65536]:
        raise TableError(_not_a_table(), code="UNSUPPORTED_FILE_TYPE")
    return _read_csv(data)


def _too_large(limit: int) -> str:
    return _("文件太大，最大 %(size)s MB。") % {"size": f"{limit / 1024 / 1024:g}"}


def _not_a_table() -> str:
    return _("无法识别的文件：请上传从模板填写的 .xlsx 或 .csv 文件。")


# CSV ----------------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK and GB2312: whatever Chinese Excel wrote decodes.
        return data.decode("gb18030"), "gbk"
    except UnicodeDecodeError as error:
        raise TableError(
            _("文件编码无法识别，请用 Excel“另存为”CSV（UTF-8）或直接上传 .xlsx。"),
            code="ENCODING",
        ) from error


def _read_csv(data: bytes) -> Table:
    text, encoding = _decode(data)
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text[:65536]):
        raise TableError(_not_a_table(), code="UNSUPPORTED_FILE_TYPE")
    # Excel's quoting rules, with the delimiter the header uses (comma; Excel in some locales
    # writes semicolons, and text copied from a sheet has tabs).
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    try:
        return _collect("csv", ([cell.strip() for cell in row] for row in reader), encoding)
    except csv.Error as error:
        raise TableError(_not_a_table(), code="UNSUPPORTED_FILE_TYPE") from error


# XLSX ---------------------------------------------------------------------------------------


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise TableError(_not_a_table(), code="UNSUPPORTED_FILE_TYPE") from error
    if "xl/workbook.xml" not in names:
        # A .docx, .zip or .apk renamed: a ZIP, but not a workbook.
        raise TableError(_not_a_table(), code="UNSUPPORTED_FILE_TYPE")
    if unpacked > MAX_UNPACKED_BYTES:
        raise TableError(_too_large(max_bytes()), code="FILE_TOO_LARGE")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook
        raise TableError(
            _("Excel 文件已损坏或无法读取，请重新保存后上传。"), code="UNSUPPORTED_FILE_TYPE"
        ) from error
    try:
        sheet = book[DATA_SHEET] if DATA_SHEET in book.sheetnames else book.worksheets[0]
        rows = (
            [_cell_text(value) for value in row]
            for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        )
        return _collect("xlsx", rows, "")
    except TableError:
        raise
    except Exception as error:
        raise TableError(
            _("Excel 文件已损坏或无法读取，请重新保存后上传。"), code="UNSUPPORTED_FILE_TYPE"
        ) from error
    finally:
        book.close()


def _cell_text(value) -> str:
    """A cell as the text the vendor sees: 12.8 stays "12.8" (never 12.800000000000001),
    10.0 typed in a number cell is "10", a date is YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


# Both ---------------------------------------------------------------------------------------


def _collect(kind: str, rows, encoding: str) -> Table:
    """The first non-blank row is the header; at most LISTING_IMPORT_MAX_ROWS rows follow."""
    limit = max_rows()
    table: Table | None = None
    for number, cells in enumerate(rows, start=1):
        cells = cells[:MAX_COLUMNS]
        if not any(cells):
            continue
        if table is None:
            while cells and not cells[-1]:
                cells.pop()
            table = Table(kind=kind, header=cells, encoding=encoding)
            continue
        if len(table.rows) >= limit:
            raise TableError(
                _("最多可导入 %(limit)d 行商品，请把文件拆分后分批上传。") % {"limit": limit},
                code="TOO_MANY_ROWS",
            )
        table.rows.append((number, cells))
    if table is None:
        raise TableError(_("文件是空的。"), code="EMPTY_FILE")
    if not table.rows:
        raise TableError(_("文件中只有表头，没有商品行。"), code="EMPTY_FILE")
    return table
