"""The campaign configuration: formkit.toml and the roster workbook.

Both are the coordinator's files: a mistake in them stops the command with a Chinese message that
names the file, the sheet, the row and the field (ConfigError, exit 2).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from formkit import normalize
from formkit.errors import ConfigError

CONFIG_NAME = "formkit.toml"
DEPARTMENT_TYPES = ("党政部门", "教学系部", "党支部", "其他")
RANKS = ("院级领导", "中层干部", "党支部书记", "一般干部", "专任教师", "其他")

DEFAULT_PHASES = {
    1: ("统一思想认识", date(2023, 2, 20), date(2023, 2, 28)),
    2: ("排查廉政风险", date(2023, 3, 1), date(2023, 3, 31)),
    3: ("制定防控措施", date(2023, 4, 1), date(2023, 5, 15)),
    4: ("监督检查考核", date(2023, 5, 16), date(2023, 6, 20)),
}


@dataclass(frozen=True)
class Phase:
    number: int
    name: str
    start: date
    end: date


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    type: str
    head: str
    leader: str          # 分管领导
    headcount: int       # 应报人数
    aliases: tuple[str, ...] = ()
    email: str = ""      # 联系邮箱 (optional): the To of its chase mails and of feedback on files not sent by mail


@dataclass(frozen=True)
class Person:
    staff_no: str
    name: str
    department: str      # department code
    post: str
    rank: str


@dataclass
class Roster:
    departments: dict[str, Department]
    staff: list[Person] = field(default_factory=list)
    # lookups by folded name, code and 工号: a campaign of 100,000 forms looks up 2,000 departments and
    # 50,000 people once per form (built on first use, rebuilt if the lists were replaced or grew)
    _index: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def _lookup(self) -> tuple:
        stamp = (id(self.departments), len(self.departments), id(self.staff), len(self.staff))
        if self._index is None or self._index[0] != stamp:
            fold = normalize.fold
            depts: dict[str, Department] = {}
            for d in self.departments.values():     # the first department in roster order wins
                for key in (fold(d.name), fold(d.code), *map(fold, d.aliases)):
                    depts.setdefault(key, d)
            people: dict[str, list[Person]] = {}
            by_no: dict[tuple, list[Person]] = {}
            by_name: dict[tuple, list[Person]] = {}
            for p in self.staff:
                people.setdefault(p.department, []).append(p)
                no, name = normalize.staff_no_key(p.staff_no), fold(p.name)
                for code in (p.department, None):
                    by_no.setdefault((code, no), []).append(p)
                    by_name.setdefault((code, name), []).append(p)
            self._index = (stamp, depts, people, by_no, by_name)
        return self._index

    def find_department(self, text: object) -> Department | None:
        key = normalize.fold(text)
        if not key:
            return None
        return self._lookup()[1].get(key)

    def people_of(self, code: str) -> list[Person]:
        return list(self._lookup()[2].get(code, ()))

    def find_person(self, code: str | None, name: object, staff_no: object = None) -> Person | None:
        name_key, no_key = normalize.fold(name), normalize.staff_no_key(staff_no)
        _, _, _, by_no, by_name = self._lookup()
        if no_key:
            found = by_no.get((code, no_key), [])
            if len(found) == 1 and (not name_key or normalize.fold(found[0].name) == name_key):
                return found[0]
        found = by_name.get((code, name_key), [])
        return found[0] if len(found) == 1 else None

    def find_moved(self, name: object, staff_no: object) -> Person | None:
        """The one person of the whole staff list with this 工号 and this 姓名 (someone moved to another
        department since their form was made), or None."""
        name_key, no_key = normalize.fold(name), normalize.staff_no_key(staff_no)
        if not no_key or not name_key:
            return None
        found = [p for p in self.staff if normalize.staff_no_key(p.staff_no) == no_key and normalize.fold(p.name) == name_key]
        return found[0] if len(found) == 1 else None


@dataclass
class Publication:
    show_names: bool = False
    show_staff_no: bool = False
    show_phone: bool = False
    date: date | None = None


@dataclass
class Config:
    root: Path
    institution: str
    main_leader: str
    campaign: str
    year: int
    phases: dict[int, Phase]
    roster_file: str
    roster: Roster
    publication: Publication
    office: str = "廉政风险防控工作领导小组办公室"
    contact: str = ""
    as_of: date | None = None       # [campaign] as_of: 数据截至, when the latest submission should not set it

    @property
    def campaign_id(self) -> str:
        """What the form identity carries: forms of another campaign are told apart by it."""
        return self.campaign

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    def deadline(self, phase: int) -> date:
        return self.phases[phase].end

    def fingerprint(self) -> str:
        """A digest of what affects reading and validation (for the cache)."""
        h = hashlib.sha256()
        h.update((self.root / CONFIG_NAME).read_bytes())
        h.update((self.root / self.roster_file).read_bytes())
        return h.hexdigest()[:16]


_YES = {"true", "yes", "y", "1", "是", "显示", "公开", "开"}
_NO = {"false", "no", "n", "0", "否", "不显示", "不公开", "关", ""}


def _as_bool(value: object, where: str) -> bool:
    """A switch: true/false as TOML writes it, or the words a person types ("是"/"否", "yes"/"no", 1/0);
    anything else is an error (a privacy switch must never be turned on by a typo)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _YES:
            return True
        if word in _NO:
            return False
    raise ConfigError(f"{CONFIG_NAME} 中 {where} 应写 true 或 false（也可写 \"是\" 或 \"否\"），现为：{value!r}")


