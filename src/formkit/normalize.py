"""Normalisation of what people type: whitespace, full-width forms, level and 是/否 synonyms, dates as text.

User text keeps its own punctuation (全角括号 stay); only labels and enumerated values are folded with NFKC.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from functools import lru_cache

_SPACES = re.compile(r"[ \t\u00a0\u3000\u2002-\u200a]+")
_INVISIBLE = re.compile("[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f"
                        "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")
"""Unicode format characters (category Cf, in the Basic Multilingual Plane): zero-width spaces and joiners,
direction marks, the soft hyphen. Invisible in a cell, they are removed, not made a space."""
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")     # (C0, DEL, C1)
"""Control characters (a bell, an escape sequence typed as _x001B_) and lone surrogates: no one typed them to be
read, and an output (a terminal, an HTML page) would act on them or choke."""
_LINE_BREAKS = str.maketrans(dict.fromkeys("\x0b\x0c\u2028\u2029", "\n"))
"""Line breaks other programs write: Word's manual line break (Shift+Enter) and page break pasted into a cell (stored
as _x000B_, _x000C_), the Unicode line and paragraph separators of a web page or a chat: a line break, not two lines
glued together."""
_CJK_NAME = re.compile(r"[\u3400-\u9fff\uf900-\ufaff·•．.・‧﹒－\-。｡∙⋅]+")
_NAME_DOTS = str.maketrans({c: "·" for c in "•．.・‧﹒－-。｡∙⋅"})
_NAME_MARKS = re.compile(r"[·•．.・‧﹒－\-\s\u3000。｡∙⋅]")
_ALL_SPACE = re.compile(r"[\s\u00a0\u3000\u2002-\u200b\ufeff]+")
_QUOTES = str.maketrans("級風險崗職責機環業務決執監檢領導組辦長員層幹黨書記專師門類點權財規範製內設現", "级风险岗职责机环业务决执监检领导组办长员层干党书记专师门类点权财规范制内设现", "\"'“”‘’「」『』\ufe0e\ufe0f")
"""What a comparison key drops (quotes, emoji variation selectors: 二级\ufe0f pasted from a phone's chat looks 二级) and reads
as simplified: the traditional forms of the characters of the
forms' labels and choices (二級 is 二级, 崗位職責 is 岗位职责, typed on a traditional-Chinese system); no general
conversion (names keep their characters)."""


def to_text(value: object) -> str:
    """A cell value as the text a person sees: 1.0 → '1', dates ISO, whitespace tidied."""
    if type(value) is str and (not value or (value.isprintable() and value[0] != " " and value[-1] != " "
                                             and "  " not in value)):
        return value      # already tidy: one line, no unusual space, nothing to trim (most cells)
    if value is None:
        return ""
    if isinstance(value, bool):       # a TRUE/FALSE cell, shown as the spreadsheet shows it (a 是/否 column
        return "TRUE" if value else "FALSE"   # normalises it with a note; a text column keeps what was typed)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta | time):
        return str(value)
    text = _INVISIBLE.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROLS.sub("", text.translate(_LINE_BREAKS))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line).strip()



def iso_text(value: object) -> str:
    """A cell's value as the outputs show it: a date or a time in ISO form (2023-06-30, 2023-06-30T09:30:00), anything
    else as to_text."""
    return value.isoformat() if isinstance(value, date) else to_text(value)

def person_name(value: object) -> str:
    """A person's name as written, tidied: a Chinese name typed with a space to line it up (张　伟, 张 伟) or an
    invisible character in it is the name without them (an auditor searching for 张伟 finds it); other names
    (John Smith) keep their spaces."""
    text = to_text(value)
    if "\n" in text and (lines := _name_lines(text)) is not None:
        # (two names on two lines: 刘洪、周建国, not 刘洪周建国; a title on a line of its own by a name, 刘洪⏎党委书记: no
        # part of it, it was 刘洪党委书记; two posts, 处长⏎科长: 处长、科长)
        return "、".join(map(person_name, lines))
    if "\n" in text and _NAMES_APART.search(text):     # (王芳、李娜⏎张伟、赵强: one list, not 李娜 张伟)
        return "、".join(person_name(line) for line in text.split("\n") if line.strip())
    text = text.replace("\n", " ")       # a line break (Alt+Enter) is no part of a name
    if _CJK_NAME.fullmatch(squeezed := text.replace(" ", "")):
        # 艾力.买买提, 艾力•买买提: the middle dot 艾力·买买提; a dot typed after the name (王五.) is no part of it
        return squeezed.translate(_NAME_DOTS).strip("·") or squeezed
    return text


_TITLE_END = re.compile(r"(?:书记|院长|校长|主任|处长|部长|科长|经理|教授|委员|组长|馆长|所长|主席|秘书|干事|会计|会计师|老师"
                        r"|讲师|工程师|出纳|负责人|[正副]?[处科]级|助理|专员|职员|文员"
                        r"|(?:科|办事|管理|辅导|调研|教务|研究|实验|组织|联络|技术|档案|采购|统计|资料|保管|安全)员)$")
"""How a title ends (党委书记, 副院长, 校长助理, 总会计师, 教务员); not 员 alone (李正员 is a name)."""
_UNIT_END = re.compile(r"[科处室部系院办组所馆队站]$|中心$")
"""How a section's name ends (学籍科, 党政办): a line naming where, not who."""
_OFFICE = re.compile(r"^[\u3400-\u9fff]{2,}(?:[处室办部系馆所队站]|中心)$")
"""An office's name (党政办, 财务处, 纪检监察室): not a person's (names end in 科 or 院 too: 李文科 is one)."""
_NOTE = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
"""A note in brackets by a name (（主持工作）, （党委书记、院长））: no name."""
_NAMES_APART = re.compile(r"\s*[、，,；;/／]\s*")
"""What separates names typed into one cell (刘洪、周建国)."""
_HAN = re.compile(r"[\u3400-\u9fff]+")


def _one_name(line: str) -> bool:
    """Whether a line of a cell is a Chinese name of its own (刘洪, 周建国, 张科): two to four characters, no title
    (党委书记), not part of a name going on over the line (艾尔肯· ⏎ 吐尔逊)."""
    line = line.replace(" ", "")
    return 2 <= len(line) <= 4 and _HAN.fullmatch(line) is not None and not _TITLE_END.search(line)


def _a_title(line: str) -> bool:
    """Whether a line of a name cell is a title or titles (党委书记, 处长, 副院长（主持工作）, 党委书记、院长), not a name."""
    parts = [p for p in re.split(r"[、，,；;/／\s]+", _NOTE.sub("", line)) if p]
    return bool(parts) and all(len(p) <= 10 and _HAN.fullmatch(p) is not None
                               and _TITLE_END.search(p) is not None for p in parts)


def _name_lines(text: str) -> list[str] | None:
    """The lines of a cell that each name a person (or a post) where that is clear: names alone on their lines, less
    the lines of their titles; all titles (two posts, 处长⏎科长); None where it is not (学籍科⏎科长: one post, kept
    as typed)."""
    text = re.sub(r"\s*\n\s*(?=[·•.．・])|(?<=[·•.．・])\s*\n\s*", "", text)     # (艾尔肯· ⏎ 吐尔逊: one name)
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) < 2:
        return None
    rest = [line for line in lines if not _a_title(line)]
    if not rest:
        return lines
    if len(rest) == 1 and _UNIT_END.search(rest[0].replace(" ", "")):
        return None     # (学籍科⏎科长: a section's head, one post as typed; 李文科⏎处长 reads so too)
    people = [line for line in rest if not _OFFICE.search(line.replace(" ", ""))]
    if people and len(people) < len(rest):
        rest = people   # (李明⏎党政办, 张伟⏎财务处: the office by the name is where, not who)
    return rest if all(map(_one_name, rest)) else None


