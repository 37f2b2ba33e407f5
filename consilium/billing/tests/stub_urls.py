"""A test URLconf used only while the intake pages linked from `cases/_steps.html` do not exist
yet: it adds placeholder routes under their real names so our pages can render."""

from django.http import HttpResponse
from django.urls import include, path

from consilium.cases import urls as cases_urls
from consilium.config import urls as config_urls
from consilium.documents import urls as documents_urls


def _placeholder(request, *args, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("placeholder")


def _with_stubs(patterns: list, stubs: dict[str, str]) -> list:
    names = {getattr(p, "name", None) for p in patterns}
    extra = [
        path(f"__stub__/{name}/{route}", _placeholder, name=name)
        for name, route in stubs.items()
        if name not in names
    ]
    return list(patterns) + extra


cases_patterns = _with_stubs(
    cases_urls.urlpatterns,
    {"intake": "<uuid:public_id>/<str:step>/", "submit": "<uuid:public_id>/"},
)
documents_patterns = _with_stubs(
    documents_urls.urlpatterns, {"case_documents": "<uuid:public_id>/"}
)

# The first include of a namespace wins when reversing, so these shadow the real ones.
urlpatterns = [
    path("cases/", include((cases_patterns, "cases"))),
    path("documents/", include((documents_patterns, "documents"))),
    *config_urls.urlpatterns,
]
