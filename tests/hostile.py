"""Builders of broken, hostile and oddly packaged inputs, as bytes.  Nothing binary is committed: every
test builds what it needs.  Reusable by any test: put a real form's bytes into `make_zip`, `make_eml`,
`nested_zip`… to see it arrive through a container.

Import as `from tests import hostile` (tests/ is a package).
"""

from __future__ import annotations

import base64
import email.header
import functools
import io
import struct
import urllib.parse
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime

import xlsxwriter

MiB = 1024 * 1024


# -- a generic small workbook ------------------------------------------------------------------------------

def tiny_xlsx(cells: dict[str, object] | None = None, sheet: str = "表单") -> bytes:
    """A small valid .xlsx (xlsxwriter) holding a few Chinese cells."""
    cells = cells if cells is not None else {"A1": "部门", "B1": "教务处", "A2": "风险点", "B2": "招生录取"}
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"created": datetime(2023, 3, 1)})    # the same bytes every call (tests compare them)
    ws = wb.add_worksheet(sheet)
    for ref, value in cells.items():
        assert ws.write(ref, value) == 0
    wb.close()
    return buf.getvalue()


def xlsm_with_macro() -> bytes:
    """An .xlsx whose package holds xl/vbaProject.bin (values only matter; the 'macro' is dummy bytes)."""
    return add_members(tiny_xlsx(), {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 60})


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def rewrite_members(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The same zip with some members' contents replaced (deflated, names kept in order)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info)))
    return out.getvalue()


def add_members(data: bytes, extra: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        for name, content in extra.items():
            dst.writestr(name, content)
    return out.getvalue()


# -- a raw zip writer (names as bytes, flags and sizes as told) --------------------------------------------

@dataclass
class RawEntry:
    name: bytes
    data: bytes                       # uncompressed content
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0                    # 0x800 = names are UTF-8; leave it off for legacy (GBK) names
    declared_size: int | None = None  # lie about the uncompressed size (local and central headers)
    crc: int | None = None
    compressed: bytes | None = None   # use these compressed bytes as they are
    date_time: tuple = (2024, 3, 5, 9, 30, 0)


def overlapping_zip(names: int = 100, size: int = 1 << 20) -> bytes:
    """One block of zeros listed under `names` names in the directory, every entry pointing at it: the overlapping
    zip bomb (no zip tool writes one)."""
    raw = bytes(size)
    comp = _deflate(raw)
    crc = zlib.crc32(raw)
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(comp), size, 6, 0) + b"a.xlsx" + comp
    central = b"".join(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(comp), size,
                                   len(f"m{i}.xlsx"), 0, 0, 0, 0, 0, 0) + f"m{i}.xlsx".encode() for i in range(names))
    return local + central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, names, names, len(central), len(local), 0)


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def raw_zip(entries: list[RawEntry]) -> bytes:
    """A zip written byte by byte, so that names, flags and sizes are exactly what the entries say."""
    out = io.BytesIO()
    central = []
    for e in entries:
        if e.compressed is not None:
            comp = e.compressed
        else:
            comp = _deflate(e.data) if e.method == zipfile.ZIP_DEFLATED else e.data
        crc = zlib.crc32(e.data) if e.crc is None else e.crc
        size = len(e.data) if e.declared_size is None else e.declared_size
        y, mo, d, h, mi, s = e.date_time
        dos_time = (h << 11) | (mi << 5) | (s // 2)
        dos_date = ((y - 1980) << 9) | (mo << 5) | d
        offset = out.tell()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, e.flags, e.method, dos_time, dos_date,
                              crc, len(comp), size, len(e.name), 0))
        out.write(e.name)
        out.write(comp)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, e.flags, e.method, dos_time, dos_date,
                                   crc, len(comp), size, len(e.name), 0, 0, 0, 0, 0, offset) + e.name)
    start = out.tell()
    for record in central:
        out.write(record)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central),
                          out.tell() - start, start, 0))
    return out.getvalue()


