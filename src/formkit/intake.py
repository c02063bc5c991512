"""Intake: turn whatever came back in inbox/ into a flat, sorted list of raw inputs.

Returned forms arrive as workbooks (.xlsx/.xlsm/.xls/.et/.ods), zip archives of them (often made by
Windows Chinese zip tools, with GBK member names), and saved mails (.eml) whose attachment names are
RFC 2047/2231-encoded in GB2312/GBK/GB18030.  This module opens the containers, decodes the names,
sniffs each file's real format from its bytes (never from its extension) and runs `safety.check_workbook`
on every workbook, so that the reading stage only ever sees bytes that are safe to parse.

Paths are relative to the working folder, in posix form; a member of a container is named
`container!member` ("inbox/a.zip!教务处/附件4.xlsx", "inbox/m.eml!附件3.xlsx",
"inbox/m.eml!x.zip!y.xlsx").  A "!" inside a member name is shown as "！" so the notation stays
unambiguous.  The inbox is only ever read.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import contextlib
import email
import email.errors
import email.header
import email.utils
import errno
import hashlib
import html
import io
import os
import quopri
import re
import stat
import struct
import unicodedata
import urllib.parse
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email import policy
from email.message import Message
from email.parser import BytesHeaderParser
from pathlib import Path

from . import findings, safety
from .findings import Finding

WORKBOOK_KINDS = ("xlsx", "ods", "xls")

MAX_ARCHIVE_DEPTH = 3
"""Archives inside archives: inbox/a.zip!b.zip!c.zip!form.xlsx is fine, one more level is refused."""

MAX_NESTING = 8
"""Containers of any kind (zip or mail, e.g. a mail forwarded as an attachment of a mail) one inside the
other; deeper is refused as ARCHIVE_TOO_DEEP (MAIL_TOO_DEEP for mails)."""

MAX_MAIL_BYTES = 80 * 1024 * 1024
"""Largest mail parsed (a mail service's 50 MB of attachments, base64-encoded, and its text): larger ones are answered."""

MAX_MIME_LEVELS = 50
"""multipart parts inside multipart parts of one mail; real mails use three or four."""

MAX_MAIL_PARTS = 10_000
"""Lines that may start a part ("--…") in one mail: real mails have tens; a million empty parts in a 10 MB mail took
the merge process minutes and GBs (the stdlib parser builds an object per part)."""

MAX_HEADER = 16 * 1024
"""Longest header field of a mail or of one of its parts (with its continuation lines): an attachment's name encoded
in RFC 2231 pieces is a few KB; 25,000 encoded words in a 350 KB header took the stdlib header parser 4 GB."""

MAX_HEADER_PARENS = 100
"""Parentheses in one header field: the stdlib parser reads comments recursively (3,000 of them: RecursionError, the
whole mail lost with the good form beside the part that had them)."""

HELD_MAX = 128 * 1024 * 1024
"""Bytes of mail and nested-archive members a lazy walk holds for the reader, over the whole inbox: beyond it they are
dropped and unpacked again from their file when read (five 3 MB mails of 240 MB of members each held 1.4 GB)."""

# Extensions that say "this was meant to be a form": inside a mail such an attachment is reported even
# when it cannot be read, whereas a .jpg or .docx attachment is merely listed as skipped.
SPREADSHEET_EXTS = frozenset({
    ".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlt", ".xlsb", ".et", ".ett", ".ods", ".ots", ".fods", ".csv",
    ".zip", ".eml",
})

CONTAINER_EXTS = frozenset({".zip", ".eml"})
"""A lazy walk opens files with these extensions itself (to unpack them); every other file is a
workbook to the reader until its bytes say otherwise."""

SKIP_LOCK = "Office 临时锁定文件，已跳过"
SKIP_LO_LOCK = "LibreOffice/WPS 锁定文件，已跳过"
SKIP_SYSTEM = "系统生成的文件，已跳过"
SKIP_MAC = "macOS 附带的资源文件，已跳过"
SKIP_HIDDEN = "隐藏文件，已跳过"


class RawInput:
    """One file or container member to be read as a form (or reported as unreadable).

    `rejection` set means: do not parse; report it.  A rejected input has `kind` None (even when its
    bytes looked like a workbook that failed a safety check), so nothing keyed on `kind` parses it.
    An input with `kind` set has passed `safety.check_workbook` (in a lazy walk: has been sniffed, and
    the reader runs the safety checks before parsing).

    A lazy walk (`walk_inbox(..., lazy=True)`, used by merge) keeps no file's bytes, so that the parent
    process of a merge of 100,000 forms does not hold them all: a plain file is not even opened (it has
    `source`, the file on disk, `kind` None and no rejection yet: the reader reads, sniffs, checks and
    parses it in a worker process); a workbook inside a zip on disk has `origin` (the zip) and `member`
    (its place in the zip's table), for the reader to unpack.  `data` then reads the bytes when asked for (and
    does not keep them).  Other members (inside mails, nested zips) hold their bytes until `release()`,
    after which `data` unpacks them again from `origin`, the container on disk.
    """

    __slots__ = ("path", "_data", "kind", "mtime", "mail", "rejection", "has_macros", "source", "origin", "member",
                 "sha256", "disk", "sheet", "file_sha")

    def __init__(self, path: str, data: bytes | None, kind: str | None, mtime: float | None, mail: dict | None,
                 rejection: Finding | None, has_macros: bool = False, source: str | None = None,
                 origin: str | None = None, member: int | None = None) -> None:
        self.path = path
        self._data = data
        self.kind = kind
        self.mtime = mtime
        self.mail = mail
        self.rejection = rejection
        self.has_macros = has_macros
        self.source = source        # a file on disk not opened yet (lazy walk)
        self.origin = origin        # the container on disk a member came from
        self.member = member        # the member's place in `origin`, a zip (lazy walk)
        self.sha256: str | None = None   # a rejected input's digest, taken when its bytes are dropped
        self.disk = path                 # the inbox file it is or came from (its path up to the first member
                                         # separator: a "!" in the file's own name is not one)
        self.sheet: str | None = None    # a form read from another sheet of a workbook (`apart`): that sheet
        self.file_sha: str | None = None  # … and the SHA-256 of the workbook's bytes (its `sha256` keys the sheet)

    def apart(self, sheet: str, kind: str, has_macros: bool) -> RawInput:
        """The input of a form in another sheet of this workbook: the same bytes, its path "<path>!<sheet>"."""
        other = RawInput(f"{self.path}!{sheet.replace('!', '！')}", self._data, kind, self.mtime, self.mail, None, has_macros,
                         self.source, self.origin, self.member)
        other.disk, other.sheet = self.disk, sheet
        return other

    @property
    def container(self) -> str | None:
        """The mail or archive in inbox/ it came out of (None for a file of inbox/ itself)."""
        return self.disk if self.disk != self.file_path else None

    @property
    def file_path(self) -> str:
        """The path of the file itself: a sheet read apart without its "!<sheet>"."""
        return self.path[:-len(self.sheet) - 1] if self.sheet else self.path

    @property
    def data(self) -> bytes | None:
        if self._data is not None:
            return self._data
        try:
            if self.source is not None:
                return Path(self.source).read_bytes()
            if self.origin is not None and self.member is not None:
                return read_zip_member(self.origin, self.member)
        except (OSError, zipfile.BadZipFile, IndexError, safety.UnsafeInput):
            return None
        if self.origin is not None and self.path != self.disk:
            root = _root_of(Path(self.origin), self.disk)
            inputs, _ = expand_file(Path(self.origin), root)
            return next((i._data for i in inputs if i.path == self.file_path), None)
        return None

    @property
    def pending(self) -> bool:
        """Not opened yet (lazy walk): the reader sniffs, checks and reads it."""
        return self.source is not None and self.kind is None and self.rejection is None

    def release(self) -> None:
        """Drop the bytes of a member once read (`data` unpacks them again from `origin` if asked)."""
        if self.origin is not None and self.source is None:
            self._data = None

    def _key(self) -> tuple:
        return (self.path, self.sha256 or self.data, self.kind, self.mtime, self.mail, self.rejection,
                self.has_macros)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RawInput):
            return NotImplemented
        return self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        size = len(self._data) if self._data is not None else None
        return (f"RawInput(path={self.path!r}, bytes={size}, kind={self.kind!r}, mtime={self.mtime!r}, "
                f"rejection={self.rejection.code if self.rejection else None!r}, source={self.source!r})")


def read_zip_member(zip_path: str, member: int) -> bytes:
    """One member (by its place in the table) of a zip on disk, within the safety limits (raises
    safety.UnsafeInput, IndexError, OSError, zipfile.BadZipFile)."""
    zf = open_zip_on_disk(zip_path)
    return safety.read_member(zf, zf.infolist()[member])


_LAST_ZIP: list = []        # [(pid, path, size, mtime_ns), ZipFile]: the zip the last member came from


def open_zip_on_disk(zip_path: str) -> zipfile.ZipFile:
    """The zip at zip_path, kept open for the next member: the members of one archive are read one after
    the other, and parsing its table again for each of 2,000 members would cost seconds. Opened afresh
    when the file on disk changed, and in a forked process (a descriptor inherited through fork shares
    its file position with the parent's and the other workers': never read through it)."""
    st = os.stat(zip_path)
    key = (os.getpid(), zip_path, st.st_size, st.st_mtime_ns)
    if _LAST_ZIP and _LAST_ZIP[0] == key:
        return _LAST_ZIP[1]
    close_zip_on_disk()
    zf = zipfile.ZipFile(zip_path)
    _LAST_ZIP[:] = [key, zf]
    return zf


def close_zip_on_disk() -> None:
    """Close the archive open_zip_on_disk keeps. Called when a read of the inbox ends: file times are
    coarse (a rewrite within the same few milliseconds keeps size and time), so a kept archive must not
    outlive the read it served."""
    if _LAST_ZIP:
        _LAST_ZIP[1].close()
        _LAST_ZIP.clear()


def _root_of(origin: Path, container_rel: str) -> Path:
    """The working folder of a container on disk, from its path relative to it."""
    root = Path(os.path.abspath(origin))
    for _ in Path(container_rel).parts:
        root = root.parent
    return root


@dataclass
class Skipped:
    path: str
    reason: str


# -- names ------------------------------------------------------------------------------------------------

_MIME_TOO_DEEP = "邮件结构嵌套过深，其余部分已跳过"


