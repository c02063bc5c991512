"""Checks that run on untrusted bytes before any workbook parser sees them.

A returned form is attacker-controlled data as far as the readers are concerned: python-calamine
aborts the whole process when a 2 KB file has a cell at XFD1048576, openpyxl runs for minutes on a
zip bomb (see shared/research/real-client-and-hostile.md).  Everything here is a pure function of the
bytes: it reads the zip table, inflates members in bounded chunks with its own decompressor and scans
the raw XML with byte regexes; no XML parser and no cell reader is ever called.  Every failure becomes a
`Finding` (FILE_TOO_LARGE, FILE_UNSAFE, FILE_CORRUPT, FILE_ENCRYPTED) that the caller attaches to the
input; nothing here raises for bad data except `UnsafeInput` from the member readers, which carries the
finding.

Cost on a normal 12 KB form: see `check_workbook`.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator

from . import findings
from .findings import Finding

MiB = 1024 * 1024

MAX_MEMBERS = 2000
"""Most members one zip may hold.  A form has about a dozen; a folder of returned forms zipped by a
department a few hundred.  More is a resource attack (each entry costs memory before anything is read)."""

MAX_MEMBER_BYTES = 64 * MiB
"""Largest declared uncompressed size of one member, and largest legacy .xls file.  A 10-column form of
thousands of rows is well under 5 MiB of sheet XML; 64 MiB leaves room for embedded pictures."""

MAX_TOTAL_BYTES = 256 * MiB
"""Largest declared uncompressed total of one zip, and of everything expanded out of one inbox file
(archives in archives included).  Bounds the memory one input can make formkit hold."""

MAX_RATIO = 200
"""Largest compression ratio accepted for a member over `RATIO_MIN_BYTES` uncompressed.  Real sheet XML
compresses 5-30x; 200x only comes from repeated filler, the signature of a zip bomb."""

RATIO_MIN_BYTES = 1 * MiB
"""Members smaller than this are exempt from the ratio check: tiny members compress absurdly well
(an empty sheet) and cannot hurt."""

MAX_ROWS = 1_048_576
"""Highest row number a sheet may use: the sheet's own limit.  Readers allocate up to the last row (calamine
allocates the whole rectangle up to the last cell), so the cost is bounded by MAX_CELLS_AREA instead: a form
of a dozen columns with one stray keystroke at its last row is still read (a second or two, ~0.6 GB)."""

MAX_COLS = 1_000
"""Highest column number a sheet may use (column ALL).  Same reason as `MAX_ROWS`; forms use ~15."""

MAX_CELLS_AREA = 13_000_000
"""Largest rectangle (last row x last column) a sheet may span: a 12-column form (附件6) down to row 1,048,576.
Measured: 10 x 1,048,576 costs python-calamine and the Python grid about 1 s and 0.5 GB peak, within a
reader's memory cap; wider or taller is a resource attack, not a form."""

MAX_FILE_BYTES = MAX_TOTAL_BYTES
"""Largest single file read from disk (a workbook, a zip or a mail)."""

MAX_DIRECTORY_BYTES = MAX_MEMBERS * 1024
"""Largest zip central directory accepted before `zipfile` parses it (about 1 KiB per legitimate entry):
zipfile builds one object per entry, so a 200 MB directory of empty entries would cost gigabytes."""

MAX_TAG_BYTES = 1 * MiB
"""Longest single XML tag the cell scanner carries over a chunk boundary; a real tag is under 1 KiB."""

MAX_PROLOG_BYTES = 64 * 1024
"""How far into an XML member its root element must start; DTDs (entity bombs) live before it."""

CHUNK = 64 * 1024
"""Inflate step: memory held by the checks is a few chunks, whatever the file claims."""

ALL_COLS = "ALL"  # column number MAX_COLS in letters

_DEFLATED = zipfile.ZIP_DEFLATED
_STORED = zipfile.ZIP_STORED
_SLOW_METHODS = {zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}

OOXML = "xlsx"
ODS = "ods"
XLS = "xls"


class UnsafeInput(Exception):
    """Raised by the member readers; `finding` says why (never shown as a traceback)."""

    def __init__(self, finding: Finding, detail: str = ""):
        super().__init__(finding.message)
        self.finding = finding
        self.detail = detail        # (the damage of a member, for an archive holding it to say as its own)


# -- small helpers ---------------------------------------------------------------------------------

def _mib(n: int) -> str:
    if n >= MiB:
        return f"{n / MiB:.0f} MiB" if n >= 10 * MiB else f"{n / MiB:.1f} MiB"
    return f"{n / 1024:.0f} KiB" if n >= 1024 else f"{n} 字节"


