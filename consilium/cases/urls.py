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
    path("<uuid:public_id>/cancel/", views.cancel, name="cancel"),
    path(
        "<uuid:public_id>/information/",
        views.information_request_new,
        name="information_request_new",
    ),
    path(
        "<uuid:public_id>/information/<uuid:request_id>/",
        views.information_request_answer,
        name="information_request_answer",
    ),
    path(
        "<uuid:public_id>/information/<uuid:request_id>/withdraw/",
        views.information_request_withdraw,
        name="information_request_withdraw",
    ),
]
