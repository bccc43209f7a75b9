from django.urls import path

from complaints import (
    views,
    views_dispatch,
    views_escalation,
    views_pause,
    views_reports,
    views_service,
)

app_name = "complaints"

urlpatterns = [
    # Public (no login)
    path("submit/", views.public_submit, name="public_submit"),
    path("submit/done/", views.public_submitted, name="public_submitted"),
    path("track/", views.public_track, name="public_track"),
    path("track/rate/", views.public_rate, name="public_rate"),
    path("service-commitments/", views_service.public_commitments, name="public_commitments"),
    path("reception-days/", views_service.public_reception_days, name="public_reception_days"),
    # 服务承诺 (units) and 领导接待日 (complaint staff)
    path("commitments/", views_service.commitment_list, name="commitments"),
    path("commitments/new/", views_service.commitment_new, name="commitment_new"),
    path("commitments/<int:pk>/", views_service.commitment_detail, name="commitment"),
    path(
        "commitments/<int:pk>/<slug:action>/",
        views_service.commitment_act,
        name="commitment_act",
    ),
    path("reception/", views_service.reception_day_list, name="reception_days"),
    path("reception/new/", views_service.reception_day_new, name="reception_day_new"),
    path("reception/<int:pk>/", views_service.reception_day_detail, name="reception_day"),
    path("reception/<int:pk>/visit/", views_service.reception_visit, name="reception_visit"),
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
    # 协办 parts (co-handling units), 派单异议 and the 派单目录 (complaints/views_dispatch.py)
    path("parts/", views_dispatch.part_list, name="parts"),
    path("parts/<int:pk>/", views_dispatch.part_detail, name="part"),
    path("parts/<int:pk>/<slug:action>/", views_dispatch.part_act, name="part_act"),
    path("disputes/", views_dispatch.dispute_list, name="disputes"),
    path("dispatch-catalogue/", views_dispatch.rule_list, name="rules"),
    path("dispatch-catalogue/new/", views_dispatch.rule_new, name="rule_new"),
    path("dispatch-catalogue/<int:pk>/", views_dispatch.rule_detail, name="rule"),
    path("dispatch-catalogue/<int:pk>/<slug:action>/", views_dispatch.rule_act, name="rule_act"),
    path("escalations/<int:pk>/", views_escalation.escalation_detail, name="escalation"),
    path(
        "escalations/<int:pk>/<slug:action>/",
        views_escalation.escalation_act,
        name="escalation_act",
    ),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path(
        "<int:pk>/supervision/<slug:action>/",
        views_escalation.supervision_act,
        name="supervision_act",
    ),
    path("<int:pk>/identity/", views.identity_reveal, name="reveal"),
    path("<int:pk>/files/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path(
        "<int:pk>/files/<int:attachment_id>/<slug:action>/",
        views.attachment_share,
        name="attachment_share",
    ),
    path("<int:pk>/clock/<slug:action>/", views_pause.complaint_clock, name="clock"),
    path("<int:pk>/<slug:action>/", views.complaint_act, name="act"),
]
