"""Risk numbers (风险编号): deterministic and stable. A form sent once numbers its rows in order; a re-sent one keeps
the numbers of the risks it repeats (and of those an earlier merge gave: the registry in the cache), so that the
measures (附件5/6) that carry them back still find their risks and nobody else is renumbered."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Mapping

from formkit import findings as F
from formkit import normalize
from formkit.inputs import InputResult
from formkit.normalize import iso_text
from formkit.validate import Checked, former_token


def _returned(res: InputResult) -> bool:
    return any(f.severity == F.ERROR for f in res.findings)


def _person_code(checked: Checked) -> str:
    """The person part of a personal risk's number: the 工号 of the roster entry, else the 工号 the form was issued
    with or typed in a copy of it (someone taken off the staff list since, whose numbers the measures already carry),
    else P + a digest of the name."""
    if checked.staff and checked.staff.staff_no:
        return normalize.fold(checked.staff.staff_no).upper()
    ident = checked.sub.identity
    if ident and ident.staff_no and ident.person and normalize.name_key(ident.person) == normalize.name_key(checked.person):
        return normalize.fold(ident.staff_no).upper()
    if checked.left_no:
        return checked.left_no
    return _name_code(checked.person)


def _row_numbers(versions: list[InputResult], former: dict[int, set[str]] | None = None,
                 seed: dict[int, tuple[str, ...]] | None = None,
                 history: dict[int, tuple[str, ...]] | None = None, seeded: str = "") -> dict[int, int]:
    """The numbers of the rows of the latest of one submitter's versions of a risk form (oldest first): row
    index → n of its 风险编号. The first version numbers its rows in order (as risk_id does for a form sent
    once); each later row keeps the number of the risk it repeats: the same 岗位 and 风险点, else the same
    风险点, else the most similar 风险点 (0.8 or more); a new row takes its own place's number if no risk ever
    had it, else the next number nobody had. So a form re-sent with rows reordered, inserted or deleted keeps
    the numbers its accepted measures (附件5/6) carry, also where two posts name the same 风险点. former: filled
    with number → every folded 风险点 the risk had (a measure form pre-filled with an earlier wording is right).
    seed: the numbers given in an earlier merge (number → (folded 岗位, folded 风险点)), which every version is
    matched against first: an older version found late, or a superseded file taken out of the inbox, renumbers
    nothing. history: filled with every number the submitter's risks ever had (for the next merge's seed)."""
    from formkit.validate import similarity

    known: dict[int, tuple[str, ...]] = dict(seed or {})   # number → _row_keys of its row as last sent
    # the numbers of risks in the form as last accepted: a row reworded, or moved to another 岗位, keeps one of these;
    # a number whose risk was deleted (retired) comes back only for that very risk (its 岗位 and 风险点) re-added, not
    # for a new one worded alike or of another 岗位 (its measure landed there)
    live = {n for n, key in known.items() if not _retired(key)}
    # the numbers live when an earlier merge last numbered the form, which the versions older than the one it numbered
    # (seeded: its SHA-256; that one gone from the inbox, all before the latest) stand for, not their own rows; not one
    # sent since, whose deletions stand (v2 deleting B and v3 adding a risk like B merged together: it took B's number)
    seed_live = set(live) if seed else set()
    upto = next((i for i, v in enumerate(versions) if seeded and v.sha256 == seeded), len(versions) - 1)
    numbers: dict[int, int] = {}
    if former is not None:
        # each number as an earlier merge gave it (its file may be gone from the inbox: saved over by the re-send), and
        # what it was before that: a measure form pre-filled then is right (its 风险等级 raised since was "changed on
        # the form", on one untouched)
        for n, key in known.items():
            former.setdefault(n, set()).update(
                (key[1], former_token("post", key[0]), *((former_token("level", key[3]),) if len(key) > 3 else ()),
                 *(key[4] if len(key) > 4 else ())))
    for i, res in enumerate(versions):
        c = res.checked
        if c is None or (i < len(versions) - 1 and _returned(res)):
            continue        # (a version returned was never merged: its numbers were given to nobody, and its row
            # corrected as the feedback asked took another, leaving a gap in the accepted form's numbers)
        keys = _row_keys(c)
        if not known:
            numbers = {row.index: i + 1 for i, row in enumerate(c.rows)}
        else:
            numbers, used = {}, set()
            exact, loose = (lambda k, o: k[:2] == o[:2]), (lambda k, o: k[1] == o[1])   # 岗位 and 风险点, then 风险点
            # the latest version's rows first by the numbers an earlier merge gave them (seed: each number's wording as
            # last given): a row given a number keeps it, whatever the older versions replayed before it would make
            # of it (the same inbox merged twice gave a risk reworded over six drafts -02, then -03, then -02)
            passes = [(seed, exact)] if seed and i == len(versions) - 1 else []
            for table, same in (*passes, (known, exact), (known, loose)):
                for row, key in zip(c.rows, keys, strict=True):
                    if row.index in numbers or not key[1]:
                        continue
                    found = [n for n, old in table.items() if n not in used and same(key, old)
                             and (same is exact or n in live)]
                    if found:      # several (one 风险点, several posts): the one whose 岗位 is most alike, then the
                        # one of the same 风险类别 and 主要表现形式 (one 风险点 typed twice, under two categories: rows
                        # reordered do not swap their numbers, and the measures those carry)
                        n = max(found, key=lambda m: (similarity(key[0], table[m][0]), _alike(key, table[m]), -m))
                        numbers[row.index] = n
                        used.add(n)
            # the most alike pairs first (a new risk above a reworded one does not take its number)
            # (and of pairs alike, the one of the same 岗位 and level)
            pairs = sorted(((score + _kinship(key, old), -n, row.index, n) for row, key in zip(c.rows, keys, strict=True)
                            if row.index not in numbers and key[1]
                            for n, old in known.items() if n not in used and n in live
                            and (score := _reworded(key, old, floor := _reword_floor(key, old))) >= floor), reverse=True)
            for _score, _, index, n in pairs:
                if index not in numbers and n not in used:
                    numbers[index] = n
                    used.add(n)
            taken = used | set(known)
            top = max(taken, default=0)
            for row in c.rows:
                if row.index in numbers:
                    continue
                n = row.index + 1              # a new row: its own place, when no risk ever had that number …
                if n in taken:
                    top += 1                   # … else the next number nobody had
                    n = top
                numbers[row.index] = n
                taken.add(n)
                top = max(top, n)
        if seed and i < upto:
            # a version older than the one the last merge numbered: what that merge kept stands, its wordings and the
            # numbers it left live (v1's wording of a risk v2 reworded in place, v2 out of the inbox, and v3 rewording
            # it again took a new number; v1's rows made a risk v2 deleted live again)
            live = set(seed_live)
        else:
            known.update({numbers[row.index]: key for row, key in zip(c.rows, keys, strict=True) if key[1]})
            live = {numbers[row.index] for row, key in zip(c.rows, keys, strict=True) if key[1]}
        if former is not None:
            for row, key in zip(c.rows, keys, strict=True):
                if key[1]:
                    level = normalize.level(row.values.get("level"))[0] or ""
                    former.setdefault(numbers[row.index], set()).update(
                        (key[1], former_token("post", key[0]), former_token("level", level)))
    if history is not None:
        history.update(known)
        if former is not None:
            # … with what each risk was before (its earlier wordings and levels): a measure form pre-filled then stays
            # right at every later merge, not only at the one that still saw the earlier version
            for n, key in known.items():
                now = {key[1], former_token("post", key[0]), *((former_token("level", key[3]),) if len(key) > 3 else ())}
                if n in former and (earlier := sorted(former[n] - now - set(key[4] if len(key) > 4 else ()))):
                    history[n] = (*key[:4], [*(key[4] if len(key) > 4 else ()), *earlier][-_FORMER_KEPT:])
        for n, key in history.items():          # (the numbers of risks deleted: retired, said so for the next merge)
            if n not in live and len(key) >= 4:
                history[n] = (*key[:4], list(key[4]) if len(key) > 4 else [], RETIRED)
            elif len(key) > 5:
                history[n] = key[:5]
    return numbers


RETIRED = "retired"
"""The mark of a number whose risk was deleted from the submitter's form (the sixth part of its registry entry)."""

