from django.urls import path

from complaints import views, views_reports

app_name = "complaints"

urlpatterns = [
    # Public (no login)
    path("submit/", views.public_submit, name="public_submit"),
    path("submit/done/", views.public_submitted, name="public_submitted"),
    path("track/", views.public_track, name="public_track"),
    path("track/rate/", views.public_rate, name="public_rate"),
    # Staff and units
    path("", views.complaint_list, name="list"),
    path("queue/", views.triage_queue, name="queue"),
    path("intake/", views.intake, name="intake"),
    path("mine/", views.unit_workspace, name="mine"),
    path("ledger/", views_reports.ledger, name="ledger"),
    path("figures/", views_reports.figures, name="figures"),
    path("export.xlsx", views_reports.export, name="export"),
    path("export.csv", views_reports.export_csv, name="export_csv"),
    path("import/", views_reports.import_hotline, name="import"),
    path("identity-log/", views.identity_reveal_log, name="reveal_log"),
    path("identity-requests/", views.identity_requests, name="identity_requests"),
    path(
        "identity-requests/<int:pk>/<slug:action>/",
        views.identity_request_act,
        name="identity_request_act",
    ),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/identity/", views.identity_reveal, name="reveal"),
    path("<int:pk>/files/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path(
        "<int:pk>/files/<int:attachment_id>/<slug:action>/",
        views.attachment_share,
        name="attachment_share",
    ),
    path("<int:pk>/<slug:action>/", views.complaint_act, name="act"),
]
