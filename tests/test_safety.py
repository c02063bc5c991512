"""safety: the checks that stand between untrusted bytes and the workbook readers."""

from __future__ import annotations

import io
import timeit
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from formkit import findings as F
from formkit import safety
from tests import hostile as H


def code(finding):
    return None if finding is None else finding.code


@pytest.fixture
def inflated(monkeypatch):
    """Counts every byte the checks inflate (through iter_member and the small direct peeks)."""
    counter = {"bytes": 0}
    real_iter, real_head = safety.iter_member, safety._member_head

    def counting_iter(zf, info, chunk_size=safety.CHUNK):
        for chunk in real_iter(zf, info, chunk_size):
            counter["bytes"] += len(chunk)
            yield chunk

    def counting_head(data, info, size):
        out = real_head(data, info, size)
        counter["bytes"] += len(out or b"")
        return out

    monkeypatch.setattr(safety, "iter_member", counting_iter)
    monkeypatch.setattr(safety, "_member_head", counting_head)
    return counter


# -- whole files --------------------------------------------------------------------------------------------

def test_normal_workbooks_pass():
    assert safety.check_workbook(H.tiny_xlsx(), "xlsx") is None
    assert safety.check_workbook(H.xlsm_with_macro(), "xlsx") is None
    assert safety.check_workbook(H.tiny_ods(), "ods") is None
    assert safety.check_workbook(H.legacy_xls(), "xls") is None


@pytest.mark.parametrize("build, expected, words", [
    (H.cell_bomb, F.FILE_TOO_LARGE, "300 MiB"),
    (H.whitespace_bomb, F.FILE_UNSAFE, "压缩比"),
    (H.far_cell, F.FILE_TOO_LARGE, "第 XFD 列"),
    (H.far_cell_hidden, F.FILE_TOO_LARGE, "单元格用到第 XFD 列"),
    (H.far_cell_without_r, F.FILE_TOO_LARGE, "单元格用到"),
    (H.lying_member, F.FILE_UNSAFE, "成员大小与声明不符"),
    (H.corrupt_deflate, F.FILE_CORRUPT, "压缩数据损坏"),
    (H.bad_crc, F.FILE_CORRUPT, "校验和不符"),
    (H.entity_bomb, F.FILE_UNSAFE, "DTD"),
    (H.truncated_xlsx, F.FILE_CORRUPT, "不完整"),
])
def test_hostile_workbooks(build, expected, words):
    finding = safety.check_workbook(build(), "xlsx")
    assert code(finding) == expected
    assert words in finding.message
    assert finding.severity == F.ERROR


@pytest.mark.parametrize("build", [H.cell_bomb, H.whitespace_bomb])
def test_bombs_are_refused_from_the_table_without_inflating_them(build, inflated):
    assert safety.check_workbook(build(), "xlsx") is not None
    assert inflated["bytes"] < 64 * 1024  # at most the peeks at small parts; never the bomb


def test_lying_member_is_stopped_at_its_declared_size(inflated):
    assert code(safety.check_workbook(H.lying_member(), "xlsx")) == F.FILE_UNSAFE
    assert inflated["bytes"] <= 100 + 64 * 1024


def test_check_of_far_cell_is_cheap_and_small(inflated):
    # the 2 KB file that makes python-calamine abort the whole process (it asks for 512 GiB)
    assert code(safety.check_workbook(H.far_cell_hidden(), "xlsx")) == F.FILE_TOO_LARGE
    assert inflated["bytes"] < 64 * 1024


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        safety.check_workbook(b"", "csv")


def test_xls_size_cap():
    assert code(safety.check_workbook(b"\0" * (safety.MAX_MEMBER_BYTES + 1), "xls")) == F.FILE_TOO_LARGE


# -- the cell scan -----------------------------------------------------------------------------------------

def with_sheet(cells: str, dimension: str | None = "A1", namespaces: str = "") -> bytes:
    xml = H.sheet_xml(cells, dimension)
    if namespaces:
        xml = xml.replace(b"<worksheet ", b"<worksheet " + namespaces.encode() + b" ")
    return H.rewrite_members(H.tiny_xlsx(), {"xl/worksheets/sheet1.xml": xml})