def _as_date(value: object, where: str) -> date:
    if isinstance(value, datetime):         # 2023-03-31T17:00:00 in TOML: the day counts
        return value.date()
    if isinstance(value, date):
        return value
    parsed, _ = normalize.parse_date(value)
    if parsed is None:
        raise ConfigError(f"{CONFIG_NAME} 中 {where} 不是有效日期（应写成 2023-03-31）：{value!r}")
    return parsed


def _read_toml(path: Path) -> dict:
    """formkit.toml as Windows editors save it too: UTF-8 with or without a byte order mark, or GBK (Notepad's
    "ANSI" on a Chinese system); a syntax error is named by line, with that line and the usual causes."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise ConfigError(f"{CONFIG_NAME} 不是文本文件或编码无法识别；请用记事本打开后“另存为”，编码选 UTF-8。") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        where, shown = "", ""
        if m:
            line_no = int(m[1])
            where = f"第 {line_no} 行第 {m[2]} 列附近"
            lines = text.splitlines()
            if 0 < line_no <= len(lines):
                shown = f"：{lines[line_no - 1].strip()[:80]}"
        raise ConfigError(f"{CONFIG_NAME} 格式有误（{where or '位置不明'}{shown}）。常见原因：文字没有加英文双引号"
                          f"（应写 name = \"某某学院\"）、用了中文标点（＝、“”）、同一项写了两次、[节名] 写错。"
                          f"（解析器原文：{exc}）") from None


def load_config(root: Path) -> Config:
    root = Path(root)
    path = root / CONFIG_NAME
    if not path.is_file():
        raise ConfigError(f"在 {root} 中找不到 {CONFIG_NAME}；请先运行 formkit init 创建工作目录，或用 --dir 指定工作目录。")
    raw = _read_toml(path)

    def section(name: str) -> dict:
        value = raw.get(name, {})
        if not isinstance(value, dict):
            raise ConfigError(f"{CONFIG_NAME} 中 [{name}] 应是一个表（section）")
        return value

    inst, camp, pub = section("institution"), section("campaign"), section("publication")
    name = inst.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{CONFIG_NAME} 的 [institution] 缺少 name（单位名称）")
    main_leader = inst.get("main_leader", "")
    if not isinstance(main_leader, str) or not main_leader.strip():
        raise ConfigError(f"{CONFIG_NAME} 的 [institution] 缺少 main_leader（单位主要领导姓名）")
    year = camp.get("year", date.today().year)
    if not isinstance(year, int):
        raise ConfigError(f"{CONFIG_NAME} 的 [campaign] year 应是整数年份，如 2023")
    campaign = camp.get("name") or f"{year}年度廉政风险防控"
    roster_file = camp.get("roster", "名册.xlsx")
    as_of = _as_date(camp["as_of"], "[campaign] as_of") if "as_of" in camp else None

    phases: dict[int, Phase] = {}
    raw_phases = section("phases")
    for number, (pname, start, end) in DEFAULT_PHASES.items():
        given = raw_phases.get(str(number), {})
        if not isinstance(given, dict):
            raise ConfigError(f"{CONFIG_NAME} 的 [phases.{number}] 应是一个表，含 start 与 end")
        s = _as_date(given.get("start", start.replace(year=year)), f"[phases.{number}] start")
        e = _as_date(given.get("end", end.replace(year=year)), f"[phases.{number}] end")
        if e < s:
            raise ConfigError(f"{CONFIG_NAME} 的 [phases.{number}] 结束日期 {e} 早于开始日期 {s}")
        phases[number] = Phase(number, str(given.get("name", pname)), s, e)

    publication = Publication(
        show_names=_as_bool(pub.get("show_names", False), "[publication] show_names"),
        show_staff_no=_as_bool(pub.get("show_staff_no", False), "[publication] show_staff_no"),
        show_phone=_as_bool(pub.get("show_phone", False), "[publication] show_phone"),
        date=_as_date(pub["date"], "[publication] date") if "date" in pub else None,
    )
    roster = load_roster(root / roster_file, roster_file)
    return Config(root=root, institution=name.strip(), main_leader=main_leader.strip(), campaign=str(campaign),
                  year=year, phases=phases, roster_file=roster_file, roster=roster, publication=publication,
                  office=str(inst.get("office", "廉政风险防控工作领导小组办公室")), contact=str(inst.get("contact", "")),
                  as_of=as_of)


DEPT_COLUMNS = {"代码": "code", "名称": "name", "类型": "type", "部门负责人": "head", "分管领导": "leader",
                "应报人数": "headcount", "简称": "aliases", "联系邮箱": "email"}
STAFF_COLUMNS = {"工号": "staff_no", "姓名": "name", "部门代码": "department", "岗位": "post", "职务层级": "rank"}


def _table(rows: list[list], sheet: str, columns: dict[str, str], required: set[str], file: str) -> list[dict]:
    """Rows of a roster sheet as dicts keyed by field, with the Excel row number under '_row'."""
    header_at = None
    for i, row in enumerate(rows[:10]):
        labels = {normalize.label_key(c) for c in row}
        if {normalize.label_key(c) for c in required} <= labels:
            header_at = i
            break
    if header_at is None:
        raise ConfigError(f"名册 {file} 的工作表“{sheet}”找不到表头，应包含：{'、'.join(sorted(required))}")
    index = {}
    for j, cell in enumerate(rows[header_at]):
        key = normalize.label_key(cell)
        for label, fieldname in columns.items():
            if key == normalize.label_key(label):
                index[fieldname] = j
    out = []
    for i, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        values = {f: normalize.to_text(row[j]) if j < len(row) else "" for f, j in index.items()}
        if not any(values.values()):
            continue
        values["_row"] = i
        out.append(values)
    return out


MAX_LISTED = 20
"""Most roster problems one error message lists (the rest are counted)."""


def _raise_all(problems: list[str]) -> None:
    if problems:
        more = f"\n…… 另有 {len(problems) - MAX_LISTED} 处" if len(problems) > MAX_LISTED else ""
        raise ConfigError("\n".join(problems[:MAX_LISTED]) + more)


def load_roster(path: Path, name: str) -> Roster:
    if not path.is_file():
        raise ConfigError(f"找不到名册文件 {name}（在 formkit.toml 的 [campaign] roster 中设置）")
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        sheets = {s: wb.get_sheet_by_name(s).to_python(skip_empty_area=False) for s in wb.sheet_names}
    except (CalamineError, OSError, ValueError) as exc:
        raise ConfigError(f"名册 {name} 无法打开：{exc}；请用 Excel/WPS 另存为 .xlsx") from None
    # a sheet named "人员 " (a space typed after the name) is that sheet
    sheets = {s.strip().replace("\u3000", ""): v for s, v in reversed(list(sheets.items()))}
    if "部门" not in sheets:
        raise ConfigError(f"名册 {name} 中没有名为“部门”的工作表")
    rows = _table(sheets["部门"], "部门", DEPT_COLUMNS, {"代码", "名称", "部门负责人", "分管领导", "应报人数"}, name)
    departments: dict[str, Department] = {}
    code_rows: dict[str, int] = {}
    names: dict[str, int] = {}
    problems: list[str] = []      # every bad row at once: the office fixes the roster in one go
    for r in rows:
        where = f"名册 {name} 工作表“部门”第 {r['_row']} 行"
        code = r.get("code", "").strip().upper()       # jwc and JWC are one code (it starts every 风险编号)
        if not code or not code.replace("-", "").replace("_", "").isalnum() or len(code) > 12:
            problems.append(f"{where}“代码”应为不超过 12 位的字母或数字（如 JWC），现为“{code}”")
            continue
        if code in departments:
            problems.append(f"{where}“代码”{code} 与第 {code_rows[code]} 行重复")
            continue
        empty = [label for f, label in (("name", "名称"), ("head", "部门负责人"), ("leader", "分管领导")) if not r.get(f)]
        if empty:
            problems.append(f"{where}“{'”“'.join(empty)}”不能为空")
            continue
        if normalize.fold(r["name"]) in names:
            problems.append(f"{where}“名称”{r['name']} 与第 {names[normalize.fold(r['name'])]} 行重复")
            continue
        names[normalize.fold(r["name"])] = r["_row"]
        dtype = r.get("type") or "其他"
        if dtype not in DEPARTMENT_TYPES:
            problems.append(f"{where}“类型”只能是 {'、'.join(DEPARTMENT_TYPES)}，现为“{dtype}”")
            continue
        headcount = -1                                  # empty: the staff list's count, below
        if r.get("headcount"):
            try:
                number = float(r["headcount"])
                if number < 0 or not number.is_integer():
                    raise ValueError
                headcount = int(number)
            except ValueError:
                problems.append(f"{where}“应报人数”应为非负整数，现为“{r.get('headcount')}”")
                continue
        aliases = tuple(a.strip() for a in r.get("aliases", "").replace("，", ",").split(",") if a.strip())
        emails = [e.strip() for e in re.split(r"[,，;；、\s]+", r.get("email", "")) if e.strip()]
        if bad := [e for e in emails if not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+", e)]:
            problems.append(f"{where}“联系邮箱”“{bad[0]}”不是邮箱地址（应写成 jwc@example.edu.cn，多个用逗号分开）")
            continue
        code_rows[code] = r["_row"]
        departments[code] = Department(code, r["name"], dtype, r["head"], r["leader"], headcount, aliases,
                                       ", ".join(emails))
    _raise_all(problems)
    if not departments:
        raise ConfigError(f"名册 {name} 的“部门”工作表中没有任何部门")
    staff: list[Person] = []
    if "人员" in sheets:
        seen: dict[str, int] = {}
        for r in _table(sheets["人员"], "人员", STAFF_COLUMNS, {"工号", "姓名", "部门代码"}, name):
            where = f"名册 {name} 工作表“人员”第 {r['_row']} 行"
            if not r.get("staff_no") or not r.get("name"):
                problems.append(f"{where}“工号”和“姓名”不能为空")
                continue
            no_key = normalize.staff_no_key(r["staff_no"])        # 12 and 0012 are one 工号
            if no_key in seen:
                problems.append(f"{where}工号 {r['staff_no']} 与第 {seen[no_key]} 行重复")
                continue
            seen[no_key] = r["_row"]
            r["department"] = r.get("department", "").strip().upper()
            if r["department"] not in departments:
                problems.append(f"{where}“部门代码”{r.get('department')} 不在“部门”工作表中")
                continue
            rank = r.get("rank") or "其他"
            if rank not in RANKS:
                problems.append(f"{where}“职务层级”只能是 {'、'.join(RANKS)}，现为“{rank}”")
                continue
            staff.append(Person(r["staff_no"], r["name"], r["department"], r.get("post", ""), rank))
        _raise_all(problems)
    for code, dept in list(departments.items()):
        if dept.headcount < 0:               # 应报人数 left empty: as many as the staff list names
            listed = sum(1 for p in staff if p.department == code)
            if not listed:
                raise ConfigError(f"名册 {name} 工作表“部门”第 {code_rows[code]} 行“应报人数”不能为空"
                                  "（人员名单中也没有这个部门的人；不需要报个人表的部门请填 0）")
            departments[code] = dataclasses.replace(dept, headcount=listed)
    return Roster(departments, staff)


def standalone_config(root: Path) -> Config:
    """For `formkit check` outside a working folder: no roster, so roster checks are skipped."""
    phases = {n: Phase(n, name, s, e) for n, (name, s, e) in DEFAULT_PHASES.items()}
    return Config(root=Path(root), institution="", main_leader="", campaign="", year=DEFAULT_PHASES[1][1].year,
                  phases=phases, roster_file="", roster=Roster({}), publication=Publication())
