"""A synthetic but realistic campaign for the benchmark: real forms written by formkit's own writer.

The default size is the one the issue names: 20 departments returning 附件2, 附件4 (10–30 rows each) and
附件6 (the measures, pre-filled with the accepted 风险编号) = 60 department forms, and 500 staff returning
附件3 (3–8 risks each) and 附件5 = 1,000 personal forms. `build(root, n)` scales that to n forms, keeping
the same mix (25 people per department).

What comes back is what a coordinator sees: most forms fine; about one in ten with warnings (a level
written as 高 or 2, a 三重一大 risk rated 二级, 表现形式 left empty, a category synonym); about one in
twenty with errors (四级, an empty 风险点, an unknown category), half of those corrected and sent again a
few days later (the first then superseded); about one in a hundred unreadable (truncated, empty, a CSV or
an HTML page saved as .xlsx); a few sent twice (byte-identical duplicates); one department in ten sends
a zip (half of those with GBK member names, as Windows Chinese zip tools write them) and one in twenty a
mail (.eml) with its department forms attached. Someone whose 附件3 was returned without correction
fills a blank 附件5 by hand, and it is returned too (its risks match nothing accepted).

Everything is deterministic: one random.Random per department, seeded from the department's index, and
fixed file times; building twice gives byte-identical files whatever the number of processes. The
forms are written through formkit.generate.write_form, in parallel (one job per department).
"""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email import utils as email_utils
from email.message import EmailMessage
from pathlib import Path

SEED = 20230315
GENERATOR_VERSION = "5"     # bump when the campaign's content changes: cached campaigns are rebuilt
PEOPLE_PER_DEPARTMENT = 25
INSTITUTION = "滨江职业技术学院"
MAIN_LEADER = "沈国华"
CAMPAIGN = "2023年度廉政风险防控"
YEAR = 2023
CST = timezone(timedelta(hours=8))

_BASE_DEPARTMENTS = [
    ("党政办公室", "党政部门"), ("组织人事处", "党政部门"), ("教务处", "党政部门"), ("财务处", "党政部门"),
    ("后勤管理处", "党政部门"), ("招生就业处", "党政部门"), ("学生工作处", "党政部门"), ("科研处", "党政部门"),
    ("国有资产管理处", "党政部门"), ("图书馆", "其他"), ("信息中心", "其他"), ("保卫处", "党政部门"),
    ("机电工程系", "教学系部"), ("信息工程系", "教学系部"), ("经济管理系", "教学系部"), ("建筑工程系", "教学系部"),
    ("艺术设计系", "教学系部"), ("外语系", "教学系部"), ("马克思主义学院", "教学系部"), ("继续教育学院", "教学系部"),
]
_LEADERS = ["李卫东", "陈志刚", "刘雅琴", "孙立新", "赵国栋"]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力鹏宇浩然轩涵欣怡思远东国立新海燕振德胜琳凯雪梅佳亮晨阳博雅婷俊峰志"
# posts of a department: the head, a deputy, then staff posts (personal risk pools in formkit.demo)
_STAFF_POSTS = ["文秘", "机要档案", "公务用车管理", "人事调配", "薪酬福利", "考务管理", "教材管理", "学籍与成绩管理",
                "会计", "出纳", "收费管理", "物资采购", "食堂与物业监管", "基建维修", "招生录取", "就业指导",
                "专业教师", "专业教师", "专业教师", "教学秘书", "辅导员", "辅导员", "实验室管理员", "实训中心主任"]
_RANK = {"处长": "中层干部", "副处长": "中层干部", "系主任": "中层干部", "党支部书记": "党支部书记",
         "专业教师": "专任教师", "实训中心主任": "专任教师"}


@dataclass(frozen=True)
class Plan:
    n_departments: int
    n_people: int

    @property
    def forms(self) -> int:
        return 3 * self.n_departments + 2 * self.n_people