def _mail_error(exc: BaseException) -> str:
    """What a mail the parser gave up on is, in words (not the exception's name)."""
    if isinstance(exc, RecursionError):
        return "邮件结构嵌套过深，不是邮件客户端写出的格式"
    if isinstance(exc, UnicodeError):
        return "邮件的文字编码无法识别"
    return "邮件格式错误"


def skip_reason(name: str) -> str | None:
    """Why a file or member with this (base) name is not an input at all, or None. (A backslash is a character of a
    name on disk, 陈一\\.xlsx: the callers split a zip member's or attachment's path themselves.)"""
    base = name.rstrip("/").rsplit("/", 1)[-1]
    if base.startswith("~$"):
        return SKIP_LOCK
    if base.startswith(".~lock.") and base.endswith("#"):
        return SKIP_LO_LOCK
    if base.lower() in ("thumbs.db", "desktop.ini", "ehthumbs.db"):
        return SKIP_SYSTEM
    if base == ".DS_Store" or base.startswith("._"):
        return SKIP_MAC
    if base.startswith("."):
        return SKIP_HIDDEN
    return None


def _clean_name(name: str) -> str:
    """A member or attachment name fit for a path: NFC, no control characters, "!" shown as "！"."""
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if ch.isprintable() or ch == " ")
    return name.replace("!", "！").strip()


def _ext(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    dot = base.rfind(".")
    return base[dot:].lower() if dot > 0 else ""


def _rel(path: Path, root: Path) -> str:
    """`path` relative to the working folder, posix; as given when it lies outside. A name that is not UTF-8 (GBK
    bytes, as an unzip tool or a USB stick leaves Windows Chinese names) is shown as the text it spells: it cannot be
    written into report.json, the workbooks or a file name as it is."""
    try:
        rel = Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        rel = path.as_posix()
    return readable_name(rel)


def readable_name(name: str) -> str:
    """A file system name as text: its own when it is UTF-8; else its bytes read as GBK, else with � for what is no
    text (os gives such names with lone surrogates)."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = os.fsencode(name)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


# -- sniffing ---------------------------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"

_BINARY_MAGICS = (
    (b"%PDF", "PDF 文件"),
    (b"\x89PNG", "图片"),
    (b"\xff\xd8\xff", "图片"),
    (b"GIF8", "图片"),
    (b"BM", "图片"),
    (b"{\\rtf", "RTF 文档"),
    (b"MZ", "可执行程序"),
    # the attachment of an Outlook mail in its own rich-text format, saved from webmail as it came
    (b"\x78\x9f\x3e\x22", "Outlook 专用格式（winmail.dat，RTF 邮件）；请发件人在 Outlook 中改用 HTML 或纯文本格式，重新附上表格发送"),
)


_ARCHIVE_MAGICS = (
    (b"Rar!\x1a\x07", "RAR"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
)
"""Archives other than zip (RAR and 7z are common in China): the form is likely inside, but formkit opens zips only."""


RESAVE_HINT = "；用 Excel 或 WPS 打开它、另存为 .xlsx 即可"
"""What FILE_UNKNOWN_FORMAT's detail adds for a table saved in another format (CSV, a web page, Excel 2003 XML)."""


def _describe(data: bytes) -> str:
    """A few words on what unknown bytes look like, for FILE_UNKNOWN_FORMAT."""
    head = data[:4096]
    for magic, what in _BINARY_MAGICS:
        if head.startswith(magic):
            return what
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "图片"
    text = _as_text(head)
    if text is None:
        return "无法识别的格式"
    low = text.lstrip("\ufeff \t\r\n").lower()
    resave = RESAVE_HINT                                    # a table saved in another format: not lost
    if low.startswith(("<!doctype html", "<html", "<head", "<meta", "<table", "<body")) or "<html" in low[:2048]:
        return "HTML 网页" + (resave if "<table" in low else "")
    if low.startswith("<?xml"):
        if "excel.sheet" in low or "urn:schemas-microsoft-com:office:spreadsheet" in low:
            return "Excel 2003 XML 表格" + resave
        if "office:document" in low and "opendocument.spreadsheet" in low:
            return "LibreOffice 平面 XML 表格（.fods）；用 LibreOffice 打开它、另存为 .xlsx 即可"   # (Excel cannot open it)
        return "XML 文本"
    if low.startswith("mime-version:") or "multipart/related" in low[:2048]:
        return "MHTML 单文件网页" + resave
    if _table_text(text.lstrip("\ufeff\r\n")):       # (an empty first cell is a tab)
        return "CSV/文本" + resave
    return "文本文件"


def _table_text(text: str) -> bool:
    """Text that is a table (CSV, tab separated): its first two lines cut into the same number of cells (two or more)
    by one separator, or one line of three cells or more (not by the Chinese comma of prose: "附件4 将于下周报送，特此说明。",
    "您好，附件已发，请查收")."""
    # (tabs kept at either end: Excel's Unicode text pads every row to the table's width with them)
    lines = [line.strip(" \r\ufeff") for line in text.splitlines() if line.strip()][:2]
    for sep in (",", "\t", ";", "，"):
        counts = [line.count(sep) for line in lines]
        if counts and counts[0] >= 1 and (len(counts) == 2 and counts[0] == counts[1]
                                          or counts[0] >= 2 and sep != "，") \
                and not (sep == "，" and lines[0].endswith(("。", "！", "？", "，"))):
            return True
    return False


def _as_text(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "replace")
    if b"\x00" in head:
        return None
    for enc in ("utf-8", "gb18030"):
        try:
            return head.decode(enc)
        except UnicodeDecodeError:
            # the 4 KiB cut may split a character: retry without the last few bytes
            try:
                return head[:-4].decode(enc)
            except UnicodeDecodeError:
                continue
    return None


_MAIL_HEADERS = ("from", "date", "subject", "received", "message-id", "mime-version", "to", "return-path")
_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:")


def _looks_like_mail(data: bytes) -> bool:
    """An RFC 5322 message: a header block (with From and another usual header) up to a blank line."""
    head = data[:65536]
    if not _HEADER_LINE.match(head):
        return False
    end = re.search(rb"\r?\n\r?\n", head)
    block = head[: end.start()] if end else head
    names = set()
    for line in block.splitlines():
        if line[:1] in (b" ", b"\t"):
            continue
        m = _HEADER_LINE.match(line)
        if not m:
            return False
        names.add(m.group(0)[:-1].decode("ascii").lower())
    return "from" in names and len(names & set(_MAIL_HEADERS)) >= 2


_MAIL_LEAD = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:[ \t]*\r?\n)*")
_HEADER_FIELD = re.compile(rb"(?m)^([!-9;-~]{1,76}):[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*")
MALFORMED = "X-Formkit-Malformed"
"""The header a field too long or too nested for the stdlib parser is replaced by before parsing (_defang)."""


def _defang(data: bytes) -> bytes:
    """A mail's bytes with every header field (of the mail or of one of its parts) that the stdlib parser would spend
    unbounded memory or recursion on (MAX_HEADER, MAX_HEADER_PARENS) replaced by `MALFORMED: <its name>`; the rest
    as it was (the same bytes when there is none: nearly every mail)."""
    out, at = [], 0
    for m in _HEADER_FIELD.finditer(data):
        field = m.group(0)
        if len(field) > MAX_HEADER or field.count(b"(") > MAX_HEADER_PARENS:
            out += [data[at:m.start()], MALFORMED.encode() + b": " + m.group(1)[:76]]
            at = m.end()
    return data if not out else b"".join(out) + data[at:]

_MBOX_SEPARATOR = re.compile(rb"(?:\r?\n){2}(?=From )")


def split_mbox(data: bytes) -> list[bytes]:
    """The mails of a mailbox file (mbox, as Thunderbird and Foxmail export it): each starts with a "From " line
    after a blank line; that line itself is no header and is dropped."""
    out = []
    for chunk in _MBOX_SEPARATOR.split(data):
        if chunk.startswith(b"From "):
            chunk = chunk[chunk.find(b"\n") + 1:] if b"\n" in chunk else b""
        if chunk.strip():
            out.append(chunk)
    return out or [data]


@dataclass
class _Sniffed:
    what: str                 # "workbook" | "zip" | "mail" | "reject"
    kind: str | None = None
    rejection: Finding | None = None
    detail: str = ""          # for rejections of unknown format
    has_macros: bool = False


def _unknown(detail: str) -> _Sniffed:
    return _Sniffed("reject", rejection=findings.make(findings.FILE_UNKNOWN_FORMAT, detail=detail), detail=detail)


def _zip_flavour(data: bytes, name: str, opened: zipfile.ZipFile | None = None) -> _Sniffed:
    zf, problem = (opened, None) if opened is not None else safety.open_zip(data)
    if zf is None:
        assert problem is not None
        if problem.code == findings.FILE_CORRUPT and _ext(name) == ".zip":
            return _Sniffed("reject", rejection=findings.make(
                findings.ARCHIVE_CORRUPT, detail="无法打开压缩包，文件可能不完整"))
        return _Sniffed("reject", rejection=problem)
    with zf if opened is None else contextlib.nullcontext(zf):
        names = zf.namelist()
        lower = {n.lower(): n for n in names}
        if "xl/workbook.xml" in lower:
            return _Sniffed("workbook", kind="xlsx", has_macros="xl/vbaproject.bin" in lower)
        if "mimetype" in lower:
            info = zf.getinfo(lower["mimetype"])
            mime = b""
            if info.file_size <= 256:
                try:
                    mime = safety.read_member(zf, info).strip()
                except safety.UnsafeInput as exc:
                    return _Sniffed("reject", rejection=exc.finding)
            if mime in (_ODS_MIME, _ODS_MIME + b"-template"):
                manifest = lower.get("meta-inf/manifest.xml")
                if manifest is not None and zf.getinfo(manifest).file_size <= 1 << 20:
                    try:
                        said = safety.read_member(zf, zf.getinfo(manifest))
                    except safety.UnsafeInput as exc:
                        return _Sniffed("reject", rejection=exc.finding)
                    if b"encryption-data" in said:     # saved with a password in LibreOffice (it said "damaged")
                        return _Sniffed("reject", rejection=findings.make(findings.FILE_ENCRYPTED))
                return _Sniffed("workbook", kind="ods")
            if mime.startswith(b"application/vnd.oasis.opendocument.text"):
                return _unknown("OpenDocument 文本文档")
            if mime.startswith(b"application/vnd.oasis.opendocument."):
                return _unknown("OpenDocument 文档")
        if "xl/workbook.bin" in lower:
            return _unknown("Excel 二进制工作簿（.xlsb），请另存为 .xlsx")
        if "word/document.xml" in lower:
            return _unknown("Word 文档")
        if "ppt/presentation.xml" in lower:
            return _unknown("PowerPoint 演示文稿")
        if "[content_types].xml" in lower:
            return _unknown("Office 文档")
    return _Sniffed("zip")


