"""Read a workbook, Word document or CSV file: the file type's reader, then the layout reader.

Shapes: :func:`read_table_file` takes a path and its display name and returns a
:class:`~g60rules.intake.layout.Reading` (raw declarations with their cell locations, and findings).
Bad input never raises: a file of a format we do not read (``.pdf``, ``.doc``, ``.xls``, ``.wps``,
``.et``…) is a finding that says to save it as xlsx; a file that does not open as what its suffix
says, or a CSV in neither UTF-8 nor GB18030, is a finding; a file with no declaration is a finding
that says what it holds instead (a 自评表, hidden sheets only…). Hidden and instruction sheets are
named in an info notice.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from g60rules import findings as fc
from g60rules import safeio
from g60rules.intake.grid import Grid
from g60rules.intake.layout import Reading, read_grid

TABLE_SUFFIXES = (".xlsx", ".xlsm", ".docx", ".csv")
UNSUPPORTED_SUFFIXES = (".pdf", ".doc", ".xls", ".wps", ".et", ".xlsb", ".ods", ".odt", ".rtf", ".dps", ".ofd")


def _unsupported(suffix: str) -> tuple[str, str]:
    target = "docx" if suffix in (".doc", ".wps", ".odt", ".rtf") else "xlsx"
    return (f"不支持的格式（{suffix}）：请另存为 {target}", f"unsupported format ({suffix}): save it as {target}")


# what a file that does not open as its suffix says really is, from its first bytes
_MAGIC = ((b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧版 Office 文件（.xls/.doc）或已加密的文件",
           "an old Office file (.xls/.doc) or an encrypted one"),
          (b"%PDF", "PDF 文件", "a PDF file"), (b"{\\rtf", "RTF 文件", "an RTF file"))


def _not_valid(path: Path, kind: str) -> tuple[str, str]:
    """Why a file is not a valid ``kind`` file, naming what it is when its first bytes (or, for a zip,
    its parts) say so: another Office format is to be saved again, a workbook or document under the
    other suffix only renamed."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError:
        head = b""
    save = "docx" if kind == "docx" else "xlsx"
    for magic, zh, en in _MAGIC:
        if head.startswith(magic):
            return (f"不是有效的 {kind} 文件：实为{zh}，请用 Office 打开后另存为 {save}",
                    f"not a valid {kind} file: it is {en}; open it in Office and save it as {save}")
    for part, suffix, zh, en in _PARTS:
        if head.startswith(b"PK") and suffix != save and _has_part(path, part):
            return (f"不是有效的 {kind} 文件：实为{zh}，请将扩展名改为 .{suffix}",
                    f"not a valid {kind} file: it is {en}; rename it to .{suffix}")
    return (f"不是有效的 {kind} 文件（已损坏，或实为其他格式）", f"not a valid {kind} file (damaged, or another format)")


_PARTS = (("word/document.xml", "docx", "Word 文档", "a Word document"),
          ("xl/workbook.xml", "xlsx", "Excel 工作簿", "an Excel workbook"))


def _has_part(path: Path, part: str) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return part in archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def read_table_file(path: Path, display: str) -> Reading:
    """Read one .xlsx/.xlsm/.docx/.csv file (or refuse another format) — see the module docstring."""
    suffix = path.suffix.lower()
    reading = Reading()
    if suffix not in TABLE_SUFFIXES:
        reading.findings.append(fc.UNREADABLE.finding(display, 1, reason=_unsupported(suffix)))
        return reading
    refused = _over_limits(path, suffix)
    if refused is not None:
        reading.findings.append(fc.UNREADABLE.finding(display, 1, reason=refused))
        return reading
    try:
        grids, skipped = _grids(path, display, suffix)
    except OSError as exc:
        # openpyxl raises a bare OSError (no errno) for a zip that holds no workbook
        reason = exc.strerror if exc.errno is not None else _not_valid(path, suffix.lstrip("."))
        reading.findings.append(fc.UNREADABLE.finding(display, 1, reason=reason or type(exc).__name__))
        return reading
    except UnicodeDecodeError as exc:
        reading.findings.append(fc.UNREADABLE.finding(
            display, 1, reason=("既不是 UTF-8 也不是 GBK/GB18030 编码", f"neither UTF-8 nor GBK/GB18030 (byte {exc.start})")))
        return reading
    except (zipfile.BadZipFile, KeyError, ValueError):
        reading.findings.append(fc.UNREADABLE.finding(display, 1, reason=_not_valid(path, suffix.lstrip("."))))
        return reading
    for sheet, reason in skipped:
        reading.findings.append(fc.SHEET_SKIPPED.finding(display, 1, sheet=sheet, reason=reason, cell=sheet))
    for grid in grids:
        found = read_grid(grid)
        reading.declarations.extend(found.declarations)
        reading.findings.extend(found.findings)
        reading.self_evaluations += found.self_evaluations
    if not reading.declarations and not reading.self_evaluations:
        names = "、".join(g.name for g in grids if g.name) or "—"
        reason = (f"未找到“项目名称”标签（读取的工作表：{names}）",
                  f"no 项目名称 (project name) label found (sheets read: {names})")
        if not grids and skipped:
            reason = ("所有工作表都是隐藏或填表说明工作表", "every sheet is hidden or an instruction sheet")
        reading.findings.append(fc.NOT_A_DECLARATION.finding(display, 1, reason=reason))
    return reading


def _over_limits(path: Path, suffix: str) -> tuple[str, str] | None:
    """Why the file is not read, by the limits every declaration file has (docs/limits.md), or None:
    a regular file of at most ``safeio.MAX_FILE_BYTES``; a workbook or document (a zip) that unpacks
    to at most ``safeio.MAX_UNPACKED_BYTES``."""
    try:
        data = safeio.read_bytes(path)
    except safeio.InputRefused as exc:
        return exc.reason
    if suffix == ".csv" or not data.startswith(b"PK"):
        return None  # a file that is no zip is named by its reader
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        return None
    limit = safeio.MAX_UNPACKED_BYTES
    if unpacked > limit:
        return (f"解压后大于 {safeio.size_text(limit)} 的上限（{unpacked} 字节）",
                f"larger than the {safeio.size_text(limit)} limit once unpacked ({unpacked} bytes)")
    return None


def _grids(path: Path, display: str, suffix: str) -> tuple[list[Grid], list]:
    if suffix in (".xlsx", ".xlsm"):
        from g60rules.intake.xlsx import read_workbook

        return read_workbook(path, display)
    if suffix == ".docx":
        from g60rules.intake.docx import read_document

        return [read_document(path, display)], []
    from g60rules.intake.csv import read_csv

    return [read_csv(path, display)], []
