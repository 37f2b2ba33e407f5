from django.urls import path

from consilium.consultations import views

app_name = "consultations"

urlpatterns = [
    path("hours/", views.hours, name="hours"),
    path("hours/<uuid:public_id>/remove/", views.hours_remove, name="hours_remove"),
    path("case/<uuid:public_id>/ask/", views.ask, name="ask"),
    path("case/<uuid:public_id>/book/", views.book, name="book"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/move/", views.reschedule, name="reschedule"),
    path("<uuid:public_id>/cancel/", views.cancel, name="cancel"),
    path("<uuid:public_id>/note/", views.note, name="note"),
]
