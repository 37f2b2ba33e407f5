from django.urls import path

from consilium.consent import views

app_name = "consent"

urlpatterns = [
    path("case/<uuid:public_id>/", views.sign, name="sign"),
    path("<uuid:public_id>/download/", views.download, name="download"),
    path("<uuid:public_id>/withdraw/", views.withdraw, name="withdraw"),
]
