"""The assessment endpoints, included under /api/v1/ by config/api_urls.py."""

from __future__ import annotations

from django.urls import path

from assessments.api import views

urlpatterns = [
    path("assessments/schemes/", views.SchemeListView.as_view(), name="assessment_schemes"),
    path(
        "assessments/schemes/<int:year>/results/",
        views.RankingView.as_view(),
        name="assessment_ranking",
    ),
    path(
        "assessments/cadres/<int:year>/",
        views.CadreResultsView.as_view(),
        name="assessment_cadres",
    ),
]