def make_zip(files: dict[str, bytes], encoding: str = "utf-8") -> bytes:
    """A zip of `files`.  encoding="utf-8" sets the UTF-8 flag as modern tools do; "gb18030"/"gbk"
    writes legacy names without the flag, as Windows Chinese zip tools (and Explorer) do."""
    flags = 0x800 if encoding == "utf-8" else 0
    return raw_zip([RawEntry(name.encode(encoding), data, flags=flags) for name, data in files.items()])


def gbk_zip() -> bytes:
    """Two forms with Chinese names in GBK, no UTF-8 flag, one in a Chinese folder."""
    return make_zip({"教务处/附件4_部门岗位风险点自查表.xlsx": tiny_xlsx(),
                     "附件3（张三）.xlsx": tiny_xlsx()}, encoding="gb18030")


def traversal_zip() -> bytes:
    return raw_zip([
        RawEntry(b"../evil.xlsx", tiny_xlsx()),
        RawEntry(b"/abs.xlsx", tiny_xlsx()),
        RawEntry(b"C:\\Windows\\win.xlsx", tiny_xlsx()),
        RawEntry(b"a/../../b.xlsx", tiny_xlsx()),
        RawEntry("正常/附件4.xlsx".encode(), tiny_xlsx(), flags=0x800),
    ])


def nested_zip(depth: int, inner: bytes | None = None, inner_name: str = "附件4.xlsx") -> bytes:
    """`depth` zips one inside the other around `inner` (a tiny form by default): depth 1 = a.zip!form."""
    data = inner if inner is not None else tiny_xlsx()
    name = inner_name
    for level in range(depth, 0, -1):
        data = make_zip({name: data})
        name = f"第{level}层.zip"
    return data


def junk_zip() -> bytes:
    """A zip with the usual debris around one form: lock file, Finder files, a folder, a note."""
    return raw_zip([
        RawEntry(b"forms/", b"", method=zipfile.ZIP_STORED),
        RawEntry("forms/附件4.xlsx".encode(), tiny_xlsx(), flags=0x800),
        RawEntry("forms/~$附件4.xlsx".encode(), b"\0" * 162, flags=0x800),
        RawEntry(b"__MACOSX/forms/._x.xlsx", b"\0\5\26\7" + b"\0" * 60),
        RawEntry(b"forms/.DS_Store", b"\0\0\0\1Bud1" + b"\0" * 40),
        RawEntry("forms/说明.txt".encode(), "请查收".encode(), flags=0x800),
    ])


# -- other workbook formats ---------------------------------------------------------------------------------