def plan(n_forms: int) -> Plan:
    """Departments and people for about n_forms forms: each department 3 forms plus 25 people × 2."""
    per = 3 + 2 * PEOPLE_PER_DEPARTMENT
    n_dept = max(1, round(n_forms / per))
    return Plan(n_dept, max(1, (n_forms - 3 * n_dept) // 2))


def _department(i: int) -> tuple[str, str, str]:
    base, kind = _BASE_DEPARTMENTS[i % len(_BASE_DEPARTMENTS)]
    campus = i // len(_BASE_DEPARTMENTS)
    name = base if campus == 0 else f"{base}（第{campus + 1}分部）"
    return f"D{i + 1:04d}", name, kind


def _people_counts(p: Plan) -> list[int]:
    base, extra = divmod(p.n_people, p.n_departments)
    return [base + (1 if i < extra else 0) for i in range(p.n_departments)]


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))
        if name not in used:
            used.add(name)
            return name


def roster(p: Plan) -> tuple[list[tuple], list[tuple]]:
    """(部门 rows, 人员 rows) of the roster workbook."""
    departments, staff = [], []
    no = 100000
    for i, count in enumerate(_people_counts(p)):
        code, name, kind = _department(i)
        rng = random.Random(f"{SEED}-roster-{i}")
        used: set[str] = set()
        people = []
        for k in range(count):
            post = ("系主任" if kind == "教学系部" else "处长") if k == 0 else \
                ("党支部书记" if kind == "教学系部" else "副处长") if k == 1 else _STAFF_POSTS[(k + i) % len(_STAFF_POSTS)]
            no += 1
            people.append((f"{no:06d}", _name(rng, used), code, post, _RANK.get(post, "一般干部")))
        head = people[0][1] if people else _name(rng, used)
        departments.append((code, name, kind, head, _LEADERS[i % len(_LEADERS)], count, ""))
        staff += people
    return departments, staff


# -- content ----------------------------------------------------------------------------------------------

def _pools():
    from formkit import demo

    powers = [r for rows in demo.POWERS.values() for r in rows]
    dept_risks = [r for rows in demo.DEPT_RISKS.values() for r in rows]
    uniq = {}
    for r in powers:
        uniq.setdefault(r["power_item"], r)
    powers = list(uniq.values())
    uniq = {}
    for r in dept_risks:
        uniq.setdefault(r["risk"], r)
    return powers, list(uniq.values())


def _personal_pool(post: str) -> list[dict]:
    from formkit import demo

    rows = list(demo.PERSONAL.get(post, [])) + list(demo._GENERAL) + list(demo._DEPUTY)
    seen, out = set(), []
    for r in rows:
        if r["risk"] not in seen:
            seen.add(r["risk"])
            out.append(r)
    return out


def _measure(risk: str, rng: random.Random, personal: bool) -> dict:
    from formkit import demo

    t = demo._topic(risk)
    if personal:
        return {"measure": rng.choice(t.personal), "deadline": rng.choice(demo._DEADLINES_PERSON)}
    return {"key_link": t.key_link,
            "measure": f"前期预防：{rng.choice(t.pre)}；中期监控：{rng.choice(t.mid)}；后期处置：{rng.choice(t.post)}。",
            "procedure": t.procedure, "deadline": rng.choice(demo._DEADLINES_DEPT)}


# flaws: (kind, probability) drawn once per form
WARNINGS = ("level-word", "level-number", "major-level", "manifest-empty", "category-synonym")
ERRORS = ("level-invalid", "risk-empty", "category-invalid")
BROKEN = ("truncated", "empty", "csv", "html")


def _flaw(rng: random.Random) -> str:
    x = rng.random()
    if x < 0.010:
        return rng.choice(BROKEN)
    if x < 0.060:
        return rng.choice(ERRORS)
    if x < 0.160:
        return rng.choice(WARNINGS)
    return ""