_COMPOUND_SURNAMES = frozenset("欧阳 司马 诸葛 上官 东方 皇甫 令狐 慕容 司徒 夏侯 尉迟 公孙 长孙 宇文 端木 轩辕 独孤 南宫 西门 "
                                "百里 呼延 万俟 闻人 澹台 公冶 宗政 濮阳 申屠 太史 钟离".split())
_ONE_TITLE = (r"(?:党委|党总支|党支部|系|院|处|科|部|室|馆|所|中心)?副?"
              r"(?:书记|院长|校长|主任|处长|部长|科长|经理|馆长|所长|组长|会计|出纳|教授|讲师|干事|秘书|专员|负责人)")
_BARE_TITLE = re.compile(rf"{_ONE_TITLE}(?:[、，,]{_ONE_TITLE})*")
"""A title alone, or titles (处长, 系主任, 党委书记、处长), no one's name in it (not 王处长, 张伟处长: a person named by it)."""
_DOTS = "·・‧•.．"
_MIDDLE_DOTS = "·・‧"
_NUMBERED = re.compile(r"^\s*(?:\d{1,2}[.、．)）]|[(（]\d{1,2}[)）]|[一二三四五六七八九十]{1,2}、)\s*")
"""A line's numbering (1. 王芳, （2）李娜, 一、王芳): no part of whom it names."""


