from django.urls import path

from campaign import exports, views
from campaign.views import projects as project_views
from campaign.views import supervisor_reports

app_name = "campaign"

urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/activate/", views.campaign_activate, name="campaign_activate"),
    path("campaigns/<int:pk>/close/", views.campaign_close, name="campaign_close"),
    path("campaigns/<int:pk>/ledger/", views.ledger, name="ledger"),
    path("campaigns/<int:pk>/ledger/export/", exports.ledger_export, name="ledger_export"),
    path("campaigns/<int:pk>/ledger/import/", exports.ledger_import, name="ledger_import"),
    path("campaigns/<int:pk>/items/new/", views.item_create, name="item_create"),
    path(
        "campaigns/<int:pk>/units/<int:unit_pk>/submit/",
        views.items_submit_list,
        name="items_submit_list",
    ),
    path("campaigns/<int:pk>/circulars/new/", views.circular_create, name="circular_create"),
    path(
        "campaigns/<int:pk>/circulars/draft-progress/",
        views.circular_draft_progress,
        name="circular_draft_progress",
    ),
    path("campaigns/<int:pk>/rechecks/", views.recheck_list, name="recheck_list"),
    path("campaigns/<int:pk>/rechecks/new/", views.recheck_open, name="recheck_open"),
    path("rechecks/<int:pk>/", views.recheck_detail, name="recheck_detail"),
    path(
        "rechecks/entries/<int:pk>/<slug:action>/",
        views.recheck_entry_action,
        name="recheck_entry_action",
    ),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/<slug:action>/", views.item_action, name="item_action"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
    path("review/", views.review_queue, name="review_queue"),
    path("overdue/", views.overdue_board, name="overdue_board"),
    path("overdue/act/", views.overdue_board_act, name="overdue_board_act"),
    path("deliverables/", views.deliverables, name="deliverables"),
    path("deliverables/<int:pk>/", views.deliverable_detail, name="deliverable_detail"),
    path(
        "deliverables/<int:pk>/due-date/", views.deliverable_due_date, name="deliverable_due_date"
    ),
    path("deliverables/<int:pk>/submit/", views.submission_submit, name="submission_submit"),
    path(
        "deliverables/<int:pk>/units/<int:unit_pk>/urge/",
        views.deliverable_urge,
        name="deliverable_urge",
    ),
    path(
        "deliverables/<int:pk>/urge-missing/",
        views.deliverable_urge_missing,
        name="deliverable_urge_missing",
    ),
    path(
        "submissions/<int:pk>/<slug:decision>/",
        views.submission_review,
        name="submission_review",
    ),
    path("files/progress/<int:pk>/", views.progress_attachment, name="progress_attachment"),
    path("files/submissions/<int:pk>/", views.submission_attachment, name="submission_attachment"),
    path("files/findings/<int:pk>/", views.finding_evidence, name="finding_evidence"),
    path("inspections/", views.inspection_list, name="inspection_list"),
    path(
        "supervision/reports/",
        supervisor_reports.supervisor_report_list,
        name="supervisor_report_list",
    ),
    path(
        "supervision/units/<int:unit_pk>/report/",
        supervisor_reports.supervisor_report_create,
        name="supervisor_report_create",
    ),
    path(
        "supervision/reports/<int:pk>/",
        supervisor_reports.supervisor_report_detail,
        name="supervisor_report_detail",
    ),
    path(
        "supervision/reports/<int:pk>/<slug:action>/",
        supervisor_reports.supervisor_report_act,
        name="supervisor_report_act",
    ),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("accountability/<int:pk>/", views.accountability_detail, name="accountability_detail"),
    path("cadres/", views.cadre_list, name="cadre_list"),
    path("cadres/mine/", views.cadre_mine, name="cadre_mine"),
    path("cadres/<int:pk>/", views.cadre_record, name="cadre_record"),
    path("cadres/<int:pk>/flags/", views.cadre_flag, name="cadre_flag"),
    path("cadres/<int:pk>/reports/", views.cadre_duty_report, name="cadre_duty_report"),
    path("circulars/", views.circular_list, name="circular_list"),
    path("circulars/<int:pk>/", views.circular_detail, name="circular_detail"),
    path("circulars/<int:pk>/edit/", views.circular_edit, name="circular_edit"),
    path("circulars/<int:pk>/publish/", views.circular_publish, name="circular_publish"),
    path("public/circulars/", views.public_circular_list, name="public_circular_list"),
    path("public/circulars/<int:pk>/", views.public_circular_detail, name="public_circular_detail"),
    # 为民办实事项目 (campaign/views/projects.py)
    path("projects/", project_views.project_list, name="project_list"),
    path("projects/new/", project_views.project_create, name="project_create"),
    path("projects/<int:pk>/", project_views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", project_views.project_edit, name="project_edit"),
    path("projects/<int:pk>/<slug:action>/", project_views.project_action, name="project_action"),
    path("milestones/<int:pk>/", project_views.milestone_detail, name="milestone_detail"),
    path("milestones/<int:pk>/report/", project_views.milestone_report, name="milestone_report"),
    path(
        "files/milestones/<int:pk>/",
        project_views.milestone_attachment,
        name="milestone_attachment",
    ),
    path("public/projects/", project_views.public_project_list, name="public_project_list"),
    path(
        "public/projects/<int:pk>/",
        project_views.public_project_detail,
        name="public_project_detail",
    ),
]
