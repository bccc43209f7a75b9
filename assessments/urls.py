from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.scheme_list, name="scheme_list"),
    path("schemes/copy/", views.scheme_copy, name="scheme_copy"),
    path("schemes/new/", views.scheme_new, name="scheme_new"),
    path("schemes/<int:pk>/surveys/new/", views.survey_new, name="survey_new"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("schemes/<int:pk>/progress/", views.scheme_progress, name="scheme_progress"),
    path("schemes/<int:pk>/open/", views.scheme_open, name="scheme_open"),
    path("schemes/<int:pk>/compute/", views.scheme_compute, name="scheme_compute"),
    path("schemes/<int:pk>/publish/", views.scheme_publish, name="scheme_publish"),
    path("schemes/<int:pk>/act/<str:action>/", views.scheme_act, name="scheme_act"),
    path("schemes/<int:pk>/dashboard/", views.dashboard, name="dashboard"),
    path("schemes/<int:pk>/results.xlsx", views.results_export, name="results_export"),
    path("schemes/<int:pk>/talks/", views.scheme_talks, name="scheme_talks"),
    path("talks/", views.my_talks, name="my_talks"),
    path("talks/<int:pk>/", views.talk_detail, name="talk_detail"),
    path("talks/<int:pk>/record/", views.talk_record, name="talk_record"),
    path("results/<int:pk>/", views.result_detail, name="result_detail"),
    path("my-results/", views.my_results, name="my_results"),
    path("cadres.xlsx", views.cadre_export, name="cadre_export"),
    path("public/", views.public_results, name="public_results"),
    path("public/<int:year>/", views.public_results, name="public_results_year"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/tokens/", views.survey_tokens, name="survey_tokens"),
    path("surveys/<int:pk>/status/", views.survey_status, name="survey_status"),
    path(
        "surveys/<int:pk>/supervisor-codes/",
        views.survey_supervisor_codes,
        name="survey_supervisor_codes",
    ),
    path("surveys/<int:pk>/codes.xlsx", views.survey_tokens_export, name="survey_tokens_export"),
    path("survey/<int:survey_pk>/open/", views.survey_open_vote, name="survey_open_vote"),
    path("survey/<int:survey_pk>/thanks/", views.survey_thanks, name="survey_thanks"),
    path("survey/<int:survey_pk>/<str:code>/", views.survey_vote, name="survey_vote"),
    path("feedback/", views.feedback_list, name="feedback_list"),
    path("schemes/<int:pk>/assignments/", views.evaluation_assign, name="evaluation_assign"),
    path(
        "schemes/<int:pk>/assignments/remove/",
        views.evaluation_unassign,
        name="evaluation_unassign",
    ),
    path("evaluate/", views.evaluation_index, name="evaluation_index"),
    path("evaluate/<int:pk>/", views.evaluation_home, name="evaluation_home"),
    path("evaluate/<int:pk>/units/<int:unit_pk>/", views.evaluation_unit, name="evaluation_unit"),
    path("evaluate/<int:pk>/template.xlsx", views.evaluation_template, name="evaluation_template"),
    path("evaluate/<int:pk>/import/", views.evaluation_import, name="evaluation_import"),
]
