from django.urls import path
from django.views.generic import TemplateView

app_name = "cases"

# Placeholder routes; the intake work replaces them with the real views.
urlpatterns = [
    path("", TemplateView.as_view(template_name="core/home.html"), name="my_cases"),
    path("triage/", TemplateView.as_view(template_name="core/home.html"), name="triage_queue"),
    path(
        "<uuid:public_id>/", TemplateView.as_view(template_name="core/home.html"), name="detail"
    ),
]
