from django.urls import path

from consilium.documents import views

app_name = "documents"

urlpatterns = [
    path("case/<uuid:public_id>/", views.case_documents, name="case_documents"),
    path("case/<uuid:public_id>/upload/", views.document_upload, name="upload"),
    path("<uuid:public_id>/download/", views.document_download, name="download"),
    path("<uuid:public_id>/delete/", views.document_delete_view, name="delete"),
]
