"""Form declarations: shipped in the package, and a broken one fails at once naming file and field."""

from __future__ import annotations

import pytest

from formkit.errors import DeclarationError
from formkit.spec import load_forms, parse_declaration, templates_dir

GOOD = """
id = "附件9"
version = "1"
title = "测试表"
scope = "department"
stage = "risks"
phase = 2

[[columns]]
key = "risk"
label = "风险点"
need = "req"
"""


def test_the_six_declarations_ship_with_the_package():
    forms = load_forms()
    assert list(forms) == ["附件1", "附件2", "附件3", "附件4", "附件5", "附件6"]
    assert (templates_dir() / "text" / "instructions.txt.j2").is_file()
    assert forms["附件5"].measures_for == "附件3" and forms["附件6"].measures_for == "附件4"
    for spec in forms.values():
        assert all(c.label and c.key for c in spec.columns)
        assert spec.level in (None, "个人", "部门")


@pytest.mark.parametrize(("change", "field"), [
    (('need = "req"', 'need = "must"'), "need"),
    (('label = "风险点"', 'label = ""'), "label"),
    (('key = "risk"', 'key = "risk"\ntype = "colour"'), "type"),
    (('key = "risk"', 'key = "risk"\nwidth = 500'), "width"),
    (('key = "risk"', 'key = "risk"\nchoices = []\ntype = "choice"'), "choices"),
    (('key = "risk"', 'key = "risk"\ncolour = "red"'), "colour"),
    (('scope = "department"', 'scope = "everyone"'), "scope"),
    (('phase = 2', 'phase = "two"'), "phase"),
])
def test_a_broken_declaration_names_file_and_field(change, field):
    text = GOOD.replace(*change)
    with pytest.raises(DeclarationError) as exc:
        parse_declaration(text, "broken.toml")
    assert "broken.toml" in exc.value.message
    assert field in exc.value.message


def test_not_toml_at_all():
    with pytest.raises(DeclarationError, match="broken.toml.*TOML"):
        parse_declaration("id = ", "broken.toml")


def test_synonym_must_point_at_a_choice():
    text = GOOD.replace('need = "req"', 'need = "req"\ntype = "choice"\nchoices = ["甲"]\nsynonyms = { "乙" = "丙" }')
    with pytest.raises(DeclarationError, match="synonyms"):
        parse_declaration(text, "broken.toml")


def test_a_good_declaration_parses():
    spec = parse_declaration(GOOD, "good.toml")
    assert spec.id == "附件9" and spec.column("risk").need == "req"
