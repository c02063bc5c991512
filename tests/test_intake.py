"""intake: from an inbox of files, zips and mails to a flat, sorted list of raw inputs."""

from __future__ import annotations

import base64
import hashlib
import os
import struct
import zipfile
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from formkit import findings as F
from formkit import intake, safety
from tests import hostile as H

# -- sniff -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("build, kind", [
    (H.tiny_xlsx, "xlsx"),
    (H.xlsm_with_macro, "xlsx"),
    (H.tiny_ods, "ods"),
    (H.legacy_xls, "xls"),
    (lambda: H.ole_file({"Book": b"\x09\x08" + b"\0" * 20}), "xls"),  # an OLE workbook of another kind (.et?)
])
def test_sniff_workbooks(build, kind):
    assert intake.sniff(build()) == (kind, None)


@pytest.mark.parametrize("build, code, words", [
    (H.empty, F.FILE_EMPTY, "0 字节"),
    (H.csv_renamed, F.FILE_UNKNOWN_FORMAT, "CSV/文本；用 Excel 或 WPS 打开它、另存为 .xlsx 即可"),
    (lambda: b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
     F.FILE_UNKNOWN_FORMAT, "Excel 2003 XML 表格；用 Excel 或 WPS 打开它、另存为 .xlsx 即可"),
    (H.html_renamed, F.FILE_UNKNOWN_FORMAT, "HTML 网页"),
    # Excel's "Unicode 文本" (UTF-16, tabs, every row padded to the table's width), LibreOffice's flat XML, an Outlook
    # winmail.dat saved from webmail: named, with what to do (a bare "文本文件", "XML 文本", "无法识别的格式")
    (lambda: "\ufeff序号\t风险点\t\t\t\r\n1\t泄露试题\t二级\t是\r\n".encode("utf-16-le"), F.FILE_UNKNOWN_FORMAT,
     "CSV/文本；用 Excel 或 WPS 打开它、另存为 .xlsx 即可"),
    (lambda: b'<?xml version="1.0"?><office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
             b'office:mimetype="application/vnd.oasis.opendocument.spreadsheet"/>', F.FILE_UNKNOWN_FORMAT,
     "LibreOffice 平面 XML 表格（.fods）；用 LibreOffice 打开它、另存为 .xlsx 即可"),
    (lambda: b"\x78\x9f\x3e\x22\x01\x00" + bytes(64), F.FILE_UNKNOWN_FORMAT, "Outlook 专用格式（winmail.dat"),
    (H.pdf, F.FILE_UNKNOWN_FORMAT, "PDF 文件"),
    (H.png, F.FILE_UNKNOWN_FORMAT, "图片"),
    (lambda: "请查收".encode(), F.FILE_UNKNOWN_FORMAT, "文本文件"),
    (lambda: bytes(range(256)) * 4, F.FILE_UNKNOWN_FORMAT, "无法识别的格式"),
    (H.docx_like, F.FILE_UNKNOWN_FORMAT, "Word 文档"),
    (H.legacy_doc, F.FILE_UNKNOWN_FORMAT, "Word 文档"),
    (H.gbk_zip, F.FILE_UNKNOWN_FORMAT, "压缩包而非工作簿"),
    (H.make_eml, F.FILE_UNKNOWN_FORMAT, "邮件"),
    (H.truncated_xlsx, F.FILE_CORRUPT, "不完整"),
    (H.encrypted_xlsx, F.FILE_ENCRYPTED, "密码"),
    (lambda: H.legacy_xls(encrypted=True), F.FILE_ENCRYPTED, "密码"),
    (H.too_many_members, F.FILE_UNSAFE, "2500"),
    (lambda: b"Rar!\x1a\x07\x01\x00" + bytes(64), F.ARCHIVE_UNSUPPORTED, "RAR 压缩包"),
    (lambda: b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(64), F.ARCHIVE_UNSUPPORTED, "7z 压缩包"),
])
def test_sniff_rejections(build, code, words):
    kind, finding = intake.sniff(build())
    assert kind is None
    assert finding.code == code
    assert words in finding.message


# -- a realistic inbox ---------------------------------------------------------------------------------------

ZIP_TIME = datetime(2024, 3, 5, 9, 30, 0, tzinfo=timezone(timedelta(hours=8))).timestamp()   # 北京时间
MAIL_TIME = datetime.fromisoformat("2023-03-07T10:15:00+08:00").timestamp()
PROVENANCE = {"from": "张三 <zhangsan@example.edu.cn>", "date": "2023-03-07T10:15:00+08:00",
              "subject": "附件4 教务处", "address": "zhangsan@example.edu.cn"}


