from django.urls import path

from consilium.review import views

app_name = "review"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("a/<uuid:public_id>/", views.assignment, name="assignment"),
    path("a/<uuid:public_id>/accept/", views.accept, name="accept"),
    path("a/<uuid:public_id>/decline/", views.decline, name="decline"),
    path("a/<uuid:public_id>/opinion/", views.opinion_save, name="opinion_save"),
    path("a/<uuid:public_id>/opinion/submit/", views.opinion_submit, name="opinion_submit"),
    path("a/<uuid:public_id>/information/", views.information_request, name="information"),
    path(
        "a/<uuid:public_id>/documents/<uuid:document_id>/", views.rendition, name="rendition"
    ),
    path("panel/<uuid:public_id>/", views.panel, name="panel"),
    path("follow-up/<uuid:public_id>/", views.follow_up, name="follow_up"),
    path("case/<uuid:public_id>/assign/", views.assign, name="assign"),
    path("case/<uuid:public_id>/close/", views.close, name="close"),
    path("case/<uuid:public_id>/follow-up/", views.ask, name="ask"),
    path("case/<uuid:public_id>/rate/", views.rate, name="rate"),
    path("case/<uuid:public_id>/choose/", views.choose, name="choose"),
    path("seat/<uuid:public_id>/withdraw/", views.withdraw, name="withdraw"),
    path("seat/<uuid:public_id>/lead/", views.make_lead, name="make_lead"),
    path("queue/", views.work_queue, name="work_queue"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