def _ole_flavour(data: bytes, name: str = "") -> _Sniffed:
    import msoffcrypto  # slow imports, only needed for OLE files
    import olefile

    # Third-party parsers of hostile bytes: any exception means "damaged", never a crash of intake.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ole = olefile.OleFileIO(io.BytesIO(data))
            try:
                if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
                    return _Sniffed("reject", rejection=findings.make(findings.FILE_ENCRYPTED))
                if ole.exists("WordDocument"):
                    return _unknown("Word 文档（.doc）")
                if ole.exists("PowerPoint Document"):
                    return _unknown("PowerPoint 演示文稿（.ppt）")
                if any(entry[0].startswith("__substg1.0_") for entry in ole.listdir()):
                    # saved from Outlook by whoever received it: the coordinator's to open, not the sender's fault
                    return _Sniffed("reject", rejection=findings.make(findings.MAIL_FILE_UNSUPPORTED, value=name),
                                    detail="Outlook 邮件文件（.msg）")
                has_workbook = ole.exists("Workbook") or ole.exists("Book")
            finally:
                ole.close()
    except Exception:  # noqa: BLE001
        return _Sniffed("reject", rejection=findings.make(findings.FILE_CORRUPT, detail="OLE 复合文档结构损坏"))
    if has_workbook:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                encrypted = msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted()
        except Exception:  # noqa: BLE001 - unreadable BIFF: the reader will say so
            encrypted = False
        if encrypted:
            return _Sniffed("reject", rejection=findings.make(findings.FILE_ENCRYPTED))
    # Legacy .xls, and WPS .et (an OLE file of BIFF records, whatever its stream names).
    return _Sniffed("workbook", kind="xls")


_SPLIT_NAME = re.compile(r"\.(?:z\d{2,3}|(?:zip|7z|rar|tar|gz)\.\d{3}|part\d+\.rar|r\d{2})$", re.IGNORECASE)
"""The names of the parts of a split archive (分卷: 表.z01 … 表.zip, 表.zip.001, 表.7z.002, 表.part2.rar, 表.r00)."""


def _split_archive(data: bytes, name: str) -> bool:
    """Whether this is a part of a split archive: by its name, by the split zip's own signature (its first part), or
    by a zip directory that says it spans several files (its last part, 表.zip beside 表.z01)."""
    if _SPLIT_NAME.search(name) or data[:4] == b"PK\x07\x08":
        return True
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 65557))
    return at >= 0 and len(data) >= at + 8 and (data[at + 4:at + 6] != b"\0\0" or data[at + 6:at + 8] != b"\0\0")


def _sniff(data: bytes, name: str = "", opened: zipfile.ZipFile | None = None) -> _Sniffed:
    if not data:
        return _Sniffed("reject", rejection=findings.make(findings.FILE_EMPTY))
    if opened is None and _split_archive(data, name):
        # (the parts were "damaged, save again as .xlsx" and "not a workbook": advice that fits no archive)
        return _Sniffed("reject", rejection=findings.make(findings.ARCHIVE_SPLIT, value=name.rsplit("/", 1)[-1]),
                        detail="分卷压缩包")
    if data[:4] in _ZIP_MAGICS:
        return _zip_flavour(data, name, opened)
    if data[:8] == _OLE_MAGIC:
        return _ole_flavour(data, name)
    if data.startswith(b"From ") and _looks_like_mail(data[data.find(b"\n") + 1:]):
        return _Sniffed("mail")         # a mailbox file (mbox: Thunderbird, Foxmail), or one mail saved from one
    if _ext(name) == ".eml" or _looks_like_mail(data):
        return _Sniffed("mail")
    what = next((w for magic, w in _ARCHIVE_MAGICS if data.startswith(magic)), None)
    if what is None and data[257:262] == b"ustar":
        what = "tar"
    if what is not None:
        return _Sniffed("reject", rejection=findings.make(findings.ARCHIVE_UNSUPPORTED, value=name, detail=what),
                        detail=f"{what} 压缩包")
    if own := _own_text_output(data):
        # report.json or the 公示 page put back into inbox/: the coordinator's, no department's to send again (it was
        # "not an Excel workbook … fill in the form you were sent")
        return _Sniffed("reject", rejection=findings.make(findings.FILE_IS_OUTPUT, detail=own), detail=own)
    return _unknown(_describe(data))


def _own_text_output(data: bytes) -> str | None:
    """What formkit text output these bytes are (report.json, the publication page), or None."""
    head = data[:4096]
    if b'<meta name="generator" content="formkit">' in head:
        return "公示网页"
    if head.lstrip().startswith(b"{") and b'"inputs"' in head and (b'"catalogue"' in data[-65536:] or b'"outputs"' in data[-65536:]):
        return "结果文件 report.json"
    return None


def sniff(data: bytes) -> tuple[str | None, Finding | None]:
    """The workbook kind of `data` ("xlsx", "ods", "xls"), or why it is not one.

    From the bytes only: a zip holding xl/workbook.xml is xlsx (.xlsm too), a zip whose mimetype is
    ODF spreadsheet is ods, an OLE compound file is an encrypted workbook (FILE_ENCRYPTED) or a legacy
    .xls/.et; empty → FILE_EMPTY, an unopenable zip → FILE_CORRUPT, anything else (including a plain
    zip or a mail, which `expand_file` opens instead) → FILE_UNKNOWN_FORMAT saying what it looks like.
    Does not run the safety checks (see `safety.check_workbook`).
    """
    found = _sniff(data)
    if found.what == "workbook":
        return found.kind, None
    if found.what == "zip":
        return None, findings.make(findings.FILE_UNKNOWN_FORMAT, detail="压缩包而非工作簿")
    if found.what == "mail":
        return None, findings.make(findings.FILE_UNKNOWN_FORMAT, detail="邮件文件")
    return None, found.rejection


# -- zip member names -------------------------------------------------------------------------------------

def _unicode_path_extra(extra: bytes, raw: bytes) -> str | None:
    """The Info-ZIP Unicode Path extra field (0x7075), written by 7-Zip and WinRAR next to a legacy name."""
    pos = 0
    while pos + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4:pos + 4 + size]
        pos += 4 + size
        if tag == 0x7075 and len(body) > 5 and body[0] == 1:
            (crc,) = struct.unpack_from("<L", body, 1)
            if crc == zlib.crc32(raw):
                try:
                    return body[5:].decode("utf-8")
                except UnicodeDecodeError:
                    return None
    return None


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its author saw it.  Without the UTF-8 flag (bit 0x800) zipfile decodes the name
    as cp437; Windows Chinese zip tools wrote GBK bytes, so re-encode and try the Unicode Path extra
    field, then UTF-8, then GB18030."""
    name = info.orig_filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    if unicode := _unicode_path_extra(info.extra, raw):
        return unicode
    if raw.isascii():
        return name
    try:
        gbk = raw.decode("gb18030")
    except UnicodeDecodeError:
        gbk = None
    try:
        utf8 = raw.decode("utf-8")
    except UnicodeDecodeError:
        return gbk if gbk is not None else name
    # bytes valid both ways: GBK names often are valid UTF-8 too (谢颖 is "лӱ" as UTF-8); the reading made of
    # Chinese characters is the one its author saw
    if gbk is not None and _plain_chinese(gbk) and not _plain_chinese(utf8):
        return gbk
    return utf8


def _plain_chinese(text: str) -> bool:
    """Only ASCII, CJK ideographs, CJK punctuation and full-width forms: what a Chinese file name is made of."""
    return all(ch.isascii() or "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
               or "\u3400" <= ch <= "\u4dbf" or ch in "·—…“”‘’" for ch in text)


_DRIVE = re.compile(r"^[A-Za-z]:")


def _unsafe_member_path(name: str) -> bool:
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return True
    return any(part == ".." for part in re.split(r"[/\\]", name))


_CHINA = timezone(timedelta(hours=8))
_PLAIN_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s*[(]?(?:星期|周|礼拜)[一二三四五六日天][)]?)?"
                         r"(?:[\sT]*(上午|下午)?(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?"
                         r"\s*(?:(?:GMT|UTC)?\s*([+-])(\d{1,2}):?(\d{2})?|CST|北京时间)?$")


def _plain_mail_date(text: str) -> datetime | None:
    """A Date header some office and bulk-mail systems write in no mail format: 2023-03-20 09:00:00, 2023/3/20 9:00,
    2023年3月20日 上午9:00 (北京时间 unless an offset is given); None when it is not one."""
    if len(text) > 200:         # (no date is that long; 100,000 spaces inside one took the pattern 81 s)
        return None
    m = _PLAIN_DATE.match(unicodedata.normalize("NFKC", text).strip())
    if m is None:
        return None
    hour = int(m[5] or 0) % (12 if m[4] else 24) + (12 if m[4] == "下午" else 0)     # (上午12:05 is 00:05)
    zone = _CHINA
    if m[8]:
        offset = timedelta(hours=int(m[9]), minutes=int(m[10] or 0))
        zone = timezone(offset if m[8] == "+" else -offset)
    try:
        return datetime(int(m[1]), int(m[2]), int(m[3]), hour, int(m[6] or 0), int(m[7] or 0), tzinfo=zone)
    except ValueError:
        return None


_TWELVE_HOUR = re.compile(r"\b(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp])\.?[Mm]\.?(?![A-Za-z])")
_ZONE_AFTER_GMT = re.compile(r"\b(?:GMT|UTC)\s*([+-])(\d{1,2}):?(\d{2})?(?!\d)")
_ZONE_NOTE = re.compile(r"\s*[（(][^()（）]{0,40}[)）]\s*$")
_ZONE_GIVEN = re.compile(r"[+-]\d{4}\b|\b(?:GMT|UTC?|Z|[ECMP][SD]T)\b")
_NAMED_ZONES = {"CET": "+0100", "CEST": "+0200", "WET": "+0000", "WEST": "+0100", "EET": "+0200", "EEST": "+0300",
                "BST": "+0100", "MSK": "+0300", "JST": "+0900", "KST": "+0900", "HKT": "+0800", "SGT": "+0800",
                "AWST": "+0800", "AEST": "+1000", "AEDT": "+1100", "NZST": "+1200", "NZDT": "+1300", "HST": "-1000",
                "AKST": "-0900", "AKDT": "-0800"}
_NAMED_ZONE = re.compile(r"(?<=\d\d:\d\d)(?::\d\d)?\s*\b(" + "|".join(_NAMED_ZONES) + r")\b")


def header_date(text: str) -> datetime | None:
    """A mail's Date (or a Received header's time), as mail programs of Chinese offices write it: RFC 5322, with
    GMT+0800 (JavaScript, Java: …GMT+0800 (中国标准时间)), CST meaning China Standard Time (Python reads US Central, six
    hours behind), no zone at all (北京时间: it was read as UTC, a mail of 23:30 counted late), or an office system's
    2023-03-20 09:00 (_plain_mail_date); None when it is none of these."""
    if len(text) > 200:         # (no date is that long; 100,000 spaces inside one took a pattern 81 s)
        return None
    t = _ZONE_NOTE.sub("", " ".join(text.split()))
    # a 12-hour clock (Outlook's "Friday, March 17, 2023 3:20 PM", 3:20 PM +0800): PM was dropped, read as a zone
    t = _TWELVE_HOUR.sub(lambda m: f"{int(m[1]) % 12 + (12 if m[4].lower() == 'p' else 0):02d}:{m[2]}"
                                   + (f":{m[3]}" if m[3] else ""), t)
    t = _ZONE_AFTER_GMT.sub(lambda m: f"{m[1]}{int(m[2]):02d}{m[3] or '00'}", t)
    t = re.sub(r"\bCST\b", "+0800", t)
    # zone names Python does not know (a colleague abroad: CET read as 北京时间, seven hours off)
    t = _NAMED_ZONE.sub(lambda m: f"{m[0][:len(m[0]) - len(m[1])].rstrip()} {_NAMED_ZONES[m[1]]}", t)
    try:
        parts = email.utils.parsedate_tz(t)
    except (TypeError, ValueError, IndexError, OverflowError):
        parts = None
    if parts is None:
        return _plain_mail_date(t)      # (as rewritten: 2023/3/17 3:20 PM on a 12-hour clock)
    try:
        when = datetime(*parts[:6])
    except (TypeError, ValueError, OverflowError):
        return None
    if not 1980 <= when.year <= 2200:
        return None             # (no mail's: 9999-12-31 in another zone is no day of the calendar, merge stopped)
    if not _ZONE_GIVEN.search(t):
        return when.replace(tzinfo=_CHINA)
    # ("-0000": UTC, the local offset unknown, RFC 5322 3.3)
    try:
        return when.replace(tzinfo=timezone(timedelta(seconds=parts[9] or 0)))
    except (ValueError, OverflowError):     # (an offset of a day or more)
        return None


def _zip_mtime(info: zipfile.ZipInfo) -> float | None:
    """A member's time: the extended timestamp (UTC) where the zip tool wrote one, else its DOS date and time,
    which are the zipping computer's local time: 北京时间 for a campaign's senders (not this machine's zone)."""
    extra = info.extra
    i = 0
    while i + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, i)
        if tag == 0x5455 and size >= 5 and extra[i + 4] & 1:       # "UT": flags, then the modification time
            return float(struct.unpack_from("<i", extra, i + 5)[0])
        i += 4 + size
    year, month, day, hour, minute, second = info.date_time
    if (year, month, day, hour, minute, second) == (1980, 1, 1, 0, 0, 0) or year < 1980:
        return None  # the "no date" placeholder of many zip writers
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=_CHINA).timestamp()
    except (ValueError, OverflowError):
        return None