def write(root: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    write(tmp_path / "inbox", {
        "教务处/附件4.xlsx": H.tiny_xlsx(),
        "教务处/~$附件4.xlsx": b"\0" * 162,
        "财务处/附件4.xlsm": H.xlsm_with_macro(),
        "财务处/.~lock.附件4.xlsm#": b"lock",
        ".DS_Store": b"\0\0\0\1Bud1",
        "Thumbs.db": b"\0",
        "desktop.ini": b"[.ShellClassInfo]",
        ".hidden/附件4.xlsx": H.tiny_xlsx(),
        "gbk.zip": H.gbk_zip(),
        "traversal.zip": H.traversal_zip(),
        "depth2.zip": H.nested_zip(2),
        "depth5.zip": H.nested_zip(5),
        "junk.zip": H.junk_zip(),
        "truncated.zip": H.truncated_xlsx(),
        "empty.zip": H.raw_zip([]),
        "m2047.eml": H.make_eml(style="rfc2047"),
        "forwarded.eml": H.forwarded_eml(),
        "inline.eml": H.inline_image_eml(),
        "same-names.eml": H.make_eml([("附件4.xlsx", H.tiny_xlsx()), ("附件4.xlsx", H.tiny_xlsx({"A1": "另一份"}))]),
        "mixed.eml": H.make_eml([("附件4.xlsx", H.tiny_xlsx())], extra_parts=[
            H.attachment_part("签名.jpg", H.png(), "image/jpeg"),
            H.attachment_part("说明.docx", H.docx_like()),
            H.attachment_part("打包.zip", H.gbk_zip(), "application/zip"),
            H.attachment_part("附件3.xlsx", H.encrypted_xlsx()),
        ]),
        "说明.txt": "各部门请于3月31日前报送".encode(),
        "notes.zip": H.make_zip({"说明.txt": "附件4 下周报送".encode()}),
        "nested.zip": H.make_zip({"附件4.xlsx": H.tiny_xlsx(), "其他/inner.zip": H.make_zip({"readme.txt": b"notes"})}),
        "加密.xlsx": H.encrypted_xlsx(),
        "空.xlsx": b"",
        "网页.xls": H.html_renamed(),
        "旧版.xls": H.legacy_xls(),
        "表格.ods": H.tiny_ods(),
        "炸弹.xlsx": H.far_cell_hidden(),
        "伪装.xlsx": H.make_zip({"附件4.xlsx": H.tiny_xlsx()}),  # a zip of forms named .xlsx
    })
    return tmp_path / "inbox"


def outcome(inputs):
    return {i.path: (i.kind, i.rejection.code if i.rejection else None) for i in inputs}


def test_walk_inbox(inbox: Path):
    inputs, skipped = intake.walk_inbox(inbox.parent, inbox)
    got = outcome(inputs)
    xlsx = ("xlsx", None)
    assert got == {
        "inbox/depth2.zip!第2层.zip!附件4.xlsx": xlsx,
        "inbox/depth5.zip!第2层.zip!第3层.zip!第4层.zip": (None, F.ARCHIVE_TOO_DEEP),
        "inbox/forwarded.eml!附件3 李四.eml!附件4.xlsx": xlsx,
        "inbox/gbk.zip!附件3（张三）.xlsx": xlsx,
        "inbox/gbk.zip!教务处/附件4_部门岗位风险点自查表.xlsx": xlsx,
        "inbox/inline.eml": (None, F.MAIL_NO_ATTACHMENT),
        "inbox/junk.zip!forms/附件4.xlsx": xlsx,
        "inbox/notes.zip!说明.txt": (None, F.FILE_UNKNOWN_FORMAT),     # (alone in its zip: no form came with it)
        "inbox/nested.zip!附件4.xlsx": xlsx,
        "inbox/m2047.eml!附件4.xlsx": xlsx,
        "inbox/mixed.eml!打包.zip!附件3（张三）.xlsx": xlsx,
        "inbox/mixed.eml!打包.zip!教务处/附件4_部门岗位风险点自查表.xlsx": xlsx,
        "inbox/mixed.eml!附件3.xlsx": (None, F.FILE_ENCRYPTED),
        "inbox/mixed.eml!附件4.xlsx": xlsx,
        "inbox/same-names.eml!附件4 (2).xlsx": xlsx,
        "inbox/same-names.eml!附件4.xlsx": xlsx,
        "inbox/traversal.zip!../evil.xlsx": (None, F.ARCHIVE_UNSAFE_PATH),
        "inbox/traversal.zip!/abs.xlsx": (None, F.ARCHIVE_UNSAFE_PATH),
        "inbox/traversal.zip!C:\\Windows\\win.xlsx": (None, F.ARCHIVE_UNSAFE_PATH),
        "inbox/traversal.zip!a/../../b.xlsx": (None, F.ARCHIVE_UNSAFE_PATH),
        "inbox/traversal.zip!正常/附件4.xlsx": xlsx,
        "inbox/truncated.zip": (None, F.ARCHIVE_CORRUPT),
        "inbox/伪装.xlsx!附件4.xlsx": xlsx,
        "inbox/加密.xlsx": (None, F.FILE_ENCRYPTED),
        "inbox/旧版.xls": ("xls", None),
        "inbox/炸弹.xlsx": (None, F.FILE_TOO_LARGE),
        "inbox/空.xlsx": (None, F.FILE_EMPTY),
        "inbox/网页.xls": (None, F.FILE_UNKNOWN_FORMAT),
        "inbox/表格.ods": ("ods", None),
        "inbox/说明.txt": (None, F.FILE_UNKNOWN_FORMAT),
        "inbox/empty.zip": (None, F.ARCHIVE_EMPTY),      # (answered: it was only listed as skipped, nobody told)
        "inbox/财务处/附件4.xlsm": xlsx,
        "inbox/教务处/附件4.xlsx": xlsx,
    }
    assert {s.path: s.reason for s in skipped} == {
        "inbox/.DS_Store": intake.SKIP_MAC,
        "inbox/.hidden/": "隐藏文件夹，已跳过",
        "inbox/Thumbs.db": intake.SKIP_SYSTEM,
        "inbox/desktop.ini": intake.SKIP_SYSTEM,
        "inbox/junk.zip!__MACOSX/forms/._x.xlsx": intake.SKIP_MAC,
        "inbox/junk.zip!forms/.DS_Store": intake.SKIP_MAC,
        "inbox/junk.zip!forms/~$附件4.xlsx": intake.SKIP_LOCK,
        "inbox/mixed.eml!签名.jpg": "邮件附件不是表单（图片），已跳过",
        "inbox/mixed.eml!说明.docx": "邮件附件不是表单（Word 文档），已跳过",
        # a note beside the forms in a zip (it was a rejected "form", a reply drafted for a correct zip)
        "inbox/junk.zip!forms/说明.txt": "压缩包中的文件不是表单（文本文件），已跳过",
        # … also one level down, in a zip of its own (it was answered, the inner zip "empty")
        "inbox/nested.zip!其他/inner.zip!readme.txt": "压缩包中的文件不是表单（文本文件），已跳过",
        "inbox/财务处/.~lock.附件4.xlsm#": intake.SKIP_LO_LOCK,
        "inbox/教务处/~$附件4.xlsx": intake.SKIP_LOCK,
    }
    # every accepted input carries its bytes, and only accepted inputs carry a kind
    for i in inputs:
        assert (i.kind is None) == (i.rejection is not None)
        if i.kind:
            assert i.data and intake.sniff(i.data)[0] == i.kind
    macros = {i.path for i in inputs if i.has_macros}
    assert macros == {"inbox/财务处/附件4.xlsm"}


def test_walk_is_sorted_and_deterministic(inbox: Path):
    first, skipped = intake.walk_inbox(inbox.parent, inbox)
    assert [i.path for i in first] == sorted(i.path for i in first)
    assert [s.path for s in skipped] == sorted(s.path for s in skipped)
    again, skipped_again = intake.walk_inbox(inbox.parent, inbox)
    assert [(i.path, i.data, i.kind, i.mtime, i.mail, i.rejection) for i in first] == \
        [(i.path, i.data, i.kind, i.mtime, i.mail, i.rejection) for i in again]
    assert skipped == skipped_again


def test_member_paths_use_the_bang_notation(inbox: Path):
    inputs, _ = intake.walk_inbox(inbox.parent, inbox)
    for i in inputs:
        assert i.path.startswith("inbox/")
        container = i.path.split("!")[0]
        assert (inbox.parent / container).is_file(), i.path


def test_inbox_is_never_modified(inbox: Path):
    def snapshot():
        return {p: (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
                for p in sorted(inbox.rglob("*")) if p.is_file()}
    before = snapshot()
    intake.walk_inbox(inbox.parent, inbox)
    assert snapshot() == before


def test_missing_inbox(tmp_path: Path):
    with pytest.raises(FileNotFoundError):
        intake.walk_inbox(tmp_path, tmp_path / "inbox")


# -- zips --------------------------------------------------------------------------------------------------

def expand(tmp_path: Path, name: str, data: bytes):
    write(tmp_path, {name: data})
    return intake.expand_file(tmp_path / name, tmp_path)


def test_gbk_names_decode(tmp_path: Path):
    inputs, _ = expand(tmp_path, "回执.zip", H.gbk_zip())
    assert [i.path for i in inputs] == ["回执.zip!教务处/附件4_部门岗位风险点自查表.xlsx", "回执.zip!附件3（张三）.xlsx"]
    assert all(i.mtime == ZIP_TIME for i in inputs)


def test_gbk_names_that_are_valid_utf8_too(tmp_path: Path):
    """Many GBK names are valid UTF-8 byte sequences as well (谢颖 → "лӱ", 学校/史小平 → "ѧУ/ʷСƽ"): the reading
    made of Chinese characters is the one the author saw; real UTF-8 names without the flag still read as UTF-8."""
    assert "谢颖".encode("gb18030").decode("utf-8") == "лӱ"        # the trap this test is about
    gbk = H.make_zip({"谢颖.xlsx": H.tiny_xlsx(), "学校/史小平.xlsx": H.tiny_xlsx()}, encoding="gb18030")
    inputs, _ = expand(tmp_path, "gbk.zip", gbk)
    assert sorted(i.path for i in inputs) == ["gbk.zip!学校/史小平.xlsx", "gbk.zip!谢颖.xlsx"]
    utf8 = H.raw_zip([H.RawEntry("中文名称测试.xlsx".encode(), H.tiny_xlsx())])      # UTF-8, flag not set
    inputs, _ = expand(tmp_path, "utf8.zip", utf8)
    assert [i.path for i in inputs] == ["utf8.zip!中文名称测试.xlsx"]


def test_unicode_path_extra_field_wins(tmp_path: Path):
    legacy = "附件4.xlsx".encode("gb18030")
    utf8 = "附件4（修改）.xlsx".encode()
    extra = struct.pack("<HHBL", 0x7075, 5 + len(utf8), 1, zlib.crc32(legacy)) + utf8
    data = H.raw_zip([H.RawEntry(legacy, H.tiny_xlsx())])
    # splice the extra field into the central directory entry (raw_zip writes none)
    cd = data.index(b"PK\x01\x02")
    head = bytearray(data[cd:cd + 46])
    struct.pack_into("<H", head, 30, len(extra))
    end = data.index(b"PK\x05\x06")
    central = bytes(head) + legacy + extra
    eocd = bytearray(data[end:])
    struct.pack_into("<L", eocd, 12, len(central))
    inputs, _ = expand(tmp_path, "a.zip", data[:cd] + central + bytes(eocd))
    assert [i.path for i in inputs] == ["a.zip!附件4（修改）.xlsx"]


def test_traversal_members_are_not_read(tmp_path: Path):
    inputs, _ = expand(tmp_path, "t.zip", H.traversal_zip())
    unsafe = {i.path: i for i in inputs if i.rejection and i.rejection.code == F.ARCHIVE_UNSAFE_PATH}
    assert {i.rejection.value for i in unsafe.values()} == {
        "../evil.xlsx", "/abs.xlsx", "C:\\Windows\\win.xlsx", "a/../../b.xlsx"}
    assert all(i.data is None for i in unsafe.values())
    assert "“../evil.xlsx”" in unsafe["t.zip!../evil.xlsx"].rejection.message


@pytest.mark.parametrize("declared", ["quoted-printable", "x-uuencode", "8bit"])
def test_a_base64_attachment_declared_otherwise_is_read(tmp_path: Path, declared: str):
    """A mail program that labels a base64 attachment quoted-printable (or an unknown encoding): the workbook is read
    (it was "not an Excel/WPS workbook: a text file", of a correct form)."""
    form = H.tiny_xlsx({"A1": "x"})
    mail = H.make_eml([("附件4.xlsx", form)]).replace(b"Content-Transfer-Encoding: base64\r\nContent-Disposition",
                                                       f"Content-Transfer-Encoding: {declared}\r\nContent-Disposition"
                                                       .encode())
    inputs, _ = expand(tmp_path, "m.eml", mail)
    (only,) = inputs
    assert only.rejection is None and only.kind == "xlsx" and only.data == form


def test_a_damaged_member_of_an_archive_blames_the_archive(tmp_path: Path):
    """A zip whose member fails its checksum: the archive is damaged (send it packed again), not the workbook in it
    (it said "the file is damaged, save it as .xlsx again" of a form that was fine)."""
    good = H.tiny_xlsx({"A1": "x"})
    data = H.raw_zip([H.RawEntry("附件4.xlsx".encode(), good, flags=0x800, crc=zlib.crc32(good) ^ 1),
                      H.RawEntry("附件3.xlsx".encode(), good, flags=0x800)])
    inputs, _ = expand(tmp_path, "回执.zip", data)
    by = {i.path: i for i in inputs}
    bad = by["回执.zip!附件4.xlsx"].rejection
    assert bad.code == F.ARCHIVE_CORRUPT and "校验和不符" in bad.message and "重新打包" in bad.message
    assert by["回执.zip!附件3.xlsx"].rejection is None


@pytest.mark.parametrize("depth, ok", [(1, True), (2, True), (3, True), (4, False), (5, False)])
def test_archive_depth(tmp_path: Path, depth: int, ok: bool):
    inputs, _ = expand(tmp_path, "n.zip", H.nested_zip(depth))
    assert len(inputs) == 1
    (only,) = inputs
    if ok:
        assert only.kind == "xlsx" and only.path.count("!") == depth
    else:
        assert only.rejection.code == F.ARCHIVE_TOO_DEEP
        assert only.path.count("!") == intake.MAX_ARCHIVE_DEPTH
        assert "3 层" in only.rejection.message


def test_each_zip_member_is_checked_by_the_table_before_it_is_read(tmp_path: Path, monkeypatch):
    """A member declaring 100 MiB is never inflated: a workbook so large is rejected, any other file (a scan, a video
    beside the forms) skipped; the forms beside it are read (the whole archive was rejected, its forms lost)."""
    read = safety.read_member

    def read_small(zf, info, *args, **kwargs):
        assert info.file_size < safety.MAX_MEMBER_BYTES, "an oversized member was read"
        return read(zf, info, *args, **kwargs)
    monkeypatch.setattr(safety, "read_member", read_small)
    bomb = H.raw_zip([H.RawEntry(b"a.xlsx", H.tiny_xlsx()),
                      H.RawEntry("签字页扫描件.pdf".encode(), b"%PDF", declared_size=100 * safety.MiB),
                      H.RawEntry(b"big.xlsx", b"<a/>", declared_size=100 * safety.MiB)])
    inputs, skipped = expand(tmp_path, "bomb.zip", bomb)
    assert outcome(inputs) == {"bomb.zip!a.xlsx": ("xlsx", None), "bomb.zip!big.xlsx": (None, F.FILE_TOO_LARGE)}
    assert [s.path for s in skipped] == ["bomb.zip!签字页扫描件.pdf"] and "不是表单" in skipped[0].reason
    many = H.raw_zip([H.RawEntry(f"{i}.txt".encode(), b"x") for i in range(safety.MAX_MEMBERS + 1)])
    assert outcome(expand(tmp_path, "many.zip", many)[0]) == {"many.zip": (None, F.FILE_UNSAFE)}
    # a hundred names for one block of data: the archive refused as one (a reply for each name, none naming it)
    inputs = expand(tmp_path, "overlap.zip", H.overlapping_zip())[0]
    assert outcome(inputs) == {"overlap.zip": (None, F.FILE_UNSAFE)}
    assert "共用同一段数据" in inputs[0].rejection.message


def test_member_lying_about_its_size(tmp_path: Path):
    liar = H.raw_zip([H.RawEntry(b"a.xlsx", H.tiny_xlsx(), declared_size=1000)])
    inputs, _ = expand(tmp_path, "liar.zip", liar)
    assert outcome(inputs) == {"liar.zip!a.xlsx": (None, F.FILE_UNSAFE)}
    assert "成员大小与声明不符" in inputs[0].rejection.message


def test_encrypted_zip_member(tmp_path: Path):
    data = H.raw_zip([H.RawEntry(b"a.xlsx", H.tiny_xlsx(), flags=0x1)])
    inputs, _ = expand(tmp_path, "locked.zip", data)
    assert inputs[0].rejection.code in (getattr(F, "ARCHIVE_ENCRYPTED", F.FILE_ENCRYPTED), F.FILE_ENCRYPTED)


def test_an_ods_saved_with_a_password_is_encrypted_not_damaged(tmp_path: Path):
    """LibreOffice's 使用密码保存: an .ods whose manifest lists encryption data (its content.xml ciphertext). It was
    file-corrupt ("文件已损坏，请重新保存"): the sender re-saved it with the same password."""
    manifest = (b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                b'opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
                b'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                b'manifest:full-path="content.xml" manifest:media-type="text/xml" manifest:size="9000"><manifest:'
                b'encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0#sha256-1k">'
                b'<manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc"/>'
                b'</manifest:encryption-data></manifest:file-entry></manifest:manifest>')
    data = H.make_zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": os.urandom(4000),
                       "META-INF/manifest.xml": manifest})
    inputs, _ = expand(tmp_path, "附件3_张伟.ods", data)
    assert outcome(inputs) == {"附件3_张伟.ods": (None, F.FILE_ENCRYPTED)}
    assert "LibreOffice" in inputs[0].rejection.message


