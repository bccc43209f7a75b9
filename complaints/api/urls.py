"""The complaints endpoints, included under /api/v1/ by config/api_urls.py."""

from __future__ import annotations

from django.urls import path

from complaints.api import figures, views

urlpatterns = [
    path("complaints/", views.PushView.as_view(), name="complaint_push"),
    path("complaints/changes/", views.ChangesView.as_view(), name="complaint_changes"),
    path("complaints/figures/", figures.ComplaintFiguresView.as_view(), name="complaint_figures"),
    path("complaints/categories/", views.CategoriesView.as_view(), name="complaint_categories"),
    path("complaints/<int:pk>/", views.ComplaintDetailView.as_view(), name="complaint_detail"),
]
