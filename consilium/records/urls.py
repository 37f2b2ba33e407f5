from django.urls import path

from consilium.records import views

app_name = "records"

urlpatterns = [
    path("case/<uuid:public_id>/opinion/", views.opinion, name="opinion"),
    path("case/<uuid:public_id>/share/", views.shares, name="shares"),
    path("share/<uuid:public_id>/", views.share_detail, name="share_detail"),
    path("share/<uuid:public_id>/revoke/", views.share_revoke, name="share_revoke"),
    path("patient/<uuid:public_id>/access/", views.access, name="access_log"),
    path("patient/<uuid:public_id>/export/", views.export, name="export"),
    path("rights/", views.rights, name="rights"),
    path("patient/<uuid:public_id>/erase/", views.erase, name="erase"),
    path("export/<uuid:public_id>/", views.export_detail, name="export_detail"),
    path("export/<uuid:public_id>/download/", views.export_download, name="export_download"),
    # What a doctor opens: the token is the only credential, so these need no account.
    path("s/<str:token>/", views.shared, name="shared"),
    path("s/<str:token>/report.pdf", views.shared_pdf, name="shared_pdf"),
    path("s/<str:token>/documents/<uuid:document_id>/", views.shared_document,
         name="shared_document"),
]