def test_expanded_bytes_are_bounded_per_inbox_file(tmp_path: Path, monkeypatch):
    inner = H.make_zip({"a.xlsx": H.tiny_xlsx(), "b.xlsx": H.tiny_xlsx()})
    outer = H.make_zip({"1.zip": inner, "2.zip": inner})
    monkeypatch.setattr(safety, "MAX_TOTAL_BYTES", 2 * len(inner) + 4 * len(H.tiny_xlsx()) - 1)
    inputs, _ = expand(tmp_path, "o.zip", outer)
    assert [i.rejection.code if i.rejection else "ok" for i in inputs] == ["ok", "ok", "ok", F.FILE_TOO_LARGE]


def test_unsafe_workbook_inside_a_zip_is_rejected_with_its_digest(tmp_path: Path):
    inputs, _ = expand(tmp_path, "z.zip", H.make_zip({"far.xlsx": H.far_cell_hidden()}))
    assert outcome(inputs) == {"z.zip!far.xlsx": (None, F.FILE_TOO_LARGE)}
    assert inputs[0].sha256 == hashlib.sha256(H.far_cell_hidden()).hexdigest()


def test_zip_holding_a_mail(tmp_path: Path):
    inputs, _ = expand(tmp_path, "z.zip", H.make_zip({"回复.eml": H.make_eml()}))
    assert outcome(inputs) == {"z.zip!回复.eml!附件4.xlsx": ("xlsx", None)}
    assert inputs[0].mail == PROVENANCE


# -- mails -------------------------------------------------------------------------------------------------

NAME = "附件3_个人岗位风险点自查表（李四）.xlsx"


@pytest.mark.parametrize("style", ["rfc2047", "rfc2047-q", "rfc2047-utf8", "rfc2231", "rfc2231-continued",
                                   "raw-gbk", "ascii"])
def test_attachment_names_decode(tmp_path: Path, style: str):
    name = "form-3.xlsx" if style == "ascii" else NAME
    inputs, skipped = expand(tmp_path, "m.eml", H.make_eml([(name, H.tiny_xlsx())], style=style))
    assert [i.path for i in inputs] == [f"m.eml!{name}"]
    assert inputs[0].kind == "xlsx" and inputs[0].data == H.tiny_xlsx()
    assert skipped == []


def test_gb2312_label_with_gbk_only_characters(tmp_path: Path):
    name = "附件3（朱镕基）.xlsx"  # 镕 is in GBK, not in GB2312: clients label such words GB2312 anyway
    word = "=?GB2312?B?" + base64.b64encode(name.encode("gbk")).decode() + "?="
    part = (f'Content-Type: application/octet-stream; name="{word}"\r\nContent-Transfer-Encoding: base64\r\n'
            f'Content-Disposition: attachment; filename="{word}"\r\n\r\n'
            + base64.b64encode(H.tiny_xlsx()).decode())
    inputs, _ = expand(tmp_path, "m.eml", H.make_eml([], extra_parts=[part]))
    assert [i.path for i in inputs] == [f"m.eml!{name}"]


def test_mail_provenance(tmp_path: Path):
    inputs, _ = expand(tmp_path, "m.eml", H.make_eml())
    (only,) = inputs
    assert only.mail == PROVENANCE
    assert only.mtime == MAIL_TIME


@pytest.mark.parametrize("date, expected", [
    ("Tue, 7 Mar 2023 10:15:00 +0800", "2023-03-07T10:15:00+08:00"),
    ("Tue, 07 Mar 2023 02:15:00 -0000", "2023-03-07T02:15:00+00:00"),
    # written by office and bulk-mail systems in no mail format: 北京时间 (they were no date at all, and a first draft
    # won over its correction by the file names' order)
    ("2023-03-07 10:15:00", "2023-03-07T10:15:00+08:00"),
    ("2023/3/7 9:05", "2023-03-07T09:05:00+08:00"),
    ("2023年3月7日 下午3:15", "2023-03-07T15:15:00+08:00"),
    ("2023年3月7日", "2023-03-07T00:00:00+08:00"),
    ("三月七日", None),
    (None, None),
    # as mail programs of Chinese offices write them: GMT+0800 (JavaScript, with 中国标准时间 after it), CST meaning
    # China Standard Time (Python reads US Central), Java's Date, no zone at all: 北京时间 (a mail of 23:30 on the
    # deadline was read as 07:30 the next day, or 13:30: counted late; a correction lost to the draft before it)
    ("Tue, 7 Mar 2023 23:30:00 GMT+0800", "2023-03-07T23:30:00+08:00"),
    ("Tue Mar 07 2023 23:30:00 GMT+0800 (中国标准时间)", "2023-03-07T23:30:00+08:00"),
    ("Tue, 7 Mar 2023 23:30:00 CST", "2023-03-07T23:30:00+08:00"),
    ("Tue Mar 07 23:30:00 CST 2023", "2023-03-07T23:30:00+08:00"),
    ("Tue, 7 Mar 2023 23:30:00", "2023-03-07T23:30:00+08:00"),
    ("Tue, 7 Mar 2023 15:30:00 GMT", "2023-03-07T15:30:00+00:00"),
    # zone names Python does not know (a colleague abroad): their offsets, not 北京时间
    ("Sun, 31 Mar 2024 16:30:00 CET", "2024-03-31T16:30:00+01:00"),
    ("Sun, 31 Mar 2024 16:30 JST", "2024-03-31T16:30:00+09:00"),
    ("2023年3月7日 星期二 上午10:00", "2023-03-07T10:00:00+08:00"),
    # a 12-hour clock (Outlook in English, a US locale): PM was dropped or read as a zone, a correction sent at 3:20 PM
    # lost to the draft of 9:00 AM (probe cc); 上午12:05 is five past midnight
    ("Friday, March 17, 2023 3:20 PM", "2023-03-17T15:20:00+08:00"),
    ("Fri, 17 Mar 2023 3:20 PM", "2023-03-17T15:20:00+08:00"),
    ("Fri, 17 Mar 2023 03:20:41 PM +0800", "2023-03-17T15:20:41+08:00"),
    ("Fri, 17 Mar 2023 12:30 AM +0800", "2023-03-17T00:30:00+08:00"),
    ("2023年3月17日 上午12:05", "2023-03-17T00:05:00+08:00"),
    ("2023/3/17 3:20 PM", "2023-03-17T15:20:00+08:00"),
])
def test_mail_date(tmp_path: Path, date, expected):
    inputs, _ = expand(tmp_path, "m.eml", H.make_eml(date=date))
    assert inputs[0].mail["date"] == expected