@pytest.mark.parametrize("ref, ok", [
    ("J30", True),
    ("A150000", True),          # a stray keystroke far below a form: read, not "too large"
    ("L1048576", True),         # 12 columns (附件6) down to the sheet's last row: 12,582,912 cells
    ("M1048576", False),        # 13 x 1,048,576 > 13,000,000 cells
    ("A1048577", False),        # past the sheet's last row
    ("AY100000", True),         # 51 x 100,000
    ("ALL13000", True),         # exactly 1000 x 13,000
    ("ALL13001", False),
    ("ALM1", False),            # column 1001
    ("XFD1048576", False),
    ("AAAA1", False),           # four letters: past any real column
    ("A12345678", False),       # eight digits
])
def test_cell_reference_caps(ref, ok):
    data = with_sheet(f'<row r="1"><c r="A1"><v>1</v></c><c r="{ref}"><v>2</v></c></row>', dimension=None)
    assert (safety.check_workbook(data, "xlsx") is None) is ok


@pytest.mark.parametrize("cell", [
    '<c s="1" r="XFD5"><v>1</v></c>',           # r not the first attribute
    '<c t="s" s="1"\n r="XFD5"><v>0</v></c>',  # a line break before r
    "<c r='XFD5'><v>1</v></c>",                 # single quotes
    '<c t="x>y" r="XFD5"><v>1</v></c>',         # a ">" inside an earlier attribute value
    '<x:c r="XFD5"><x:v>1</x:v></x:c>',         # a namespace prefix
    '<c r="xfd5"><v>1</v></c>',                 # lower case
])
def test_unusual_cell_spellings_are_still_seen(cell):
    data = with_sheet(f'<row r="5"><c r="A5"><v>1</v></c>{cell}</row>', dimension=None,
                      namespaces='xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"')
    assert code(safety.check_workbook(data, "xlsx")) == F.FILE_TOO_LARGE


def test_a_declared_range_alone_is_not_a_problem():
    """LibreOffice writes <dimension ref="A1:G1048576"/> and an empty <row r="1048576"> once a row has been
    deleted from a form: the cells are what a reader allocates for, and they are few."""
    assert safety.check_workbook(H.dimension_claim(), "xlsx") is None
    lo_style = with_sheet('<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576" customFormat="false" '
                          'ht="12.8"></row>', dimension="A1:G1048576")
    assert safety.check_workbook(lo_style, "xlsx") is None
    wb = CalamineWorkbook.from_filelike(io.BytesIO(lo_style))
    assert wb.get_sheet_by_index(0).to_python() == [[1.0]]


@pytest.mark.parametrize("empty", ['<c r="{ref}" s="1"/>', '<c s="1"/>'])
def test_cells_formatted_out_to_the_last_column_but_empty_are_not_a_problem(empty):
    """A title row formatted from J to the sheet's end (Ctrl+Shift+→, a border): thousands of cells that close
    themselves, out to column XFD, and one at the last row: the form was refused as too large, though readers skip
    cells holding nothing (python-calamine's grid is the cells with values). A far cell with a value still is one."""
    from openpyxl.utils import get_column_letter

    row = '<row r="1"><c r="A1"><v>1</v></c>' + "".join(
        empty.format(ref=f"{get_column_letter(j)}1") for j in range(10, 16385)) + "</row>"
    last = '<row r="1048576">' + empty.format(ref="XFD1048576") + "</row>"
    data = with_sheet(row + last, None)
    assert safety.check_workbook(data, "xlsx") is None
    assert CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python() == [[1.0]]
    valued = with_sheet(row + '<row r="2"><c r="ALM2"><v>1</v></c></row>', None)
    assert code(safety.check_workbook(valued, "xlsx")) == F.FILE_TOO_LARGE


def test_rows_and_cells_without_r_are_positioned_like_a_reader_does():
    few = "<row>" + "<c><v>1</v></c>" * 20 + "</row>"
    assert safety.check_workbook(with_sheet(few * 30, None), "xlsx") is None
    wide = '<row r="7">' + "<c><v>1</v></c>" * 1001 + "</row>"
    assert code(safety.check_workbook(with_sheet(wide, None), "xlsx")) == F.FILE_TOO_LARGE
    tall = '<row r="1048576"><c r="A1048576"><v>1</v></c></row><row><c><v>1</v></c></row>'  # row 1,048,577
    assert code(safety.check_workbook(with_sheet(tall, None), "xlsx")) == F.FILE_TOO_LARGE


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
@pytest.mark.parametrize("shift", [-20, -9, -3, -1, 0, 1, 5, 12])
def test_far_cell_split_across_inflate_chunks(method, shift):
    """The tag `<c r="XFD1048576"` placed across the 64 KiB boundary between two inflated chunks."""
    head = H.SHEET_HEAD + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
    tail = b'</t></is></c><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    pad = safety.CHUNK + shift - len(head) - len(b"</t></is></c>")
    xml = head + b"x" * pad + tail
    assert xml.index(b'<c r="XFD') in range(safety.CHUNK - 20, safety.CHUNK + 13)
    entries = []
    with zipfile.ZipFile(io.BytesIO(H.tiny_xlsx())) as zf:
        for info in zf.infolist():
            content = xml if info.filename == "xl/worksheets/sheet1.xml" else zf.read(info)
            entries.append(H.RawEntry(info.filename.encode(), content, method=method))
    finding = safety.check_workbook(H.raw_zip(entries), "xlsx")
    assert code(finding) == F.FILE_TOO_LARGE
    assert "第 XFD 列" in finding.message