def _apply(flaw: str, rows: list[dict], rng: random.Random) -> None:
    """Plant a content flaw into the rows of a risk form."""
    if not rows or not flaw:
        return
    r = rows[rng.randrange(len(rows))]
    if flaw == "level-word":
        r["level"] = rng.choice(("高", "中风险", "低", "Ⅱ级", "2级"))
    elif flaw == "level-number":
        r["level"] = rng.choice((1, 2, 3))
    elif flaw == "major-level":
        r["major"], r["level"] = "是", "二级"
    elif flaw == "manifest-empty":
        r["manifest"] = ""
    elif flaw == "category-synonym":
        r["category"] = r["category"] + "风险" if r["category"] in ("思想道德", "岗位职责", "制度机制", "外部环境") else "岗位职责风险"
    elif flaw == "level-invalid":
        r["level"] = rng.choice(("四级", "中高", "待定"))
    elif flaw == "risk-empty":
        r["risk"] = ""
    elif flaw == "category-invalid":
        r["category"] = rng.choice(("其他风险", "作风问题", "廉洁风险"))


def _broken(flaw: str, data: bytes) -> bytes:
    if flaw == "truncated":
        return data[: len(data) // 2]
    if flaw == "empty":
        return b""
    if flaw == "csv":
        return "序号,风险类别,风险点,风险等级\n1,岗位职责,审核把关不严,二级\n".encode("gb18030")
    return "<html><head><meta charset='utf-8'></head><body><table><tr><td>风险点</td></tr></table></body></html>".encode()


def _maybe_broken(rng: random.Random, data: bytes) -> bytes:
    """A form that is fine in content may still arrive unreadable (about one in a hundred)."""
    return _broken(rng.choice(BROKEN), data) if rng.random() < 0.01 else data


def _at(day: date, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, 8, 0, tzinfo=CST) + timedelta(minutes=minute)


def _safe(name: str) -> str:
    return "".join("_" if c in '\\/:*?"<>|' else c for c in name)


# -- one department: its forms, written to its folder of the inbox ------------------------------------------

class _Gbk(zipfile.ZipInfo):
    __slots__ = ()

    def _encodeFilenameFlags(self):  # noqa: N802 - zipfile's private hook, as formkit.demo does
        return self.filename.encode("gb18030"), self.flag_bits & ~0x800


_STATE: dict = {}


def _init(root: str) -> None:
    from formkit.config import load_config
    from formkit.spec import load_forms

    _STATE["cfg"] = load_config(Path(root))
    _STATE["forms"] = load_forms()
    _STATE["root"] = Path(root)


def _write(form_id: str, dept, person, content, risks: tuple[str, ...] = ()) -> bytes:
    from formkit.generate import identity_for, write_form

    cfg, spec = _STATE["cfg"], _STATE["forms"][form_id]
    buf = io.BytesIO()
    write_form(buf, spec, cfg, identity_for(spec, cfg, dept, person, risks), content, department=dept)
    return buf.getvalue()


def build_department(index: int) -> dict:
    """Write one department's returns under inbox/<部门>/ (and the late form under late/); returns counts."""
    from formkit import normalize
    from formkit.generate import FormContent, form_file_name, header_prefill
    from formkit.levels import supervision

    cfg, forms, root = _STATE["cfg"], _STATE["forms"], _STATE["root"]
    powers_pool, risks_pool = _pools_cached()
    code = _department(index)[0]
    dept = cfg.roster.departments[code]
    people = cfg.roster.people_of(code)
    rng = random.Random(f"{SEED}-{index}")
    inbox = root / "inbox"
    folder = _safe(dept.name)
    start = date(YEAR, 3, 6) + timedelta(days=index % 10)
    files: list[tuple[str, bytes, datetime]] = []          # (relative path in the department, bytes, time)
    counts = {"forms": 0, "files": 0}
    delivery = "zip-gbk" if index % 20 == 3 else "zip" if index % 20 == 13 else "mail" if index % 20 == 7 else "plain"

    def add(rel: str, data: bytes, when: datetime, form: bool = True) -> None:
        files.append((rel, data, when))
        counts["forms"] += form

    # 附件2: 10–30 power items
    k = rng.randint(10, min(30, len(powers_pool)))
    powers = [dict(r) for r in rng.sample(powers_pool, k)]
    for r in powers:
        r["owner"] = rng.choice(people).name if people else dept.head
    filled = start
    a2 = FormContent(header={**header_prefill(forms["附件2"], cfg, dept, None), "filler": people[-1].name if people else "",
                             "phone": f"0571-8{index:07d}"[:13], "date": filled},
                     rows=powers, signoff={"head_sign": dept.head, "approver": dept.leader,
                                           "approve_date": filled + timedelta(days=1)})
    add(form_file_name(forms["附件2"], dept.name), _maybe_broken(rng, _write("附件2", dept, None, a2)),
        _at(filled, 60 + index % 300))

    # 附件4: 10–30 risks, 关联权力事项 from the department's own 附件2
    k = rng.randint(10, min(30, len(risks_pool)))
    drisks = []
    for r in rng.sample(risks_pool, k):
        row = {key: r[key] for key in ("post", "category", "risk", "manifest", "level", "major")}
        row["power_item"] = rng.choice(powers)["power_item"]
        row["owner"] = rng.choice(people).name if people else dept.head
        drisks.append(row)
    flaw4 = _flaw(rng)
    rows4 = [dict(r) for r in drisks]
    if flaw4 not in BROKEN:
        _apply(flaw4, rows4, rng)
    filled4 = start + timedelta(days=2)
    c4 = FormContent(header={**header_prefill(forms["附件4"], cfg, dept, None), "date": filled4}, rows=rows4,
                     signoff={"head_sign": dept.head, "approver": dept.leader, "approve_date": filled4})
    name4 = form_file_name(forms["附件4"], dept.name)
    data4 = _write("附件4", dept, None, c4)
    dept_ok = flaw4 not in ERRORS and flaw4 not in BROKEN
    if flaw4 in BROKEN:
        data4 = _broken(flaw4, data4)
    add(name4, data4, _at(filled4, 90 + index % 300))
    if not dept_ok and rng.random() < 0.5:      # corrected and sent again: the first is superseded
        c4.rows = drisks
        c4.header["date"] = filled4 + timedelta(days=4)
        add(f"更正/{name4}", _write("附件4", dept, None, c4), _at(filled4 + timedelta(days=4), 30), form=False)
        dept_ok = True

    # 附件6: pre-filled with the accepted department risks, as formkit pre-fills them: the version accepted (a
    # form with a warning as sent, a corrected one as corrected), its levels as read (高 is 一级)
    if dept_ok:
        rows6 = []
        accepted4 = rows4 if flaw4 not in ERRORS else drisks
        for n, r in enumerate(accepted4, 1):
            level = normalize.level(r["level"])[0] or str(r["level"])
            direct, supervisor = supervision(level, dept, cfg.main_leader)
            rows6.append({"risk_id": f"{code}-B{n:02d}", "post": r["post"], "risk": r["risk"], "level": level,
                          "direct": direct, "supervisor": supervisor, **_measure(str(r["risk"]), rng, False)})
        filled6 = date(YEAR, 4, 10) + timedelta(days=index % 15)
        c6 = FormContent(header={**header_prefill(forms["附件6"], cfg, dept, None), "date": filled6}, rows=rows6,
                         signoff={"head_sign": dept.head, "approver": dept.leader, "approve_date": filled6},
                         prefilled_rows=len(rows6))
        add(f"防控措施/{form_file_name(forms['附件6'], dept.name)}",
            _maybe_broken(rng, _write("附件6", dept, None, c6, tuple(r["risk_id"] for r in rows6))), _at(filled6, 120))

    late = None
    for i, p in enumerate(people):
        prng = random.Random(f"{SEED}-{index}-{p.staff_no}")
        pool = _personal_pool(p.post)
        picked = [dict(r) for r in prng.sample(pool, prng.randint(3, min(8, len(pool))))]
        for r in picked:
            r["major"] = r["major"] if r["major"] == "是" or prng.random() < 0.6 else ""
        flaw = _flaw(prng)
        rows3 = [dict(r) for r in picked]
        if flaw not in BROKEN:
            _apply(flaw, rows3, prng)
        filled3 = start + timedelta(days=i % 12)
        header = {**header_prefill(forms["附件3"], cfg, dept, p), "date": filled3}
        sign = {"self_sign": p.name, "approver": dept.leader if p.rank in ("中层干部", "党支部书记") else dept.head,
                "approve_date": filled3 + timedelta(days=1)}
        c3 = FormContent(header=header, rows=rows3, signoff=sign)
        name3 = form_file_name(forms["附件3"], f"{p.name}_{p.staff_no}")
        data3 = _write("附件3", dept, p, c3)
        ok = flaw not in ERRORS and flaw not in BROKEN
        if flaw in BROKEN:
            data3 = _broken(flaw, data3)
        add(f"个人自查表/{name3}", data3, _at(filled3, 10 * (i % 50)))
        if prng.random() < 0.01:                 # sent twice: a byte-identical copy
            add(f"个人自查表/重发/{name3}", data3, _at(filled3 + timedelta(days=1), 5), form=False)
        if not ok and flaw in ERRORS and prng.random() < 0.5:
            c3.rows = [dict(r) for r in picked]
            c3.header["date"] = filled3 + timedelta(days=5)
            add(f"个人自查表/更正/{name3}", _write("附件3", dept, p, c3), _at(filled3 + timedelta(days=5), 40),
                form=False)
            ok = True
        # 附件5
        filled5 = date(YEAR, 4, 6) + timedelta(days=i % 20)
        h5 = {**header_prefill(forms["附件5"], cfg, dept, p), "date": filled5}
        s5 = {"self_sign": p.name, "approver": sign["approver"], "approve_date": filled5 + timedelta(days=1)}
        name5 = form_file_name(forms["附件5"], f"{p.name}_{p.staff_no}")
        if ok:
            accepted3 = rows3 if flaw not in ERRORS else picked      # as for 附件6 above
            rows5 = [{"risk_id": f"{code}-{p.staff_no}-{n:02d}", "risk": r["risk"],
                      "level": normalize.level(r["level"])[0] or str(r["level"]),
                      **_measure(str(r["risk"]), prng, True)} for n, r in enumerate(accepted3, 1)]
            c5 = FormContent(header=h5, rows=rows5, signoff=s5, prefilled_rows=len(rows5))
            data5 = _write("附件5", dept, p, c5, tuple(r["risk_id"] for r in rows5))
        else:   # no pre-filled form: the risks typed by hand on a blank 附件5
            rows5 = [{"risk": r["risk"] or "（未填写）", "level": r["level"], **_measure(str(r["risk"]), prng, True)}
                     for r in picked]
            data5 = _write("附件5", dept, p, FormContent(header=h5, rows=rows5, signoff=s5))
        if index == 0 and i == 0:                # the form that arrives after the merge (bench: re-merge)
            late = (f"{folder}/防控措施/{name5}", data5, _at(filled5, 600))
            continue
        add(f"防控措施/{name5}", _maybe_broken(prng, data5), _at(filled5, 15 * (i % 40)))

    # deliver
    if delivery == "plain":
        for rel, data, when in files:
            _put(inbox / folder / rel, data, when)
    elif delivery.startswith("zip"):
        gbk = delivery == "zip-gbk"
        buf = io.BytesIO()
        last = max(w for _, _, w in files)
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for rel, data, when in files:
                info = (_Gbk if gbk else zipfile.ZipInfo)(f"{dept.name}廉政风险材料/{rel}",
                                                          date_time=when.timetuple()[:6])
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, data)
        _put(inbox / folder / f"{dept.name}廉政风险排查材料.zip", buf.getvalue(), last)
    else:   # the department forms by mail, the personal ones plain
        mine = [(rel, data, when) for rel, data, when in files if "/" not in rel]
        for rel, data, when in files:
            if "/" in rel:
                _put(inbox / folder / rel, data, when)
        msg = EmailMessage()
        msg["From"] = f"{dept.name} <{code.lower()}@example.edu.cn>"
        msg["To"] = "廉政办 <lianzheng@example.edu.cn>"
        msg["Subject"] = f"{dept.name}廉政风险排查材料"
        last = max(w for _, _, w in mine)
        msg["Date"] = email_utils.format_datetime(last)
        msg["Message-ID"] = f"<{code}.{SEED}@example.edu.cn>"
        msg.set_content(f"领导小组办公室：\n\n附件为{dept.name}的权力清单和部门岗位风险点自查表，请审核。\n")
        for rel, data, _ in mine:
            msg.add_attachment(data, "application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                               filename=rel)
        msg.set_boundary(f"----=_Part_{code}_{SEED}")
        _put(inbox / folder / f"{dept.name}报送材料.eml", msg.as_bytes(), last)
    counts["files"] = len(files)
    if late:
        rel, data, when = late
        _put(root / "late" / rel, data, when)
    return counts


_POOLS: list = []


def _pools_cached():
    if not _POOLS:
        _POOLS.append(_pools())
    return _POOLS[0]


def _put(path: Path, data: bytes, when: datetime) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    ts = when.timestamp()
    os.utime(path, (ts, ts))


def build(root: Path, n_forms: int, *, processes: int | None = None, progress=None) -> dict:
    """The campaign of about n_forms forms in root (formkit.toml, 名册.xlsx, inbox/, late/); cached: a root
    whose stamp matches is reused as it is."""
    from formkit import __version__, workspace

    root = Path(root)
    p = plan(n_forms)
    stamp = {"generator": GENERATOR_VERSION, "formkit": __version__, "forms": n_forms,
             "departments": p.n_departments, "people": p.n_people}
    stamp_file = root / "campaign.json"
    if stamp_file.is_file():
        try:
            old = json.loads(stamp_file.read_text(encoding="utf-8"))
        except ValueError:
            old = {}
        if {k: old.get(k) for k in stamp} == stamp:
            return old
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    workspace.write_config(root, institution=INSTITUTION, main_leader=MAIN_LEADER, campaign=CAMPAIGN, year=YEAR,
                           contact="lianzheng@example.edu.cn")
    departments, staff = roster(p)
    workspace.write_roster(root / "名册.xlsx", departments, staff)
    (root / "inbox").mkdir()
    jobs = list(range(p.n_departments))
    totals = {"forms": 0, "files": 0}
    import multiprocessing

    n = processes or os.cpu_count() or 1
    if n > 1 and len(jobs) > 1:
        with multiprocessing.get_context("fork").Pool(n, initializer=_init, initargs=(str(root),)) as pool:
            for done, counts in enumerate(pool.imap_unordered(build_department, jobs, chunksize=1), 1):
                for k in totals:
                    totals[k] += counts[k]
                if progress:
                    progress(done, len(jobs))
    else:
        _init(str(root))
        for done, j in enumerate(jobs, 1):
            counts = build_department(j)
            for k in totals:
                totals[k] += counts[k]
            if progress:
                progress(done, len(jobs))
    n_files = sum(len(files) for _, _, files in os.walk(root / "inbox"))
    info = {**stamp, "inbox_files": n_files, "returned_forms": totals["forms"], "inputs": totals["files"]}
    stamp_file.write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    return info