def test_a_mail_date_no_reader_knows_is_taken_from_its_received_header(tmp_path: Path):
    """A Date an office system wrote as no one reads it: the time the office's server took the mail in (it went
    without a time: a mail five days late counted as on time)."""
    mail = H.make_eml(date="下周五上午").replace(
        b"From: ", b"Received: from mx.example.edu.cn by mail.example.edu.cn; Fri, 5 Apr 2024 10:00:05 +0800\r\nFrom: ", 1)
    inputs, _ = expand(tmp_path, "m.eml", mail)
    assert inputs[0].mail["date"] == "2024-04-05T10:00:05+08:00"


@pytest.mark.parametrize("date, taken", [
    ("Thu, 25 Dec 2023 10:00:00 +0800", "2023-03-21T10:00:05+08:00"),     # the sender's clock months ahead
    ("Mon, 21 Mar 2022 10:00:00 +0800", "2023-03-21T10:00:05+08:00"),     # … reset to last year
    ("Tue, 21 Mar 2023 14:00:00 +0800", "2023-03-21T14:00:00+08:00"),     # hours off: the Date stands
    ("Sat, 18 Mar 2023 10:00:00 +0800", "2023-03-18T10:00:00+08:00"),     # a mail three days on the way
])
def test_a_mail_date_the_senders_clock_made_up_gives_way_to_the_servers_time(tmp_path: Path, date, taken):
    mail = H.make_eml(date=date).replace(
        b"From: ", b"Received: from mx.example.edu.cn by mail.example.edu.cn; Tue, 21 Mar 2023 10:00:05 +0800\r\nFrom: ",
        1)
    inputs, _ = expand(tmp_path, "m.eml", mail)
    assert inputs[0].mail["date"] == taken
    assert inputs[0].mail.get("date_basis") == ("received" if taken.endswith("05+08:00") else None)


def test_a_mail_fetched_weeks_later_was_sent_when_its_first_server_took_it(tmp_path: Path):
    """The office's mailbox fetched a mail of 20 March on 8 April (代收): its topmost Received is April, its sender's own
    server's is March, as its Date says. It was taken as sent in April (late, "the sender's clock wrong"); with no Date at
    all, the first server's time is when it was sent."""
    hops = (b"Received: from pop.example.com by mail.office.edu.cn; Tue, 8 Apr 2025 09:00:00 +0800\r\n"
            b"Received: from pc by smtp.sender.edu.cn; Thu, 20 Mar 2025 10:00:05 +0800\r\nFrom: ")
    mail = H.make_eml(date="Thu, 20 Mar 2025 10:00:00 +0800").replace(b"From: ", hops, 1)
    inputs, _ = expand(tmp_path, "m.eml", mail)
    assert inputs[0].mail["date"] == "2025-03-20T10:00:00+08:00" and "date_basis" not in inputs[0].mail
    inputs, _ = expand(tmp_path, "n.eml", H.make_eml(date=None).replace(b"From: ", hops, 1))
    assert inputs[0].mail["date"] == "2025-03-20T10:00:05+08:00" and inputs[0].mail["date_basis"] == "received"


def test_raw_8bit_headers(tmp_path: Path):
    mail = H.make_eml(subject="report", from_="reply@example.edu.cn")
    mail = mail.replace(b"Subject: report", "Subject: 附件4 回执".encode("gbk"))
    inputs, _ = expand(tmp_path, "m.eml", mail)
    assert inputs[0].mail["subject"] == "附件4 回执"


def test_a_windows_path_in_a_raw_attachment_name_gives_the_file_name(tmp_path: Path):
    """Old Outlook, Foxmail and Lotus put the whole path, raw GBK, into the name: the file's name is its last part
    (the backslashes were undone as quoted pairs: "C:Users郑三Desktop附件3_郑三.xlsx" in 来源文件)."""
    name = r"C:\Users\郑三\Desktop\附件3_郑三.xlsx".encode("gbk")
    head = (b'From: jwc@example.edu.cn\r\nSubject: report\r\nDate: Mon, 20 Mar 2023 09:00:00 +0800\r\n'
            b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\n'
            b'Content-Type: text/plain\r\n\r\nhi\r\n--B\r\n'
            b'Content-Type: application/octet-stream; name="' + name + b'"\r\n'
            b'Content-Disposition: attachment; filename="' + name + b'"\r\nContent-Transfer-Encoding: base64\r\n\r\n')
    mail = head + base64.encodebytes(H.tiny_xlsx()).replace(b"\n", b"\r\n") + b"--B--\r\n"
    inputs, _ = expand(tmp_path, "m.eml", mail)
    assert [i.path for i in inputs] == ["m.eml!附件3_郑三.xlsx"]


def test_forwarded_mail_keeps_its_own_provenance(tmp_path: Path):
    inputs, skipped = expand(tmp_path, "fw.eml", H.forwarded_eml())
    (only,) = inputs
    assert only.path == "fw.eml!附件3 李四.eml!附件4.xlsx"
    # its own sender and date; a reply goes to whoever forwarded it to the office
    assert only.mail == {"from": "lisi@example.edu.cn", "date": "2023-03-07T10:15:00+08:00",
                         "subject": "附件3 李四", "address": "lisi@example.edu.cn",
                         "forwarded_by": "zhangsan@example.edu.cn"}
    assert [s.path for s in skipped] == []


def test_a_mail_forwarded_as_a_file_is_forwarded_too(tmp_path: Path):
    """QQ Mail and 163 forward "作为附件" as application/octet-stream 某某.eml: the same as a message/rfc822 part, its
    reply to whoever forwarded it (it went to the colleague, the secretary who collected the forms never told)."""
    inner = H.make_eml(subject="附件3 李四", from_="lisi@example.edu.cn")
    mail = H.make_eml([], subject="转发：附件3 李四", date="Wed, 08 Mar 2023 08:00:00 +0800",
                      extra_parts=[H.attachment_part("李四的自查表.eml", inner)])
    (only,) = expand(tmp_path, "fw.eml", mail)[0]
    assert only.path == "fw.eml!李四的自查表.eml!附件4.xlsx"
    assert only.mail["address"] == "lisi@example.edu.cn" and only.mail["forwarded_by"] == "zhangsan@example.edu.cn"
    assert only.mail["date"] == "2023-03-07T10:15:00+08:00"
    # zipped, or saved with a mailbox's From line (probe cd): forwarded just the same
    for name, data in (("转来的邮件.zip", H.make_zip({"李四的自查表.eml": inner})),
                       ("李四的自查表.eml", b"From lisi@example.edu.cn Tue Mar  7 10:15:00 2023\n" + inner)):
        mail = H.make_eml([], subject="转发：附件3 李四", extra_parts=[H.attachment_part(name, data)])
        (only,) = expand(tmp_path, f"fw-{len(name)}.eml", mail)[0]
        assert only.mail["forwarded_by"] == "zhangsan@example.edu.cn", (name, only.mail)


def test_mail_without_a_form(tmp_path: Path):
    inputs, skipped = expand(tmp_path, "m.eml", H.inline_image_eml())
    (only,) = inputs
    assert (only.path, only.kind, only.rejection.code, only.rejection.value) == \
        ("m.eml", None, F.MAIL_NO_ATTACHMENT, "表格稍后发送")
    assert only.mail["subject"] == "表格稍后发送"
    assert skipped == []  # the inline logo is part of the body, not a skipped attachment


def test_mail_with_only_a_picture(tmp_path: Path):
    mail = H.make_eml([], extra_parts=[H.attachment_part("扫描件.png", H.png(), "image/png")])
    inputs, skipped = expand(tmp_path, "m.eml", mail)
    assert outcome(inputs) == {"m.eml": (None, F.MAIL_NO_FORM)}     # (a scan: not "no attachment")
    assert "扫描件.png（图片）" in inputs[0].rejection.message
    assert [(s.path, s.reason) for s in skipped] == [("m.eml!扫描件.png", "邮件附件不是表单（图片），已跳过")]


