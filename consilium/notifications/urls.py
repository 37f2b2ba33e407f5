from django.urls import path

from consilium.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("outbox/", views.outbox_list, name="outbox"),
    path("outbox/<uuid:public_id>/", views.outbox_detail, name="outbox_detail"),
]