RETIRED_TITLE = "已删去的风险编号"
"""The 说明 sheet's section listing them: read back with the numbers when the cache is gone (registry_from_workbook)."""


def retired_numbers(entries: Mapping[str, tuple[str, str | None]]) -> list[tuple[str, str, str]]:
    """(风险编号, 岗位, 风险点) of every number whose risk was deleted, as the registry holds them (folded)."""
    out = []
    for prefix, (_sha, numbers) in entries.items():
        try:
            parsed = json.loads(numbers) if numbers else {}
        except (ValueError, TypeError):
            continue
        for n, key in parsed.items() if isinstance(parsed, dict) else ():
            if str(n).isdigit() and isinstance(key, list) and _retired(tuple(key)):
                out.append((f"{prefix}{int(n):02d}", str(key[0]), str(key[1])))
    return sorted(out, key=lambda r: id_order(r[0]))


def _retired_shown(path) -> list[tuple[str, str, str]] | None:
    """The section RETIRED_TITLE of a consolidated workbook's 说明 sheet (or of the sheet the coordinator renamed it to);
    None when no sheet has it (a workbook with no number retired, or an older one, or 说明 deleted)."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        names = sorted(wb.sheet_names, key=lambda n: n != "说明")
    except Exception:  # noqa: BLE001 - a workbook that cannot be read: none
        return None
    for name in names:
        try:
            grid = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception:  # noqa: BLE001 - a sheet python-calamine cannot read: not it
            continue
        start = next((i for i, line in enumerate(grid)
                      if line and normalize.to_text(line[0]).startswith(RETIRED_TITLE)), None)
        if start is None:
            continue
        out = []
        for line in grid[start + 2:]:
            cells = [normalize.to_text(v) for v in line[:4]]
            if not any(cells):
                break
            if len(cells) >= 4 and _NUMBER.match(cells[1]):
                out.append((cells[1], cells[3], cells[2]))      # (序号, 风险编号, 风险点, 岗位)
        return out
    return None


def _retired_in(shown, outbox) -> list[tuple[str, str, str, bool]]:
    """The numbers of deleted risks a consolidated workbook lists (its 说明, and its 变化 for a workbook without the
    list); where it lists none, those the earlier workbooks of outbox/历史/ list (说明 deleted or renamed since, or a
    workbook of a formkit before the list: deleted numbers were given to the next new risks). The last part: whether
    说明 lists it (a risk deleted from a re-sent form), not only 变化 (a whole form taken out of inbox/ too)."""
    from pathlib import Path

    from formkit.changes import deleted_in, history

    def listed(path) -> tuple[list[tuple[str, str, str, bool]] | None, list[tuple[str, str, str, bool]]]:
        shown_list = _retired_shown(path)
        return ([(*r, True) for r in shown_list] if shown_list is not None else None,
                [(rid, "", normalize.fold(point), False) for rid, point in deleted_in(path).items()])

    shown_list, deleted = listed(shown)
    out = [*(shown_list or ()), *deleted]
    if shown_list is None:
        # (its 变化 lists only the last round's deletions: those of the rounds before are in the earlier workbooks)
        for path in reversed(history(Path(outbox))):
            if path != shown:
                earlier_list, earlier_deleted = listed(path)
                out.extend([*(earlier_list or ()), *earlier_deleted])
    return out


def _retired(key: tuple) -> bool:
    return len(key) > 5 and key[5] == RETIRED


_FORMER_KEPT = 12
"""How many earlier wordings and levels of one risk the registry keeps."""


def number_rows(res: InputResult, c: Checked, versions: list[InputResult], dept: str | None,
                 registry: Mapping[str, tuple[str, str | None]], numbering: dict[str, tuple[str, str | None]],
                 numbered: dict[str, dict[int, int]], worded: dict[str, dict[int, set[str]]],
                 earlier: Callable[[str, str], tuple[str, str | None] | None] | None = None) -> str:
    """The numbers of a risk form's rows (numbered[res.path], where they are not simply its rows in order), from its
    versions and what an earlier merge gave (registry); what this merge gives goes into `numbering`. Returns the
    numbers' prefix (JWC-B, JWC-0012-): the one an earlier merge gave this submitter, where the roster has changed
    what it would be now (a staff list added, a person taken off it). earlier(prefix): the numbers the last
    consolidated workbook shows, for a submitter whose file an earlier merge numbered in order and which has left
    the inbox since (a re-sent form saved over it: its rows were numbered by place again, an issued number given to
    another risk and the measures that carry it landed there)."""
    # another prefix only when an earlier merge gave it to one of these very files (never another person's numbers: a
    # 工号 typed wrong may be a colleague's)
    own = {v.sha256 for v in versions}
    primary = id_order(risk_id(c, 0, dept))[0]
    # (the prefixes of the earlier versions too: one sent under the 工号 the roster has corrected since kept its numbers
    # only while the latest version was issued under it; re-sent on a form generated after the correction, an unchanged
    # risk was renumbered and its measures dropped)
    candidates = list(dict.fromkeys([*_prefixes(c, dept), *(p for v in reversed(versions[:-1]) if v.checked is not None
                                                            for p in _prefixes(v.checked, dept))]))
    # (one of these very files' first: two 工号 swapped in the roster and corrected, the roster's prefix now is the
    # colleague's, whose numbers they took, the measures on the old ones dropped)
    prefix = next((p for p in candidates if p in registry and registry[p][0] in own), None) or \
        next((p for p in candidates if p == primary and p in registry), primary)
    prev = registry.get(prefix)
    seed = None
    if prev is not None and (len(versions) > 1 or prev[1] is not None or prev[0] != res.sha256):
        seed = _seed(prev, versions)          # (else: this file alone, numbered as its rows are in order)
        if seed is None and prev[1] is None and earlier is not None and (shown := earlier(prefix, prev[0])) is not None:
            seed = _seed(shown, versions)
    if len(versions) < 2 and seed is None:
        numbering[prefix] = (res.sha256, None)
        return prefix
    history: dict[int, tuple[str, ...]] = {}
    numbers = _row_numbers(versions, worded.setdefault(res.path, {}), seed, history, prev[0] if prev else "")
    if len(versions) < 2 and numbers == {row.index: i + 1 for i, row in enumerate(c.rows)} \
            and set(history) == set(numbers.values()) and not any(len(k) > 4 for k in history.values()):
        numbering[prefix] = (res.sha256, None)      # its rows in order after all (and nothing of before to keep)
        return prefix
    numbered[res.path] = numbers
    numbering[prefix] = (res.sha256, json.dumps({str(n): list(k) for n, k in sorted(history.items())},
                                                ensure_ascii=False, separators=(",", ":")))
    return prefix


def rows_in_order(c: Checked) -> str:
    """The registry's JSON of a form numbered in order: each number with its row's keys (what _seed derives from the
    file while it is in the inbox)."""
    return json.dumps({str(i + 1): list(key) for i, key in enumerate(_row_keys(c)) if key[1]}, ensure_ascii=False,
                      separators=(",", ":"))


def _prefixes(c: Checked, dept: str | None) -> list[str]:
    """The prefixes a personal form's numbers may have had, as the roster was: by the roster's 工号, the 工号 the form
    was issued with or typed in, the name's digest (no staff list then)."""
    prefix = id_order(risk_id(c, 0, dept))[0]
    if c.spec.scope != "person":
        return [prefix]
    d = dept or c.retired_code or (c.department.code if c.department else "X")
    ident = c.sub.identity
    codes = [_person_code(c), (normalize.fold(ident.staff_no).upper() if ident and ident.staff_no else ""),
             c.typed_staff_no, _name_code(c.person)]
    return list(dict.fromkeys([prefix, *(f"{d}-{code}-" for code in codes if code)]))