def test_a_flat_ods_mailed_is_a_table_to_save_again_not_a_scan(tmp_path: Path):
    """A .fods attached to a mail is said as the table it is, with LibreOffice to save it as .xlsx (it was "the mail
    holds no form, do not send scans or photos", and the advice to open it in Excel, which cannot)."""
    fods = (b'<?xml version="1.0"?><office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            b'office:mimetype="application/vnd.oasis.opendocument.spreadsheet"/>')
    inputs, _ = expand(tmp_path, "m.eml", H.make_eml([("附件3_张三.fods", fods)]))
    assert outcome(inputs) == {"m.eml!附件3_张三.fods": (None, F.FILE_UNKNOWN_FORMAT)}
    assert "用 LibreOffice 打开它、另存为 .xlsx" in inputs[0].rejection.message
    # (and not, in the same message, to fill the issued form in again in Excel or WPS)
    assert "Excel 或 WPS 打开" not in inputs[0].rejection.message


@pytest.mark.parametrize("name, ctype, says", [
    ("winmail.dat", "application/ms-tnef", "winmail.dat"),
    ("smime.p7m", "application/pkcs7-mime", "S/MIME"),
    ("回复.msg", "application/vnd.ms-outlook", ".msg"),
])
def test_attachments_wrapping_the_form_are_explained(tmp_path: Path, name, ctype, says):
    """Outlook's winmail.dat, an S/MIME body, an attached .msg: the form may be inside, formkit cannot reach it.
    The attachment is an input rejected with the reason (so 问题清单 and the reply draft say what to do), not a
    mail 'without attachments'."""
    part = H.attachment_part(name, b"\x78\x9f\x3e\x22" + b"\0" * 40, ctype)
    inputs, skipped = expand(tmp_path, "m.eml", H.make_eml([], extra_parts=[part]))
    assert outcome(inputs) == {f"m.eml!{name}": (None, F.MAIL_ATTACHMENT_UNREADABLE)}
    assert says in inputs[0].rejection.message and skipped == []


def test_a_forwarded_mail_sent_base64_encoded_is_read(tmp_path: Path):
    inner = H.make_eml()          # a mail with 附件4.xlsx attached
    import base64

    b64 = base64.encodebytes(inner).decode()
    mail = ("From: a@example.edu.cn\r\nSubject: Fw: 附件4\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
            "见转发\r\n--b\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n"
            'Content-Disposition: attachment; filename="fw.eml"\r\n\r\n' + b64 + "\r\n--b--\r\n").encode()
    inputs, _ = expand(tmp_path, "m.eml", mail)
    assert [(i.path, i.kind) for i in inputs] == [("m.eml!fw.eml!附件4.xlsx", "xlsx")]


def test_unreadable_mail(tmp_path: Path):
    inputs, _ = expand(tmp_path, "m.eml", b"\x00\x01\x02 not a mail")
    assert outcome(inputs) == {"m.eml": (None, F.MAIL_CORRUPT)}


def test_mail_recognised_without_its_extension(tmp_path: Path):
    inputs, _ = expand(tmp_path, "回复邮件", H.make_eml())
    assert [i.path for i in inputs] == ["回复邮件!附件4.xlsx"]


def test_decode_words():
    assert intake.decode_words(H.header("附件4 教务处", "gb2312")) == "附件4 教务处"
    assert intake.decode_words("=?utf-8?b?6ZmE5Lu2?= =?utf-8?b?NA==?=") == "附件4"
    assert intake.decode_words("Re: =?gbk?Q?=B8=BD=BC=FE4?= 回执") == "Re: 附件4 回执"
    assert intake.decode_words("=?x-unknown?B?YWJj?=") == "abc"
    # Python's escape codecs are no mail charset; a lone surrogate or a control character never gets through
    assert intake.decode_words("=?unicode-escape?q?=5Cud800?=") == "\\ud800"
    # text between encoded words is shown as written: a literal \u0041 or \ud800 typed in a subject stays so
    assert intake.decode_words("=?utf-8?b?5pWZ5Yqh5aSE?= \\ud800") == "教务处 \\ud800"
    assert intake.decode_words("=?utf-8?b?5pWZ5Yqh5aSE?= D:\\u0041pp\\x.xlsx") == "教务处 D:\\u0041pp\\x.xlsx"
    # a GBK character split across two encoded words (some clients do): joined before decoding
    assert intake.decode_words("=?gbk?B?vczO?= =?gbk?B?8bSm?=") == "教务处"
    assert intake.decode_words("=?utf-8?q?a=07b=1B[2J?=") == "ab[2J"


@pytest.mark.parametrize("raw, address", [
    ("=?utf-8?b?546L6Iqz?= <wf@x.edu.cn>", "wf@x.edu.cn"),
    ("=?utf-8?b?KOeOi+iKsywg5pWZ5Yqh5aSEKQ==?= <wf@x.edu.cn>", "wf@x.edu.cn"),    # "(王芳, 教务处)": one sender
    ("=?utf-8?b?546L6IqzDQpCY2M6IHNweUBldmlsLmNvbQ==?= <wf@x.edu.cn>", "wf@x.edu.cn"),   # a line break in the name
    ("=?utf-8?b?546L6Iqz?=", ""),                                                   # a name, no address
    ("王芳@x.edu.cn", ""),                                                          # no mail program sends to it
    # the whole header in one encoded word (scripts, old systems; not RFC 2047): the one address inside (it was "":
    # the reply had no recipient, the mail no department)
    ("=?utf-8?b?5L2V6Z2ZIDxoZWppbmdAeC5lZHUuY24+?=", "hejing@x.edu.cn"),
    ("=?utf-8?q?a@b.cn,_c@d.cn?=", ""),                                             # two: neither
])
def test_a_replys_address_comes_from_the_raw_header(raw, address):
    assert intake.sender_address(raw) == address


# -- single files ------------------------------------------------------------------------------------------

def test_expand_file_keeps_disk_mtime(tmp_path: Path):
    write(tmp_path, {"inbox/a.xlsx": H.tiny_xlsx()})
    os.utime(tmp_path / "inbox/a.xlsx", (1_700_000_000, 1_700_000_000))
    inputs, skipped = intake.expand_file(tmp_path / "inbox/a.xlsx", tmp_path)
    assert [(i.path, i.kind, i.mtime) for i in inputs] == [("inbox/a.xlsx", "xlsx", 1_700_000_000)]
    assert skipped == []


def test_expand_file_outside_the_working_folder(tmp_path: Path):
    write(tmp_path, {"elsewhere/a.xlsx": H.tiny_xlsx()})
    (tmp_path / "work").mkdir()
    inputs, _ = intake.expand_file(tmp_path / "elsewhere/a.xlsx", tmp_path / "work")
    assert inputs[0].path == (tmp_path / "elsewhere/a.xlsx").as_posix()


def test_expand_file_skips_a_lock_file(tmp_path: Path):
    write(tmp_path, {"~$a.xlsx": b"\0" * 162})
    assert intake.expand_file(tmp_path / "~$a.xlsx", tmp_path) == ([], [intake.Skipped("~$a.xlsx", intake.SKIP_LOCK)])


@pytest.mark.parametrize("name, reason", [
    ("~$附件4.xlsx", intake.SKIP_LOCK),
    (".~lock.附件4.xlsx#", intake.SKIP_LO_LOCK),
    (".DS_Store", intake.SKIP_MAC),
    ("._附件4.xlsx", intake.SKIP_MAC),
    ("Thumbs.db", intake.SKIP_SYSTEM),
    ("desktop.ini", intake.SKIP_SYSTEM),
    (".gitkeep", intake.SKIP_HIDDEN),
    ("附件4.xlsx", None),
    ("a/~$b.xlsx", intake.SKIP_LOCK),
    ("陈一\\.xlsx", None),           # a backslash is a character of a name on disk (it was taken for a folder)
])
def test_skip_reason(name, reason):
    assert intake.skip_reason(name) == reason


def test_a_file_whose_name_holds_a_backslash_is_read(tmp_path: Path):
    """陈一\\.xlsx on disk (saved by a Linux or macOS client with the characters Windows forbids): read, not skipped as
    a hidden file (the form was lost, merge said nothing)."""
    write(tmp_path, {"陈一\\.xlsx": H.tiny_xlsx()})
    inputs, skipped = intake.expand_file(tmp_path / "陈一\\.xlsx", tmp_path)
    assert [i.path for i in inputs] == ["陈一\\.xlsx"] and skipped == []


def test_deeply_nested_mime_parts_stop(tmp_path: Path):
    body = H.attachment_part("a.xlsx", H.tiny_xlsx())
    for i in range(intake.MAX_MIME_LEVELS + 10):
        body = f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n{body}\r\n--b{i}--'
    mail = ("From: a@example.edu.cn\r\nSubject: x\r\nMIME-Version: 1.0\r\n" + body).encode()
    inputs, skipped = expand(tmp_path, "deep.eml", mail)
    # said as what it is (it said "no attachment"; the attachment is there, too deep to be read)
    assert outcome(inputs) == {"deep.eml": (None, F.MAIL_CORRUPT)}
    assert "嵌套过深" in inputs[0].rejection.message
    assert [s.reason for s in skipped] == ["邮件结构嵌套过深，其余部分已跳过"]


def test_a_mail_nested_past_the_parsers_depth_is_said_in_words(tmp_path: Path):
    """2,000 levels of MIME parts: the parser gives up; the finding says why in Chinese (it said RecursionError)."""
    body = H.attachment_part("a.xlsx", H.tiny_xlsx())
    for i in range(2000):
        body = f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n{body}\r\n--b{i}--'
    mail = ("From: a@example.edu.cn\r\nSubject: x\r\nMIME-Version: 1.0\r\n" + body).encode()
    inputs, _ = expand(tmp_path, "deep.eml", mail)
    assert outcome(inputs) == {"deep.eml": (None, F.MAIL_CORRUPT)}
    message = inputs[0].rejection.message
    assert "嵌套过深" in message and "Error" not in message, message


def test_members_of_a_zip_on_disk_are_read_from_one_open_archive_but_never_stale(tmp_path: Path):
    """A department's archive of many forms is opened once for all its members (its table is not parsed
    again for each), and an archive replaced on disk is opened afresh."""
    archive = tmp_path / "报送.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for i in range(3):
            zf.writestr(f"表{i}.xlsx", f"first {i}".encode())
    assert [intake.read_zip_member(str(archive), i) for i in range(3)] == [b"first 0", b"first 1", b"first 2"]
    kept = intake.open_zip_on_disk(str(archive))
    assert intake.open_zip_on_disk(str(archive)) is kept
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("表0.xlsx", b"second, longer")
    assert intake.read_zip_member(str(archive), 0) == b"second, longer"
    assert intake.open_zip_on_disk(str(archive)) is not kept


def _is_inherited(path: str, kept_id: int, conn) -> None:
    conn.send(id(intake.open_zip_on_disk(path)) == kept_id)


def test_a_forked_worker_never_reads_through_the_parents_open_archive(tmp_path: Path):
    """A descriptor inherited through fork shares its file position with the parent and every other worker:
    concurrent reads through it would interleave. Each process opens the archive itself."""
    import multiprocessing

    archive = tmp_path / "报送.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("表.xlsx", b"x" * 100)
    kept = intake.open_zip_on_disk(str(archive))
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_is_inherited, args=(str(archive), id(kept), send))
    child.start()
    inherited = recv.recv()
    child.join(10)
    assert inherited is False
    assert intake.open_zip_on_disk(str(archive)) is kept         # this process keeps its own