def test_sheet_reached_through_relationships_is_scanned():
    """A reader follows <sheet r:id> to any part name: a far cell in xl/hidden/data.xml is found too."""
    parts = H.members(H.tiny_xlsx())
    rels = parts["xl/_rels/workbook.xml.rels"].replace(b"worksheets/sheet1.xml", b"hidden/data.xml")
    far = H.sheet_xml('<row r="9"><c r="XFD9"><v>1</v></c></row>')
    data = H.add_members(H.rewrite_members(H.tiny_xlsx(), {"xl/_rels/workbook.xml.rels": rels}),
                         {"xl/hidden/data.xml": far})
    assert code(safety.check_workbook(data, "xlsx")) == F.FILE_TOO_LARGE


def test_dtd_hidden_after_a_long_prolog_is_found():
    pad = b"<!-- " + b"x" * 70000 + b" -->"
    sst = b'<?xml version="1.0"?>\n' + pad + b'<!DOCTYPE s [<!ENTITY a "b">]><sst/>'
    data = H.rewrite_members(H.tiny_xlsx(), {"xl/sharedStrings.xml": sst})
    assert code(safety.check_workbook(data, "xlsx")) == F.FILE_UNSAFE
    sheet = H.SHEET_HEAD.replace(b"<worksheet", b'<!DOCTYPE w [<!ENTITY a "b">]><worksheet')
    data = H.rewrite_members(H.tiny_xlsx(), {"xl/worksheets/sheet1.xml": sheet + b"<sheetData/></worksheet>"})
    assert code(safety.check_workbook(data, "xlsx")) == F.FILE_UNSAFE


def test_ods_with_a_dtd_is_refused():
    parts = H.members(H.tiny_ods())
    content = parts["content.xml"].replace(b"?>\n", b'?>\n<!DOCTYPE x [<!ENTITY a "b">]>', 1)
    data = H.raw_zip([H.RawEntry(b"mimetype", parts["mimetype"], method=zipfile.ZIP_STORED),
                      H.RawEntry(b"content.xml", content)])
    assert code(safety.check_workbook(data, "ods")) == F.FILE_UNSAFE


def test_duplicate_member_names_are_refused():
    entries = [H.RawEntry(name.encode(), content) for name, content in H.members(H.tiny_xlsx()).items()]
    entries.append(H.RawEntry(b"xl/worksheets/sheet1.xml", H.sheet_xml('<row r="1"><c r="XFD1"/></row>')))
    assert code(safety.check_workbook(H.raw_zip(entries), "xlsx")) == F.FILE_UNSAFE


# -- the zip table -----------------------------------------------------------------------------------------

class FakeZip:
    def __init__(self, infos):
        self._infos = infos

    def infolist(self):
        return self._infos


def info(name: str, size: int, compressed: int) -> zipfile.ZipInfo:
    zi = zipfile.ZipInfo(name)
    zi.file_size, zi.compress_size = size, compressed
    return zi


MiB = safety.MiB


@pytest.mark.parametrize("infos, expected", [
    ([info("a.xml", 5 * MiB, 1 * MiB)], None),
    ([info("a.xml", 65 * MiB, 10 * MiB)], F.FILE_TOO_LARGE),
    ([info(f"{i}.xml", 60 * MiB, 10 * MiB) for i in range(5)], F.FILE_TOO_LARGE),  # total 300 MiB
    ([info("a.xml", 10 * MiB, 10 * 1024)], F.FILE_UNSAFE),                         # ratio 1000
    ([info("a.xml", 1 * MiB, 10)], None),                                            # small: no ratio check
    ([info("xl/media/image1.bmp", 26 * MiB, 26 * 1024)], None),                     # a picture: never inflated
    ([info("xl/media/image1.bmp", 65 * MiB, 60 * 1024)], F.FILE_TOO_LARGE),
    ([info(f"{i}", 0, 0) for i in range(safety.MAX_MEMBERS + 1)], F.FILE_UNSAFE),
])
def test_check_zip_table(infos, expected):
    assert code(safety.check_zip_table(FakeZip(infos))) == expected


