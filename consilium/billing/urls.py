from django.urls import path

from consilium.billing import views

app_name = "billing"

urlpatterns = [
    path("case/<uuid:public_id>/", views.choose, name="choose"),
    path("case/<uuid:public_id>/checkout/", views.checkout, name="checkout"),
    path("payments/<uuid:public_id>/razorpay/", views.razorpay_callback, name="razorpay_callback"),
    path("payments/<uuid:public_id>/receipt/", views.receipt, name="receipt"),
    path("payments/<uuid:public_id>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("payments/<uuid:public_id>/record/", views.record_offline, name="record_offline"),
    path("payments/<uuid:public_id>/refund/", views.record_refund, name="record_refund"),
    path("payments/<uuid:public_id>/check/", views.check_utr, name="check_utr"),
    path("payments/<uuid:public_id>/reject/", views.reject_utr, name="reject_utr"),
    path("payments/pending/", views.pending_offline, name="pending_offline"),
    path("webhooks/razorpay/", views.razorpay_webhook, name="razorpay_webhook"),
]