def test_rejected_members_keep_their_digest_not_their_bytes(tmp_path: Path):
    """A zip of many unreadable 1 MiB members (each within the ratio rule): every one is reported with the digest
    of its bytes, and none of those bytes is held on to (four such zips made the merge hold a gigabyte)."""
    import io

    members = {f"{i}.xlsx": bytes([i]) * safety.MiB for i in range(5)}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    write(tmp_path, {"inbox/填充.zip": buf.getvalue()})
    for lazy in (False, True):
        inputs, _ = intake.walk_inbox(tmp_path, tmp_path / "inbox", lazy=lazy)
        assert len(inputs) == 5 and all(i.rejection is not None for i in inputs)
        assert all(i._data is None for i in inputs)
        assert {i.path.split("!")[1]: i.sha256 for i in inputs} == \
            {name: hashlib.sha256(data).hexdigest() for name, data in members.items()}


def test_links_in_the_inbox_are_not_followed(tmp_path: Path):
    """A symbolic link to a file (outside inbox/, say /etc/passwd) is skipped like a link to a folder: never read,
    hashed or reported as a submission."""
    write(tmp_path, {"inbox/a.xlsx": H.tiny_xlsx(), "elsewhere/secret.txt": b"root:x:0:0"})
    (tmp_path / "inbox/passwd.xlsx").symlink_to(tmp_path / "elsewhere/secret.txt")
    (tmp_path / "inbox/folder").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    for lazy in (False, True):
        inputs, skipped = intake.walk_inbox(tmp_path, tmp_path / "inbox", lazy=lazy)
        assert [i.path for i in inputs] == ["inbox/a.xlsx"]
        assert {s.path: s.reason.split("，")[0] for s in skipped} == {
            "inbox/passwd.xlsx": "文件的快捷方式（符号链接）", "inbox/folder/": "文件夹的快捷方式（符号链接）"}


def test_zip_member_times_are_the_senders_local_time_or_the_utc_stamp(tmp_path: Path):
    """A zip's DOS times are the zipping computer's clock (北京时间 for the campaign's senders, whatever zone this
    machine is in); an extended timestamp (UTC), where the tool wrote one, is taken as it is."""
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        plain = zipfile.ZipInfo("a.xlsx", (2023, 3, 20, 9, 0, 0))
        zf.writestr(plain, H.tiny_xlsx())
        stamped = zipfile.ZipInfo("b.xlsx", (2023, 3, 20, 9, 0, 0))
        stamped.extra = struct.pack("<HHBi", 0x5455, 5, 1, 1679300000)
        zf.writestr(stamped, H.tiny_xlsx({"A1": "b"}))
    inputs, _ = expand(tmp_path, "z.zip", buf.getvalue())
    times = {i.path: i.mtime for i in inputs}
    assert times["z.zip!a.xlsx"] == datetime(2023, 3, 20, 9, tzinfo=timezone(timedelta(hours=8))).timestamp()
    assert times["z.zip!b.xlsx"] == 1679300000


def test_a_file_this_computer_cannot_read_is_no_senders_fault(tmp_path: Path):
    """A file gone from the inbox while the merge ran (or one this account may not read): inbox-unreadable, which
    asks the coordinator to look on this computer, not file-read-failed, which asks the sender to resend."""
    data, problem = intake.read_disk_file(tmp_path / "已移走.xlsx")
    assert data is None and problem.code == F.INBOX_UNREADABLE
    assert "移走或删除" in problem.message and "已移走.xlsx" in problem.message and "重新发送" not in problem.message



def test_the_parts_of_a_split_archive_are_said_so(tmp_path: Path):
    """A zip split into parts (分卷: 表.z01 + 表.zip by WinZip/Info-ZIP, 表.zip.001 … by 7-Zip): the parts were "damaged,
    save again as .xlsx" and "not a workbook", advice that fits no archive; each is now a split archive's part."""
    whole = H.make_zip({"附件3_张三.xlsx": H.tiny_xlsx(), "附件3_李四.xlsx": H.tiny_xlsx()})
    cut = len(whole) // 2
    first = b"PK\x07\x08" + whole[:cut]                   # WinZip's first part begins with the split signature
    at = whole.rfind(b"PK\x05\x06")                      # … and the last one's directory names its disk
    last = whole[cut:at + 4] + struct.pack("<HH", 1, 1) + whole[at + 8:]
    for name, data in (("表.z01", first), ("表.zip", last), ("表.zip.001", whole[:cut]), ("表.zip.002", whole[cut:])):
        inputs, _ = expand(tmp_path, name, data)
        assert [(i.path, i.rejection.code if i.rejection else None) for i in inputs] == [(name, F.ARCHIVE_SPLIT)], name
        assert "不要分卷" in inputs[0].rejection.message and "另存为" not in inputs[0].rejection.message
    inputs, _ = expand(tmp_path, "whole.zip", whole)      # (a whole zip is opened as ever)
    assert [i.rejection for i in inputs] == [None, None]


def test_archives_other_than_zip_in_mails_are_named_not_skipped(tmp_path: Path):
    """A RAR or 7z attachment (common in China) holds the forms but cannot be opened: a rejected input whose reason
    says to unpack or use zip (it gets a reply), not a mail "without attachment" nor a silently skipped part; in a
    zip too. (A signed scan in a zip stays a rejected input with no reply: test_feedback.)"""
    rar = b"Rar!\x1a\x07\x01\x00" + bytes(64)
    mail = H.make_eml([("教务处廉政风险表.rar", rar)])
    inputs, skipped = expand(tmp_path, "来信.eml", mail)
    assert [(i.path, i.rejection.code) for i in inputs] == [("来信.eml!教务处廉政风险表.rar", F.ARCHIVE_UNSUPPORTED)]
    assert "解压" in inputs[0].rejection.message and "zip" in inputs[0].rejection.message
    zipped = H.make_zip({"附件3.xlsx": H.tiny_xlsx(), "个人表.7z": b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(64)})
    inputs, skipped = expand(tmp_path, "报送.zip", zipped)
    assert {i.path: (i.rejection.code if i.rejection else None) for i in inputs} == {
        "报送.zip!附件3.xlsx": None, "报送.zip!个人表.7z": F.ARCHIVE_UNSUPPORTED}


def test_an_outlook_msg_in_the_inbox_is_the_coordinators_to_open(cfg, workdir):
    """A mail saved from Outlook as .msg: formkit cannot read it; the coordinator is told how to get the form out
    (save the attachment, or the mail as .eml), and no reply asks the department to send again."""
    from formkit.merge import merge

    (workdir / "inbox/教务处 附件4.msg").write_bytes(H.outlook_msg())
    result = merge(cfg)
    res = result.analysis.inputs[0]
    assert res.status == "rejected" and [f.code for f in res.findings] == [F.MAIL_FILE_UNSUPPORTED]
    assert "另存" in res.findings[0].message and ".eml" in res.findings[0].message
    assert not result.outputs["mail_drafts"] or all("催报" in p for p in result.outputs["mail_drafts"])


