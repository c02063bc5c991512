"""Chinese text rendered from the jinja2 templates shipped in templates/text/."""

from __future__ import annotations

from functools import cache

import jinja2

from formkit.spec import templates_dir


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir() / "text")),
        autoescape=jinja2.select_autoescape(["html", "htm", "html.j2", "htm.j2"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
    )


def render(name: str, **context: object) -> str:
    return _environment().get_template(name).render(**context)
