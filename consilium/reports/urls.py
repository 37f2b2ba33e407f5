from django.urls import path

from consilium.reports import views

app_name = "reports"

urlpatterns = [
    path("<uuid:public_id>/download/", views.download, name="download"),
    path("<uuid:public_id>/send/", views.send, name="send"),
]
