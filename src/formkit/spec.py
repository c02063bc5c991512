"""Form declarations: templates/forms/*.toml loaded into typed, validated objects.

The same FormSpec drives generation, reading, validation, feedback and publication.
A broken declaration fails at once with a message naming the file and the field.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from formkit.errors import DeclarationError

COLUMN_TYPES = {"text", "seq", "choice", "level", "yesno", "date", "code", "when"}
"""when: a time limit as people write it, text (长期、2023年6月底) or a date; a date that lost its format (45056) is
read as the date."""
NEEDS = {"req", "want", "opt"}
SCOPES = {"coordinator", "department", "person"}
STAGES = {"risks", "measures"}
HEADER_PREFILLS = {"department", "dept_head", "name", "staff_no", "post", "rank"}

LEVELS = ("一级", "二级", "三级")
YESNO = ("是", "否")


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    type: str = "text"
    need: str = "opt"
    choices: tuple[str, ...] = ()
    synonyms: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    aliases: tuple[str, ...] = ()
    width: float = 14
    help: str = ""
    max_length: int = 1000
    prefill: str | bool | None = None
    lock: bool = True
    continues: bool = False     # a row filling only such columns (no 序号) carries on the row above (an item spanning rows)
    multiple: bool = False      # a choice column where one cell may name several choices (决策、执行), kept joined with ；

    @property
    def allowed(self) -> tuple[str, ...]:
        if self.type == "level":
            return LEVELS
        if self.type == "yesno":
            return YESNO
        return self.choices

    @property
    def is_text_format(self) -> bool:
        return self.type == "code"


@dataclass(frozen=True)
class FormSpec:
    id: str
    version: str
    title: str
    scope: str
    stage: str
    phase: int
    fills: str
    header: tuple[Field, ...]
    columns: tuple[Field, ...]
    signoff: tuple[Field, ...]
    blank_rows: int = 20
    min_rows: int = 1
    row_noun: str = "内容"
    level: str | None = None          # 个人 / 部门 for risk forms
    measures_for: str | None = None   # the risk form whose rows this measure form answers
    source: str = ""
    one_page: bool = False            # a fixed list (附件1): fitted to one page when short; other forms grow

    def __hash__(self) -> int:
        # equal specs have equal ids, versions and titles: hashing these alone keeps the functions cached on a spec
        # (read.py) from hashing every field of every column on each call (4% of reading a form)
        return hash((self.id, self.version, self.title))

    @property
    def sheet_name(self) -> str:
        return self.id

    @property
    def full_title(self) -> str:
        return f"{self.id} {self.title}"

    def column(self, key: str) -> Field | None:
        return next((c for c in self.columns if c.key == key), None)

    def header_field(self, key: str) -> Field | None:
        return next((f for f in self.header if f.key == key), None)

    @property
    def data_columns(self) -> tuple[Field, ...]:
        return tuple(c for c in self.columns if c.type != "seq")

    @property
    def is_risk_form(self) -> bool:
        return self.level is not None

    @property
    def is_measure_form(self) -> bool:
        return self.measures_for is not None


def templates_dir() -> Path:
    """The shipped templates/ folder (a symlink into the package in a source checkout)."""
    return Path(str(resources.files("formkit") / "templates"))


def _field(raw: dict, where: str, section: str) -> Field:
    def fail(name: str, why: str) -> DeclarationError:
        return DeclarationError(f"表单声明 {where} 的 {section} 中字段“{name}”有误：{why}")

    unknown = set(raw) - {"key", "label", "type", "need", "choices", "synonyms", "aliases", "width", "help",
                          "max_length", "prefill", "lock", "continues", "multiple"}
    if unknown:
        raise fail(sorted(unknown)[0], "不认识的设置项")
    for name in ("key", "label"):
        if not isinstance(raw.get(name), str) or not raw[name].strip():
            raise fail(name, "必须是非空文字")
    typ = raw.get("type", "text")
    if typ not in COLUMN_TYPES:
        raise fail("type", f"只能是 {', '.join(sorted(COLUMN_TYPES))} 之一，现为 {typ!r}")
    need = raw.get("need", "opt")
    if need not in NEEDS:
        raise fail("need", f"只能是 req、want 或 opt，现为 {need!r}")
    choices = raw.get("choices", [])
    if typ == "choice" and (not isinstance(choices, list) or not choices or
                            not all(isinstance(c, str) and c for c in choices)):
        raise fail("choices", "type = \"choice\" 的字段必须列出可选值")
    synonyms = raw.get("synonyms", {})
    if not isinstance(synonyms, dict):
        raise fail("synonyms", "必须是 同义词 = 规范值 的表")
    for alias, target in synonyms.items():
        if target not in choices:
            raise fail("synonyms", f"同义词“{alias}”指向的“{target}”不在 choices 中")
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise fail("aliases", "必须是文字列表")
    width = raw.get("width", 14)
    if not isinstance(width, int | float) or not 2 <= width <= 100:
        raise fail("width", "必须是 2 到 100 之间的数")
    max_length = raw.get("max_length", 1000)
    if not isinstance(max_length, int) or not 1 <= max_length <= 32767:
        raise fail("max_length", "必须是 1 到 32767 之间的整数")
    prefill = raw.get("prefill")
    if section == "header" and prefill is not None and prefill not in HEADER_PREFILLS:
        raise fail("prefill", f"只能是 {', '.join(sorted(HEADER_PREFILLS))} 之一")
    if section == "columns" and prefill not in (None, True, False):
        raise fail("prefill", "表格列的 prefill 只能是 true 或 false")
    lock = raw.get("lock", True)
    if not isinstance(lock, bool):
        raise fail("lock", "必须是 true 或 false")
    continues = raw.get("continues", False)
    if not isinstance(continues, bool) or (continues and (section != "columns" or typ != "text")):
        raise fail("continues", "只能用于文字类型的表格列，必须是 true 或 false")
    multiple = raw.get("multiple", False)
    if not isinstance(multiple, bool) or (multiple and typ != "choice"):
        raise fail("multiple", "只能用于选择类型（choice）的列，必须是 true 或 false")
    return Field(key=raw["key"], label=raw["label"], type=typ, need=need, choices=tuple(choices),
                 synonyms=dict(synonyms), aliases=tuple(aliases), width=float(width), help=raw.get("help", ""),
                 max_length=max_length, prefill=prefill or None, lock=lock, continues=continues, multiple=multiple)


def parse_declaration(text: str, where: str) -> FormSpec:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DeclarationError(f"表单声明 {where} 不是有效的 TOML：{exc}") from None

    def need(name: str, kind: type | tuple[type, ...]) -> object:
        if name not in raw or not isinstance(raw[name], kind):
            raise DeclarationError(f"表单声明 {where} 缺少或写错了字段“{name}”")
        return raw[name]

    form_id = need("id", str)
    scope = need("scope", str)
    if scope not in SCOPES:
        raise DeclarationError(f"表单声明 {where} 的字段“scope”只能是 {', '.join(sorted(SCOPES))} 之一")
    stage = need("stage", str)
    if stage not in STAGES:
        raise DeclarationError(f"表单声明 {where} 的字段“stage”只能是 risks 或 measures")
    sections = {}
    for section in ("header", "columns", "signoff"):
        items = raw.get(section, [])
        if not isinstance(items, list) or (section == "columns" and not items):
            raise DeclarationError(f"表单声明 {where} 缺少“{section}”")
        fields = tuple(_field(item, where, section) for item in items)
        keys = [f.key for f in fields]
        dup = {k for k in keys if keys.count(k) > 1}
        if dup:
            raise DeclarationError(f"表单声明 {where} 的 {section} 中 key “{sorted(dup)[0]}”重复")
        sections[section] = fields
    labels = [c.label for c in sections["columns"]] + [a for c in sections["columns"] for a in c.aliases]
    if len(set(labels)) != len(labels):
        raise DeclarationError(f"表单声明 {where} 的列名或别名有重复")
    level = raw.get("level")
    if level not in (None, "个人", "部门"):
        raise DeclarationError(f"表单声明 {where} 的字段“level”只能是 个人 或 部门")
    return FormSpec(
        id=form_id, version=str(need("version", str)), title=need("title", str), scope=scope, stage=stage,
        phase=int(need("phase", int)), fills=str(raw.get("fills", "")),
        header=sections["header"], columns=sections["columns"], signoff=sections["signoff"],
        blank_rows=int(raw.get("blank_rows", 20)), min_rows=int(raw.get("min_rows", 1)),
        row_noun=str(raw.get("row_noun", "内容")), level=level, measures_for=raw.get("measures_for"),
        source=where, one_page=_flag(raw, "one_page", where),
    )


def _flag(raw: dict, name: str, where: str) -> bool:
    value = raw.get(name, False)
    if not isinstance(value, bool):
        raise DeclarationError(f"表单声明 {where} 的字段“{name}”应写 true 或 false")
    return value


@cache
def load_forms(folder: str | None = None) -> dict[str, FormSpec]:
    """All declarations, by form id (附件1…附件6), in id order."""
    base = Path(folder) if folder else templates_dir() / "forms"
    specs: dict[str, FormSpec] = {}
    for path in sorted(base.glob("*.toml")):
        spec = parse_declaration(path.read_text(encoding="utf-8"), path.name)
        if spec.id in specs:
            raise DeclarationError(f"表单声明 {path.name} 与 {specs[spec.id].source} 的 id 都是 {spec.id}")
        specs[spec.id] = spec
    for spec in specs.values():
        if spec.measures_for and spec.measures_for not in specs:
            raise DeclarationError(f"表单声明 {spec.source} 的 measures_for 指向不存在的表单 {spec.measures_for}")
    if not specs:
        raise DeclarationError(f"在 {base} 中没有找到任何表单声明")
    return dict(sorted(specs.items()))


def declarations_digest() -> str:
    """A digest of every declaration, so caches and identities notice a changed declaration."""
    import hashlib

    h = hashlib.sha256()
    for path in sorted((templates_dir() / "forms").glob("*.toml")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]