def test_a_form_with_a_bitmap_picture_pasted_in_is_not_a_zip_bomb():
    """A scanned signature pasted as a bitmap, kept uncompressed in xl/media/ (26 MB of mostly white, 1000:1): the form
    was refused as a zip bomb, though no reader inflates a picture."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(H.tiny_xlsx())) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            out.writestr(item, src.read(item))
        out.writestr("xl/media/image1.bmp", b"BM" + b"\xff" * (26 * MiB))
    assert safety.check_workbook(buf.getvalue(), "xlsx") is None
    # … while a sheet part as large and as empty is still one
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(H.tiny_xlsx())) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            out.writestr(item, src.read(item))
        out.writestr("xl/worksheets/sheet9.xml", b" " * (26 * MiB))
    assert code(safety.check_workbook(buf.getvalue(), "xlsx")) == F.FILE_UNSAFE


def test_check_zip_bytes():
    assert code(safety.check_zip_bytes(H.too_many_members())) == F.FILE_UNSAFE
    assert code(safety.check_zip_bytes(b"PK\x03\x04 no directory")) == F.FILE_CORRUPT
    assert safety.check_zip_bytes(H.tiny_xlsx()) is None
    zf, problem = safety.open_zip(H.too_many_members())
    assert zf is None and problem.code == F.FILE_UNSAFE


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2,
                                    zipfile.ZIP_LZMA])
def test_read_member_matches_zipfile(method):
    content = "部门,教务处\n".encode() * 20000
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        zf.writestr("a.csv", content)
    with zipfile.ZipFile(buf) as zf:
        chunks = list(safety.iter_member(zf, zf.getinfo("a.csv")))
        assert b"".join(chunks) == content
        assert max(map(len, chunks)) <= safety.CHUNK


def test_encrypted_member_is_reported():
    with zipfile.ZipFile(io.BytesIO(H.raw_zip([H.RawEntry(b"a.xml", b"<a/>", flags=0x1)]))) as zf:
        with pytest.raises(safety.UnsafeInput) as err:
            safety.read_member(zf, zf.infolist()[0])
    assert err.value.finding.code == F.FILE_ENCRYPTED


def test_column_letters_round_trip():
    for n in (1, 26, 27, 52, 703, 1000, 16384):
        assert safety.col_number(safety.col_letters(n)) == n
    assert safety.col_letters(safety.MAX_COLS) == safety.ALL_COLS == "ALL"


def test_check_is_fast_on_a_normal_form():
    """The real figure (about 0.25 ms on the development machine) is in check_workbook's docstring; this only
    guards against an order-of-magnitude regression on a slow CI machine."""
    data = H.tiny_xlsx({f"{col}{row}": f"第{row}行内容" for col in "ABCDEFGHIJ" for row in range(1, 31)})
    assert safety.check_workbook(data, "xlsx") is None
    per_check = min(timeit.repeat(lambda: safety.check_workbook(data, "xlsx"), number=50, repeat=3)) / 50
    assert per_check < 0.005


def test_long_text_in_a_sheet_is_not_a_long_tag():
    import random
    rng = random.Random(0)
    text = "".join(rng.choice("abcdefghij klmnopqrstuvwxyz") for _ in range(3 * safety.MAX_TAG_BYTES // 2))
    cell = f'<row r="1"><c r="A1" t="inlineStr"><is><t>{text}</t></is></c></row>'
    assert safety.check_workbook(with_sheet(cell), "xlsx") is None
    far = cell + '<row r="9"><c r="XFD9"><v>1</v></c></row>'
    assert code(safety.check_workbook(with_sheet(far), "xlsx")) == F.FILE_TOO_LARGE


def test_a_stray_cell_far_right_is_named_by_its_column_not_a_cell_nobody_typed():
    """A note typed at XFD5 beside a table down to row 28: the rejection names column XFD (it named XFD28, a cell the
    bounding box makes up) and says what to delete (it said to keep only the form's sheet, which was the only one)."""
    data = H.tiny_xlsx({"A1": "风险点", "A28": "最后一行", "XFD5": "备注"})
    problem = safety.check_workbook(data, "xlsx")
    assert problem is not None and problem.code == F.FILE_TOO_LARGE
    assert "第 XFD 列" in problem.message and "XFD28" not in problem.message, problem.message
    assert problem.sheet == "表单" and "工作表“表单”" in problem.message   # (its title, not sheet1.xml)
    assert "误填" in problem.message and "只保留" not in problem.message