def _name_code(person: str) -> str:
    return "P" + hashlib.sha256(normalize.name_key(person).encode()).hexdigest()[:5].upper()


def _row_keys(c: Checked) -> list[tuple[str, ...]]:
    """(folded 岗位, folded 风险点, folded 风险类别|主要表现形式) of each row: what tells a submitter's risks apart for
    numbering (the third only between rows of one 岗位 and 风险点)."""
    return [(normalize.fold(iso_text(row.values.get("post"))), normalize.fold(iso_text(row.values.get("risk"))),
             normalize.fold(iso_text(row.values.get("category"))) + "|" + normalize.fold(iso_text(row.values.get("manifest"))),
             normalize.level(row.values.get("level"))[0] or "")
            for row in c.rows]


REWORDED = 0.8
"""How similar a row's 风险点 must be to an earlier one's to be its rewording (keeping its number) …"""
REWORDED_IN_PLACE = 0.6
"""… and where the row's 岗位 (if any), 风险类别 and 主要表现形式 are the earlier row's, word for word, and it only rewords
(X采购中可能收受供应商回扣 → X采购过程中存在收受供应商回扣的风险, under the same 采购岗: a new number, its accepted
measure withdrawn)."""


def _reword_floor(key: tuple[str, ...], old: tuple[str, ...]) -> float:
    # (the same 岗位, or none on either: a person's 附件3; a 主要表现形式 there to be the same; and every word of the
    # earlier 风险点 kept but words like 可能, 存在, 的风险: not another object under one post and one generic 以权谋私
    # or 违规操作, 物资采购验收把关不严 → 基建工程验收把关不严, which took the other's number and accepted measure)
    return REWORDED_IN_PLACE if len(key) > 2 and len(old) > 2 and key[0] == old[0] and key[2] == old[2] \
        and key[2].partition("|")[2] and normalize.words_kept(key[1], old[1]) else REWORDED


