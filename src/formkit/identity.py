"""A form's identity: which form, which declaration version, which campaign, whose.

It is written into three carriers that survive Excel, WPS and LibreOffice saves (string custom
document properties, a hidden `_meta` sheet, a workbook defined name) and cross-checked when read.
No single carrier is trusted; when all are gone the reader falls back to title and header labels.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from dataclasses import dataclass, fields

from defusedxml import ElementTree

META_SHEET = "_meta"
DEFINED_NAME = "formkit_identity"
PROPERTY_PREFIX = "formkit."
OUTPUT_PROPERTY = PROPERTY_PREFIX + "output"
"""The custom property of an output formkit writes that is no form (the publication): read, it is said to be one."""


def _digest_prefix(value: object) -> str:
    """`corrects` as formkit writes it (16 hex digits of a SHA-256), else "": a program that retypes the custom
    properties may turn "-" into false or 0, which corrects nothing."""
    text = str(value or "").strip().lower()
    return text if re.fullmatch(r"[0-9a-f]{16}", text) else ""


@dataclass(frozen=True)
class Identity:
    form: str
    version: str
    campaign: str
    department: str = ""     # roster code
    person: str = ""         # 姓名 for personal forms
    staff_no: str = ""
    risks: tuple[str, ...] = ()   # 风险编号 of the pre-filled rows (measure forms)
    corrects: str = ""       # on a feedback workbook: sha256 (first 16) of the submission it corrects

    def short(self) -> dict[str, str]:
        """The fields small enough for a document property or a defined name (no risk list)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "risks"}

    def key(self) -> tuple[str, str, str, str]:
        return (self.form, self.campaign, self.department, self.person)

    def meta_rows(self) -> list[tuple[str, str]]:
        rows = list(self.short().items())
        rows += [("risk", r) for r in self.risks]
        return rows

    def defined_name_formula(self) -> str:
        text = json.dumps(self.short(), ensure_ascii=False, separators=(",", ":"))
        return '="' + text.replace('"', '""') + '"'

    @classmethod
    def from_mapping(cls, data: dict[str, str], risks: tuple[str, ...] = ()) -> Identity | None:
        data = {k: ("" if v in ("-", None) else str(v)) for k, v in data.items()}
        if not data.get("form"):
            return None
        return cls(form=str(data.get("form", "")), version=str(data.get("version", "")),
                   campaign=str(data.get("campaign", "")), department=str(data.get("department", "")),
                   person=str(data.get("person", "")), staff_no=str(data.get("staff_no", "")), risks=risks,
                   corrects=_digest_prefix(data.get("corrects", "")))


def from_meta_rows(rows: list[list]) -> Identity | None:
    data: dict[str, str] = {}
    risks: list[str] = []
    for row in rows:
        if len(row) < 2:
            continue
        key, value = str(row[0]).strip(), row[1]
        value = "" if value is None else (str(int(value)) if isinstance(value, float) and value.is_integer() else str(value))
        if key == "risk":
            risks.append(value)
        elif key:
            data[key] = value
    return Identity.from_mapping(data, tuple(risks))


_NS_CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}property"
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def from_custom_properties(zf: zipfile.ZipFile) -> Identity | None:
    try:
        xml = zf.read("docProps/custom.xml")
    except KeyError:
        return None
    return from_custom_xml(xml)


def _utf16(xml: bytes) -> bool:
    return xml[:2] in (b"\xff\xfe", b"\xfe\xff") or xml[1:2] == b"\x00" or xml[:1] == b"\x00"


def _plain(xml: bytes) -> bool:
    """Whether the fast regex paths apply: UTF-8, no CDATA sections (the parser handles anything else)."""
    return not _utf16(xml) and b"<![CDATA[" not in xml


# Fast paths for the two carriers as Excel, WPS, LibreOffice and xlsxwriter write them (any namespace
# prefix, attributes in any order, entities); anything else goes to the XML parser.
_PROPERTY = re.compile(rb'<(?:[\w.-]+:)?property\s([^>]*?)>\s*<(?:[\w.-]+:)?\w+\s*>([^<]*)</')
_DEFINED = re.compile(rb'<(?:[\w.-]+:)?definedName\s([^>]*?)>([^<]*)</')
_NAME_ATTR = re.compile(rb'(?:^|\s)name\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')


def _text(raw: bytes) -> str:
    text = raw.decode("utf-8")
    return html.unescape(text) if "&" in text else text


def _attr_name(attrs: bytes) -> str | None:
    m = _NAME_ATTR.search(attrs)
    return _text(m[1] if m[1] is not None else m[2]) if m else None


def _custom_fast(xml: bytes) -> Identity | None:
    data = {}
    for attrs, value in _PROPERTY.findall(xml):
        name = _attr_name(attrs)
        if name and name.startswith(PROPERTY_PREFIX):
            data[name[len(PROPERTY_PREFIX):]] = _text(value)
    return Identity.from_mapping(data)


def from_custom_xml(xml: bytes) -> Identity | None:
    """The identity in docProps/custom.xml (string properties named formkit.*)."""
    if PROPERTY_PREFIX.encode() not in xml and not _utf16(xml):
        return None
    if _plain(xml):
        try:
            found = _custom_fast(xml)
        except UnicodeDecodeError:
            found = None
        if found is not None:
            return found
    root = ElementTree.fromstring(xml)
    data = {}
    for prop in root.iter(_NS_CUSTOM):
        name = prop.get("name", "")
        if name.startswith(PROPERTY_PREFIX) and len(prop):
            value = prop[0].text or ""
            data[name[len(PROPERTY_PREFIX):]] = value
    return Identity.from_mapping(data)


def from_defined_name(zf: zipfile.ZipFile) -> Identity | None:
    try:
        xml = zf.read("xl/workbook.xml")
    except KeyError:
        return None
    return from_workbook_xml(xml)


def from_workbook_xml(xml: bytes) -> Identity | None:
    """The identity in the defined name formkit_identity of xl/workbook.xml."""
    if DEFINED_NAME.encode() not in xml and not _utf16(xml):
        return None
    if _plain(xml):
        try:
            for attrs, value in _DEFINED.findall(xml):
                if _attr_name(attrs) == DEFINED_NAME and value.strip():
                    return _from_formula(_text(value))
        except UnicodeDecodeError:
            pass
    root = ElementTree.fromstring(xml)
    for dn in root.iter(f"{_NS_MAIN}definedName"):
        if dn.get("name") == DEFINED_NAME and dn.text:
            return _from_formula(dn.text)
    return None


def _from_formula(text: str) -> Identity | None:
    text = text.strip().lstrip("=").strip()
    if text.startswith('"') and text.endswith('"'):
        text = text[1:-1].replace('""', '"')
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return Identity.from_mapping(data) if isinstance(data, dict) else None