def ole_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE/CFB (v3, 512-byte sectors) compound file holding `streams` at its root.

    Each stream is padded with zeros to at least 4096 bytes (its declared size too), so that no mini
    stream is needed."""
    sector = 512
    free, end, fatsect, nostream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    names = list(streams)
    datas = [streams[n] + b"\0" * (max(4096, -(-len(streams[n]) // sector) * sector) - len(streams[n]))
             for n in names]
    n_dir = -(-(len(names) + 1) // 4)
    fat = [fatsect]                                    # sector 0: the FAT itself
    first_dir = len(fat)
    fat += [first_dir + i + 1 for i in range(n_dir - 1)] + [end]
    starts = []
    for data in datas:
        first = len(fat)
        count = len(data) // sector
        starts.append(first)
        fat += [first + i + 1 for i in range(count - 1)] + [end]
    assert len(fat) <= sector // 4, "ole_file: keep the streams small"
    fat += [free] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0" if name else b""
        return (raw.ljust(64, b"\0") + struct.pack("<HBB3L", len(raw), kind, 1, nostream, right, child)
                + b"\0" * 16 + b"\0" * 4 + b"\0" * 16 + struct.pack("<LQ", start, size))
    entries = [entry("Root Entry", 5, 1 if names else nostream, nostream, end, 0)]
    for i, (name, data) in enumerate(zip(names, datas, strict=True)):
        right = i + 2 if i + 1 < len(names) else nostream
        entries.append(entry(name, 2, nostream, right, starts[i], len(data)))
    unused = (b"\0" * 64 + struct.pack("<HBB3L", 0, 0, 0, nostream, nostream, nostream) + b"\0" * 36
              + struct.pack("<LQ", 0, 0))
    entries += [unused] * (n_dir * 4 - len(entries))
    directory = b"".join(entries)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<5H6s6L", 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6, 0, 1, first_dir, 0, 4096, end)
              + struct.pack("<2L", 0, end) + struct.pack("<L", 0)
              + struct.pack("<109L", 0, *([free] * 108)))
    assert len(header) == sector
    return header + struct.pack(f"<{sector // 4}L", *fat) + directory + b"".join(datas)


def _biff(kind: int, payload: bytes) -> bytes:
    return struct.pack("<2H", kind, len(payload)) + payload


def legacy_xls(encrypted: bool = False) -> bytes:
    """An OLE file with a BIFF8 Workbook stream (BOF … EOF); with a FILEPASS (RC4) record when encrypted.
    Only its envelope is real: enough for sniffing, not for a reader."""
    records = _biff(0x0809, struct.pack("<4H2L", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x0206))
    if encrypted:
        records += _biff(0x002F, struct.pack("<3H", 1, 1, 1) + b"\x11" * 48)
    records += _biff(0x000A, b"")
    return ole_file({"Workbook": records})


def legacy_doc() -> bytes:
    return ole_file({"WordDocument": b"\xec\xa5" + b"\0" * 100})


def outlook_msg() -> bytes:
    """An Outlook .msg as saved from Outlook: an OLE file of __substg1.0_ property streams (subject, body)."""
    return ole_file({"__substg1.0_0037001F": "附件4 教务处".encode("utf-16-le"),
                     "__substg1.0_1000001F": "请查收".encode("utf-16-le")})


def tiny_ods() -> bytes:
    """A minimal OpenDocument spreadsheet package (mimetype stored first, as ODF requires)."""
    content = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               '<table:table table:name="表单"><table:table-row><table:table-cell office:value-type="string">'
               "<text:p>部门</text:p></table:table-cell></table:table-row></table:table>"
               "</office:spreadsheet></office:body></office:document-content>").encode()
    manifest = (b'<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
                b'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                b'<manifest:file-entry manifest:full-path="/" '
                b'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                b"</manifest:manifest>")
    return raw_zip([RawEntry(b"mimetype", b"application/vnd.oasis.opendocument.spreadsheet",
                             method=zipfile.ZIP_STORED),
                    RawEntry(b"content.xml", content), RawEntry(b"META-INF/manifest.xml", manifest)])


# -- broken or hostile files -------------------------------------------------------------------------------

def empty() -> bytes:
    return b""


def csv_renamed() -> bytes:
    """What Excel writes for 'CSV (逗号分隔)' on a Chinese Windows: GBK text."""
    return "部门,岗位,风险点,风险等级\r\n教务处,招生,违规录取,一级\r\n".encode("gbk")


def html_renamed() -> bytes:
    """A web system's 'export to Excel' that is really an HTML table."""
    return ('<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="utf-8"></head>'
            "<body><table><tr><td>部门</td><td>教务处</td></tr></table></body></html>").encode()