def _kinship(key: tuple[str, ...], old: tuple[str, ...]) -> float:
    """What else than the wording says two rows are one risk: the same 岗位, the same level, the same figures in it (near
    twins, 3万元以下 and 30万元以上 of one purchase, reworded and reordered, swapped their numbers and measures)."""
    return 0.15 * bool(key[0] and key[0] == old[0]) + 0.05 * bool(len(key) > 3 and len(old) > 3 and key[3]
                                                                  and key[3] == old[3]) \
        + 0.1 * bool((digits := _DIGITS.findall(key[1])) and digits == _DIGITS.findall(old[1]))


_DIGITS = re.compile(r"\d+")


def _reworded(key: tuple[str, ...], old: tuple[str, ...], floor: float = REWORDED) -> float:
    """How likely a row's 风险点 is a rewording of an earlier one: their similarity; with the same 风险类别 and 主要表现形式
    also the share of characters they have in common, whatever their order (报销票据的审核 for 票据报销审核). Exact at
    `floor` and above."""
    from formkit.validate import similarity

    score = similarity(key[1], old[1], floor)
    if score < 0.8 and len(key) > 2 and len(old) > 2 and key[2] == old[2] and key[1] and old[1]:
        common = sum((Counter(key[1]) & Counter(old[1])).values())
        score = max(score, 2 * common / (len(key[1]) + len(old[1])))
        short, long = sorted((key[1], old[1]), key=len)
        if len(short) >= 2 and _within(short, long):    # made more precise: 公文泄密 → 公文及涉密文件泄密
            score = max(score, 0.85)
    return score


