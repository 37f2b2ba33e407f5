from django.urls import path

from consilium.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.my_cases, name="my_cases"),
    path("new/", views.start, name="start"),
    path("triage/", views.triage, name="triage_queue"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/intake/<slug:step>/", views.intake, name="intake"),
    path("<uuid:public_id>/emergency/", views.emergency, name="emergency"),
    path("<uuid:public_id>/submit/", views.submit, name="submit"),
]