def _short(name: str, limit: int = 40) -> str:
    name = "".join(ch if ch.isprintable() else "?" for ch in name)
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _unsafe(detail: str) -> Finding:
    return findings.make(findings.FILE_UNSAFE, detail=detail)


def _too_large(detail: str) -> Finding:
    return findings.make(findings.FILE_TOO_LARGE, detail=detail)


def _corrupt(detail: str) -> Finding:
    return findings.make(findings.FILE_CORRUPT, detail=detail)


def _damaged(detail: str) -> UnsafeInput:
    return UnsafeInput(_corrupt(detail), detail)


def col_number(letters: bytes | str) -> int:
    """'A' -> 1, 'XFD' -> 16384 (case-insensitive)."""
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def ref_order(ref: str | None) -> tuple[int, int]:
    """An A1 reference's place, row by row (A8 before A10, which text order puts first); (0, 0) for none."""
    letters = (ref or "").replace("$", "").rstrip("0123456789")
    digits = (ref or "").replace("$", "")[len(letters):]
    return (int(digits), col_number(letters)) if digits.isdigit() and letters.isalpha() else (0, 0)


def col_letters(n: int) -> str:
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


# -- the zip table -----------------------------------------------------------------------------------

_EOCD = struct.Struct("<4s4H2LH")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")


def check_zip_bytes(data: bytes) -> Finding | None:
    """Read the end-of-central-directory record before `zipfile` does, so that a zip declaring millions of
    entries is refused before Python builds an object per entry.  FILE_CORRUPT when there is no record."""
    start = max(0, len(data) - _EOCD.size - 0xFFFF)
    pos = data.rfind(b"PK\x05\x06", start)
    if pos < 0 or pos + _EOCD.size > len(data):
        return _corrupt("找不到压缩包目录，文件不完整")
    _sig, _disk, _cd_disk, _here, entries, cd_size, cd_offset, _comment = _EOCD.unpack_from(data, pos)
    end = pos
    loc = pos - 20
    if loc >= 0 and data[loc:loc + 4] == b"PK\x06\x07":
        # zip64 end records before the end record (Info-ZIP writes them when zipping a stream, even for a small
        # archive): the directory ends where they begin
        (off64,) = struct.unpack_from("<Q", data, loc + 8)
        if off64 + _EOCD64.size <= len(data) and data[off64:off64 + 4] == b"PK\x06\x06":
            fields = _EOCD64.unpack_from(data, off64)
            end = off64
            if entries == 0xFFFF or cd_size == 0xFFFFFFFF or cd_offset == 0xFFFFFFFF:
                entries, cd_size, cd_offset = fields[7], fields[8], fields[9]
    if data[:4] == b"PK\x03\x04" and end - cd_size - cd_offset > 0:
        # the directory found is not this file's own: it begins with a zip entry, yet its last directory describes an
        # archive that starts further on. A zip cut short (an interrupted download) whose last stored member is itself
        # a zip (an .xlsx kept uncompressed): read, it would be that one member, the others silently lost
        return _corrupt("压缩包不完整（文件末尾缺失，可能下载或复制时被截断）")
    if entries > MAX_MEMBERS:
        return _too_many(entries)
    if cd_size > MAX_DIRECTORY_BYTES:
        return _unsafe(f"压缩包目录有 {_mib(cd_size)}，远超正常大小")
    return None


def _too_many(entries: int) -> Finding:
    # (an .xlsx is a zip too, but its sender knows nothing of "members": 10,000 sheets were "10008 个成员")
    return _unsafe(f"文件内部由 {entries} 个部分组成（压缩包中的文件、Excel 文件中的工作表等），超过 {MAX_MEMBERS} 个的上限")


def open_zip(data: bytes) -> tuple[zipfile.ZipFile | None, Finding | None]:
    """A ZipFile over `data`, or the reason it cannot be opened (FILE_UNSAFE / FILE_CORRUPT)."""
    if problem := check_zip_bytes(data):
        return None, problem
    try:
        return zipfile.ZipFile(io.BytesIO(data)), None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, struct.error, KeyError,
            NotImplementedError, UnicodeDecodeError) as exc:
        return None, _corrupt(_zip_error_detail(exc))


def _zip_error_detail(exc: BaseException) -> str:
    if isinstance(exc, NotImplementedError):
        return "压缩格式不受支持"
    if isinstance(exc, UnicodeDecodeError):
        return "压缩包内文件名编码错误"
    return "压缩包结构损坏"