# -- mail headers -----------------------------------------------------------------------------------------

_GB_ALIASES = {"gb2312", "gb_2312", "gb_2312-80", "gbk", "x-gbk", "cp936", "ms936", "euc-cn", "csgb2312",
               "x-euc-cn", "gb18030", "windows-936", "chinese"}


_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def _text_codec(codec: str) -> bool:
    """A codec that turns bytes into text as a mail may label them: not Python's escape or transform codecs
    (unicode-escape would turn '\\ud800' into a lone surrogate that no output can encode)."""
    try:
        return codecs.lookup(codec)._is_text_encoding and "escape" not in codecs.lookup(codec).name
    except LookupError:
        return False


def _codec(charset: str | None) -> str | None:
    if not charset:
        return None
    cs = charset.strip().strip('"').lower()
    if cs in _GB_ALIASES:
        return "gb18030"  # superset: GB2312-labelled text often holds GBK-only characters
    return cs if _text_codec(cs) else None


def _clean_text(text: str) -> str:
    """Decoded header text fit for every output: no lone surrogate, no control character."""
    return _CONTROL.sub("", _SURROGATE.sub("\ufffd", text))


def decode_bytes(raw: bytes, charset: str | None = None) -> str:
    """Bytes of a header or name in `charset` (GB-family read as GB18030), else UTF-8, else GB18030."""
    tried = []
    codec = _codec(charset)
    for enc in (codec, "utf-8", "gb18030"):
        if enc and enc not in tried:
            tried.append(enc)
            try:
                return raw.decode(enc)
            except (UnicodeDecodeError, LookupError):
                continue
    return raw.decode(codec if codec and _known(codec) else "utf-8", "replace")



def _known(codec: str) -> bool:
    try:
        b"".decode(codec)
        return True
    except LookupError:
        return False