def _within(short: str, long: str) -> bool:
    """Whether the characters of `short` appear in `long` in their order (words added between them)."""
    rest = iter(long)
    return all(ch in rest for ch in short)


def _alike(key: tuple[str, ...], old: tuple[str, ...]) -> float:
    """How alike the 风险类别 and 主要表现形式 of two rows of one 风险点 are (0 when an earlier merge kept no such part)."""
    if len(key) < 3 or len(old) < 3:
        return 0.0
    from formkit.validate import similarity

    return 1.0 if key[2] == old[2] else similarity(key[2], old[2])


def _seed(prev: tuple[str, str | None], versions: list[InputResult]) -> dict[int, tuple[str, ...]] | None:
    """The numbers an earlier merge gave a submitter (a registry entry, cache.Store.get_numbering): its own, or
    the rows in order of the version it numbered (still in the inbox); None when neither is known."""
    sha, numbers = prev
    if numbers:
        try:
            return {int(n): tuple(parts) for n, parts in json.loads(numbers).items() if len(parts) >= 2}
        except (ValueError, TypeError):
            return None
    numbered_then = next((v for v in versions if v.sha256 == sha), None)
    c = numbered_then.checked if numbered_then is not None else None
    if c is None or _returned(numbered_then):
        return None
    return {i + 1: key for i, key in enumerate(_row_keys(c)) if key[1]}


