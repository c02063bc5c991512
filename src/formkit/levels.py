"""Supervision by risk level (plan, 第四阶段): who manages a risk directly and who answers for it."""

from __future__ import annotations

from functools import lru_cache

from formkit import normalize
from formkit.config import Department

SUPERVISION = {   # level → (直接管理, 监督负责) as roles; resolved to names from the roster
    "一级": ("分管领导", "单位主要领导"),
    "二级": ("部门负责人", "分管领导"),
    "三级": ("部门负责人", "部门负责人"),
}


ABOVE = {"部门负责人": "分管领导", "分管领导": "单位主要领导"}
"""Whom a role answers to: nobody manages or answers for their own risk (the plan sends 中层干部 to their
主管领导 too), so a personal risk of the 部门负责人 goes one step up."""


SENIOR = "院级领导"
"""The 职务层级 of a college leader: their own risks answer to the main leader (plan: 院级副职领导报党政正职审定),
not to the head of the office they are listed under."""


def supervision(level: str, department: Department | None, main_leader: str, person: str = "",
                rank: str = "") -> tuple[str, str]:
    """(直接管理, 监督负责) for a risk level, as names from the roster (role names when unknown); `person`: whose
    personal risk it is, never named as their own supervisor; `rank`: their 职务层级."""
    roles = SUPERVISION.get(level)
    if roles is None:
        return "", ""
    names = {
        "分管领导": department.leader if department else "分管领导",
        "部门负责人": department.head if department else "部门负责人",
        "单位主要领导": main_leader or "单位主要领导",
    }
    if rank == SENIOR:
        names["分管领导"] = names["部门负责人"] = names["单位主要领导"]
    out = []
    for role in roles:
        while person and _same(names[role], person) and role in ABOVE:
            role = ABOVE[role]
        # the main leader's own risk: nobody above in the college (self-supervised, unsaid): the leadership group
        out.append(LEADERSHIP if person and _same(names[role], person) else names[role])
    return out[0], out[1]


LEADERSHIP = "领导小组"
"""Who manages and supervises a risk of the 单位主要领导 themself (nobody supervises their own risk)."""


def _same(a: str, b: str) -> bool:
    return a == b or _key(a) == _key(b)


@lru_cache(maxsize=4096)
def _key(name: str) -> str:
    return normalize.name_key(name)