def _unescape_8bit(value: str) -> str:
    """Raw 8-bit header bytes (kept by the parser as surrogate escapes) decoded as UTF-8 or GB18030."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    try:
        return decode_bytes(value.encode("utf-8", "surrogateescape"))
    except UnicodeEncodeError:
        return value.encode("utf-8", "replace").decode("utf-8")


def decode_words(value: str) -> str:
    """A raw header value with RFC 2047 encoded words (and/or raw 8-bit bytes) as text."""
    value = re.sub(r"\r?\n(?=[ \t])", "", value).replace("\r", "").replace("\n", "")
    value = _unescape_8bit(value)
    if "=?" not in value:
        return _clean_text(value).strip()
    # encoded words decoded here, not by email.header.decode_header: that one hands the text between them back
    # through raw-unicode-escape, so a literal "\\u0041" typed in a subject came out as "A"
    out: list[str] = []
    run: tuple[str, bytearray] | None = None      # adjacent encoded words of one charset: one byte string (clients
    pos = 0                                       # split a GBK character across two words)
    for m in _ENCODED_WORD.finditer(value):
        between = value[pos:m.start()]
        charset, how, text = m.group(1).split("*", 1)[0].lower(), m.group(2).lower(), m.group(3)
        try:
            raw = base64.b64decode(text + "=" * (-len(text) % 4)) if how == "b" else \
                binascii.a2b_qp(text.encode("ascii"), header=True)
        except (ValueError, binascii.Error, UnicodeEncodeError):
            raw = None
        if raw is None:                            # not decodable: shown as written
            if run is not None:
                out.append(decode_bytes(bytes(run[1]), run[0]))
                run = None
            out.append(between + m.group(0))
        elif run is not None and not between.strip() and run[0] == charset:
            run[1].extend(raw)                     # whitespace between encoded words is not text (RFC 2047)
        else:
            if run is not None:
                out.append(decode_bytes(bytes(run[1]), run[0]))
            if run is None or between.strip():
                out.append(between)
            run = (charset, bytearray(raw))
        pos = m.end()
    if run is not None:
        out.append(decode_bytes(bytes(run[1]), run[0]))
    out.append(value[pos:])
    return _clean_text("".join(out)).strip()


_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=")


_PARAM = re.compile(r';\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')
_SECTION = re.compile(r"^(filename|name)\*(\d+)(\*?)$")


def _params(value: str) -> dict[str, str]:
    value = re.sub(r"\r?\n(?=[ \t])", "", value)
    out: dict[str, str] = {}
    for key, val in _PARAM.findall(";" + value.split(";", 1)[1] if ";" in value else ""):
        val = val.strip()
        if len(val) >= 2 and val[0] == val[-1] == '"':
            # quoted pairs (\" and \\) undone; another backslash is a Windows path's (old Outlook, Foxmail and Lotus put
            # C:\Users\…\附件3.xlsx, raw, into the name: read as quoted pairs, the folders ran into the file name)
            val = re.sub(r'\\([\\"])', r"\1", val[1:-1])
        out.setdefault(key.lower(), val)
    return out


def _pct_bytes(text: str) -> bytes:
    return urllib.parse.unquote_to_bytes(text.encode("utf-8", "surrogateescape"))


def _rfc2231(params: dict[str, str], key: str) -> str | None:
    """`key*=charset''%xx` or the continuations `key*0*=`, `key*1*=`, `key*1=` … joined, then decoded."""
    if (ext := params.get(key + "*")) is not None:
        if ext.count("'") < 2:
            return decode_bytes(_pct_bytes(ext))
        charset, _lang, encoded = ext.split("'", 2)
        return decode_bytes(_pct_bytes(encoded), charset)
    sections = []
    for name, val in params.items():
        m = _SECTION.match(name)
        if m and m.group(1) == key:
            sections.append((int(m.group(2)), bool(m.group(3)), val))
    if not sections:
        return None
    sections.sort()
    charset = None
    raw = b""
    for index, encoded, val in sections:
        if encoded:
            if index == 0 and val.count("'") >= 2:
                charset, _lang, val = val.split("'", 2)
            raw += _pct_bytes(val)
        else:
            raw += val.encode("utf-8", "surrogateescape")
    text = decode_bytes(raw, charset)
    # some clients split an RFC 2047 name into non-extended sections: filename*0="=?GBK?B?…?="
    return decode_words(text) if "=?" in text else text


def part_filename(part: Message) -> str | None:
    """The attachment name of a mail part, decoded: RFC 2231 (filename*=gb18030''%C8…, continuations),
    RFC 2047 inside quotes (=?GB2312?B?…?=), raw 8-bit GBK/UTF-8; from Content-Disposition's filename,
    else Content-Type's name.  Falls back to the stdlib's `get_filename()`."""
    raw = {}
    for key, val in part.raw_items():
        raw.setdefault(key.lower(), str(val))
    found = None
    for header, key in (("content-disposition", "filename"), ("content-type", "name")):
        if header not in raw:
            continue
        params = _params(raw[header])
        found = _rfc2231(params, key)
        if found is None and key in params:
            found = decode_words(params[key])
        if found:
            break
    if not found or "\ufffd" in found:
        try:
            std = part.get_filename()
        except Exception:  # noqa: BLE001
            std = None
        if std and "\ufffd" not in std and not any("\udc80" <= ch <= "\udcff" for ch in std):
            found = std
    if not found:
        return None
    base = re.split(r"[/\\]", found)[-1]
    return _clean_name(base) or None


def provenance(msg: Message) -> dict:
    """{"from", "date", "subject"} of a mail, decoded; date is ISO-8601 with its timezone, or None."""
    raw: dict[str, str] = {}
    for key, val in msg.raw_items():
        raw.setdefault(key.lower(), str(val))
    date = None
    parsed = header_date(decode_words(raw["date"])) if raw.get("date") else None
    # when the servers on its way took the mail in (its Received headers; the first, the sender's own server's, is the
    # earliest: a mail fetched by the office's mailbox weeks later (代收) was sent when it was sent)
    hops = [when for key, val in msg.raw_items() if key.lower() == "received"
            and (when := header_date(str(val).rsplit(";", 1)[-1])) is not None][:50]
    received = min(hops, key=_instant) if hops else None
    header = None
    from_server = received is not None and (parsed is None or all(_clock_wrong(parsed, hop) for hop in hops))
    if from_server:
        # no Date, or one no reader knows (2024年4月5日 星期五 上午10:00): a late mail went as on time, unsaid; or a Date
        # the sender's PC clock made up, no server on its way agreeing (months ahead: the flawed first version beat the
        # correction and 数据截至 moved to December; a clock reset to last year: a late form on time): the first server's
        header, parsed = parsed, received
    if parsed is not None:
        date = parsed.isoformat()
    out = {"from": decode_words(raw.get("from", "")), "date": date,
           "subject": decode_words(raw.get("subject", "")), "address": sender_address(raw.get("from", ""))}
    if from_server:
        out["date_basis"] = "received"       # (said as 邮件服务器收信时间, not 邮件日期: versions.shown_basis)
        if header is not None:
            out["date_header"] = header.isoformat()      # the Date it gave, not believed (mail-date-wrong)
    if m := _MESSAGE_ID.search(raw.get("message-id", "")):
        out["message_id"] = m.group(0)       # what a reply names in In-Reply-To (threaded in the sender's client)
    if raw.get("x-unsent", "").strip() == "1":
        out["unsent"] = True                 # a draft not sent (formkit's replies and chases are written as such)
    if raw.get("reply-to") and (reply_to := sender_address(raw["reply-to"])) and reply_to != out["address"]:
        out["reply_to"] = reply_to           # where a reply goes (a form sent through a no-reply system mailbox)
    return out


_CLOCK_AHEAD = timedelta(days=1)
_CLOCK_BEHIND = timedelta(days=7)


def _instant(when: datetime) -> float:
    try:
        return when.timestamp()
    except (OverflowError, ValueError, OSError):
        return 0.0


def _clock_wrong(date: datetime, received: datetime) -> bool:
    """A mail's Date its sender's clock made up: after the server took the mail in (beyond a day of clocks set
    slightly wrong), or more than a week before it (no server holds a mail that long)."""
    try:
        return date - received > _CLOCK_AHEAD or received - date > _CLOCK_BEHIND
    except TypeError:
        return False


_MESSAGE_ID = re.compile(r"<[!-;=?-~]{1,250}@[!-;=?-~]{1,250}>")
"""A Message-ID as RFC 5322 writes it (printable ASCII without < > in angle brackets): nothing else is copied."""


ADDR_SPEC = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def sender_address(raw_from: str) -> str:
    """The sender's address from a raw (still encoded) From header: parsed before the display name is decoded,
    so a name that decodes to "x, <boss@evil>" or a second line cannot add a recipient to a reply; "" when
    the header has no plain address (a Chinese mailbox name, none at all)."""
    value = re.sub(r"\r?\n(?=[ \t])", "", raw_from)
    try:
        pairs = email.utils.getaddresses([value])
        plain = next((addr for _, addr in pairs if ADDR_SPEC.fullmatch(addr) and "=?" not in addr), "")
        if plain or "=?" not in value:
            return plain
        # the whole "何静 <hejing@x.edu.cn>" inside one encoded word (as some scripts and old systems write it, though
        # RFC 2047 does not allow it): the address inside, when there is exactly one (never a second recipient)
        found = {addr for _, addr in email.utils.getaddresses([decode_words(value)]) if ADDR_SPEC.fullmatch(addr)}
    except Exception:  # noqa: BLE001 - the stdlib parser on hostile text
        return ""
    return found.pop() if len(found) == 1 else ""


def _mail_time(mail: dict, fallback: float | None) -> float | None:
    if mail.get("date"):
        try:
            return datetime.fromisoformat(mail["date"]).timestamp()
        except (ValueError, OverflowError):
            pass
    return fallback


# -- expansion --------------------------------------------------------------------------------------------

MAX_ENTRIES = safety.MAX_MEMBERS
"""Most members one inbox file may hold, counted through its archives and mails (a zip of zips of zips)."""


def _forwarded_by(inner: dict, outer: dict | None) -> None:
    """A mail forwarded inside another: who sent it to the office (address), whom a reply goes to, and the mail the
    reply answers."""
    if outer and (sender := outer.get("forwarded_by") or outer.get("reply_to") or outer.get("address")):
        inner["forwarded_by"] = sender
        if outer.get("message_id"):
            inner["replies_to"] = outer["message_id"]


class _TooManyEntries(Exception):
    """The inbox file being expanded holds more than MAX_ENTRIES members."""


class _Expander:
    """Collects the inputs and skipped entries of one or more inbox files."""

    def __init__(self, lazy: bool = False) -> None:
        self.inputs: list[RawInput] = []
        self.skipped: list[Skipped] = []
        self.not_forms: list[str] = []     # attachments of the mail being unpacked that are no spreadsheet
        self.beside: list[tuple] | None = None  # members of the zip being unpacked that are no spreadsheet (a 说明.txt)
        self.used: set[str] = set()
        self.budget = safety.MAX_TOTAL_BYTES
        self.lazy = lazy
        self.origin: str | None = None      # the disk file being expanded
        self.disk_zip = False               # expanding that file as a zip: its members can be named, not held
        self.disk_rel = ""                  # that file's path, as inputs from it are reported
        self.entries = MAX_ENTRIES          # members (of archives, mails, nested) that file may still yield

    def count_entry(self) -> None:
        """One more member (of an archive, a mail) of the inbox file being expanded; too many: _TooManyEntries."""
        self.entries -= 1
        if self.entries < 0:
            raise _TooManyEntries

    # names ---------------------------------------------------------------------------------------------
    def unique(self, container: str, name: str) -> str:
        path = f"{container}!{name}"
        if path not in self.used:
            self.used.add(path)
            return path
        dot = name.rfind(".")
        stem, ext = (name[:dot], name[dot:]) if dot > 0 and "/" not in name[dot:] else (name, "")
        n = 2
        while f"{container}!{stem} ({n}){ext}" in self.used:
            n += 1
        path = f"{container}!{stem} ({n}){ext}"
        self.used.add(path)
        return path

    def reject(self, path: str, data: bytes | None, mtime: float | None, mail: dict | None,
               finding: Finding) -> None:
        """A rejected input keeps its digest, not its bytes: an inbox of zips holding hundreds of unreadable
        members each would otherwise hold all of them until the merge ends."""
        raw = RawInput(path, None, None, mtime, mail, finding, origin=self.origin)
        raw.disk = self.disk_rel or path
        if data is not None:
            raw.sha256 = hashlib.sha256(data).hexdigest()
        self.inputs.append(raw)

    # files ---------------------------------------------------------------------------------------------
    def disk_file(self, path: Path, rel: str, *, eager: bool = False) -> None:
        self.budget = safety.MAX_TOTAL_BYTES
        self.entries = MAX_ENTRIES
        self.origin = None
        self.disk_rel = rel
        try:
            st = path.stat()
        except OSError as exc:      # on the coordinator's side: permissions, a path too long
            self.reject(rel, None, None, None, findings.make(findings.INBOX_UNREADABLE, value=rel, detail=_os_error(exc)))
            return
        if not stat.S_ISREG(st.st_mode):
            self.skipped.append(Skipped(rel, "不是普通文件，已跳过"))
            return
        if st.st_size > safety.MAX_FILE_BYTES:
            self.reject(rel, None, st.st_mtime, None, findings.make(
                findings.FILE_TOO_LARGE, detail=f"{st.st_size / safety.MiB:.0f} MiB"))
            return
        if self.lazy and not eager and _ext(path.name) not in CONTAINER_EXTS:
            # a plain file: read, sniffed and checked by the reader, in a worker (see RawInput)
            self.inputs.append(RawInput(rel, None, None, st.st_mtime, None, None, source=str(path)))
            return
        data, problem = read_disk_file(path)
        if problem is not None:
            self.reject(rel, None, st.st_mtime, None, problem)
            return
        assert data is not None
        self.origin = str(path)
        before = (len(self.inputs), len(self.skipped))
        try:
            self.handle(data, rel, path.name, st.st_mtime, None, 0, 0, "disk")
        except _TooManyEntries:
            # an archive of archives (42.zip) or a mail of hundreds of attachments: one input, said once, not
            # tens of thousands of rejected members and reply drafts
            del self.inputs[before[0]:], self.skipped[before[1]:]
            self.reject(rel, data, st.st_mtime, None, findings.make(
                findings.FILE_TOO_LARGE, detail=f"其中（含压缩包、邮件里的压缩包）合计超过 {MAX_ENTRIES} 个文件"))
        finally:
            self.origin = None

    def handle(self, data: bytes, path: str, name: str, mtime: float | None, mail: dict | None,
               zdepth: int, depth: int, where: str, member: int | None = None) -> None:
        """One file's bytes, wherever they came from ("disk", "zip" or "mail"); member: its place in the zip
        on disk it came from, when a lazy walk may name it instead of holding its bytes."""
        found = _sniff(data, name)
        if found.what == "workbook":
            assert found.kind is not None
            # a lazy walk leaves the safety checks to the reader, which runs them again anyway
            problem = None if self.lazy else safety.check_workbook(data, found.kind)
            if problem is not None:
                self.reject(path, data, mtime, mail, problem)
            else:
                origin = self.origin if path != self.disk_rel else None
                keep = None if (self.lazy and member is not None) else data
                raw = RawInput(path, keep, found.kind, mtime, mail, None, found.has_macros,
                               origin=origin, member=member if keep is None else None)
                raw.disk = self.disk_rel or path
                self.inputs.append(raw)
            return
        if found.what == "zip":
            if zdepth >= MAX_ARCHIVE_DEPTH or depth >= MAX_NESTING:
                limit = MAX_ARCHIVE_DEPTH if zdepth >= MAX_ARCHIVE_DEPTH else MAX_NESTING
                self.reject(path, data, mtime, mail, findings.make(findings.ARCHIVE_TOO_DEEP, detail=limit))
            else:
                self.disk_zip = where == "disk"
                try:
                    self.expand_zip(data, path, mtime, mail, zdepth + 1, depth + 1)
                finally:
                    self.disk_zip = False
            return
        if found.what == "mail":
            if depth >= MAX_NESTING:
                self.reject(path, data, mtime, mail, findings.make(findings.MAIL_TOO_DEEP, detail=MAX_NESTING))
            # (a mail attached as a file, application/octet-stream 某某.eml, as QQ Mail and 163 forward "作为附件", or
            # zipped, or saved with a mailbox's From line: forwarded as a message/rfc822 part is, its reply to whoever
            # forwarded it; `mail` is that mail's, None for a file of the inbox itself)
            elif data.startswith(b"From "):
                mails = split_mbox(data)
                if len(mails) == 1:
                    self.expand_mail(mails[0], path, mtime, zdepth, depth + 1, outer=mail)
                for i, one in enumerate(mails if len(mails) > 1 else (), 1):
                    self.expand_mail(one, self.unique(path, f"第{i}封邮件.eml"), mtime, zdepth, depth + 1,
                                     in_mailbox=True, outer=mail)
            else:
                self.expand_mail(data, path, mtime, zdepth, depth + 1, outer=mail)
            return
        rejection = found.rejection
        assert rejection is not None
        if (where in ("mail", "zip") and rejection.code in (findings.FILE_UNKNOWN_FORMAT, findings.FILE_EMPTY)
                and _ext(name) not in SPREADSHEET_EXTS):
            what = found.detail or "空文件"
            if where == "zip" and self.beside is not None:
                # a note or an empty text file beside the forms in a zip: skipped once a form came out of the zip
                # (each was "a damaged form", a reply for a correct one); alone, said as before
                self.beside.append((path, data, mtime, mail, rejection, what))
                return
            if where == "mail":
                self.skipped.append(Skipped(path, f"邮件附件不是表单（{what}），已跳过"))
                self.not_forms.append(f"{name}（{what}）")
                return
        self.reject(path, data, mtime, mail, rejection)

    # zip -----------------------------------------------------------------------------------------------
    def expand_zip(self, data: bytes, path: str, mtime: float | None, mail: dict | None,
                   zdepth: int, depth: int) -> None:
        zf, problem = safety.open_zip(data)
        if zf is None:
            assert problem is not None
            if problem.code == findings.FILE_CORRUPT:
                problem = findings.make(findings.ARCHIVE_CORRUPT, detail="无法打开压缩包，文件可能不完整")
            self.reject(path, data, mtime, mail, problem)
            return
        before = (len(self.inputs), len(self.skipped))
        outermost = self.beside is None        # (a zip in a zip: the outermost one decides, a note one level down too)
        if outermost:
            self.beside = []
        aside = len(self.beside)
        try:
            with zf:
                if problem := safety.check_archive_table(zf):
                    self.reject(path, data, mtime, mail, problem)
                    return
                for index, info in enumerate(zf.infolist()):
                    self.zip_member(zf, info, path, mtime, mail, zdepth, depth, index)
            if outermost:
                # something of a form came with it (one that could not be read too: one thing to sort out, not two)
                formed = len(self.inputs) > before[0]
                for b_path, b_data, b_mtime, b_mail, b_rejection, what in self.beside:
                    if formed:
                        self.skipped.append(Skipped(b_path, f"压缩包中的文件不是表单（{what}），已跳过"))
                    else:
                        self.reject(b_path, b_data, b_mtime, b_mail, b_rejection)
        finally:
            if outermost:
                self.beside = None
        if (len(self.inputs), len(self.skipped)) == before and (outermost or len(self.beside) == aside):
            # nothing in it at all (packed before the files were put in, or only folders): answered, so that the
            # sender knows the forms did not come (listed as skipped, nobody told them)
            self.reject(path, data, mtime, mail, findings.make(findings.ARCHIVE_EMPTY))

    def zip_member(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, container: str, mtime: float | None,
                   mail: dict | None, zdepth: int, depth: int, index: int = 0) -> None:
        self.count_entry()
        name = member_name(info)
        if name.endswith(("/", "\\")):
            return  # a directory entry
        if _unsafe_member_path(name):
            self.reject(self.unique(container, _clean_name(name)), None, mtime, mail,
                        findings.make(findings.ARCHIVE_UNSAFE_PATH, value=name))
            return
        parts = [p for p in re.split(r"[/\\]", _clean_name(name)) if p not in ("", ".")]
        if not parts:
            return
        path = self.unique(container, "/".join(parts))
        if "__MACOSX" in parts[:-1]:
            self.skipped.append(Skipped(path, SKIP_MAC))
            return
        if reason := skip_reason(parts[-1]):
            self.skipped.append(Skipped(path, reason))
            return
        member_mtime = _zip_mtime(info) or mtime
        container = _ext(parts[-1]) in (".zip", ".eml") and info.file_size <= self.budget \
            and info.file_size / max(info.compress_size, 1) <= safety.MAX_RATIO
        if not container and (problem := safety.check_zip_member(info)):
            # (an archive or mail inside, larger than a form may be because of a scan in it: opened, within the
            # budget of the whole, and only its own oversized members left out)
            if _ext(parts[-1]) not in SPREADSHEET_EXTS:
                # a large scan or video beside the forms (签字页扫描件.pdf): that file only, as in a mail
                self.skipped.append(Skipped(path, f"压缩包中的文件不是表单，解压后有 {info.file_size / safety.MiB:.0f} MiB"
                                                  "（过大或压缩比异常），已跳过"))
            else:
                self.reject(path, None, member_mtime, mail, problem)
            return
        if info.flag_bits & 0x1:
            self.reject(path, None, member_mtime, mail, findings.make(_ARCHIVE_ENCRYPTED))
            return
        if info.file_size > self.budget:
            self.reject(path, None, member_mtime, mail, findings.make(
                findings.FILE_TOO_LARGE,
                detail=f"解压出的文件合计超过 {safety.MAX_TOTAL_BYTES // safety.MiB} MiB 的上限"))
            return
        try:
            content = safety.read_member(zf, info)
        except safety.UnsafeInput as exc:
            problem = exc.finding
            if exc.detail:       # the archive's data is damaged, not the form in it ("save it as .xlsx again")
                problem = findings.make(findings.ARCHIVE_CORRUPT, detail=f"其中这个文件的数据{exc.detail}")
            self.reject(path, None, member_mtime, mail, problem)
            return
        self.budget -= len(content)
        named = index if (self.lazy and self.disk_zip and zdepth == 1 and self.origin is not None) else None
        nested, self.disk_zip = self.disk_zip, False
        try:
            self.handle(content, path, parts[-1], member_mtime, mail, zdepth, depth, "zip", member=named)
        finally:
            self.disk_zip = nested

    # mail ----------------------------------------------------------------------------------------------
    def expand_mail(self, data: bytes, path: str, mtime: float | None, zdepth: int, depth: int,
                    in_mailbox: bool = False, outer: dict | None = None) -> None:
        """One mail's attachments (its forms, forwarded mails, archives). in_mailbox: one of many mails of a mailbox
        export, where a mail with no attachment at all is the correspondence around the forms ("收到，月底前报送"):
        listed as skipped, not a mail that lacks its form."""
        if len(data) > MAX_MAIL_BYTES:
            # the stdlib parser holds a mail about ten times over (a 246 MB mail took 2.8 GB in this process, which
            # has no memory cap of its own): a mail carrying a video or scans beside the forms is answered instead, to
            # its sender (its header alone is parsed)
            try:
                prov = provenance(BytesHeaderParser(policy=policy.default).parsebytes(_MAIL_LEAD.sub(b"", data[:65536], 1)))
            except Exception:  # noqa: BLE001 - the stdlib parser on hostile bytes: no sender then
                prov = None
            self.reject(path, data, mtime, prov, findings.make(
                findings.MAIL_TOO_LARGE, detail=f"{len(data) / safety.MiB:.0f} MiB，超过 {MAX_MAIL_BYTES // safety.MiB} MiB"))
            return
        # a byte order mark (Notepad saved it) or blank lines (a webmail download) before the header: the parser
        # takes them for a header-less body, and the mail was "corrupt", its forms lost
        data = _MAIL_LEAD.sub(b"", data, count=1)
        if data.count(b"\n--") > MAX_MAIL_PARTS:
            self.reject(path, data, mtime, None, findings.make(
                findings.MAIL_CORRUPT, detail=f"邮件中的部分超过 {MAX_MAIL_PARTS} 个，不像正常的邮件"))
            return
        try:
            msg = email.message_from_bytes(_defang(data), policy=policy.default)
            prov = provenance(msg)
        except Exception as exc:  # noqa: BLE001 - the stdlib parser on hostile bytes
            self.reject(path, data, mtime, None, findings.make(findings.MAIL_CORRUPT, detail=_mail_error(exc)))
            return
        if not msg.keys():
            self.reject(path, data, mtime, None, findings.make(findings.MAIL_CORRUPT, detail="没有邮件头"))
            return
        before, others, skipped = len(self.inputs), self.not_forms, len(self.skipped)
        self.not_forms = []
        if in_mailbox:
            prov["mailbox"] = True      # one of a mailbox export's mails (pipeline: the office's other mail in it)
        _forwarded_by(prov, outer)
        try:
            self.mail_parts(msg, path, prov, _mail_time(prov, mtime), zdepth, depth, counter=[0])
        except RecursionError:
            del self.inputs[before:]
            self.reject(path, data, mtime, prov, findings.make(findings.MAIL_CORRUPT, detail=_mail_error(RecursionError())))
            self.not_forms = others
            return
        too_deep = any(s.reason == _MIME_TOO_DEEP for s in self.skipped[skipped:])
        if len(self.inputs) == before and too_deep:
            # parts nested deeper than anyone's mail client writes: said as what it is (not "no attachment")
            self.reject(path, data, mtime, prov, findings.make(findings.MAIL_CORRUPT, detail=_mail_error(RecursionError())))
        elif len(self.inputs) == before and in_mailbox and not self.not_forms:
            subject = prov["subject"] or "（无主题）"
            self.skipped.append(Skipped(path, f"邮箱导出文件中的邮件“{subject}”没有附件，已跳过"))
        elif len(self.inputs) == before:
            # attachments, but none a spreadsheet (a scan, a photo, a PDF or Word copy of the form): said so, not
            # "no attachment" (she did attach something)
            self.reject(path, data, mtime, prov,
                        findings.make(findings.MAIL_NO_FORM, value=prov["subject"] or "（无主题）",
                                      detail="、".join(self.not_forms[:5]) + ("等" if len(self.not_forms) > 5 else ""))
                        if self.not_forms else
                        findings.make(findings.MAIL_ATTACHMENT_LINK, value=prov["subject"] or "（无主题）", detail=link)
                        if (link := _download_link(msg)) else
                        findings.make(findings.MAIL_NO_ATTACHMENT, value=prov["subject"] or "（无主题）"))
        self.not_forms = others

    def mail_parts(self, part: Message, path: str, prov: dict, mtime: float | None, zdepth: int,
                   depth: int, counter: list[int], top: bool = True, level: int = 0, cut: bool = False) -> None:
        """cut: the part the mail ends in without its closing boundary (the mail file itself cut short)."""
        if not top and MALFORMED in part:
            # a part whose header fields were too long or too nested to parse (_defang): that part alone is lost, the
            # mail's other attachments are read
            counter[0] += 1
            name = f"第{counter[0]}个附件"
            self.reject(self.unique(path, name), None, mtime, prov, findings.make(
                findings.MAIL_ATTACHMENT_UNREADABLE, value=name, detail="无法解析的邮件部分（邮件头过长或格式错误）"))
            return
        ctype = _content_type(part)
        if ctype == "message/rfc822" and not top:
            self.forwarded(part, path, mtime, zdepth, depth, counter, prov)
        elif part.is_multipart():
            if level >= MAX_MIME_LEVELS:
                self.skipped.append(Skipped(self.unique(path, "（嵌套过深的部分）"), _MIME_TOO_DEEP))
                return
            subs = list(part.iter_parts())
            unclosed = any(isinstance(d, email.errors.CloseBoundaryNotFoundDefect) for d in part.defects)
            for i, sub in enumerate(subs):
                self.mail_parts(sub, path, prov, mtime, zdepth, depth, counter, top=False, level=level + 1,
                                cut=unclosed and i == len(subs) - 1)
        else:
            self.attachment(part, ctype, path, prov, mtime, zdepth, depth, counter, cut)

    def forwarded(self, part: Message, path: str, mtime: float | None, zdepth: int, depth: int,
                  counter: list[int], outer: dict | None = None) -> None:
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
        if encoding in ("base64", "quoted-printable") and (not isinstance(inner, Message) or not inner.keys()):
            # a forwarded mail sent encoded (RFC 2046 forbids it, some clients do it): the stdlib reads the
            # encoded text as a mail without headers; decode it and read that
            try:
                body = inner.get_payload() if isinstance(inner, Message) else payload
                text = body.encode("ascii", "replace") if isinstance(body, str) else b""
                raw = base64.b64decode(text) if encoding == "base64" else quopri.decodestring(text)
                inner = email.message_from_bytes(raw, policy=policy.default) if raw else None
            except Exception:  # noqa: BLE001 - the stdlib parser on hostile bytes
                inner = None
            if inner is None or not inner.keys():
                counter[0] += 1
                self.reject(self.unique(path, f"第{counter[0]}个附件（转发的邮件）"), None, mtime, None,
                            findings.make(findings.MAIL_ATTACHMENT_UNREADABLE, value="转发的邮件",
                                          detail="无法解析的转发邮件"))
                return
        if not isinstance(inner, Message):
            return
        try:
            inner_prov = provenance(inner)
            name = part_filename(part)
        except Exception:  # noqa: BLE001 - malformed headers of the forwarded mail
            inner_prov, name = {"from": "", "date": None, "subject": ""}, None
        _forwarded_by(inner_prov, outer)
        name = name or _clean_name((inner_prov["subject"] or "转发的邮件")[:60] + ".eml")
        inner_path = self.unique(path, name)
        if depth >= MAX_NESTING:
            self.reject(inner_path, None, mtime, inner_prov,
                        findings.make(findings.MAIL_TOO_DEEP, detail=MAX_NESTING))
            return
        before = len(self.inputs)
        self.mail_parts(inner, inner_path, inner_prov, _mail_time(inner_prov, mtime), zdepth, depth + 1,
                        counter=[0])
        if len(self.inputs) == before:
            self.skipped.append(Skipped(inner_path, "转发的邮件中没有表单附件，已跳过"))

    def attachment(self, part: Message, ctype: str, path: str, prov: dict, mtime: float | None,
                   zdepth: int, depth: int, counter: list[int], cut: bool = False) -> None:
        try:
            filename = part_filename(part)
            disposition = part.get_content_disposition()
            content_id = part.get("Content-ID")
            data = part.get_payload(decode=True) or b""
            if str(part.get("Content-Transfer-Encoding", "")).strip().lower() not in ("base64", "") \
                    and data[:2] not in (b"PK", b"\xd0\xcf") and (plain := _base64_after_all(part)) is not None:
                data = plain    # base64 declared quoted-printable (or x-uuencode) by the sender's mail program
        except Exception:  # noqa: BLE001 - one malformed part must not lose the rest of the mail
            self.count_entry()
            counter[0] += 1
            name = f"第{counter[0]}个附件"
            self.reject(self.unique(path, name), None, mtime, prov,
                        findings.make(findings.MAIL_ATTACHMENT_UNREADABLE, value=name, detail="无法解析的邮件部分"))
            return
        maintype = ctype.split("/", 1)[0]
        if filename is None and disposition != "attachment":
            if maintype in ("text", "image", "audio", "video") or ctype in _SIGNATURE_TYPES:
                return  # the body, an alternative of it, an inline picture, a signature
        if maintype == "image" and (disposition == "inline" or content_id) \
                and _ext(filename or "") not in SPREADSHEET_EXTS:
            return  # a picture shown inside the body
        # an attachment counts against the members one inbox file may yield (a mail's body does not: a mailbox
        # export of 2,100 mails of correspondence was refused whole, the forms in it with it)
        self.count_entry()
        counter[0] += 1
        if (what := _opaque_attachment(ctype, filename)) is not None:
            # the form may well be inside, but there is no way to it here: an input rejected with the reason
            # (a reply draft says what to do), not a mail "without attachments"
            name = filename or ("winmail.dat" if "tnef" in ctype else f"第{counter[0]}个附件")
            self.reject(self.unique(path, name), None, mtime, prov,
                        findings.make(findings.MAIL_ATTACHMENT_UNREADABLE, value=name, detail=what))
            return
        name = filename or f"未命名附件{counter[0]}"
        member = self.unique(path, name)
        if any(isinstance(d, email.errors.InvalidBase64LengthDefect) for d in part.defects) or (cut and _cut_short(data)):
            # (or the mail file ends inside it, no closing boundary, and what there is is no whole workbook: a download
            # or an export interrupted; it was "the file is damaged, save it again as .xlsx", to a department whose
            # file was fine)
            # the mail cut off inside the attachment (a download or a size limit): the encoded text is all there is (it
            # was "not an Excel workbook (a text file)", asking to save as .xlsx what had been an .xlsx)
            self.reject(member, None, mtime, prov, findings.make(
                findings.MAIL_ATTACHMENT_UNREADABLE, value=name, detail="不完整的附件（邮件在传输或下载时被截断）"))
            return
        if len(data) > self.budget:
            self.reject(member, None, mtime, prov, findings.make(
                findings.FILE_TOO_LARGE, detail=f"{len(data) / safety.MiB:.0f} MiB"))
            return
        self.budget -= len(data)
        self.handle(data, member, name, mtime, prov, zdepth, depth, "mail")


def _cut_short(data: bytes) -> bool:
    """Whether an attachment the mail file ends in is cut short: a zip (.xlsx, .ods) without its end record, an OLE file
    (.xls, .et) not a whole number of its 512-byte sectors; anything else is left to the reader to judge."""
    if data.startswith(b"PK\x03\x04"):
        return b"PK\x05\x06" not in data[-65558:]
    if data.startswith(_OLE_MAGIC):
        return len(data) % 512 != 0
    return False


_BIG_ATTACHMENT = re.compile(r"超大附件|大附件|文件中转站|large-?attachment|bigattach", re.I)
_LINK = re.compile(r"https?://[^\s\"'<>]{8,300}")
_SHEET_NAME = re.compile(r"[^\s/\"'<>]{1,80}\.(?:xlsx|xlsm|xls|et|ods)\b", re.I)
_LINK_HOST = re.compile(r"https?://[^/\s]*(?:mail\.qq\.com/(?:ftn|cgi-bin/ftn)|ftn\.qq\.com|mail\.163\.com/large|"
                        r"mail\.126\.com/large|dashi\.163\.com|mail\.sina\.com\.cn/.*(?:download|bigfile)|[^/\s]*ftn[^/\s]*/)",
                        re.I)
_EXPIRES = re.compile(r"(\d{4}\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*\d{1,2}\s*日?(?:\s*\d{1,2}:\d{2})?)\s*(?:到期|过期|失效)"
                      r"|(?:有效期至|到期时间[:：]?)\s*(\d{4}\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*\d{1,2}\s*日?)")


def _download_link(msg: Message) -> str | None:
    """A mail whose form is a "超大附件" (QQ, 163 and other webmail put a download link in the body instead of the file):
    the link and when it expires, as the mail says them; None for any other mail without attachments (it was "no
    attachment, add it and send again", to someone who did attach it, the way her mail program does)."""
    texts = []
    try:
        for part in msg.walk():
            if part.get_content_type() in ("text/plain", "text/html") and len(texts) < 4:
                content = part.get_content()
                if isinstance(content, str):
                    texts.append(content[:200_000])
    except Exception:  # noqa: BLE001 - the stdlib parser on a malformed body: no link then
        return None
    text = "\n".join(texts)
    link = next((u for u in _LINK.findall(text) if _LINK_HOST.match(u)), None)
    if link is None and (marker := _BIG_ATTACHMENT.search(text)) and (name := _SHEET_NAME.search(text, marker.start())):
        # another service's 超大附件 notice: its marker, a spreadsheet's name after it, then the link right after that
        # (not a signature's web address beside a quoted "不要使用超大附件")
        link = next(iter(_LINK.findall(text, name.end(), name.end() + 300)), None)
    if link is None:
        return None
    link = html.unescape(link)
    said = f"下载链接：{link if len(link) <= 160 else link[:159] + '…'}"
    if m := _EXPIRES.search(re.sub(r"<[^>]{0,500}>", " ", text)):
        said += f"，{m.group(1) or m.group(2)}到期"
    return said


_BASE64_TEXT = re.compile(r"[A-Za-z0-9+/=\s]{64,}")


def _base64_after_all(part: Message) -> bytes | None:
    """An attachment whose body is base64 though its header says otherwise: the workbook or archive it holds, else
    None (it was "a text file, save it as .xlsx" of a correct form)."""
    raw = part.get_payload(decode=False)
    if not isinstance(raw, str) or not _BASE64_TEXT.fullmatch(raw):
        return None
    try:
        data = base64.b64decode("".join(raw.split()), validate=False)
    except (ValueError, binascii.Error):
        return None
    return data if data[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0") else None


def _opaque_attachment(ctype: str, filename: str | None) -> str | None:
    """What an attachment is when it wraps the form in a format formkit cannot open (None otherwise)."""
    name = (filename or "").lower()
    if ctype == "application/ms-tnef" or name == "winmail.dat":
        return "Outlook 专用格式（winmail.dat，RTF 邮件；Outlook 中请改用 HTML 或纯文本格式发送）"
    if ctype in ("application/pkcs7-mime", "application/x-pkcs7-mime") or name.endswith(".p7m"):
        return "加密或签名的邮件内容（S/MIME；发送时请不要加密或数字签名）"
    if ctype == "application/vnd.ms-outlook" or name.endswith(".msg"):
        return "Outlook 邮件文件（.msg）"
    return None


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:  # noqa: BLE001 - a broken Content-Type header reads as data
        return "application/octet-stream"


_SIGNATURE_TYPES = {"application/pgp-signature", "application/pkcs7-signature",
                    "application/x-pkcs7-signature", "application/pgp-encrypted"}

# An encrypted (password) zip member; the lead may add a dedicated archive code to findings.py.
_ARCHIVE_ENCRYPTED = getattr(findings, "ARCHIVE_ENCRYPTED", findings.FILE_ENCRYPTED)


def _os_error(exc: OSError) -> str:
    """Why a file of inbox/ could not be opened, and what to do about it (one advice for every cause told to check
    the permissions of a file moved away while merge ran)."""
    if isinstance(exc, PermissionError):
        return "没有读取权限：请在本机检查它的权限"
    if exc.errno == errno.ENAMETOOLONG:
        return "路径过长：文件夹层数太多或名称太长，请缩短"
    if exc.errno == errno.ENOENT:
        return "文件在汇总过程中被移走或删除了：请等收件箱中的文件不再变动"
    return f"{exc.strerror or type(exc).__name__}：请在本机检查这个文件"


def _sorted(exp: _Expander) -> tuple[list[RawInput], list[Skipped]]:
    return (sorted(exp.inputs, key=lambda i: i.path), sorted(exp.skipped, key=lambda s: s.path))


# -- public entry points ----------------------------------------------------------------------------------

def expand_file(path: Path, root: Path, *, lazy: bool = False) -> tuple[list[RawInput], list[Skipped]]:
    """One file of any type (workbook, zip, eml, anything else) as inputs, sorted by path.

    Used by `formkit check FILE` and by the reader for a file a lazy walk took for a workbook but whose
    bytes are a zip or a mail.  Lock/system files are skipped.  `lazy`: as in `walk_inbox`, except that
    the file itself is always opened (its members are sniffed but not yet safety-checked).
    """
    path = Path(path)
    rel = _rel(path, Path(root))
    exp = _Expander(lazy)
    if reason := skip_reason(path.name):
        exp.skipped.append(Skipped(rel, reason))
    else:
        exp.disk_file(path, rel, eager=True)
    return _sorted(exp)


def read_disk_file(path: Path) -> tuple[bytes | None, Finding | None]:
    """The bytes of a file on disk, or why they cannot be had (too large, unreadable)."""
    try:
        with path.open("rb") as fh:
            # read(n) allocates n bytes up front: ask for the file's size (+1 to see it grow), not the cap
            size = os.fstat(fh.fileno()).st_size
            data = fh.read(min(size, safety.MAX_FILE_BYTES) + 1)
            if len(data) > size and len(data) <= safety.MAX_FILE_BYTES:   # grew while we looked
                data += fh.read(safety.MAX_FILE_BYTES + 1 - len(data))
    except OSError as exc:      # this computer's problem (permissions, a file moved away meanwhile), not the sender's
        return None, findings.make(findings.INBOX_UNREADABLE, value=path.name, detail=_os_error(exc))
    if len(data) > safety.MAX_FILE_BYTES:  # grew while we looked
        return None, findings.make(findings.FILE_TOO_LARGE, detail="文件过大")
    return data, None


def classify(data: bytes, name: str, opened: zipfile.ZipFile | None = None) -> tuple[str, str | None, Finding | None, bool]:
    """What a disk file's bytes are, as a walk would treat them: ("workbook", kind, None, has_macros),
    ("container", None, None, False) for a zip or a mail to unpack, or ("reject", None, finding, False).
    `opened`: the zip over `data` when the caller already opened it (it stays open)."""
    found = _sniff(data, name, opened)
    if found.what == "workbook":
        return "workbook", found.kind, None, found.has_macros
    if found.what in ("zip", "mail"):
        return "container", None, None, False
    return "reject", None, found.rejection, False


def _is_link(path: Path) -> bool:
    try:
        return path.is_symlink()
    except OSError:                 # a path over PATH_MAX: disk_file reports it
        return False


def walk_inbox(root: Path, inbox: Path, *, lazy: bool = False,
               progress: Callable[[int, int], None] | None = None) -> tuple[list[RawInput], list[Skipped]]:
    """Every input under `inbox` (recursively, through zips and mails), sorted by path string.

    Raises FileNotFoundError when `inbox` is not a folder.  Hidden folders and `__MACOSX` folders are
    skipped whole; symbolic links (to folders or files) are not followed.

    lazy: plain files (any extension but .zip and .eml) are not opened: they come back pending (see
    RawInput), to be read, sniffed and safety-checked by the reader in its worker processes; containers
    are unpacked here, their members sniffed but their safety checks also left to the reader.

    progress(done, total): the mails and archives unpacked so far, of those in the inbox (3,000 mails took seconds
    with nothing on the screen).
    """
    root, inbox = Path(root), Path(inbox)
    if not inbox.is_dir():
        raise FileNotFoundError(str(inbox))
    containers = [0, 0]        # (unpacked, in the inbox): counted first when someone watches
    if progress is not None:
        for _place, dirs, names in os.walk(inbox):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__MACOSX"]   # (as the walk below skips them)
            containers[1] += sum(1 for n in names if _ext(n) in CONTAINER_EXTS and not skip_reason(n))
    exp = _Expander(lazy)
    held: list[RawInput] = []           # members whose bytes the walk holds (HELD_MAX)
    held_bytes = 0

    def unreadable(where: Path, exc: OSError) -> None:
        """A folder that cannot be listed or entered: reported (its files cannot be), the walk goes on."""
        rel = _rel(where, root) + "/"
        exp.reject(rel, None, None, None, findings.make(findings.INBOX_UNREADABLE, value=rel, detail=_os_error(exc)))

    def walk_error(exc: OSError) -> None:
        unreadable(Path(exc.filename) if exc.filename else inbox, exc)

    for dirpath, dirnames, filenames in os.walk(inbox, followlinks=False, onerror=walk_error):
        here = Path(dirpath)
        keep = []
        for d in sorted(dirnames):
            full = here / d
            if d.startswith(".") or d == "__MACOSX":
                exp.skipped.append(Skipped(_rel(full, root) + "/", SKIP_MAC if d == "__MACOSX" else "隐藏文件夹，已跳过"))
                continue
            try:
                link = full.is_symlink()
            except OSError as exc:          # a folder without x permission, a path over PATH_MAX
                unreadable(full, exc)
                continue
            if link:
                exp.skipped.append(Skipped(_rel(full, root) + "/", "文件夹的快捷方式（符号链接），已跳过"))
            else:
                keep.append(d)
        dirnames[:] = keep
        for name in sorted(filenames):
            full = here / name
            rel = _rel(full, root)
            if name in (".gitkeep", ".keep") and here == inbox:
                continue                # the placeholder that keeps an empty inbox/ in a repository: nothing received
            if reason := skip_reason(name):
                exp.skipped.append(Skipped(rel, reason))
            elif _is_link(full):        # as for folders: inbox/ holds what was received, not pointers elsewhere
                exp.skipped.append(Skipped(rel, "文件的快捷方式（符号链接），已跳过；请把文件本身放进 inbox/"))
            else:
                first = len(exp.inputs)
                exp.disk_file(full, rel)
                if progress is not None and lazy and _ext(name) in CONTAINER_EXTS:
                    containers[0] += 1
                    progress(min(containers[0], containers[1]), containers[1])
                if lazy:
                    for raw in exp.inputs[first:]:
                        if raw._data is not None and raw.origin is not None and raw.source is None:
                            held.append(raw)
                            held_bytes += len(raw._data)
                    if held_bytes > HELD_MAX:   # dropped: unpacked again from their files when read
                        for raw in held:
                            raw.release()
                        held.clear()
                        held_bytes = 0
    if progress is not None and containers[1]:
        progress(containers[0], containers[0])      # (a symlinked one counted first and skipped: the bar still ends)
    return _sorted(exp)
