from django.urls import path

from consilium.insights import views

app_name = "insights"

urlpatterns = [
    path("case/<uuid:public_id>/summary/", views.summary, name="summary"),
    path("case/<uuid:public_id>/summary/save/", views.summary_save, name="summary_save"),
    path("case/<uuid:public_id>/summary/redraft/", views.summary_redraft, name="summary_redraft"),
]