_PICTURES = ("xl/media/", "Pictures/", "docProps/thumbnail")
"""Where a workbook keeps its pictures: parts no reader inflates (a scanned signature pasted as a bitmap, kept
uncompressed, compresses 1000:1: the whole form was refused as a zip bomb)."""


def check_zip_member(info: zipfile.ZipInfo, ratio: bool = True) -> Finding | None:
    """One member's declared size and (unless `ratio` is false: a part never inflated) compression ratio."""
    if info.file_size > MAX_MEMBER_BYTES:
        return _too_large(f"“{_short(info.filename)}”解压后有 {_mib(info.file_size)}，"
                          f"超过单个文件 {_mib(MAX_MEMBER_BYTES)} 的上限")
    if ratio and info.file_size > RATIO_MIN_BYTES:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_RATIO:
            return _unsafe(f"“{_short(info.filename)}”的压缩比高达 {ratio:.0f}:1，疑似压缩炸弹")
    return None


def check_zip_table(zf: zipfile.ZipFile) -> Finding | None:
    """Member count, each declared size, the declared total and each compression ratio, read from the
    zip's directory only (nothing is inflated).  The first problem found, or None."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        return _too_many(len(infos))
    total = 0
    for info in infos:
        if problem := check_zip_member(info, ratio=not info.filename.startswith(_PICTURES)):
            return problem
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        return _too_large(f"解压后共 {_mib(total)}，超过 {_mib(MAX_TOTAL_BYTES)} 的上限")
    return None


def check_archive_table(zf: zipfile.ZipFile) -> Finding | None:
    """What makes an archive (a department's zip of forms) unsafe as a whole: its member count. Each member's own
    size and ratio are checked as it is reached (`check_zip_member`): a 70 MB scan beside the forms costs that scan
    only, and the inflation of the whole is bounded by the intake's budget."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        return _too_many(len(infos))
    # members laid over one another (a hundred names for one block of data: a bomb no zip tool makes), refused as
    # a whole (each was "a damaged file", a reply drafted for each name, none naming the archive sent)
    at = sorted((i.header_offset, i.compress_size) for i in infos)
    for (offset, size), (following, _) in zip(at, at[1:], strict=False):
        if following < offset + 30 + size:
            return _unsafe("压缩包中的几个文件共用同一段数据，这是人为构造的异常压缩包")
    return None


# -- reading one member, bounded ------------------------------------------------------------------------

def _size_mismatch(info: zipfile.ZipInfo) -> UnsafeInput:
    return UnsafeInput(_unsafe(f"“{_short(info.filename)}”的成员大小与声明不符"))


def iter_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, chunk_size: int = CHUNK) -> Iterator[bytes]:
    """Inflate one member in chunks of at most `chunk_size`, never producing more than its declared size.

    Uses its own raw-deflate decompressor on the member's bytes (located through the central directory,
    as the readers do), so a member whose stream holds more than it declares is caught the moment it
    passes the declared size (FILE_UNSAFE "成员大小与声明不符"), not after inflating it.  Bad deflate data,
    a bad CRC-32 or a truncated member raise FILE_CORRUPT.  Raises `UnsafeInput`.
    """
    if info.flag_bits & 0x1:
        raise UnsafeInput(findings.make(findings.FILE_ENCRYPTED))
    method = info.compress_type
    if method in _SLOW_METHODS:
        yield from _iter_member_zipfile(zf, info, chunk_size)
        return
    if method not in (_STORED, _DEFLATED):
        raise UnsafeInput(_corrupt(f"不支持的压缩方式（{method}）"))
    fp = zf.fp
    if fp is None:  # pragma: no cover - caller closed the zip
        raise ValueError("zip file is closed")
    fp.seek(info.header_offset)
    head = fp.read(30)
    if len(head) != 30 or head[:4] != b"PK\x03\x04":
        raise _damaged("压缩包成员头损坏")
    name_len, extra_len = struct.unpack_from("<HH", head, 26)
    fp.seek(info.header_offset + 30 + name_len + extra_len)

    declared = info.file_size
    left = info.compress_size
    produced = 0
    crc = 0
    if method == _STORED and left != declared:
        raise _size_mismatch(info)
    inflater = zlib.decompressobj(-15) if method == _DEFLATED else None
    try:
        while left > 0:
            piece = fp.read(min(chunk_size, left))
            if not piece:
                raise _damaged("压缩包成员数据不完整")
            left -= len(piece)
            if inflater is None:
                out = piece
                produced += len(out)
                crc = zlib.crc32(out, crc)
                yield out
                continue
            out = inflater.decompress(piece, chunk_size)
            while True:
                if out:
                    produced += len(out)
                    if produced > declared:
                        raise _size_mismatch(info)
                    crc = zlib.crc32(out, crc)
                    yield out
                if not inflater.unconsumed_tail:
                    break
                out = inflater.decompress(inflater.unconsumed_tail, chunk_size)
            if inflater.eof:
                break
        if inflater is not None and not inflater.eof:
            raise _damaged("压缩数据不完整")
    except zlib.error:
        raise _damaged("压缩数据损坏") from None
    if produced != declared:
        raise _size_mismatch(info)
    if crc != info.CRC:
        raise _damaged("校验和不符")