def test_a_mailbox_file_is_read_mail_by_mail(tmp_path: Path):
    """A Thunderbird/Foxmail mailbox export (mbox: mails each after a "From " line) holds several departments'
    mails: each is read as a mail; a single mail saved with its "From " line and no .eml is a mail too."""
    one = H.make_eml([("附件4.xlsx", H.tiny_xlsx())], subject="附件4 教务处")
    two = H.make_eml([("附件3（张三）.xlsx", H.tiny_xlsx())], subject="附件3 张三", date="Tue, 14 Mar 2023 10:00:00 +0800")
    mbox = b"From jwc@example.edu.cn Mon Mar 13 09:00:00 2023\n" + one.replace(b"\r\n", b"\n") + b"\n\n" \
        + b"From zs@example.edu.cn Tue Mar 14 10:00:00 2023\n" + two.replace(b"\r\n", b"\n") + b"\n"
    inputs, skipped = expand(tmp_path, "收件箱", mbox)
    assert sorted(i.path for i in inputs) == ["收件箱!第1封邮件.eml!附件4.xlsx", "收件箱!第2封邮件.eml!附件3（张三）.xlsx"]
    assert all(i.rejection is None and i.mail for i in inputs)
    inputs, _ = expand(tmp_path, "一封信", b"From jwc@example.edu.cn Mon Mar 13 09:00:00 2023\n" + one)
    assert [i.path for i in inputs] == ["一封信!附件4.xlsx"]
    # the correspondence around the forms in the same export (“收到，月底前报送”, no attachment): listed as skipped,
    # not a mail without its form (it was rejected: a reply about "第3封邮件.eml" every round, merge never exit 0)
    chat = H.make_eml([], subject="Re: 关于报送廉政风险表的通知", body="收到，我们月底前报送。")
    inputs, skipped = expand(tmp_path, "收件箱2", mbox + b"From cw@example.edu.cn Wed Mar 15 10:00:00 2023\n"
                             + chat.replace(b"\r\n", b"\n") + b"\n")
    assert sorted(i.path for i in inputs) == ["收件箱2!第1封邮件.eml!附件4.xlsx", "收件箱2!第2封邮件.eml!附件3（张三）.xlsx"]
    assert [s.path for s in skipped] == ["收件箱2!第3封邮件.eml"] and "没有附件" in skipped[0].reason


def test_an_archive_of_archives_is_one_input_said_once(tmp_path):
    """A 42.zip-style archive (13 x 13 x 13 members: 2,197 files, a few KB) or a mail of thousands of attachments:
    one rejected input for the inbox file, not thousands of rejections (and as many reply drafts)."""
    leaf = H.make_zip({f"{i}.txt": b"x" for i in range(13)})
    middle = H.make_zip({f"{i}.zip": leaf for i in range(13)})
    top = H.make_zip({f"{i}.zip": middle for i in range(13)})
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "资料.zip").write_bytes(top)
    (inbox / "正常.zip").write_bytes(H.make_zip({"附件4.xlsx": H.tiny_xlsx()}))
    raws, _ = intake.walk_inbox(tmp_path, inbox)
    mine = [r for r in raws if r.path.startswith("inbox/资料.zip")]
    assert [(r.path, r.rejection.code) for r in mine] == [("inbox/资料.zip", F.FILE_TOO_LARGE)]
    assert "2000" in mine[0].rejection.message
    assert [r.path for r in raws if r.path.startswith("inbox/正常.zip")] == ["inbox/正常.zip!附件4.xlsx"]


def test_a_zip_cut_short_is_not_read_as_its_last_member(tmp_path: Path):
    """Two workbooks zipped without compression (as some tools store .xlsx), the download cut 40 bytes short: the last
    directory in the file is the second workbook's own, so the archive read as that one workbook (accepted, exit 0)
    and the first was lost without a word. It is a damaged archive."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("郑四.xlsx", H.tiny_xlsx({"A1": "附件3"}))
        zf.writestr("吴三.xlsx", H.tiny_xlsx({"A1": "附件3"}))
    inputs, _ = expand(tmp_path, "教务处报送.zip", buf.getvalue()[:-40])
    assert outcome(inputs) == {"教务处报送.zip": (None, F.ARCHIVE_CORRUPT)}
    from formkit import safety

    assert safety.check_zip_bytes(H.tiny_xlsx({"A1": "x"})) is None      # a whole workbook is no such case


def test_a_zip_with_zip64_end_records_is_whole(tmp_path: Path):
    """Info-ZIP writes zip64 end records before the end record when it zips a stream (`cat 附件2.xlsx | zip a.zip -`),
    for a small archive too: the directory ends where they begin; such a zip was taken for one cut short."""
    import io
    import struct
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("附件4.xlsx", H.tiny_xlsx({"A1": "附件4"}))
    data = buf.getvalue()
    pos = data.rfind(b"PK\x05\x06")
    _sig, _d, _cd, here, total, cd_size, cd_offset, _c = struct.unpack_from("<4s4H2LH", data, pos)
    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, here, total, cd_size, cd_offset)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, pos, 1)
    with_records = data[:pos] + record + locator + data[pos:]
    assert zipfile.ZipFile(io.BytesIO(with_records)).testzip() is None
    inputs, _ = expand(tmp_path, "教务处.zip", with_records)
    assert outcome(inputs) == {"教务处.zip!附件4.xlsx": ("xlsx", None)}


def test_a_mailbox_of_many_mails_of_correspondence_keeps_its_forms(tmp_path: Path):
    """A mailbox export of 2,100 mails without attachments and one with a form: the form is read (each mail's body
    counted against the 2,000 members an inbox file may yield: the whole export was refused, the form with it)."""
    chat = H.make_eml([], subject="收到", body="收到，谢谢。").replace(b"\r\n", b"\n")
    form = H.make_eml([("附件4.xlsx", H.tiny_xlsx())], subject="附件4 教务处").replace(b"\r\n", b"\n")
    mails = [chat] * 2100 + [form]
    mbox = b"".join(b"From x@example.edu.cn Mon Mar 13 09:00:00 2023\n" + m + b"\n\n" for m in mails)
    inputs, skipped = expand(tmp_path, "收件箱.mbox", mbox)
    assert [(i.path, i.rejection) for i in inputs] == [("收件箱.mbox!第2101封邮件.eml!附件4.xlsx", None)]
    assert len(skipped) == 2100


@pytest.mark.parametrize("lead", [b"\xef\xbb\xbf", b"\r\n", b"\xef\xbb\xbf\r\n\r\n"])
def test_a_mail_saved_with_a_bom_or_blank_lines_before_its_header_is_read(tmp_path: Path, lead: bytes):
    """A mail re-saved by Notepad (a UTF-8 byte order mark) or downloaded from webmail (a blank line first) was "corrupt,
    no header": its forms lost, no department, a reply with no recipient."""
    inputs, _ = expand(tmp_path, "回执.eml", lead + H.make_eml())
    assert [(i.path, i.rejection) for i in inputs] == [("回执.eml!附件4.xlsx", None)]
    assert inputs[0].mail["address"] == "zhangsan@example.edu.cn"