def risk_id(checked: Checked, n: int, dept: str | None = None) -> str:
    """Deterministic and stable: the department code (`dept`: the one the submitter's first version was sent
    from, for someone who moved since), the submitter, the row's place in its own file."""
    dept = dept or checked.retired_code or (checked.department.code if checked.department else "X")
    if checked.spec.scope == "person":
        return f"{dept}-{_person_code(checked)}-{n:02d}"
    return f"{dept}-B{n:02d}"


_ID_NUMBER = re.compile(r"(\d+)$")


def id_order(rid: str) -> tuple[str, int]:
    """A risk number's place in order: its row number compared as a number (JWC-B99 before JWC-B100, which text
    order puts after JWC-B10)."""
    m = _ID_NUMBER.search(rid)
    return (rid[: m.start()], int(m[1])) if m else (rid, -1)


_NUMBER = re.compile(r"^(.*?)(\d+)$")


def registry_from_workbook(outbox, path=None) -> dict[str, tuple[str, str | None]]:
    """The numbers an earlier merge gave, read back from the consolidated workbook it wrote (outbox/, else the latest
    in outbox/历史/) when the cache that kept them is gone (deleted, damaged): each submitter's numbers with the 岗位,
    风险点, 风险类别 and 主要表现形式 of their rows, in the registry's form (the numbers were given again from the files
    alone: a risk left out of a re-sent form moved the ones after it, and accepted measures landed on another risk).
    path: that workbook instead (merge --compare names the previous round's, outbox/ deleted). {} when there is no such
    workbook or it cannot be read."""
    found: dict[str, tuple[str, dict[int, list]]] = {}
    try:
        if (shown := catalogue_path(outbox, path)) is None:
            return {}
        from formkit.changes import iter_catalogue

        for row in iter_catalogue(shown):
            m = _NUMBER.match(row.get("风险编号", ""))
            if not m or not row.get("风险点"):
                continue
            fold = normalize.fold
            # (a person's 岗位 is the form's, not a column of its rows: read back as the rows give it, none; with it, a
            # risk added by a re-send took a new number each time the cache was rebuilt, its measure "withdrawn")
            key = [fold(row.get("岗位", "")) if row.get("层级") != "个人" else "", fold(row.get("风险点", "")),
                   fold(row.get("风险类别", "")) + "|" + fold(row.get("主要表现形式", "")),
                   normalize.level(row.get("风险等级", ""))[0] or ""]
            sha, numbers = found.setdefault(m[1], (row.get("来源SHA256", ""), {}))
            numbers[int(m[2])] = key
        # … and the numbers of risks deleted: retired, not given to the next new risk (it took the deleted risk's
        # number, and the measure accepted for it)
        present = set(found)
        for rid, post, point, listed in _retired_in(shown, outbox):
            m = _NUMBER.match(rid)
            if m and int(m[2]) not in found.setdefault(m[1], ("", {}))[1]:
                # (of a submitter none of whose rows is in the catalogue, only 变化's 删除: the whole form taken out of
                # inbox/, its numbers kept as they were, as the cache keeps them: not "deleted from a re-sent form" in 说明)
                gone = not listed and m[1] not in present
                found[m[1]][1][int(m[2])] = [post, point, "", ""] if gone else [post, point, "", "", [], RETIRED]
    except Exception:  # noqa: BLE001 - a workbook that cannot be read recovers nothing (as before)
        return {}
    return {prefix: (sha, json.dumps({str(n): k for n, k in sorted(numbers.items())}, ensure_ascii=False,
                                     separators=(",", ":")))
            for prefix, (sha, numbers) in found.items()}


