from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("consilium.core.urls")),
    path("accounts/", include("consilium.accounts.urls")),
    path("patients/", include("consilium.patients.urls")),
    path("cases/", include("consilium.cases.urls")),
    path("documents/", include("consilium.documents.urls")),
    path("insights/", include("consilium.insights.urls")),
    path("consent/", include("consilium.consent.urls")),
    path("billing/", include("consilium.billing.urls")),
    path("notifications/", include("consilium.notifications.urls")),
    path("review/", include("consilium.review.urls")),
    path("reports/", include("consilium.reports.urls")),
    path("records/", include("consilium.records.urls")),
    path("consultations/", include("consilium.consultations.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "consilium.core.views.bad_request"
handler403 = "consilium.core.views.permission_denied"
handler404 = "consilium.core.views.page_not_found"
handler500 = "consilium.core.views.server_error"
