"""Templates: one Jinja2 environment per app, loaded from this package, autoescaped."""

from __future__ import annotations

from typing import Any

import jinja2
from aiohttp import web

TEMPLATES_KEY = web.AppKey("templates", jinja2.Environment)


def template_environment() -> jinja2.Environment:
    """The page templates of `web/checkout/templates`, HTML-escaped and strict."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("web.checkout", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(request: web.Request, name: str, *, status: int = 200, **values: Any) -> web.Response:
    """The HTML response of template `name` filled with `values`."""
    html = request.app[TEMPLATES_KEY].get_template(name).render(**values)
    return web.Response(status=status, text=html, content_type="text/html", charset="utf-8")