def same_campaign(path, cfg) -> bool:
    """Whether a consolidated workbook (merge --compare) is of this campaign, by its 说明 sheet: last
    year's, compared with for a year-on-year 变化, gives no numbers (this campaign's were taken from it)."""
    from formkit.changes import CAMPAIGN_PROPERTY, YEAR_PROPERTY, workbook_property
    from formkit.config import same_round

    campaign = workbook_property(path, CAMPAIGN_PROPERTY)
    if campaign is not None:
        # (its year too: a name without a year kept into the next one is another round)
        year = workbook_property(path, YEAR_PROPERTY)
        return (not year or year == str(cfg.year)) and (campaign == cfg.campaign_id or same_round(campaign, cfg))
    try:
        from python_calamine import CalamineWorkbook

        grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("说明").to_python(skip_empty_area=False)
    except Exception:  # noqa: BLE001 - a workbook that cannot be read is no evidence
        return False
    said = {}
    for line in grid[:60]:
        cells = [normalize.to_text(v) for v in line]
        for j, label in enumerate(cells[:-1]):
            if label in ("活动", "单位") and label not in said:
                said[label] = cells[j + 1]
    # (by the campaign's name, as the forms tell their campaign: the 单位 may have been corrected since, 某某学院 filled in)
    return normalize.fold(said.get("活动", "")) == normalize.fold(cfg.campaign)


def catalogue_path(outbox, path=None):
    """The last consolidated workbook under outbox/ whose 风险目录 can be read (else the latest such in outbox/历史/;
    `path`, where given, before them), None when there is none. (The coordinator may have deleted the sheet from the
    one in outbox/: every number was then given anew.)"""
    from pathlib import Path

    from formkit.changes import catalogue_problem, history

    out = Path(outbox)
    candidates = [*([Path(path)] if path else []), out / "廉政风险目录.xlsx", *reversed(history(out))]
    return next((p for p in candidates if p.is_file() and catalogue_problem(p) is None), None)


def earlier_catalogue(outbox, path=None):
    """The rows of 风险目录 of the last consolidated workbook (catalogue_path), header label → text; nothing when there
    is none."""
    from formkit.changes import iter_catalogue

    path = catalogue_path(outbox, path)
    return iter_catalogue(path) if path is not None else iter(())


def seen_from_workbook(outbox) -> dict[str, str]:
    """Where the bytes of each catalogued risk form were read from, by an earlier merge (来源SHA256 → 来源文件 of its
    workbook), when the cache that kept it is gone: of copies, that file stays the original."""
    try:
        out = {sha: row["来源文件"] for row in earlier_catalogue(outbox)
               if (sha := row.get("来源SHA256")) and row.get("来源文件")}
    except Exception:  # noqa: BLE001 - a workbook that cannot be read recovers nothing
        return {}
    # … and of every form its 说明 lists as received (附件1/2/5/6 and returned forms have no row in 风险目录: of two
    # copies, the one sorting first by path became the original once the cache was gone)
    for sha, path in _received(catalogue_path(outbox)):
        out.setdefault(sha, path)
    return out


def _received(path) -> list[tuple[str, str]]:
    """(SHA-256, 文件) of the files a workbook's 说明 lists as received, but those set aside as copies (重复)."""
    from python_calamine import CalamineWorkbook

    if path is None:
        return []
    try:
        grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("说明").to_python(skip_empty_area=False)
    except Exception:  # noqa: BLE001 - the sheet renamed or deleted, the file no workbook: nothing recovered
        return []
    out = []
    at = None
    for row in grid:
        texts = [str(v).strip() for v in row]
        if at is None:
            if {"文件", "SHA-256", "状态"} <= set(texts):
                at = (texts.index("文件"), texts.index("SHA-256"), texts.index("状态"))
            continue
        if not any(texts):
            break
        path_, sha, status = (texts[j] if j < len(texts) else "" for j in at)
        if path_ and len(sha) == 64 and status != "重复":
            out.append((sha, path_))
    return out