def _iter_member_zipfile(zf: zipfile.ZipFile, info: zipfile.ZipInfo, chunk_size: int) -> Iterator[bytes]:
    """bzip2/lzma members (rare in forms): zipfile stops at the declared size and checks the CRC."""
    produced = 0
    try:
        with zf.open(info) as stream:
            while out := stream.read(chunk_size):
                produced += len(out)
                if produced > info.file_size:
                    raise _size_mismatch(info)
                yield out
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
        detail = "校验和不符" if "CRC" in str(exc) else "压缩数据损坏"
        raise _damaged(detail) from None


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The whole member, through `iter_member` (check the table first).  Raises `UnsafeInput`."""
    return b"".join(iter_member(zf, info))


# -- scanning sheet XML -----------------------------------------------------------------------------------

# A cell start tag with its r attribute, attributes matched quote-aware so `>` inside a value cannot hide r.
_FAST_REF = re.compile(
    rb'<(?:[\w.-]+:)?c(?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|\'[^\']*\'))*?\s+r\s*=\s*["\']([A-Za-z]{1,3})([0-9]{1,7})["\']')
# Any cell start tag other than `<c r="A1"` … `<c r="Z99999"` (the "simple" tier of _SheetScan).
# … with whether the tag closes itself (`<c r="XFD1" s="3"/>`: a cell formatted, holding nothing)
_FAST_CELL = re.compile(_FAST_REF.pattern + rb'(?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|\'[^\']*\'))*\s*(/?)>')
_NOT_SIMPLE_CELL = re.compile(rb'<c(?! r="[A-Z][0-9]{1,5}")[\s/>]')
_PREFIXED_CELL = re.compile(rb":c[\s/>]")  # <x:c …>: readers match local names, whatever the prefix
_CELL_START = re.compile(rb"<(?:[\w.-]+:)?c[\s/>]")
_TAG_END = re.compile(rb'<[^<>"\']*(?:(?:"[^"]*"|\'[^\']*\')[^<>"\']*)*>')  # one complete tag, quote-aware
_TAG = re.compile(rb'<(?:[\w.-]+:)?(row|c)(?=[\s/>])((?:[^<>"\']|"[^"]*"|\'[^\']*\')*)')
_R_ATTR = re.compile(rb'(?:^|\s)r\s*=\s*["\']\$?([A-Za-z]*)\$?([0-9]*)')
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)
_ROOT = re.compile(rb"<[A-Za-z_]")
# A prolog with nothing but a BOM, whitespace, processing instructions and comments before the root element.
_PROLOG_OK = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:\s|<\?[^<>]*\?>|<!--(?:[^-]|-(?!->))*-->)*<[A-Za-z_]")
_REL = re.compile(rb'<(?:[\w.-]+:)?Relationship(?=[^>]*?\sId\s*=\s*["\']([^"\']*)["\'])'
                  rb'(?=[^>]*?\sTarget\s*=\s*["\']([^"\']*)["\'])')  # (Id, Target) in either order
_SHEET_RID = re.compile(rb'<(?:[\w.-]+:)?sheet\s[^>]*?\s[\w.-]+:id\s*=\s*["\']([^"\']*)["\']')


def _area_problem(where: str, max_row: int, max_col: int, what: str) -> Finding | None:
    # (the largest row and the largest column of any cell: two cells, perhaps, not one; each said as what it is)
    if max_row <= MAX_ROWS and max_col <= MAX_COLS and max_row * max_col <= MAX_CELLS_AREA:
        return None         # (every sheet of every input comes here: nothing worked out before it is needed)
    sheet = _short(where.rsplit('/', 1)[-1])
    column = col_letters(max_col) if max_col <= 10**6 else "…"
    if max_col > MAX_COLS:
        return _too_large(f"工作表 {sheet} {what}第 {column} 列，超出 {MAX_COLS} 列的上限，表格右侧很远处可能有误填的内容")
    if max_row > MAX_ROWS:
        return _too_large(f"工作表 {sheet} {what}第 {max_row if max_row <= 10**9 else '…'} 行，超出 {MAX_ROWS} 行的上限")
    if max_row * max_col > MAX_CELLS_AREA:
        return _too_large(f"工作表 {sheet} 的内容从 A1 延伸到第 {column} 列、第 {max_row} 行，超出 "
                          f"{MAX_CELLS_AREA // 10000} 万个单元格的上限，表格右侧或下方很远处可能有误填的内容")
    return None


class _Retry(Exception):
    """The sheet needs a more thorough pass over it, from its start."""


class _SheetScan:
    """Largest row and column used by the cells of one sheet, over segments of raw XML.

    Three tiers, each a full pass over the member, the next one only when the previous cannot conclude:

    1. simple: every cell tag is written `<c r="X12345"` with a single-letter column and at most five row
       digits (what Excel, WPS, LibreOffice and xlsxwriter write for a form of up to 26 columns).  Such a
       sheet is within every cap (26 x 99,999 < MAX_CELLS_AREA): two byte searches per segment, no
       per-cell Python work.
    2. exact: every cell has an r attribute (any spelling, prefix, attribute order): the maxima from one
       regex `findall` per segment.
    3. positional: cells or rows without r, positioned as a reader infers them, one tag at a time.
    """

    def __init__(self, tier: int) -> None:
        self.tier = tier
        self.max_row = 0
        self.max_col = 0
        self.row = 0
        self.col = 0

    def feed(self, seg: bytes) -> None:
        if self.tier == 1:
            if _NOT_SIMPLE_CELL.search(seg) or _PREFIXED_CELL.search(seg):
                raise _Retry
            return
        if self.tier == 2:
            # (a cell that closes itself holds no value: readers skip it, python-calamine sizes a sheet by the cells
            # with values; a title row formatted out to column XFD refused a correct form as "too large")
            cells = _FAST_CELL.findall(seg)
            if len(cells) != len(_CELL_START.findall(seg)):
                raise _Retry
            if refs := [(col, row) for col, row, empty in cells if not empty]:
                cols, rows = zip(*refs, strict=True)
                self.max_row = max(self.max_row, max(map(int, rows)))
                self.max_col = max(self.max_col, max(map(col_number, set(cols))))
            return
        for tag in _TAG.finditer(seg):
            m = _R_ATTR.search(tag.group(2))
            letters, digits = (m.group(1), m.group(2)) if m else (b"", b"")
            if len(letters) > 7 or len(digits) > 12:
                self.max_row = self.max_col = 10**12
                continue
            if tag.group(1) == b"row":
                self.row = int(digits) if digits else self.row + 1
                self.col = 0
                continue
            row = int(digits) if digits else self.row
            col = col_number(letters) if letters else self.col + 1
            self.col = col
            if not tag.group(2).rstrip().endswith(b"/"):        # (one that closes itself holds nothing)
                self.max_row = max(self.max_row, row, 1)
                self.max_col = max(self.max_col, col)


def _segments(zf: zipfile.ZipFile, info: zipfile.ZipInfo, sink: list[bytes] | None = None) -> Iterator[bytes]:
    """The member's XML cut at tag starts: each segment ends just before a `<`, so no tag is ever split
    between two segments (a `>` inside an attribute value cannot fool this).  Text after the last tag of
    a chunk is dropped once that tag is known to be complete.  Bounded: a tag longer than MAX_TAG_BYTES is
    refused.  `sink`, when given, receives every inflated chunk (the member whole, for a later reader)."""
    carry = b""
    for chunk in iter_member(zf, info):
        if sink is not None:
            sink.append(chunk)
        buf = carry + chunk if carry else chunk
        cut = buf.rfind(b"<")
        if cut < 0:  # text only: nothing a reader would position
            carry = b""
            continue
        if cut > 0:
            yield buf[:cut]
            buf = buf[cut:]
        end = _TAG_END.match(buf)
        if end is not None and len(buf) > CHUNK:
            yield buf[: end.end()]  # a complete tag followed by a long text: keep the tag, drop the text
            carry = b""
            continue
        carry = buf
        if len(carry) > MAX_TAG_BYTES:
            raise UnsafeInput(_unsafe(f"“{_short(info.filename)}”含有异常长的 XML 标签"))
    if carry:
        yield carry


def _strip_comments(head: bytes) -> bytes:
    return _COMMENT.sub(b"", head) if b"<!--" in head else head


def _root_found(head: bytes) -> bool:
    return _ROOT.search(_strip_comments(head)) is not None


def _prolog_problem(head: bytes, name: str) -> Finding | None:
    """A DTD (the carrier of entity bombs and XXE) before the root element; OOXML and ODF never use one."""
    if _PROLOG_OK.match(head):
        return None
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:4]:
        head = head.decode("utf-16", "replace").encode("utf-8", "replace")
    text = _strip_comments(head)
    root = _ROOT.search(text)
    prolog = text if root is None else text[: root.start()]
    if _DTD.search(prolog):
        return _unsafe(f"“{_short(name)}”含有 XML 实体定义（DTD），疑似实体炸弹")
    if root is None and len(head) >= MAX_PROLOG_BYTES:
        return _unsafe(f"“{_short(name)}”的 XML 开头异常")
    return None


def _check_prolog(zf: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes) -> Finding | None:
    head = _member_head(data, info, 256)
    if head is not None and _PROLOG_OK.match(head):
        return None
    head = b""  # root not in the first bytes (or an unusual member): read on, bounded
    for chunk in iter_member(zf, info, chunk_size=4096):
        head += chunk
        if _root_found(head) or len(head) >= MAX_PROLOG_BYTES:
            break
    return _prolog_problem(head, info.filename)


def _member_head(data: bytes, info: zipfile.ZipInfo, size: int) -> bytes | None:
    """The first `size` inflated bytes of a member, straight from `data` (no CRC: a peek, not a read);
    None when the member is not a plain stored/deflated one or its header is off."""
    pos = info.header_offset
    if info.flag_bits & 0x1 or data[pos:pos + 4] != b"PK\x03\x04":
        return None
    name_len, extra_len = struct.unpack_from("<HH", data, pos + 26)
    start = pos + 30 + name_len + extra_len
    raw = data[start:start + min(info.compress_size, size * 4)]
    if info.compress_type == _STORED:
        return raw[:size]
    if info.compress_type != _DEFLATED:
        return None
    try:
        return zlib.decompressobj(-15).decompress(raw, size)
    except zlib.error:
        return None


def _scan_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, keep: dict[str, bytes | None] | None = None) -> Finding | None:
    """Prolog and cells of one sheet part (see `_SheetScan` for the tiers).  With `keep`, a
    sheet found safe and of at most KEEP_BYTES is stored there whole under its member name."""
    for tier in (1, 2, 3):
        sink: list[bytes] | None = [] if keep is not None and info.file_size <= KEEP_BYTES else None
        try:
            problem = _scan_sheet_pass(zf, info, _SheetScan(tier), sink)
        except _Retry:
            continue
        if problem is None and keep is not None:   # None: safe, but too large to keep
            keep[info.filename.replace("\\", "/")] = b"".join(sink) if sink is not None else None
        return problem
    raise AssertionError("the positional tier never retries")  # pragma: no cover


def _scan_sheet_pass(zf: zipfile.ZipFile, info: zipfile.ZipInfo, scan: _SheetScan,
                     sink: list[bytes] | None = None) -> Finding | None:
    name = info.filename
    head = b""  # the prolog, until the root element is seen
    in_prolog = True
    for seg in _segments(zf, info, sink):
        if in_prolog and not head and _PROLOG_OK.match(seg):
            in_prolog = False  # the usual case: declaration, then the root element
        if in_prolog:
            head += seg[: MAX_PROLOG_BYTES]
            if _root_found(head) or len(head) >= MAX_PROLOG_BYTES:
                in_prolog = False
                if problem := _prolog_problem(head, name):
                    return problem
        scan.feed(seg)
        if problem := _area_problem(name, scan.max_row, scan.max_col, "的单元格用到"):
            return problem
    if in_prolog:
        return _prolog_problem(head, name)
    return None


def _resolve(target: bytes) -> str | None:
    """A workbook relationship target as a zip member name ('worksheets/s.xml' -> 'xl/worksheets/s.xml')."""
    try:
        text = target.decode("utf-8").strip().replace("\\", "/")
    except UnicodeDecodeError:
        return None
    if "://" in text:
        return None
    parts = ([] if text.startswith("/") else ["xl"]) + [p for p in text.split("/") if p not in ("", ".")]
    out: list[str] = []
    for part in parts:
        if part == "..":
            if out:
                out.pop()
        else:
            out.append(part)
    return "/".join(out)


def _small_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes) -> bytes:
    """A member read whole: directly when it is small and plainly deflated (the usual rels and workbook
    part), else through `read_member` with its checks."""
    if info.file_size <= CHUNK:
        out = _member_head(data, info, info.file_size + 1)
        if out is not None and len(out) == info.file_size:
            return out
    return read_member(zf, info)


_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_SHEET_NAME = re.compile(rb'\bname="([^"]*)"')


def _by_title(problem: Finding, part: str, zf: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo],
              data: bytes) -> Finding:
    """A sheet's problem named by the sheet's title, as the sender sees it (附件3), not by its part (sheet1.xml)."""
    import html
    from dataclasses import replace as _replace

    rels, book = members.get("xl/_rels/workbook.xml.rels"), members.get("xl/workbook.xml")
    if problem.code != findings.FILE_TOO_LARGE or rels is None or book is None:
        return problem
    try:
        targets = dict(_REL.findall(_small_member(zf, rels, data)))
        for tag in _SHEET_TAG.findall(_small_member(zf, book, data)):
            name, rid = _SHEET_NAME.search(tag), _SHEET_RID.search(tag)    # (the r:id, as _sheet_parts reads it)
            if name and rid and _resolve(targets.get(rid[1], b"")) == part:
                title = html.unescape(name[1].decode("utf-8", "replace"))
                return _replace(problem, sheet=title, message=problem.message.replace(
                    f"工作表 {_short(part.rsplit('/', 1)[-1])}", f"工作表“{title}”"))
    except (UnsafeInput, ValueError):
        pass
    return problem


def _sheet_parts(zf: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo],
                 data: bytes) -> list[zipfile.ZipInfo]:
    """Every member a reader may load as a worksheet: xl/worksheets/*.xml, plus the relationship target
    of every `<sheet r:id>` of xl/workbook.xml (readers follow the Id and ignore the relationship's Type,
    so a hostile file can point a sheet at any part name)."""
    names = {n for n in members
             if n.startswith("xl/worksheets/") and n.endswith(".xml") and n.count("/") == 2}
    rels = members.get("xl/_rels/workbook.xml.rels")
    book = members.get("xl/workbook.xml")
    if rels is not None and book is not None:
        targets = dict(_REL.findall(_small_member(zf, rels, data)))
        for rid in _SHEET_RID.findall(_small_member(zf, book, data)):
            resolved = _resolve(targets.get(rid, b""))
            if resolved in members:
                names.add(resolved)
    return [members[n] for n in sorted(names)]


_ODS_TAG = re.compile(rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*)>")
_ODS_ROWS = re.compile(rb'table:number-rows-repeated="(\d{1,12})"')
_ODS_COLS = re.compile(rb'table:number-columns-repeated="(\d{1,12})"')
_ODS_NAME = re.compile(rb'table:name="([^"]*)"')
MAX_BOOK_AREA = 2 * MAX_CELLS_AREA
"""Largest sum of the sheets' rectangles in one workbook (the reader loads every visible sheet to find the form)."""


def _scan_ods(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Finding | None:
    """The rectangles an .ods asks a reader to build: cells are declared with number-rows-repeated and
    number-columns-repeated, so 27 KB can stand for 100,000 x 100 cells. For each table, the last row and the
    column reached by a cell with content (a value, or children), as the reader allocates them; against the
    same caps as an .xlsx sheet, and their sum against MAX_BOOK_AREA. Streamed in chunks."""
    rest = b""
    name, row_pos, last_row, max_col, total = "", 0, 0, 0, 0
    rep, col_pos, width = 1, 0, 0
    for chunk in iter_member(zf, info):
        data = rest + chunk
        end = data.rfind(b">") + 1
        rest = data[end:]
        if len(rest) > MAX_TAG_BYTES:
            return _unsafe("content.xml 中有异常长的标签")
        for close, tag, attrs in _ODS_TAG.findall(data, 0, end):
            empty = attrs.endswith(b"/")
            if tag == b"table":
                if not close:
                    m = _ODS_NAME.search(attrs)
                    name = m.group(1).decode("utf-8", "replace") if m else ""
                    row_pos, last_row, max_col = 0, 0, 0
                    continue
                if problem := _area_problem(name, last_row, max_col, "用到"):
                    return problem
                total += last_row * max_col
                if total > MAX_BOOK_AREA:
                    return _too_large(f"各工作表合计超过 {MAX_BOOK_AREA // 10000} 万个单元格")
            elif tag == b"table-row":
                if close:
                    if width:
                        last_row, max_col = row_pos + rep, max(max_col, width)
                    row_pos += rep
                    continue
                m = _ODS_ROWS.search(attrs)
                rep = int(m.group(1)) if m else 1
                col_pos, width = 0, 0
                if empty:
                    row_pos += rep
            elif not close:
                m = _ODS_COLS.search(attrs)
                cols = int(m.group(1)) if m else 1
                if not empty or b"office:value-type" in attrs:
                    width = col_pos + cols
                col_pos += cols
                if row_pos > MAX_ROWS or col_pos > 16_384 * 64:
                    return _area_problem(name, row_pos + rep, col_pos, "用到") or _too_large("表格过大")
    return None


KEEP_BYTES = 8 * MiB
"""Largest sheet part `inspect_workbook` hands on to the reader whole (larger ones are read again)."""

KEPT_PARTS = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "docProps/custom.xml")
"""Small parts `inspect_workbook` keeps for the reader: the identity carriers and the sheet map."""


def check_workbook(data: bytes, kind: str) -> Finding | None:
    """Whether `data` (already sniffed as `kind`) is safe to hand to a workbook reader; see
    `inspect_workbook`."""
    return inspect_workbook(data, kind)[0]


def inspect_workbook(data: bytes, kind: str,
                     opened: zipfile.ZipFile | None = None) -> tuple[Finding | None, dict[str, bytes | None]]:
    """Whether `data` (already sniffed as `kind`) is safe to hand to a workbook reader.

    xlsx: the zip table (`check_zip_table`), no duplicate member names, no DTD in any XML part, and for
    every part a reader may load as a sheet: the largest cell reference against MAX_ROWS / MAX_COLS /
    MAX_CELLS_AREA, inflating the part in bounded chunks.  The declared `<dimension ref>` is not a
    problem by itself: LibreOffice writes A1:G1048576 (and an empty last row) after a row is deleted, and
    python-calamine sizes a sheet by its cells, not by that claim.  ods: the zip table and no
    DTD.  xls: the file size.

    Returns the first problem found (or None) and the parts inflated on the way that a reader needs
    again: every sheet part of an xlsx up to KEEP_BYTES (None for a larger one) and KEPT_PARTS, so that
    the file's zip is inflated once for the checks, the identity and the formula scan.  `opened`: the
    zip over `data` when the caller already opened it with `open_zip`; it is closed here.

    Cost (timeit, 2-core development machine): about 0.25 ms on a 12 KB xlsxwriter form (a 10-column
    sheet of 75-100 rows of Chinese text plus a hidden sheet, 12 parts), 0.19 ms on an 8 KB one.
    """
    if kind == XLS:
        if len(data) > MAX_MEMBER_BYTES:
            return _too_large(f"文件有 {_mib(len(data))}，超过 {_mib(MAX_MEMBER_BYTES)} 的上限"), {}
        return None, {}
    if kind not in (OOXML, ODS):
        raise ValueError(f"check_workbook: unknown kind {kind!r}")
    keep: dict[str, bytes | None] = {}
    zf, problem = (opened, None) if opened is not None else open_zip(data)
    if zf is None:
        return problem, keep
    with zf:
        if problem := check_zip_table(zf):
            return problem, keep
        members: dict[str, zipfile.ZipInfo] = {}
        for info in zf.infolist():
            name = info.filename.replace("\\", "/")
            if name in members:
                return _unsafe(f"压缩包内有重名成员“{_short(name)}”"), keep
            members[name] = info
        try:
            sheets = _sheet_parts(zf, members, data) if kind == OOXML else []
            for info in sheets:
                if problem := _scan_sheet(zf, info, keep):
                    return _by_title(problem, info.filename, zf, members, data), keep
            if kind == ODS and (content := members.get("content.xml")) is not None:
                if problem := _check_prolog(zf, content, data) or _scan_ods(zf, content):
                    return problem, keep
                sheets = [content]
            scanned = {id(info) for info in sheets}
            for name, info in members.items():
                if id(info) not in scanned and name.endswith((".xml", ".rels")) and info.file_size:
                    if problem := _check_prolog(zf, info, data):
                        return problem, keep
            if kind == OOXML:
                for name in KEPT_PARTS:
                    info = members.get(name)
                    if info is not None and name not in keep and info.file_size <= KEEP_BYTES:
                        try:
                            keep[name] = read_member(zf, info)
                        except UnsafeInput:   # a damaged carrier is simply absent
                            pass
        except UnsafeInput as exc:
            return exc.finding, keep
    return None, keep
