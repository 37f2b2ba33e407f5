"""The coordinator's documents panel, rendered into the case page by one include line."""

from __future__ import annotations

from typing import Any

from django import template

from consilium.documents.review_views import panel_context

register = template.Library()


@register.inclusion_tag("documents/_coordinator_panel.html", takes_context=True)
def coordinator_documents(context: template.Context, case: Any) -> dict[str, Any]:
    request = context["request"]
    return {**panel_context(user=request.user, case=case), "request": request}


@register.filter
def percent(share: float) -> str:
    """A share of the page (0..1) as a CSS percentage with a dot, whatever the language."""
    return f"{float(share) * 100:.3f}%"


@register.filter
def box_style(box: Any) -> str:
    """Where a redaction box sits over its page picture, as CSS."""
    return (
        f"left:{box.x0 * 100:.3f}%;top:{box.y0 * 100:.3f}%;"
        f"width:{(box.x1 - box.x0) * 100:.3f}%;height:{(box.y1 - box.y0) * 100:.3f}%"
    )


@register.filter
def whole_percent(share: float) -> str:
    """A share (0..1) as a whole percentage for people to read ("42 %")."""
    return f"{round(float(share) * 100)} %"