def test_a_zip_inside_a_zip_larger_than_a_form_is_opened(tmp_path: Path):
    """A department's zip holding another zip (李娜's form beside a 70 MB scan, stored): the inner zip is opened and only
    the scan left out (the inner zip, over a form's 64 MiB, was rejected whole: her form lost)."""
    inner = H.raw_zip([H.RawEntry("李娜附件3.xlsx".encode(), H.tiny_xlsx(), flags=0x800),
                       H.RawEntry("签字页.pdf".encode(), b"%PDF" + b"\x00" * (safety.MAX_MEMBER_BYTES + 1),
                                  method=zipfile.ZIP_STORED, flags=0x800)])
    assert len(inner) > safety.MAX_MEMBER_BYTES
    with zipfile.ZipFile(tmp_path / "x.zip", "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("个人表/个人表.zip", inner)
    inputs, skipped = expand(tmp_path, "教务处.zip", (tmp_path / "x.zip").read_bytes())
    assert outcome(inputs) == {"教务处.zip!个人表/个人表.zip!李娜附件3.xlsx": ("xlsx", None)}
    assert [s.path for s in skipped] == ["教务处.zip!个人表/个人表.zip!签字页.pdf"]


def test_a_mail_forwarded_too_many_times_is_said_as_such(tmp_path: Path):
    """A form forwarded as an attachment more times than the nesting limit: refused as a forward chain too deep (it
    was said to be an archive nested too deep, and to be unzipped)."""
    import email.message
    import email.policy

    def forward(inner: email.message.EmailMessage | None, k: int) -> email.message.EmailMessage:
        m = email.message.EmailMessage()
        m["From"], m["Subject"] = f"转发{k} <f{k}@example.edu.cn>", "Fw: 附件3"
        m.set_content("转发")
        if inner is None:
            m.add_attachment(H.tiny_xlsx(), maintype="application", subtype="octet-stream", filename="附件3.xlsx")
        elif k % 2:       # forwarded as a mail, and as an .eml file, as clients do
            m.add_attachment(inner.as_bytes(policy=email.policy.SMTP), maintype="application",
                             subtype="octet-stream", filename="原邮件.eml")
        else:
            m.add_attachment(inner)
        return m
    mail = None
    for k in range(intake.MAX_NESTING + 2):
        mail = forward(mail, k)
    inputs, _ = expand(tmp_path, "转发.eml", mail.as_bytes(policy=email.policy.SMTP))
    assert [i.rejection.code for i in inputs] == [F.MAIL_TOO_DEEP]
    assert "转发" in inputs[0].rejection.message and "压缩包嵌套" not in inputs[0].rejection.message


def test_a_mail_larger_than_any_mail_service_sends_is_answered_not_parsed(tmp_path: Path, monkeypatch):
    """A mail over MAX_MAIL_BYTES (a video beside the form): refused as too large, saying to send the forms alone (the
    parser held it ten times over in the merge process: 2.8 GB for a 246 MB mail)."""
    monkeypatch.setattr(intake, "MAX_MAIL_BYTES", 2 * 1024 * 1024)
    mail = H.make_eml([("附件3.xlsx", H.tiny_xlsx()), ("视频.mp4", os.urandom(3 * 1024 * 1024))], subject="附件3")
    inputs, _ = expand(tmp_path, "大邮件.eml", mail)
    assert [(i.path, i.rejection.code) for i in inputs] == [("大邮件.eml", F.MAIL_TOO_LARGE)]
    assert "只把填好的表单作为附件发送" in inputs[0].rejection.message
    assert inputs[0].mail["address"] == "zhangsan@example.edu.cn"     # (its header read: the reply has a recipient)


def _mail_ending_in(encoded: str, filename: str = "cwc.xlsx") -> bytes:
    """A mail that ends inside its base64 attachment (`encoded`, as much of it as there is): no closing boundary."""
    return ("From: 财务处 <cwc@example.edu.cn>\nTo: jjc@example.edu.cn\nSubject: form\nMIME-Version: 1.0\n"
            "Content-Type: multipart/mixed; boundary=XX\n\n--XX\nContent-Type: text/plain\n\n您好\n--XX\n"
            "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n"
            f"Content-Disposition: attachment; filename=\"{filename}\"\n\n" + encoded + "\n").encode()


def test_a_mail_cut_off_inside_its_attachment_is_said_to_be_incomplete(tmp_path: Path):
    """A mail cut off in the middle of its base64 .xlsx (a half download, a size limit): the attachment is incomplete,
    to be sent again (it was "not an Excel workbook (a text file) … save it as .xlsx")."""
    import base64

    encoded = base64.b64encode(H.tiny_xlsx()).decode()
    cut = encoded[:len(encoded) // 8 * 4 + 1]          # half of it and one character: no whole 4-character group
    inputs, _ = expand(tmp_path, "m.eml", _mail_ending_in(cut))
    (only,) = inputs
    assert only.rejection is not None and only.rejection.code == F.MAIL_ATTACHMENT_UNREADABLE
    assert "不完整" in only.rejection.message


@pytest.mark.parametrize("keep", [0.5, 1.0])
def test_a_mail_file_ending_without_its_closing_boundary(tmp_path: Path, keep: float):
    """A mail file cut short at a line's end inside its attachment (an export or a download interrupted: no closing
    boundary, the base64 in whole groups): the attachment is incomplete (it was "the file is damaged, save it again as
    .xlsx", sent to a department whose file was fine); the whole attachment there and only the boundary missing, it is
    read."""
    import base64

    lines = base64.encodebytes(H.tiny_xlsx()).decode().splitlines()
    inputs, _ = expand(tmp_path, "m.eml", _mail_ending_in("\n".join(lines[:max(1, int(len(lines) * keep))])))
    (only,) = inputs
    if keep < 1:
        assert only.rejection is not None and only.rejection.code == F.MAIL_ATTACHMENT_UNREADABLE
        assert "不完整" in only.rejection.message
    else:
        assert only.rejection is None and only.data == H.tiny_xlsx()


@pytest.mark.parametrize("whole", [True, False])
def test_a_legacy_xls_the_mail_file_ends_in(tmp_path: Path, whole: bool):
    """A whole .xls (an OLE file: whole 512-byte sectors) in a mail missing only its closing boundary is read (it was
    "incomplete", the test knowing zips only); one cut off inside a sector is incomplete."""
    import base64

    xls = H.legacy_xls()
    assert len(xls) % 512 == 0
    data = xls if whole else xls[:len(xls) - 100]
    inputs, _ = expand(tmp_path, "m.eml", _mail_ending_in(base64.encodebytes(data).decode(), "cwc.xls"))
    (only,) = inputs
    if whole:
        assert only.rejection is None and only.data == xls
    else:
        assert only.rejection is not None and "不完整" in only.rejection.message


def test_a_large_attachment_sent_as_a_download_link_is_said_with_the_link(tmp_path: Path):
    """QQ Mail's "超大附件": the form is a download link in the body, no attachment: said so with the link and when it
    expires (it was "no attachment, add it and send again", to someone whose mail program had done exactly that)."""
    body = ("王老师好，附件3 用超大附件发送，请查收。\n\n从QQ邮箱发来的超大附件\n附件3_钱四.xlsx (31.5K, 2023年04月04日 10:12 到期)"
            "进入下载页面：https://wx.mail.qq.com/ftn/download?func=3&k=6f3c1a&fweb=1")
    inputs, _ = expand(tmp_path, "m.eml", H.make_eml([], subject="教务处钱四附件3", body=body))
    (only,) = inputs
    assert only.rejection is not None and only.rejection.code == F.MAIL_ATTACHMENT_LINK
    assert "https://wx.mail.qq.com/ftn/download?func=3&k=6f3c1a&fweb=1" in only.rejection.message
    assert "2023年04月04日 10:12到期" in only.rejection.message
    # a mail that merely has no attachment is still said to have none, also with a web address in its signature and
    # the office's notice quoted ("请勿使用超大附件")
    inputs, _ = expand(tmp_path, "n.eml", H.make_eml([], subject="附件稍后发送", body="王老师：表格稍后发送。"))
    assert inputs[0].rejection.code == F.MAIL_NO_ATTACHMENT
    quoted = ("附件已填好，请查收。\n\n测试学院教务处 http://www.test-college.edu.cn/\n\n----- 原始邮件 -----\n"
              "各部门：请把附件3_个人岗位风险点自查表.xlsx 填好后作为附件发回，请勿使用超大附件。")
    inputs, _ = expand(tmp_path, "q.eml", H.make_eml([], subject="回复：通知", body=quoted))
    assert inputs[0].rejection.code == F.MAIL_NO_ATTACHMENT


def _mail_with_parts(extra: list[bytes], date: str = "Mon, 20 Mar 2023 09:00:00 +0800") -> bytes:
    """A mail with a good 附件3 attachment and the given raw parts after it."""
    import base64

    good = (b'Content-Type: application/octet-stream; name="a3.xlsx"\r\nContent-Disposition: attachment; '
            b'filename="a3.xlsx"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
            + base64.encodebytes(H.tiny_xlsx()).replace(b"\n", b"\r\n"))
    parts = b"".join(b"--B\r\n" + p + b"\r\n" for p in [good, *extra])
    return (b"From: jwc@example.edu.cn\r\nSubject: forms\r\nDate: " + date.encode() + b"\r\nMIME-Version: 1.0\r\n"
            b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n' + parts + b"--B--\r\n")


@pytest.mark.parametrize("bad", [
    # 3,000 encoded words in an attachment's name (the stdlib header parser: 25,000 of them took 4 GB)
    b"Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=" +
    b" ".join([b"=?utf-8?q?a?="] * 3000) + b"\r\n\r\nxx",
    # 3,000 parentheses (the parser reads comments recursively: RecursionError, the whole mail lost)
    b"Content-Type: application/octet-stream; name=" + b"(" * 3000 + b"\r\n\r\nxx",
])
def test_a_part_with_an_unparseable_header_loses_only_itself(tmp_path: Path, bad: bytes):
    inputs, _ = expand(tmp_path, "m.eml", _mail_with_parts([bad]))
    assert [(i.path, i.rejection.code if i.rejection else None) for i in inputs] == [
        ("m.eml!a3.xlsx", None), ("m.eml!第2个附件", F.MAIL_ATTACHMENT_UNREADABLE)]
    assert all(len(i.path) < 100 for i in inputs)


def test_a_mail_of_too_many_parts_is_said_not_parsed(tmp_path: Path):
    """Ten thousand and one empty parts (a million of them took the merge process minutes and GBs): the mail is
    refused as no normal mail, with the reason."""
    inputs, _ = expand(tmp_path, "m.eml", _mail_with_parts([b"\r\nx"] * 10_001))
    (only,) = inputs
    assert only.rejection is not None and only.rejection.code == F.MAIL_CORRUPT and "10000" in only.rejection.message


def test_a_date_header_of_a_hundred_thousand_characters_is_no_date(tmp_path: Path):
    """Date: 2023-03-20, 100,000 spaces, x (the plain-date pattern backtracked over them for 81 s): no date; the form
    in the mail is read."""
    inputs, _ = expand(tmp_path, "m.eml", _mail_with_parts([], date="2023-03-20" + " " * 100_000 + "x"))
    (only,) = inputs
    assert only.rejection is None and only.mail["date"] is None


def test_the_members_a_lazy_walk_holds_are_bounded_over_the_inbox(tmp_path: Path, monkeypatch):
    """Members of mails and nested zips held for the reader: past HELD_MAX over the whole inbox they are dropped and
    unpacked again from their file when read (each mail was bounded alone: five held 1.4 GB)."""
    monkeypatch.setattr(intake, "HELD_MAX", 1)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for k in range(3):
        (inbox / f"m{k}.eml").write_bytes(_mail_with_parts([]))
    inputs, _ = intake.walk_inbox(tmp_path, inbox, lazy=True)
    assert [i.path for i in inputs] == [f"inbox/m{k}.eml!a3.xlsx" for k in range(3)]
    assert all(i._data is None for i in inputs)          # dropped …
    assert all(i.data == H.tiny_xlsx() for i in inputs)  # … and there again when read