def _one_person(text: str) -> bool:
    """Whether a text is most likely one person's Chinese name: two or three characters, four after a 复姓; no title,
    post or office (经办人, 报账员, 教研室)."""
    return _HAN.fullmatch(text) is not None and (2 <= len(text) <= 3 or (len(text) == 4 and text[:2] in _COMPOUND_SURNAMES)) \
        and not _TITLE_END.search(text) and not re.search(r"[人员]$", text) and not _UNIT_END.search(text)


def _lines_of_people(text: str) -> list[str]:
    """A cell's lines, bullets, numbering and full stops off where every line has them (• 王芳⏎• 李娜, 王芳．⏎李娜．), a name
    going on over the line at its middle dot joined (艾尔肯·⏎吐尔逊, 艾尔肯⏎·吐尔逊)."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) > 1 and all(line[:1] in _DOTS + "-*●◆▪■" for line in lines):
        lines = [line[1:].strip() for line in lines]
    if len(lines) > 1 and all(line[-1:] in _DOTS + "。" for line in lines):
        lines = [line[:-1].strip() for line in lines]
    if len(lines) > 1 and all(_NUMBERED.match(line) for line in lines):      # (一、二年级班主任 alone is what it says)
        lines = [_NUMBERED.sub("", line).strip() or line for line in lines]
    joined: list[str] = []
    for line in lines:
        # (a middle dot only: 王小明.⏎张伟 and 张伟⏎•王小明 are two people, a full stop and a bullet)
        if joined and (joined[-1][-1:] in _MIDDLE_DOTS or line[:1] in _MIDDLE_DOTS) \
                and _HAN.fullmatch(line.strip(_DOTS)[:1] or "x") and _HAN.fullmatch(joined[-1].strip(_DOTS)[-1:] or "x"):
            joined[-1] = joined[-1].rstrip(_DOTS) + "·" + line.lstrip(_DOTS)
        else:
            joined.append(line)
    return joined


def people_text(value: object) -> str:
    """A 责任人 cell as the outputs show it: whoever it names, as typed, every line and every entry kept (a post, an
    office or a group is as much a 责任人 as a name: 任课教师⏎辅导员, 教务处 王芳), lines and entries apart by 、; a name
    spaced to line it up is the name (张 伟, 欧阳 娜娜), one going on over the line at its dot one (艾尔肯·⏎吐尔逊); a bare
    title on the line under a name is the name's (孙丽⏎处长: 孙丽（处长）); bullets (• 王芳) are none of it. person_name
    reads one person: it glued 郑海 罗斌 into 郑海罗斌 and dropped 辅导员."""
    people: list[str] = []
    for line in _lines_of_people(to_text(value)):
        if people and _BARE_TITLE.fullmatch(line) and _one_person(people[-1]):
            people[-1] = f"{people[-1]}（{line}）"
            continue
        for piece in (p.strip() for p in _NAMES_APART.split(line)):
            squeezed = piece.replace(" ", "").replace("\u3000", "")
            if _one_person(squeezed) or (_CJK_NAME.fullmatch(squeezed) and not _HAN.fullmatch(squeezed)):
                people.append(person_name(piece))       # 张 伟, 欧阳 娜娜, 艾力.买买提: the name
            elif piece:
                people.append(" ".join(piece.replace("\u3000", " ").split()))     # as typed (郑海 罗斌, 教务处 王芳)
    return "、".join(dict.fromkeys(p for p in people if p))


def names_in(value: object) -> list[str]:
    """The people a cell names, one per line or apart by 、，；: [刘洪, 周建国]; a title on a line of its own (刘洪 ⏎ 党委书记),
    a note in brackets, a name going on over the line (艾尔肯· ⏎ 吐尔逊) are no one else."""
    text = _NOTE.sub("", to_text(value))
    # (a title line, 党委书记 by the name, is no one; lines of no clear reading, 学籍科⏎科长, are one, as typed, unless
    # they list names apart: 王芳、李娜⏎张伟、赵强)
    lines = _name_lines(text)
    if lines is None:
        lines = text.split("\n") if _NAMES_APART.search(text) else [text]
    return [person_name(n) for line in lines for n in _NAMES_APART.split(line) if n.strip()]


def name_key(value: object) -> str:
    """A person's name for telling people apart: folded, without the dot between a Uyghur or foreign given name and
    family name nor spaces (买买提·艾力, 买买提 艾力 and 买买提艾力 are one name, however an input method typed it)."""
    return _NAME_MARKS.sub("", fold(person_name(value)))


def staff_no_key(staff_no: object) -> str:
    """A 工号 for comparison: folded, and without leading zeros when it is all digits (a roster typed in Excel
    as the number 12 and a form carrying 0012 name the same person)."""
    number = fold(staff_no)
    return (number.lstrip("0") or "0") if number.isdigit() else number


def person_key(staff_no: object, name: object) -> str:
    """Who a person is, for telling people apart: the 工号 when there is one ("#0012"), else the folded 姓名
    (two 张伟 in one department are two people; the same 张伟 written as "张 伟" is one)."""
    number = staff_no_key(staff_no)
    return f"#{number.upper()}" if number else name_key(name)


def fold(value: object) -> str:
    """A comparison key: NFKC (full-width → half-width), no whitespace, no quotes, lower case."""
    if type(value) is str and len(value) <= 32:
        return _fold_short(value)       # choices, levels, names, labels: the same few recur in every form
    return _fold(value)


@lru_cache(maxsize=32768)
def _fold_short(value: str) -> str:
    return _fold(value)


def _fold(value: object) -> str:
    text = to_text(value)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    # printable text has no whitespace but " " (isprintable is False for every other space character)
    text = text.replace(" ", "") if text.isprintable() else _ALL_SPACE.sub("", text)
    return text.translate(_QUOTES).lower()


def label_key(value: object) -> str:
    """A label as a comparison key: folded, trailing colon removed."""
    if type(value) is str and len(value) <= 64:
        return _label_key_str(value)
    return fold(value).rstrip(":：")


@lru_cache(maxsize=32768)
def _label_key_str(value: str) -> str:
    """label_key of a short string, memoised: the same labels and choices recur in every form."""
    return fold(value).rstrip(":：")


_LEVEL_WORDS = {
    "一级": "一级", "二级": "二级", "三级": "三级",
    "一": "一级", "二": "二级", "三": "三级",
    "1": "一级", "2": "二级", "3": "三级", "1级": "一级", "2级": "二级", "3级": "三级",
    "i": "一级", "ii": "二级", "iii": "三级", "i级": "一级", "ii级": "二级", "iii级": "三级",
    "高": "一级", "中": "二级", "低": "三级", "高风险": "一级", "中风险": "二级", "低风险": "三级",
    "一级风险": "一级", "二级风险": "二级", "三级风险": "三级",
    "1级风险": "一级", "2级风险": "二级", "3级风险": "三级",
    "i级风险": "一级", "ii级风险": "二级", "iii级风险": "三级",
    "高级": "一级", "中级": "二级", "低级": "三级",
    "一般": "二级", "一般风险": "二级", "中等": "二级", "中等风险": "二级",   # the plan: 高风险、一般风险、低风险
    "壹级": "一级", "贰级": "二级", "叁级": "三级", "第一级": "一级", "第二级": "二级", "第三级": "三级",   # (banker's numerals)
    "一级风险点": "一级", "二级风险点": "二级", "三级风险点": "三级",
    "high": "一级", "medium": "二级", "middle": "二级", "low": "三级",       # (English: fold drops spaces, lower case)
    "highrisk": "一级", "mediumrisk": "二级", "lowrisk": "三级", "level1": "一级", "level2": "二级", "level3": "三级",
}
LEVEL_WORDS = frozenset(_LEVEL_WORDS)
"""Every way of writing a risk level that reads as one (一级, 高, Ⅱ级 …)."""


_TRAILING_MARKS = "。.,，;；!！、"


def _bare(key: str) -> str:
    """A folded choice without the full stop or comma typed after it (是。, 二级，)."""
    return key.rstrip(_TRAILING_MARKS) or key


_ANSWER_FIRST = re.compile(r"(是|否|有|无|涉及|不涉及|未涉及|没有|不是)[,;:。.、](.+)")
"""是，大额资金使用 (folded: NFKC makes ， a ,): the answer, then why."""

_NOTED = re.compile(r"(.+?)\((.+)\)")
"""A value with a note in brackets after it (folded: NFKC turns （） into ()): 二级（中）, 是（重要人事任免）."""


_UNDECIDED = re.compile(r"或|待定|未定|不确定|[?？]")
"""A note that leaves the value open (二级（或一级）, 是（待定）): no value to read."""


def _noted(key: str) -> tuple[str, str] | None:
    m = _NOTED.fullmatch(key)
    return (m[1], m[2]) if m and not _UNDECIDED.search(m[2]) else None


def level(value: object) -> tuple[str | None, bool]:
    """(canonical level or None when not recognisable, whether the input differed from the canonical). A level with
    the plan's word for it in brackets (二级（中）, 一级（高风险）) is that level; with a contradicting one (一级（低）),
    none."""
    raw = to_text(value)
    key = fold(raw)   # NFKC already turns Ⅰ Ⅱ Ⅲ into I II III
    canon = _LEVEL_WORDS.get(key) or _LEVEL_WORDS.get(_bare(key))
    if canon is None and (noted := _noted(key)):
        base, note = (_LEVEL_WORDS.get(_bare(part)) for part in noted)
        others = {lv for lv in ("一级", "二级", "三级") if lv in noted[1]} - {base}
        canon = base if base is not None and note in (None, base) and not others else None
    return canon, canon is not None and _unselected(raw) != canon


_YES = {"是", "y", "yes", "√", "✓", "✔", "✅", "有", "涉及", "true", "1", "对", "是的", "对的", "有的", "属于"}
_NO = {"否", "n", "no", "×", "✗", "❌", "✖", "x", "无", "不涉及", "未涉及", "false", "0", "没有", "不是", "不是的", "没有的",
       "无的", "不属于", "没涉及", "无涉及", "没有涉及", "均不涉及", "均未涉及", "都不涉及", "非"}
_INVOLVING = re.compile(r"(均|都|并)?(不|未|没有?|无)?涉及(.+)")
"""涉及大额资金使用, 不涉及重大事项: the answer in its own words, naming the matter (not 不涉及…但涉及…, nor 涉及…？)."""
_MAJOR_MATTER = re.compile(r"重大|大额|重要|人事|任免|三重一大|大宗|基建|招标|投标|招投标")
"""What a 涉及… must name to say 是: a matter of 三重一大 itself (涉及大额资金使用), not any matter (涉及日常事务)."""
_NOT_QUITE = re.compile(r"非|以外|之外|一般|日常|小额|少量|零星|(?<![0-9０-９])[0０零](?![0-9０-９.．万千百十元])|吗|么|与否|涉及|不|未|没|"
                        r"无|是|否")
"""Words by which a 涉及… / 不涉及… may say the other answer, or ask (涉及非重大事项, 涉及三重一大以外的事项, 涉及吗)."""
_BOX_FIRST = re.compile(r"([□☐☑✅■√✓✔☒▣])\s*(是|否)")
_BOX_AFTER = re.compile(r"(是|否)\s*([□☐☑✅■√✓✔☒▣])")
"""☑是 □否, 是□ 否☑: a Word-style box drawn by each answer, one ticked."""


def _ticked(raw: str) -> str | None:
    """The answer whose box is ticked where each answer has a box (before it, or after it, alike), else None."""
    for found in (_BOX_FIRST.findall(raw), [(b, a) for a, b in _BOX_AFTER.findall(raw)]):
        if sorted(a for _, a in found) == ["否", "是"]:
            ticked = [a for box, a in found if box not in "□☐"]
            return ticked[0] if len(ticked) == 1 else None
    return None
_CLAUSE = re.compile(r"[,;:.。]|但是?|而且?|也|并且?")
"""What ends a clause of the words after a 是/否 (not 、: 不涉及重大决策、大额资金使用 denies both)."""
_DENYING = re.compile(r"不|未|没|无|非|否|低于|以下")
"""Words that deny something: after a 是 they may say no (是，不属于三重一大范围; 是，应为否)."""
_ADMITTING = re.compile(r"重大|人事|任免|大额|干部|项目|决策|经费|支出|资金|属|系|为|列入|程序|是|涉及|有关|^有的?$")
"""Words that name or admit a matter of 三重一大: after a 否, in a clause denying nothing, they may say yes."""
_OPEN = re.compile(r"待定|未定|不确定|[?？]")
"""Words after a 是/否 that leave it open (否，是否涉及待定)."""


def _says_other(answer: str, note: str) -> bool:
    """Whether the words after a 是/否 may say the other answer, or leave it open: then no answer is read (the form is
    asked about it), never the wrong one. After 是, any clause that denies something (是，不属于三重一大范围; 是，应为否);
    after 否, any clause naming or admitting a matter without denying it (否，不涉及重大决策，但涉及大额资金使用; 否，属
    三重一大; 否，应为是). Reasons that do neither are read (是，涉及重大决策或大额资金; 否，不涉及人事任免; 否，一般性事务);
    cautious on purpose: a correct answer asked about costs a reply, a wrong one read would stand in the catalogue."""
    if _OPEN.search(note):
        return True
    clauses = [c for c in _CLAUSE.split(_bare(note)) if c]
    if answer in _YES:
        return any(_DENYING.search(c) for c in clauses)
    if answer in _NO:
        return any(_ADMITTING.search(c) and not _DENYING.search(c) for c in clauses)
    return False


def yesno(value: object) -> tuple[str | None, bool]:
    raw = to_text(value)
    if ("□" in raw or "☐" in raw) and (ticked := _ticked(raw)):
        return ticked, True                 # ☑是 □否 (a box drawn for each answer, one ticked)
    # ✔️ (with the emoji variation selector phones and WPS type), 不涉及“三重一大” (the column's own words)
    whole = _bare(fold(raw).replace("\ufe0f", ""))
    key = whole.replace("三重一大", "")
    if key not in _YES and key not in _NO and "三重一大" in whole \
            and (plain := re.sub(r"[\"'“”「」]|事项|范围|内容", "", key)) in _YES | _NO:
        key = plain                 # 不属于“三重一大”事项, 非三重一大事项, 属于三重一大范围: the answer in the column's words
    if key not in _YES and key not in _NO and (said := _INVOLVING.fullmatch(whole)) and not _CLAUSE.search(said[3]) \
            and not _OPEN.search(said[3]) and not _NOT_QUITE.search(said[3]) \
            and (said[2] or _MAJOR_MATTER.search(said[3])):
        # 涉及大额资金使用, 不涉及重大事项; cautious (a correct answer asked about costs a reply, a wrong one read stands
        # in the catalogue): 涉及日常事务, 涉及小额资金, 涉及非重大事项 are asked about
        return ("否" if said[2] else "是"), True
    if key not in _YES and key not in _NO and (head := _ANSWER_FIRST.match(key)):
        # 是，大额资金使用: the answer, then why; not one whose why says the opposite (是，不涉及; 否、是; 否，涉及大额资金使用)
        if _says_other(head[1], head[2]):
            return None, False
        key = head[1]
    if key not in _YES and key not in _NO and (noted := _noted(key)):
        note = _bare(noted[1])
        key = _bare(noted[0])       # 是（重要人事任免）: the answer, with why (否（是）: none)
        if note in _YES and key in _NO or note in _NO and key in _YES or _says_other(key, note):
            return None, False
    if key in _YES:
        return "是", _unselected(raw) != "是"
    if key in _NO:
        return "否", _unselected(raw) != "否"
    return None, False


def _unselected(text: str) -> str:
    """Text without emoji variation selectors (invisible: 二级\ufe0f is 二级 as typed, no change to say)."""
    return text.replace("\ufe0f", "").replace("\ufe0e", "") if "\ufe0f" in text or "\ufe0e" in text else text


def choice(value: object, choices: tuple[str, ...], synonyms: dict[str, str]) -> tuple[str | None, bool]:
    raw = to_text(value)
    key = _bare(fold(raw))
    for c in choices:
        if fold(c) == key:
            return c, _unselected(raw) != c
    for alias, target in synonyms.items():
        if fold(alias) == key:
            return target, True
    # 其它 for 其他, and a choice with 类, 权, 方面 or 风险 after it (决策类, 执行权, 思想道德方面, 制度机制方面的风险), or a note in brackets
    # (执行（具体经办）): the choice, said (choice-normalised)
    variant = key.replace("其它", "其他")
    if noted := _noted(variant):
        if any(fold(c) in noted[1] for c in choices):
            return None, False      # 执行（或决策）, 决策（执行）: another choice in the note
        variant = _bare(noted[0])
    while True:             # 岗位职责方面风险, 外部环境方面的风险: each ending in turn
        for suffix in ("方面", "风险", "环节", "类", "权力", "权", "的"):
            if variant.endswith(suffix) and len(variant) > len(suffix) + 1:
                variant = variant[:-len(suffix)]
                break
        else:
            break
    for c in choices:
        if fold(c) == variant:
            return c, True
    for alias, target in synonyms.items():        # 监督环节: 监督, which stands for 监督检查
        if fold(alias) == variant:
            return target, True
    return None, False


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?$"),        # 23.3.15: the year's last two digits
]
_PART_OF_DAY = re.compile(r"(?<=[日号\d])(?:上午|下午|中午|晚上|早上)$")
_IME_DOTS = re.compile(r"(?<=\d)[。、](?=\d)")
_WEEKDAY = re.compile(r"[（(]?(?:星期|周|礼拜)[一二三四五六日天][）)]?$")
_DASHES = re.compile(r"(?<=\d)[—–~～―](?=\d)")
_TIME_OF_DAY = re.compile(r"(?:(?<=[日号])|\s+|T)(?:上午|下午)?\d{1,2}[:：]\d{2}(?:[:：]\d{2}(?:\.\d+)?)?$")
_DAY_FIRST_OR_MONTH_FIRST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_CN_DATE = re.compile(r"^([〇零○一二三四五六七八九]{4}|\d{4})年([一二三四五六七八九十]{1,3}|\d{1,2})月"
                      r"([一二三四五六七八九十]{1,3}|\d{1,2})[日号]$")
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0}


def _cn_number(text: str) -> int:
    """一 … 三十一, as written in a Chinese date."""
    if "十" not in text:
        return _CN_DIGITS[text]
    tens, _, units = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _text_date(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a date typed as text: 2023-03-15, 2023/3/15, 2023.3.15, 2023年3月15日 (号),
    20230315, with a time of day after it or not; 二〇二三年三月十五日; 15/3/2023 or 3/15/2023 where the
    order is plain (a number over 12 is the day; 5/3/2023 could be either: None)."""
    text = _WEEKDAY.sub("", text.strip()).strip()              # 2023年3月15日（星期三）
    text = _TIME_OF_DAY.sub("", text).replace(" ", "")
    text = _PART_OF_DAY.sub("", text).rstrip(".。")              # 2023年3月15日上午, 2023.03.15.
    text = _DASHES.sub("-", _IME_DOTS.sub(".", text))            # 2023—3—15, 2023。3。15 (a Chinese input method's dots)
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            year = int(m[1])
            return year + 2000 if year < 100 else year, int(m[2]), int(m[3])
    m = _DAY_FIRST_OR_MONTH_FIRST.match(text)
    if m:
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        if a > 12 >= b:
            return year, b, a
        if b > 12 >= a:
            return year, a, b
        return None
    m = _CN_DATE.match(text)
    if m:
        return tuple(int(part) if part.isdigit() else _cn_number(part) if i else int("".join(str(_CN_DIGITS[c]) for c in part))
                     for i, part in enumerate(m.groups()))
    return None


