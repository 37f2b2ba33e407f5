from django.urls import path

from consilium.documents import review_views, views

app_name = "documents"

urlpatterns = [
    path("case/<uuid:public_id>/", views.case_documents, name="case_documents"),
    path("case/<uuid:public_id>/upload/", views.document_upload, name="upload"),
    path("<uuid:public_id>/download/", views.document_download, name="download"),
    path("<uuid:public_id>/delete/", views.document_delete_view, name="delete"),
]

# The coordinator's review of documents (review_views.py).
urlpatterns += [
    path("case/<uuid:public_id>/coordinator/", review_views.coordinator_panel,
         name="coordinator_panel"),
    path("<uuid:public_id>/review/", review_views.review, name="review"),
    path("<uuid:public_id>/page/<int:number>/original.jpg", review_views.page_original,
         name="page_original"),
    path("<uuid:public_id>/page/<int:number>/rendition.jpg", review_views.page_rendition,
         name="page_rendition"),
    path("<uuid:public_id>/rendition.pdf", review_views.rendition_download,
         name="rendition_download"),
    path("<uuid:public_id>/boxes/add/", review_views.box_add, name="box_add"),
    path("box/<uuid:public_id>/remove/", review_views.box_remove, name="box_remove"),
    path("box/<uuid:public_id>/restore/", review_views.box_restore, name="box_restore"),
    path("<uuid:public_id>/release/", review_views.release, name="release"),
    path("<uuid:public_id>/retry/", review_views.retry, name="retry"),
]
