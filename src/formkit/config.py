"""The campaign configuration: formkit.toml and the roster workbook.

Both are the coordinator's files: a mistake in them stops the command with a Chinese message that
names the file, the sheet, the row and the field (ConfigError, exit 2).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
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
    warnings: list[str] = field(default_factory=list, compare=False)     # said before a command runs
    # lookups by folded name, code and 工号: a campaign of 100,000 forms looks up 2,000 departments and
    # 50,000 people once per form (built on first use, rebuilt if the lists were replaced or grew)
    _index: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def _lookup(self) -> tuple:
        stamp = (id(self.departments), len(self.departments), id(self.staff), len(self.staff))
        if self._index is None or self._index[0] != stamp:
            fold = normalize.fold
            depts: dict[str, Department] = {}
            for d in self.departments.values():     # a name or code before any 简称 (组织人事处 known as 人事处
                for key in (fold(d.name), fold(d.code)):     # does not take the department named 人事处);
                    depts.setdefault(key, d)                 # the first department in roster order wins
            for d in self.departments.values():
                for key in map(fold, d.aliases):
                    depts.setdefault(key, d)
            people: dict[str, list[Person]] = {}
            by_no: dict[tuple, list[Person]] = {}
            by_name: dict[tuple, list[Person]] = {}
            for p in self.staff:
                people.setdefault(p.department, []).append(p)
                no, name = normalize.staff_no_key(p.staff_no), normalize.name_key(p.name)
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
        name_key, no_key = normalize.name_key(name), normalize.staff_no_key(staff_no)
        _, _, _, by_no, by_name = self._lookup()
        if no_key:
            found = by_no.get((code, no_key), [])
            if len(found) == 1 and (not name_key or normalize.name_key(found[0].name) == name_key):
                return found[0]
        found = by_name.get((code, name_key), [])
        return found[0] if len(found) == 1 else None

    def named(self, name: object) -> list[Person]:
        """Everyone of the staff list with this 姓名, in any department."""
        return list(self._lookup()[4].get((None, normalize.name_key(name)), ()))

    def numbered(self, staff_no: object) -> list[Person]:
        """Everyone of the staff list with this 工号 (12 and 0012 alike), in any department."""
        return list(self._lookup()[3].get((None, normalize.staff_no_key(staff_no)), ()))

    def find_moved(self, name: object, staff_no: object) -> Person | None:
        """The one person of the whole staff list with this 工号 and this 姓名 (someone moved to another
        department since their form was made), or None."""
        name_key, no_key = normalize.name_key(name), normalize.staff_no_key(staff_no)
        if not no_key or not name_key:
            return None
        found = [p for p in self.staff if normalize.staff_no_key(p.staff_no) == no_key and normalize.name_key(p.name) == name_key]
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
    warnings: list[str] = field(default_factory=list)   # said by the commands before they run (not errors)

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


def _exists(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _read_toml(path: Path) -> tuple[dict, str]:
    """formkit.toml as Windows editors save it too: UTF-8 with or without a byte order mark, UTF-16 or GBK
    (Notepad's "Unicode" and "ANSI" on a Chinese system), and its text; a syntax error is named by line, with that
    line and the usual causes."""
    data = path.read_bytes()
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):     # Notepad's "Unicode"
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise ConfigError(f"{CONFIG_NAME} 不是文本文件或编码无法识别；请用记事本打开后“另存为”，编码选 UTF-8。") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        where, shown, line, raw_line = "", "", "", ""
        if m:
            line_no = int(m[1])
            where = f"第 {line_no} 行第 {m[2]} 列附近"
            lines = text.splitlines()
            if 0 < line_no <= len(lines):
                raw_line = lines[line_no - 1]
                line = raw_line.strip()
                shown = f"：{line[:80]}"
        typed = re.search(r"=\s*(\d{4})-(\d{2})-(\d{2})\b", line)
        if typed and not _exists(*map(int, typed.groups())):
            # written the right way, a day that does not exist (2023-02-30): said so (it was told to write it the way it was)
            hint = f"{typed[0].lstrip('= ')} 不是存在的日期（月份或日子超出范围），请改成正确的日期"
        elif re.match(r"(start|end|date|as_of)\s*=", line):
            hint = "日期请写成 2023-03-01（年-月-日，两位月日，不加引号）"
        elif "\u3000" in raw_line and not re.search(r'"[^"]*\u3000[^"]*"', raw_line):
            hint = "这一行有中文输入法打出的全角空格（“　”），请删去它或改成英文空格"
        elif "＃" in line and not re.search(r'"[^"]*＃[^"]*"', line):
            hint = "注释请用英文 # 开头（这一行用了中文的“＃”）"
        elif "\\" in line:
            hint = "文件路径中的 \\ 请改成 /（如 roster = \"D:/廉政风险防控/名册.xlsx\"），或把名册放进工作目录只写文件名"
        else:
            hint = ("常见原因：文字没有加英文双引号（应写 name = \"某某学院\"）、用了中文标点（＝、“”）、"
                    "同一项写了两次、[节名] 写错")
        raise ConfigError(f"{CONFIG_NAME} 格式有误（{where or '位置不明'}{shown}）。{hint}。"
                          f"（解析器原文：{exc}）") from None


ISSUED_FILE = ".formkit-issued.json"
"""outbox/.formkit-issued.json (generate.record_issued): the departments the measure forms (附件5/6) were generated for
(the chase and 提交情况 ask for those forms only from them, also once outbox/templates/ has been moved away to send the
forms out), and the names each department's forms were issued under."""


def same_round(name: str, cfg) -> bool:
    """Whether a campaign name is of this campaign's years and round (2023年度… and 2023年度…工作: the same;
    2022-2023学年 and 2023-2024学年, or 2023年度 and 2023年度（第二轮）: not): a form issued under an earlier wording
    of this campaign's name is this campaign's."""
    # (full-width digits typed in the name: ２０２３年度 is 2023年度)
    name, campaign = _arabic(unicodedata.normalize("NFKC", name)), _arabic(unicodedata.normalize("NFKC", cfg.campaign))
    years = set(re.findall(r"(?:19|20)\d\d", name))
    ours = set(re.findall(r"(?:19|20)\d\d", campaign)) or {str(cfg.year)}
    if not years:
        # a name without a year, now given one (廉政风险防控工作 → 2023年度廉政风险防控工作): the same words are the same
        # campaign (last year's forms under that name were this campaign's name too: nothing tells them apart)
        return bool(normalize.fold(name)) and normalize.fold(name) == normalize.fold(_YEARS.sub("", campaign))
    return years == ours and _rounds(name) == _rounds(campaign)


_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


def _cn_number(text: str) -> int:
    """一 … 九十九 as a number (十二, 二十, 二十三)."""
    if "十" not in text:
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _arabic(name: str) -> str:
    """A campaign name's years in Arabic numerals (二〇二三年度 is 2023年度)."""
    return re.sub(r"[〇零一二三四五六七八九]{4}(?=\s*(?:年|学年|-|—|至))",
                  lambda m: "".join(str(_CN_DIGITS[c]) for c in m[0]), name)


def _rounds(name: str) -> list[str]:
    """The round markers of a name, by number (第2轮 and 第二轮 are one round)."""
    out = []
    for m in re.finditer(r"第?([一二三四五六七八九十]+|\d+)(轮|批|次)", name):
        number = m[1] if m[1].isdigit() else str(_cn_number(m[1]))
        out.append(f"{int(number)}{m[2]}")
    return out


_YEARS = re.compile(r"(?:19|20)\d\d(?:\s*[-—–至~]\s*(?:19|20)\d\d)?\s*(?:年度|学年度|学年|年)?")


def other_round(data: dict, cfg: Config) -> bool:
    """Whether outbox/.formkit-issued.json was written for another round than this one: another campaign's name, or the
    same name (one without a year) under another year."""
    campaign, year = data.get("campaign"), data.get("year")
    if year is not None and year != cfg.year:
        return True
    return campaign not in (None, cfg.campaign_id) and not same_round(campaign, cfg)


def issued_data(cfg: Config) -> dict:
    """outbox/.formkit-issued.json as written (generate.record_issued); {} when it is absent or damaged (a file anyone
    may delete). The readers below take what they need of it."""
    try:
        data = json.loads((cfg.outbox / ISSUED_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def issued_round_changed(cfg: Config) -> bool:
    """Whether the forms under outbox/templates/ were last generated for another round (other_round)."""
    data = issued_data(cfg)
    return bool(data) and other_round(data, cfg)


def read_issued(cfg: Config) -> tuple[set[str], dict[str, set[str]]]:
    """What outbox/.formkit-issued.json records: the departments measure forms went to, and the names each department's
    forms were issued under; nothing when it is absent or damaged (a file anyone may delete)."""
    try:
        data = issued_data(cfg)
        # (the measure forms of another round, generated in this folder last year, went to nobody this round)
        measures = data.get("measures", []) if not other_round(data, cfg) else []
        return set(measures), {code: set(names) for code, names in data.get("names", {}).items()}
    except (OSError, ValueError, AttributeError, TypeError):
        return set(), {}


def issued_people(cfg: Config) -> dict[str, set[tuple[str, str]]]:
    """The staff each department's personal forms were issued to, as (name key, 工号 key) (generate.record_issued); {}
    when nothing was recorded (an outbox/ of an older formkit, or deleted)."""
    try:
        data = issued_data(cfg)
        return {code: {(normalize.name_key(name), normalize.staff_no_key(no)) for name, no in people}
                for code, people in data.get("people", {}).items()}
    except (OSError, ValueError, AttributeError, TypeError):
        return {}


def issued_runs(cfg: Config) -> dict[str, list[list[str]]]:
    """The staff each department's personal forms went to, generate run by generate run ("name key|工号 key" lists,
    generate.record_issued); {} when not recorded (an outbox/ of an older formkit, or deleted)."""
    try:
        data = issued_data(cfg)
        return {code: [list(map(str, run)) for run in runs] for code, runs in data.get("runs", {}).items()}
    except (OSError, ValueError, AttributeError, TypeError):
        return {}


def issued_names(cfg: Config) -> dict[str, set[str]]:
    """The names each department's forms were issued under (generate.record_issued); {} when nothing was recorded."""
    return read_issued(cfg)[1]


PLACEHOLDERS = {"某某学院", "（请填写主要领导姓名）"}
EXAMPLE_ROSTER = {("DZB", "党政办公室", "李明"), ("JWC", "教务处", "王芳"), ("CWC", "财务处", "赵强"),
                  ("JJX", "机电工程系", "陈立")}
"""The departments of the roster `formkit init` writes (workspace.EXAMPLE_DEPARTMENTS): a roster still holding them all
is the example, not the college's."""
"""What `formkit init` writes for the coordinator to replace."""

KNOWN_KEYS = {
    "institution": {"name", "main_leader", "office", "contact"},
    "campaign": {"name", "year", "roster", "as_of"},
    "publication": {"show_names", "show_staff_no", "show_phone", "date"},
    "phases": {"start", "end", "name"},
}


def _line_of(text: str, section: str, key: str | None) -> str:
    """'第 N 行' of a key of a section (or of the section's header), as far as a line scan can tell."""
    current = ""
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if m := re.match(r"\[\s*([^\]]+?)\s*\]", stripped):
            current = m[1].replace(" ", "")
            if key is None and current == section:
                return f"第 {n} 行"
        elif key is not None and current == section and re.match(rf"{re.escape(key)}\s*=", stripped):
            return f"第 {n} 行"
    return ""


def _check_keys(raw: dict, text: str) -> list[str]:
    """Settings formkit does not know: a known one in the wrong section is an error (roster under
    [institution] would leave the example roster in use, unsaid); anything else a warning. `text`: the file's,
    to name lines."""
    home = {key: sec for sec, keys in KNOWN_KEYS.items() for key in keys if sec != "phases"}
    warnings = []
    for sec, value in raw.items():
        if sec not in KNOWN_KEYS:
            where = _line_of(text, sec, None) if isinstance(value, dict) else _line_of(text, "", sec)
            warnings.append(f"{CONFIG_NAME} {where}的 {'[' + sec + ']' if isinstance(value, dict) else sec} "
                            f"不是 formkit 的设置，已忽略（可用的节：{'、'.join('[' + k + ']' for k in KNOWN_KEYS)}）。")
            continue
        if not isinstance(value, dict):
            continue
        tables = {f"{sec}.{n}": v for n, v in value.items()} if sec == "phases" else {sec: value}
        for name, table in tables.items():
            if sec == "phases" and (name not in {f"phases.{n}" for n in DEFAULT_PHASES} or not isinstance(table, dict)):
                warnings.append(f"{CONFIG_NAME} 的 [{name}] 不是 formkit 的设置，已忽略（阶段只有 [phases.1]–"
                                f"[phases.{len(DEFAULT_PHASES)}]）。")
                continue
            for key in table:
                if key in KNOWN_KEYS[sec]:
                    continue
                where = _line_of(text, name, key)
                if key in home:
                    raise ConfigError(f"{CONFIG_NAME} {where}的 {key} 应写在 [{home[key]}] 下，现在在 [{name}] 下；"
                                      "请把这一行移到该节中。")
                warnings.append(f"{CONFIG_NAME} {where}的 {key} 不是 [{name}] 的设置，已忽略"
                                f"（可用：{'、'.join(sorted(KNOWN_KEYS[sec]))}）。")
    return warnings


def _text_setting(table: dict, section: str, key: str, what: str) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise ConfigError(f"{CONFIG_NAME} 的 [{section}] {key}（{what}）应是加英文双引号的文字，如 {key} = \"…\"；"
                          f"现为 {value!r}")
    return value.strip()


def load_config(root: Path) -> Config:
    """The campaign of a working folder: formkit.toml and its roster, checked (ConfigError says what is wrong)."""
    try:
        return _load_config(Path(root))
    except OSError as exc:
        # formkit.toml or the roster cannot be read (permissions, a file locked by another program): said as a reading
        # problem before anything was done (it was "没有权限读写…本次汇总没有完成（已写出的部分结果不完整，没有 report.json）",
        # while nothing had been written and the last round's report.json was in place)
        where = f"“{exc.filename}”" if exc.filename else CONFIG_NAME
        why = ("没有读取权限（可能属于别的用户，或正被其他程序独占打开）" if isinstance(exc, PermissionError)
               else exc.strerror or type(exc).__name__)
        raise ConfigError(f"无法读取{where}：{why}；请检查后重新运行。（本次没有做任何处理，上一轮的结果未改动。）") from None


def _load_config(root: Path) -> Config:
    path = root / CONFIG_NAME
    if not path.is_file():
        if root.is_file():
            raise ConfigError(f"“{root}”是一个文件，不是文件夹；--dir 后面请写工作文件夹（formkit.toml 所在的文件夹）。")
        if not root.exists():
            raise ConfigError(f"找不到文件夹“{root}”；请检查 --dir 后面的路径。")
        up = next((p for p in root.resolve().parents if (p / CONFIG_NAME).is_file()), None)
        if up is not None:      # run from inside inbox/ or outbox/
            raise ConfigError(f"在 {root} 中找不到 {CONFIG_NAME}；工作文件夹是上级的“{up}”：请在那里运行，或加上 --dir {up}。")
        saved_as = sorted(p.name for p in root.iterdir() if p.is_file() and p.name != CONFIG_NAME
                          and p.name.casefold().startswith(CONFIG_NAME.casefold()) and p.suffix.casefold() == ".txt")
        if saved_as:        # Notepad's *.txt filter, extensions hidden: formkit.toml.txt (init again wrote the example)
            raise ConfigError(f"在 {root} 中找不到 {CONFIG_NAME}，但有“{saved_as[0]}”（记事本保存时可能加上了 .txt）；请把它改名为 "
                              f"{CONFIG_NAME}（在资源管理器中显示文件扩展名后改名），不要再运行 formkit init。")
        raise ConfigError(f"在 {root} 中找不到 {CONFIG_NAME}；请先运行 formkit init 创建工作目录，或用 --dir 指定工作目录。")
    raw, text = _read_toml(path)

    def section(name: str) -> dict:
        value = raw.get(name, {})
        if not isinstance(value, dict):
            raise ConfigError(f"{CONFIG_NAME} 中 [{name}] 应是一个表（section）")
        return value

    warnings = _check_keys(raw, text)
    inst, camp, pub = section("institution"), section("campaign"), section("publication")
    name = _text_setting(inst, "institution", "name", "单位名称")
    if not name:
        raise ConfigError(f"{CONFIG_NAME} 的 [institution] 缺少 name（单位名称）{_why_missing(raw, 'institution', 'name')}")
    main_leader = _text_setting(inst, "institution", "main_leader", "单位主要领导姓名")
    if not main_leader:
        raise ConfigError(f"{CONFIG_NAME} 的 [institution] 缺少 main_leader（单位主要领导姓名）"
                          f"{_why_missing(raw, 'institution', 'main_leader')}")
    for key, value, what, where in (("name", name, "单位名称", "表单标题、填表说明、汇总工作簿、公示和邮件草稿"),
                                    ("main_leader", main_leader, "主要领导姓名", "一级风险的“监督负责”和公示")):
        if value in PLACEHOLDERS:
            warnings.append(f"{CONFIG_NAME} 的 [institution] {key} 还是示例文字“{value}”；请填写{what}，然后重新运行 "
                            f"formkit generate（它会出现在{where}中；用示例文字生成的表单不要发出）。")
    year = camp.get("year")
    if year is None:
        year = _year_said(camp, section("phases"), warnings)
    if not isinstance(year, int) or isinstance(year, bool):
        raise ConfigError(f"{CONFIG_NAME} 的 [campaign] year 应是整数年份，如 2023")
    campaign = _text_setting(camp, "campaign", "name", "活动名称") or f"{year}年度廉政风险防控"
    if (years := set(re.findall(r"(?:19|20)\d\d", _arabic(unicodedata.normalize("NFKC", campaign))))) \
            and str(year) not in years:
        # (init's 2023年度… kept while year and the dates were made this year's: every form titled with last year)
        warnings.append(f"{CONFIG_NAME} 的 [campaign] name “{campaign}”中的年份与 year = {year} 不符；表单标题、填表说明和"
                        f"汇总工作簿都会写“{campaign}”。如是 {year} 年的活动，请改正名称中的年份后再生成表单。")
    roster_file = _text_setting(camp, "campaign", "roster", "名册文件名") or "名册.xlsx"
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
    for number in range(2, len(phases) + 1):
        before, now = phases[number - 1], phases[number]
        if now.start < before.start:
            raise ConfigError(f"{CONFIG_NAME} 的 [phases.{number}] 开始日期 {now.start} 早于第 {number - 1} 阶段的开始日期 "
                              f"{before.start}；各阶段应按顺序排列（年份是否写错？）")
        if now.start <= before.end:
            warnings.append(f"{CONFIG_NAME} 的第 {number - 1}、{number} 阶段日期重叠（{before.end} 与 {now.start}）；"
                            "如非有意，请改正。")
    if as_of is not None and not (phases[1].start - timedelta(days=366) <= as_of <= phases[len(phases)].end
                                  + timedelta(days=366)):
        warnings.append(f"{CONFIG_NAME} 的 [campaign] as_of = {as_of} 与各阶段日期相差一年以上，所有未交的表都会算作逾期或"
                        "未到期；如非有意，请改正。")
    off_year = sorted({str(d.year) for p in phases.values() for d in (p.start, p.end) if d.year not in (year, year + 1)})
    if off_year:
        warnings.append(f"{CONFIG_NAME} 的阶段日期在 {'、'.join(off_year)} 年，与 [campaign] year = {year} 不符；"
                        "如非有意，请改正。")

    publication = Publication(
        show_names=_as_bool(pub.get("show_names", False), "[publication] show_names"),
        show_staff_no=_as_bool(pub.get("show_staff_no", False), "[publication] show_staff_no"),
        show_phone=_as_bool(pub.get("show_phone", False), "[publication] show_phone"),
        date=_as_date(pub["date"], "[publication] date") if "date" in pub else None,
    )
    roster = load_roster(root / roster_file, roster_file)
    if EXAMPLE_ROSTER == {(d.code, d.name, d.head) for d in roster.departments.values()} and not roster.staff:
        warnings.append(f"名册 {roster_file} 还是 init 写的示例名册（党政办公室 李明、教务处 王芳……）；请换成本单位的部门名单"
                        "（和人员名单）后再生成表单。")
    cfg = Config(root=root, institution=name.strip(), main_leader=main_leader.strip(), campaign=str(campaign),
                 year=year, phases=phases, roster_file=roster_file, roster=roster, publication=publication,
                 office=_text_setting(inst, "institution", "office", "办公室名称") or "廉政风险防控工作领导小组办公室",
                 contact=_text_setting(inst, "institution", "contact", "联系方式"), as_of=as_of,
                 warnings=warnings + roster.warnings)
    _zeros_as_issued(cfg)
    return cfg


def _zeros_as_issued(cfg: Config) -> None:
    """工号 that lost or gained leading zeros since the forms went out (the staff list pasted again from a system that
    gives numbers: 00123 → 123; the column formatted 00000 since: 123 → 00123) as they were issued, said: generate made
    every such form anew (new file names, the issued ones deleted as of people gone, everyone to be sent a form again)."""
    if not any(p.staff_no.isdigit() for p in cfg.roster.staff):
        return
    try:
        data = issued_data(cfg)
        if not data or other_round(data, cfg):
            return          # (forms of last year's round: this year's go out as the roster now says)
        issued = {(code, normalize.name_key(name), normalize.staff_no_key(no)): str(no)
                  for code, people in data.get("people", {}).items() for name, no in people}
    except (AttributeError, TypeError, ValueError):
        return
    staff, changed = [], []
    for p in cfg.roster.staff:
        no = issued.get((p.department, normalize.name_key(p.name), normalize.staff_no_key(p.staff_no)), "")
        if p.staff_no.isdigit() and no.isdigit() and no != p.staff_no and no.lstrip("0") == p.staff_no.lstrip("0"):
            changed.append((p, no))
            p = dataclasses.replace(p, staff_no=no)
        staff.append(p)
    if changed:
        cfg.roster.staff = staff
        p, no = changed[0]
        how = "前面的 0 没有了（可能是从其他系统粘贴成了数字）" if len(no) > len(p.staff_no) else "前面多了 0（可能是改了这一列的数字格式）"
        cfg.warnings.append(f"名册 {cfg.roster_file} 中有 {len(changed)} 人的工号与下发表单时只差前面的 0（如{p.name}下发表单时是 "
                            f"{no}，现为 {p.staff_no}：{how}）；已按下发表单时的工号处理，已发出的表单不必重发。")


DEPT_COLUMNS = {"代码": "code", "名称": "name", "类型": "type", "部门负责人": "head", "分管领导": "leader",
                "应报人数": "headcount", "简称": "aliases", "联系邮箱": "email"}
STAFF_COLUMNS = {"工号": "staff_no", "姓名": "name", "部门代码": "department", "岗位": "post", "职务层级": "rank"}


LABEL_ALIASES = {
    "代码": ("部门代码", "编码", "部门编码", "部门编号", "编号", "单位代码", "单位编码"), "名称": ("部门名称", "单位名称", "部门", "单位"), "类型": ("部门类型",),
    "部门负责人": ("负责人",), "分管领导": ("分管校领导", "分管院领导", "分管校(院)领导"), "应报人数": ("人数", "应交人数", "应填人数", "应报人数合计"),
    "简称": ("别称", "曾用名"), "联系邮箱": ("邮箱", "电子邮箱", "email"), "工号": ("职工号", "教工号", "人员编号"),
    "部门代码": ("所在部门代码", "部门编号", "所在部门编号", "部门编码", "所在部门", "部门", "部门名称", "所在单位", "单位"), "职务层级": ("层级", "职级"),
}
"""Header labels offices use for the roster's columns (a unit in brackets, 应报人数（人）, is dropped anyway)."""

_UNIT = re.compile(r"[(（][^()（）]*[)）]$")
_TOTALS = {"合计", "总计", "小计", "共计"}


def _roster_key(cell: object) -> str:
    key = normalize.label_key(cell)
    return _UNIT.sub("", key) or key


def _header(row: list, columns: dict[str, str]) -> dict[str, int]:
    """Where each column is: a column headed as the roster's own label wherever it stands, else the first of its aliases
    found, in the order listed (部门代码 beside a 部门 column of names: the names were read as the codes; 部门 beside a
    单位 column of the college's name: the 部门)."""
    keys = [_roster_key(cell) for cell in row]
    index: dict[str, int] = {}
    for aliased in (False, True):
        for label, fieldname in columns.items():
            if fieldname in index:
                continue
            for name in (LABEL_ALIASES.get(label, ()) if aliased else (label,)):
                j = next((j for j, key in enumerate(keys) if key == _roster_key(name) and j not in index.values()), None)
                if j is not None:
                    index[fieldname] = j
                    break
    return index


_NOTE_LINE = re.compile(r"\s*(?:注|附注|备注|说明|填表说明|注意)\s*\d*\s*[：:]")


def _table(rows: list[list], sheet: str, columns: dict[str, str], required: set[str], file: str) -> list[dict]:
    """Rows of a roster sheet as dicts keyed by field, with the Excel row number under '_row'. A 合计 row at the
    bottom is no department."""
    wanted = [label for label in columns if label in required]          # in the sheet's own order
    best: tuple[int, dict[str, int]] = (-1, {})
    for i, row in enumerate(rows[:10]):
        index = _header(row, columns)
        if sum(columns[label] in index for label in wanted) > sum(columns[label] in best[1] for label in wanted):
            best = (i, index)
        if all(columns[label] in index for label in wanted):
            break
    header_at, index = best
    missing = [label for label in wanted if columns[label] not in index]
    if missing:
        found = f"找到的表头行（第 {header_at + 1} 行）缺少：{'、'.join(missing)}" if header_at >= 0 else "前 10 行中没有表头"
        raise ConfigError(f"名册 {file} 的工作表“{sheet}”{found}；表头应包含：{'、'.join(wanted)}")
    out = []
    for i, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        values = {f: normalize.to_text(row[j]) if j < len(row) else "" for f, j in index.items()}
        if not any(values.values()):
            continue
        if any(normalize.fold(c) in _TOTALS for c in row[:3]):
            continue
        if len(filled := {normalize.to_text(c) for c in row} - {""}) == 1 and _NOTE_LINE.match(next(iter(filled))):
            continue        # 注：应报人数含借调人员… typed under the table (it stopped every command as a bad row), in a cell
            # or merged across the table (each cell of the merge holds it, _filled_merges)
        values["_row"] = i
        values["_at"] = index
        out.append(values)
    return out


def _find_sheet(sheets: dict[str, list], preferred: str, columns: dict[str, str], required: set[str]) -> str | None:
    """The sheet named `preferred`, else the one whose header (first 10 rows) has the required labels."""
    if preferred in sheets:
        return preferred
    for name, rows in sheets.items():
        for row in rows[:10]:
            index = _header(row, columns)
            if all(columns[label] in index for label in required):
                return name
    return None


def _staff_department(typed: str, departments: dict[str, Department]) -> str:
    """The department a staff row's 部门代码 means: the code as typed, else the same number (Excel dropped the
    zeros of 001 in one sheet and not the other), else a department's name typed in the code column."""
    code = _code(typed)
    if code in departments or not code:
        return code
    if code.isdigit():
        same = [c for c in departments if c.isdigit() and int(c) == int(code)]
        if len(same) == 1:
            return same[0]
    key = normalize.fold(typed)
    named = [c for c, d in departments.items() if normalize.fold(d.name) == key] \
        or [c for c, d in departments.items() if key in map(normalize.fold, d.aliases)]     # (its 简称: 机电系)
    return named[0] if len(named) == 1 else code


def _code(value: str) -> str:
    """A department code as typed: ＪＷＣ (a Chinese input method's full-width letters), jwc and ' JWC' are JWC."""
    return unicodedata.normalize("NFKC", value).strip().upper()


MAX_LISTED = 20
"""Most roster problems one error message lists (the rest are counted)."""


def _raise_all(problems: list[str]) -> None:
    if problems:
        more = f"\n…… 另有 {len(problems) - MAX_LISTED} 处" if len(problems) > MAX_LISTED else ""
        raise ConfigError("\n".join(problems[:MAX_LISTED]) + more)


_ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
"""An address every mail program can send to (as intake.ADDR_SPEC): 王芳@x.cn is not one."""


def _addresses(text: str) -> tuple[list[str], str]:
    """The addresses of a 联系邮箱 cell as people paste them (a full-width ＠ or comma, "教务处 <jwc@x.cn>" from
    Outlook, mailto:), and the first piece that is none."""
    from email.utils import getaddresses

    text = unicodedata.normalize("NFKC", text).replace("mailto:", "")
    out, bad = [], ""
    for piece in re.split(r'[,;、\n]+(?=(?:[^"]*"[^"]*")*[^"]*$)', text):     # not a comma inside "…" (a name)
        piece = piece.strip()
        if not piece:
            continue
        found = [addr for _, addr in getaddresses([piece]) if addr]
        if not found and " " in piece:
            found = piece.split()
        for addr in found or [piece]:
            if _ADDRESS.fullmatch(addr):
                out.append(addr)
            else:
                bad = bad or piece
    return out, bad


_ZEROS_FORMAT = re.compile(r'(?:"([^"]*)")?(0+)')


def _staff_numbers_as_shown(data: bytes, sheet: str, grid: list[list], rows: list[dict]) -> None:
    """工号 typed as numbers in a column formatted to show their leading zeros (00000: 123 shows as 00123, as offices
    keep them in Excel and WPS) as shown: they were 123 on every form, in its file name and in every 风险编号. Read
    from the cells' number formats (an .xlsx only, and only when some 工号 is a number)."""
    at = {r["_row"]: r for r in rows if isinstance(_raw(grid, r), (int, float)) and not isinstance(_raw(grid, r), bool)}
    if not at or data[:2] != b"PK":
        return
    import io

    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        ws = next(wb[s] for s in wb.sheetnames if s.strip().replace("\u3000", "") == sheet)
        col = rows[0]["_at"]["staff_no"] + 1
        for (cell,) in ws.iter_rows(min_row=min(at), max_row=max(at), min_col=col, max_col=col):
            r = at.get(getattr(cell, "row", None))
            value = getattr(cell, "value", None)
            if r is None or not isinstance(value, (int, float)) or value != int(value) or value < 0:
                continue
            if m := _ZEROS_FORMAT.fullmatch(str(getattr(cell, "number_format", "") or "")):
                r["staff_no"] = (m[1] or "") + str(int(value)).zfill(len(m[2]))
        wb.close()
    except Exception:       # noqa: BLE001 (formats unreadable: the values as calamine gave them)
        return


def _raw(grid: list[list], r: dict) -> object:
    row = grid[r["_row"] - 1] if r["_row"] - 1 < len(grid) else []
    j = r["_at"].get("staff_no", len(row))
    return row[j] if j < len(row) else None


def _filled_merges(sheet) -> list[list]:
    """A roster sheet's cells, each merged range filled with its top-left value (张副院长 merged over the rows of
    the three departments he leads is their 分管领导 each, as the office sees it)."""
    grid = sheet.to_python(skip_empty_area=False)
    for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []:
        if r0 >= len(grid) or c0 >= len(grid[r0]):
            continue
        value = grid[r0][c0]
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            row = grid[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0) and row[c] in ("", None):
                    row[c] = value
    return grid


def _why_missing(raw: dict, section: str, key: str) -> str:
    """Why a required setting was not found where it was written: its section's name typed otherwise ([Institution],
    ［institution］ is a syntax error already), or the setting written above every section."""
    for other, value in raw.items():
        if other != section and isinstance(value, dict) and normalize.fold(other) == normalize.fold(section) \
                and key in value:
            return f"：文件中写的是 [{other}]，应写作 [{section}]（英文小写）"
    if key in raw and not isinstance(raw[key], dict):
        return f"：{key} 写在了所有 [节] 之前，请把它移到 [{section}] 这一行下面"
    return ""


def _year_said(camp: dict, phases: dict, warnings: list[str]) -> int:
    """The campaign's year where [campaign] year is not set: the year of the first phase date written, else the
    one in the campaign's name (2023年度…), else this year; said, so that no form carries a year nobody wrote."""
    for number in sorted(phases, key=str):
        given = phases[number] if isinstance(phases[number], dict) else {}
        for key in ("start", "end"):
            try:
                return _as_date(given[key], "").year
            except (KeyError, ConfigError):
                continue
    name = camp.get("name")
    if isinstance(name, str) and (m := re.search(r"(20\d\d)\s*年", name)):
        return int(m[1])
    this = date.today().year
    warnings.append(f"{CONFIG_NAME} 的 [campaign] 中没有 year（年份），已按今年 {this} 年处理（表单标题、各阶段日期都按这一年）；"
                    f"如不是，请在 [campaign] 中写 year = 2023 这样的一行。")
    return this


def _is_text(data: bytes) -> bool:
    """Bytes that read as text (a roster saved as CSV): no NUL in the first KB, and decodable."""
    head = data[:1024]
    if b"\0" in head:
        return False
    return any(len(head.decode(codec, errors="ignore").encode(codec)) >= 0.95 * len(head) for codec in ("utf-8", "gb18030"))


def load_roster(path: Path, name: str) -> Roster:
    if not path.is_file():
        stem = Path(name).name.split(".")[0].casefold()
        near = sorted(p.name for p in path.parent.glob("*") if p.is_file() and p.name.casefold().startswith(stem)
                      and not p.name.startswith(("~$", ".~lock")) and p.suffix.lower() in (".xlsx", ".xls", ".et", ".ods",
                                                                                           ".xlsm", ".csv"))
        if near:        # saved as 名册.xls, 名册(1).xlsx, 名册.xlsx.xlsx: which file it could be
            raise ConfigError(f"找不到名册文件 {name}（在 formkit.toml 的 [campaign] roster 中设置），文件夹中有“{near[0]}”；"
                              f"如果这就是名册，请把它改名为 {name}，或在 formkit.toml 中写 roster = \"{near[0]}\"。")
        raise ConfigError(f"找不到名册文件 {name}（在 formkit.toml 的 [campaign] roster 中设置）")
    import io

    from python_calamine import CalamineError, CalamineWorkbook

    data = path.read_bytes()
    if not data:
        raise ConfigError(f"名册 {name} 是空文件（0 字节）；请重新保存名册。")
    try:     # by its content, not its extension (an .xlsx renamed .xls, a WPS .et)
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = {s: _filled_merges(wb.get_sheet_by_name(s)) for s in wb.sheet_names}
    except (CalamineError, OSError, ValueError, TypeError):
        what = "是文本文件（如 CSV），不是 Excel/WPS 工作簿" if _is_text(data) else "不是 Excel/WPS 工作簿，或文件已损坏"
        raise ConfigError(f"名册 {name} 无法作为表格打开（{what}）；请用 Excel 或 WPS 打开名册后另存为 .xlsx，"
                          "并在 formkit.toml 中写上新的文件名。") from None
    # a sheet named "人员 " (a space typed after the name) is that sheet
    sheets = {s.strip().replace("\u3000", ""): v for s, v in reversed(list(sheets.items()))}
    sheets = dict(reversed(list(sheets.items())))
    warnings: list[str] = []
    dept_required = {"代码", "名称", "部门负责人", "分管领导", "应报人数"}
    dept_sheet = _find_sheet(sheets, "部门", DEPT_COLUMNS, dept_required)
    if dept_sheet is None:
        raise ConfigError(f"名册 {name} 中没有名为“部门”的工作表（现有：{'、'.join(sheets) or '无'}）；"
                          "请把列出各部门的工作表改名为“部门”。")
    if dept_sheet != "部门":
        warnings.append(f"名册 {name} 中没有名为“部门”的工作表，已按表头把“{dept_sheet}”当作部门表读取。")
    staff_required = {"工号", "姓名", "部门代码"}
    staff_sheet = _find_sheet({k: v for k, v in sheets.items() if k != dept_sheet}, "人员", STAFF_COLUMNS,
                              staff_required)
    if staff_sheet not in (None, "人员"):
        warnings.append(f"名册 {name} 中没有名为“人员”的工作表，已按表头把“{staff_sheet}”当作人员名单读取。")
    elif staff_sheet is None and (others := [k for k, v in sheets.items() if k != dept_sheet and any(map(any, v))]):
        warnings.append(f"名册 {name} 中没有“人员”工作表（现有：{'、'.join([dept_sheet, *others])}），附件3 将按部门生成"
                        "通用表；如要按人生成，请把人员名单所在的工作表改名为“人员”（表头：工号、姓名、部门代码、岗位、职务层级）。")
    rows = _table(sheets[dept_sheet], dept_sheet, DEPT_COLUMNS, dept_required, name)
    departments: dict[str, Department] = {}
    code_rows: dict[str, int] = {}
    names: dict[str, int] = {}
    problems: list[str] = []      # every bad row at once: the office fixes the roster in one go
    for r in rows:
        where = f"名册 {name} 工作表“{dept_sheet}”第 {r['_row']} 行"
        code = _code(r.get("code", ""))       # jwc, ＪＷＣ and JWC are one code (it starts every 风险编号)
        if not code or not code.isascii() or not code.replace("-", "").replace("_", "").isalnum() or len(code) > 12:
            problems.append(f"{where}“代码”应为不超过 12 位的字母或数字（如 JWC），现为“{code}”")
            continue
        if code in departments:
            problems.append(f"{where}“代码”{code} 与第 {code_rows[code]} 行重复")
            continue
        r["name"] = re.sub(r"\s*\n\s*", "", r.get("name", ""))     # a name typed over two lines (Alt+Enter) in the cell
        for key in ("head", "leader"):
            r[key] = normalize.person_name(r.get(key, ""))
        empty = [label for f, label in (("name", "名称"), ("head", "部门负责人"), ("leader", "分管领导")) if not r.get(f)]
        if empty:
            problems.append(f"{where}“{'”“'.join(empty)}”不能为空")
            continue
        if normalize.fold(r["name"]) in names:
            problems.append(f"{where}“名称”{r['name']} 与第 {names[normalize.fold(r['name'])]} 行重复")
            continue
        names[normalize.fold(r["name"])] = r["_row"]
        dtype = r.get("type") or "其他"
        dtype = normalize.choice(dtype, DEPARTMENT_TYPES, {})[0] or dtype      # 其它, 党政部门类: as meant
        if dtype not in DEPARTMENT_TYPES:
            problems.append(f"{where}“类型”只能是 {'、'.join(DEPARTMENT_TYPES)}，现为“{dtype}”")
            continue
        headcount = -1                                  # empty: the staff list's count, below
        if r.get("headcount"):
            try:
                number = float(r["headcount"].rstrip("人名 "))      # 12人 is 12
                if number < 0 or not number.is_integer():
                    raise ValueError
                headcount = int(number)
            except ValueError:
                problems.append(f"{where}“应报人数”应为非负整数，现为“{r.get('headcount')}”")
                continue
        aliases = tuple(a.strip() for a in r.get("aliases", "").replace("，", ",").split(",") if a.strip())
        emails, bad = _addresses(r.get("email", ""))
        if bad:       # only the drafts' recipient: said, and left out, rather than stopping the campaign
            warnings.append(f"{where}“联系邮箱”中的“{bad}”不是邮件程序能发送的地址（应写成 jwc@example.edu.cn，"
                            "多个用逗号分开），催报和反馈草稿的收件人中不写它。")
        code_rows[code] = r["_row"]
        departments[code] = Department(code, r["name"], dtype, r["head"], r["leader"], headcount, aliases,
                                       ", ".join(emails))
    _raise_all(problems)
    if not departments:
        raise ConfigError(f"名册 {name} 的“部门”工作表中没有任何部门")
    staff: list[Person] = []
    if staff_sheet is not None:
        seen: dict[str, int] = {}
        seen_names: dict[str, str] = {}
        staff_rows = _table(sheets[staff_sheet], staff_sheet, STAFF_COLUMNS, staff_required, name)
        _staff_numbers_as_shown(data, staff_sheet, sheets[staff_sheet], staff_rows)
        for r in staff_rows:
            where = f"名册 {name} 工作表“{staff_sheet}”第 {r['_row']} 行"
            if empty := [label for key, label in (("staff_no", "工号"), ("name", "姓名")) if not r.get(key)]:
                problems.append(f"{where}“{'”“'.join(empty)}”不能为空")
                continue
            no_key = normalize.staff_no_key(r["staff_no"])        # 12 and 0012 are one 工号
            if no_key in seen:
                # (someone in two departments, 双肩挑, is listed once: in the department whose forms they fill)
                problems.append(f"{where}工号 {r['staff_no']} 与第 {seen[no_key]} 行重复"
                                + ("；同一人只能列在一个部门（兼任两个部门的，列在填报个人表的那个部门）"
                                   if normalize.name_key(r["name"]) == normalize.name_key(seen_names[no_key]) else ""))
                continue
            seen[no_key], seen_names[no_key] = r["_row"], r["name"]
            typed = r.get("department", "")
            r["department"] = _staff_department(typed, departments)
            if not typed.strip():
                problems.append(f"{where}“部门代码”不能为空（填“部门”工作表中该部门的代码）")
                continue
            if r["department"] not in departments:
                problems.append(f"{where}“部门代码”{typed} 不在“部门”工作表中（应为“部门”工作表“代码”列中的一个："
                                f"{'、'.join(list(departments)[:8])}{' 等' if len(departments) > 8 else ''}）")
                continue
            rank = r.get("rank") or "其他"
            rank = normalize.choice(rank, RANKS, {})[0] or rank
            if rank not in RANKS:
                problems.append(f"{where}“职务层级”只能是 {'、'.join(RANKS)}，现为“{rank}”")
                continue
            staff.append(Person(r["staff_no"], normalize.person_name(r["name"]), r["department"], r.get("post", ""), rank))
        _raise_all(problems)
    short: list[str] = []                    # departments whose staff list names fewer than their 应报人数
    for code, dept in list(departments.items()):
        if dept.headcount < 0:               # 应报人数 left empty: as many as the staff list names
            listed = sum(1 for p in staff if p.department == code)
            if not listed:
                raise ConfigError(f"名册 {name} 工作表“部门”第 {code_rows[code]} 行“应报人数”不能为空"
                                  "（人员名单中也没有这个部门的人；不需要报个人表的部门请填 0）")
            departments[code] = dataclasses.replace(dept, headcount=listed)
        elif staff and dept.headcount > (listed := sum(1 for p in staff if p.department == code)) > 0:
            short.append(f"{dept.name}应报 {dept.headcount} 人、只列出 {listed} 人")
        elif staff and dept.headcount < (listed := sum(1 for p in staff if p.department == code)):
            # more people listed than 应报人数 says: every listed person owes a form (3/1 is no count)
            warnings.append(f"名册 {name} 中{dept.name}“应报人数”为 {dept.headcount}，人员名单列出 {listed} 人："
                            f"按 {listed} 人统计；如有人不需要报送，请从人员名单中删去。")
            departments[code] = dataclasses.replace(dept, headcount=listed)
    if short:       # one line for them all (ten departments made ten lines before every command)
        warnings.append(f"名册 {name} 中有 {len(short)} 个部门的人员名单少于应报人数（{'；'.join(short[:5])}"
                        f"{'等' if len(short) > 5 else ''}）：附件3 只为名单中的人生成，提交情况按应报人数统计。")
    numbers: dict[int, str] = {}
    for code in departments:
        if code.isdigit():
            if (other := numbers.setdefault(int(code), code)) != code:
                warnings.append(f"名册 {name} 中部门代码 {other} 与 {code} 只差前面的 0，是两个部门；人员名单中写 {int(code)} "
                                "的人可能被归错部门，请改用不同的代码（如 DZB、JWC）。")
    fold = normalize.fold
    owner = {fold(k): d for d in departments.values() for k in (d.name, d.code)}
    alias_of: dict[str, Department] = {}
    for d in departments.values():
        for alias in d.aliases:
            other = owner.get(fold(alias)) or alias_of.get(fold(alias))
            if other is not None and other is not d:
                warnings.append(f"名册 {name} 中{d.name}的简称“{alias}”与{other.name}的"
                                f"{'名称或代码' if fold(alias) in owner else '简称'}相同：写“{alias}”的表按{other.name}处理；"
                                "如不是这样，请在名册中删去或改写这个简称。")
            alias_of.setdefault(fold(alias), d)
    return Roster(departments, staff, warnings)


def standalone_config(root: Path) -> Config:
    """For `formkit check` outside a working folder: no roster, so roster checks are skipped."""
    phases = {n: Phase(n, name, s, e) for n, (name, s, e) in DEFAULT_PHASES.items()}
    return Config(root=Path(root), institution="", main_leader="", campaign="", year=DEFAULT_PHASES[1][1].year,
                  phases=phases, roster_file="", roster=Roster({}), publication=Publication())