def impossible_date(value: object) -> bool:
    """Whether text is written as a date that does not exist (2023-02-30, 2023/13/01): a slip, not a term
    such as 长期 or 每学期."""
    text = unicodedata.normalize("NFKC", to_text(value))
    found = _text_date(text) if text.strip() else None
    if found is None:
        return False
    try:
        date(*found)
    except ValueError:
        return True
    return False


def parse_date(value: object) -> tuple[date | None, bool]:
    """(date or None, whether it was written as text). Excel serial numbers in a date cell count as dates."""
    if isinstance(value, datetime):
        return value.date(), False
    if isinstance(value, date):
        return value, False
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):    # 1e309 typed into a date cell: int() of it stopped reading the whole file
            return None, False
        if 20000 < value < 80000:  # an Excel serial date that lost its format
            return date(1899, 12, 30) + timedelta(days=int(value)), True
        if value == int(value) and 19000101 <= value <= 21001231:   # 20230315 typed into a General cell
            n = int(value)
            try:
                return date(n // 10000, n // 100 % 100, n % 100), True
            except ValueError:
                return None, False
        return None, False
    text = unicodedata.normalize("NFKC", to_text(value))
    if not text.strip():
        return None, False
    found = _text_date(text)
    if found is None:
        return None, True
    try:
        return date(*found), True
    except ValueError:
        return None, True


def shown_time(iso: str | None) -> str:
    """A submission time (ISO, 北京时间) as the workbooks show it: 2023-03-15 09:30, or the day alone when only the day
    is known (a 填表日期: 2023-03-15T00:00:00+08:00 read as a time at midnight with its offset)."""
    if not iso:
        return ""
    day, _, rest = iso.partition("T")
    clock = rest[:5]
    return day if not clock or rest.startswith("00:00:00") else f"{day} {clock}"


_FUNCTION_CHARS = frozenset("可能存在的了地得着过程中时在有等之及与和或其该此风险问题情况现象行为方面会易容被将把隐患倾向情形"
                           "。，、；：！？,.;:!? 　")
"""Characters of the words a risk is reworded with (可能 → 存在…的风险, …中 → …过程中, …的隐患, …的倾向, …等情形), and
punctuation: not what it is about."""


FUNCTION_CHARS = _FUNCTION_CHARS


def words_kept(new: str, old: str) -> bool:
    """Whether every character of `old` that is not a function word's is still in `new` (as many times): `new` only
    rewords `old` (同一风险点换了说法), it names nothing else."""
    from collections import Counter

    return all(ch in _FUNCTION_CHARS for ch in (Counter(old) - Counter(new)).elements())