def pdf() -> bytes:
    return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def png() -> bytes:
    raw = b"\0\xff\0\0"
    ihdr = struct.pack(">2I5B", 1, 1, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def docx_like() -> bytes:
    """An OOXML package that is a Word document, not a workbook."""
    return make_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def truncated_xlsx() -> bytes:
    data = tiny_xlsx()
    return data[: len(data) // 2]


SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def sheet_xml(cells: str, dimension: str | None = "A1") -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return SHEET_HEAD + f"{dim}<sheetData>{cells}</sheetData></worksheet>".encode()


@functools.lru_cache(maxsize=2)
def cell_bomb(declared: int = 300 * MiB) -> bytes:
    """A valid-looking xlsx whose sheet1.xml inflates to `declared` bytes of rows (about 1 MB on disk).

    Streamed into zipfile at compresslevel 9, never held in memory uncompressed."""
    base = members(tiny_xlsx())
    row = b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>' * 16384
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, content in base.items():
            if name != "xl/worksheets/sheet1.xml":
                zf.writestr(name, content)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_HEAD + b'<dimension ref="A1"/><sheetData>')
            written = 0
            while written < declared:
                sheet.write(row)
                written += len(row)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


@functools.lru_cache(maxsize=1)
def whitespace_bomb(size: int = 32 * MiB) -> bytes:
    """A sheet member of spaces: under the member size cap, far over the compression-ratio cap."""
    base = members(tiny_xlsx())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, content in base.items():
            if name != "xl/worksheets/sheet1.xml":
                zf.writestr(name, content)
        with zf.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(SHEET_HEAD)
            spaces = b" " * MiB
            for _ in range(size // MiB):
                sheet.write(spaces)
            sheet.write(b"<sheetData/></worksheet>")
    return out.getvalue()


def dimension_claim() -> bytes:
    """Few cells, but `<dimension ref="A1:XFD1048576"/>` (openpyxl read_only pads every row to it)."""
    cells = '<row r="1"><c r="A1" t="inlineStr"><is><t>部门</t></is></c></row>'
    return rewrite_members(tiny_xlsx(), {"xl/worksheets/sheet1.xml": sheet_xml(cells, "A1:XFD1048576")})


def far_cell() -> bytes:
    """About 2 KB: cells A1 and XFD1048576, as xlsxwriter writes them (its dimension says A1:XFD1048576).
    python-calamine aborts the whole process on this file."""
    return tiny_xlsx({"A1": "部门", "XFD1048576": "x"})


def far_cell_hidden() -> bytes:
    """The same far cell behind an honest-looking `<dimension ref="A1"/>`: only the cell scan sees it."""
    cells = ('<row r="1"><c r="A1" t="inlineStr"><is><t>部门</t></is></c></row>'
             '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')
    return rewrite_members(tiny_xlsx(), {"xl/worksheets/sheet1.xml": sheet_xml(cells, "A1")})


def far_cell_without_r() -> bytes:
    """5,000 cells without an r attribute in one row: positions inferred, past column ALL."""
    cells = '<row r="1">' + "<c><v>1</v></c>" * 5000 + "</row>"
    return rewrite_members(tiny_xlsx(), {"xl/worksheets/sheet1.xml": sheet_xml(cells, None)})


def _zip_entries(data: bytes, change: dict[str, dict]) -> bytes:
    entries = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            entries.append(RawEntry(info.filename.encode(), zf.read(info), **change.get(info.filename, {})))
    return raw_zip(entries)


def lying_member() -> bytes:
    """sheet1.xml declares 100 bytes but its deflate stream holds the whole sheet (headers patched)."""
    return _zip_entries(tiny_xlsx(), {"xl/worksheets/sheet1.xml": {"declared_size": 100}})


def corrupt_deflate() -> bytes:
    """sheet1.xml's deflate stream with its first block header flipped to the reserved block type."""
    data = tiny_xlsx()
    sheet = members(data)["xl/worksheets/sheet1.xml"]
    comp = bytearray(_deflate(sheet))
    comp[0] |= 0b110  # BTYPE = 11: "invalid block type"
    return _zip_entries(data, {"xl/worksheets/sheet1.xml": {"compressed": bytes(comp)}})


def bad_crc() -> bytes:
    return _zip_entries(tiny_xlsx(), {"xl/worksheets/sheet1.xml": {"crc": 0x12345678}})


def entity_bomb() -> bytes:
    """Billion laughs in sharedStrings.xml."""
    lol = ['<!ENTITY lol "lol">'] + [f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                                     for i in range(1, 10)]
    sst = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [' + "".join(lol) + "]>"
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
           "<si><t>&lol9;</t></si></sst>").encode()
    return rewrite_members(tiny_xlsx(), {"xl/sharedStrings.xml": sst})


def encrypted_xlsx(password: str = "1234") -> bytes:
    """An xlsx with an open password: an OLE compound file (msoffcrypto-tool's ECMA-376 agile encryption)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(tiny_xlsx())).encrypt(password, out)
    return out.getvalue()


def too_many_members(n: int = 2500) -> bytes:
    return raw_zip([RawEntry(f"{i}.txt".encode(), b"", method=zipfile.ZIP_STORED) for i in range(n)])


# -- mails -------------------------------------------------------------------------------------------------

FROM = "=?GB2312?B?" + base64.b64encode("张三".encode("gb2312")).decode() + "?= <zhangsan@example.edu.cn>"
DATE = "Tue, 07 Mar 2023 10:15:00 +0800"


def _b64_lines(data: bytes) -> str:
    text = base64.b64encode(data).decode()
    return "\r\n".join(text[i:i + 76] for i in range(0, len(text), 76))


def encoded_word(text: str, charset: str = "gb2312", mode: str = "B") -> str:
    raw = text.encode(charset)
    if mode == "B":
        return f"=?{charset.upper()}?B?{base64.b64encode(raw).decode()}?="
    q = "".join(chr(b) if b < 128 and chr(b).isalnum() else f"={b:02X}" for b in raw)
    return f"=?{charset}?Q?{q}?="


def disposition(filename: str, style: str) -> str:
    """A Content-Disposition (and the matching Content-Type name) for `filename` in a given encoding:
    "rfc2047" (GB2312 base64, Foxmail/Outlook CN), "rfc2047-q" (gbk quoted-printable), "rfc2047-utf8",
    "rfc2231" (gb18030 percent-encoding), "rfc2231-continued" (split into filename*0*, filename*1*…),
    "raw-gbk" (unencoded 8-bit GBK bytes, marked with \\udcxx escapes for `make_eml`), "ascii"."""
    if style == "rfc2047":
        word = encoded_word(filename, "gb2312")
        return f'attachment; filename="{word}"', f'name="{word}"'
    if style == "rfc2047-q":
        word = encoded_word(filename, "gbk", "Q")
        return f'attachment; filename="{word}"', f'name="{word}"'
    if style == "rfc2047-utf8":
        word = encoded_word(filename, "utf-8")
        return f'attachment; filename="{word}"', f'name="{word}"'
    if style == "rfc2231":
        pct = urllib.parse.quote(filename.encode("gb18030"), safe="")
        return f"attachment; filename*=gb18030''{pct}", f"name*=gb18030''{pct}"
    if style == "rfc2231-continued":
        pct = urllib.parse.quote(filename.encode("gb18030"), safe="")
        cut = [pct[i:i + 30] for i in range(0, len(pct), 30)]
        cut = [c for c in cut if c]
        # never split inside a %XX escape
        parts, carry = [], ""
        for c in cut:
            c = carry + c
            tail = c.rfind("%")
            if tail >= len(c) - 2:
                c, carry = c[:tail], c[tail:]
            else:
                carry = ""
            parts.append(c)
        if carry:
            parts.append(carry)
        secs = [f"filename*{i}*={'gb18030' + chr(39) * 2 if i == 0 else ''}{p}" for i, p in enumerate(parts)]
        return "attachment;\r\n " + ";\r\n ".join(secs), 'name="attachment"'
    if style == "raw-gbk":
        raw = filename.encode("gbk").decode("ascii", "surrogateescape")
        return f'attachment; filename="{raw}"', f'name="{raw}"'
    return f'attachment; filename="{filename}"', f'name="{filename}"'


def make_eml(attachments: list[tuple[str, bytes]] | None = None, *, subject: str = "附件4 教务处",
             from_: str = FROM, date: str | None = DATE, style: str = "rfc2047",
             body: str = "您好，附件是我部门的自查表，请查收。", body_charset: str = "gbk",
             extra_parts: list[str] | None = None, boundary: str | None = None) -> bytes:
    """A mail as a Chinese mail client writes it: GBK body, encoded subject, base64 attachments whose
    names are encoded per `style` (see `disposition`)."""
    attachments = attachments if attachments is not None else [("附件4.xlsx", tiny_xlsx())]
    if boundary is None:  # distinct per mail, so that a mail can be forwarded inside another
        names = [name for name, _ in attachments]
        boundary = f"----=_NextPart_000_{zlib.crc32(repr((subject, date, names)).encode()):08X}"
    lines = [f"From: {from_}", "To: jjc@example.edu.cn",
             f"Subject: {encoded_word(subject, 'gbk') if not subject.isascii() else subject}"]
    if date is not None:
        lines.append(f"Date: {date}")
    lines += ["MIME-Version: 1.0", f'Content-Type: multipart/mixed; boundary="{boundary}"', "",
              "This is a multi-part message in MIME format.", "",
              f"--{boundary}", f"Content-Type: text/plain; charset={body_charset}",
              "Content-Transfer-Encoding: base64", "", _b64_lines(body.encode(body_charset))]
    for name, data in attachments:
        disp, ctype_name = disposition(name, style)
        lines += [f"--{boundary}", f"Content-Type: application/vnd.openxmlformats-officedocument."
                  f"spreadsheetml.sheet; {ctype_name}", "Content-Transfer-Encoding: base64",
                  f"Content-Disposition: {disp}", "", _b64_lines(data)]
    for part in extra_parts or []:
        lines += [f"--{boundary}", part]
    lines += [f"--{boundary}--", ""]
    return "\r\n".join(lines).encode("utf-8", "surrogateescape")


def forwarded_eml(inner: bytes | None = None) -> bytes:
    """A mail forwarding another mail as an attachment (message/rfc822) that holds the form."""
    inner = inner if inner is not None else make_eml(subject="附件3 李四", from_="lisi@example.edu.cn")
    part = ('Content-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n'
            + inner.decode("ascii"))
    return make_eml([], subject="转发：附件3 李四", date="Wed, 08 Mar 2023 08:00:00 +0800", extra_parts=[part])


def inline_image_eml() -> bytes:
    """Only an HTML body with an inline picture (a signature logo): no form."""
    boundary = "rel-boundary"
    related = (f'Content-Type: multipart/related; boundary="{boundary}"\r\n\r\n'
               f"--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
               '<p>表格稍后发送</p><img src="cid:logo">\r\n'
               f"--{boundary}\r\nContent-Type: image/png\r\nContent-ID: <logo>\r\n"
               "Content-Disposition: inline; filename=\"logo.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
               + _b64_lines(png()) + f"\r\n--{boundary}--")
    return make_eml([], subject="表格稍后发送", extra_parts=[related])


def attachment_part(name: str, data: bytes, ctype: str = "application/octet-stream") -> str:
    """A MIME part (for make_eml's extra_parts) with a UTF-8 RFC 2047 name."""
    disp, ctype_name = disposition(name, "rfc2047-utf8")
    return (f"Content-Type: {ctype}; {ctype_name}\r\nContent-Transfer-Encoding: base64\r\n"
            f"Content-Disposition: {disp}\r\n\r\n{_b64_lines(data)}")


def header(text: str, charset: str = "gb2312") -> str:
    """An RFC 2047 header value as the stdlib writes it."""
    return email.header.Header(text, charset).encode()
