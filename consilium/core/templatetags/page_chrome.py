"""Parts of every page that depend only on the language and the visitor's role, rendered once per
process for each (language, role) instead of on every request: the role's menu links and the
language menu's options. Measured with bench/pages.py, base.html's links and options (about 15
`{% url %}` and `{% translate %}` each request) were a fixed few milliseconds on every page."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

_rendered: dict[tuple[Any, ...], str] = {}


def _once(template_name: str, **flags: Any) -> SafeString:
    key = (template_name, get_language(), *sorted(flags.items()))
    html = _rendered.get(key)
    if html is None:
        html = _rendered[key] = render_to_string(template_name, flags)
    return mark_safe(html)  # noqa: S308 (rendered by the template engine, which escapes)


@register.simple_tag
def role_links(user: Any) -> SafeString:
    """The menu's links for the visitor's role (coordinator, administrator, specialist, or an
    account holder)."""
    return _once(
        "core/_role_links.html",
        coordinator=bool(getattr(user, "is_coordinator", False)),
        admin=bool(getattr(user, "is_platform_admin", False)),
        specialist=bool(getattr(user, "is_specialist", False)),
    )


@register.simple_tag
def language_options() -> SafeString:
    """The language menu's options, the current language selected."""
    return _once("core/_language_options.html")
