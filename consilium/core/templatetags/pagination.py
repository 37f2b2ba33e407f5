from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context: dict[str, Any], page: Any, number: int) -> str:
    """This page's address with the list's page parameter set to `number` (the other
    parameters, such as a filter or the other list's page, kept)."""
    query = context["request"].GET.copy()
    if number > 1:
        query[page.param] = str(number)
    else:
        query.pop(page.param, None)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"
