"""The campaign endpoints, included under /api/v1/ by config/api_urls.py."""

from __future__ import annotations

from django.urls import path

from campaign.api import views

urlpatterns = [
    path("campaign/circulars/", views.CircularListView.as_view(), name="campaign_circulars"),
    path("campaign/campaigns/", views.CampaignListView.as_view(), name="campaign_campaigns"),
    path(
        "campaign/campaigns/<int:id>/figures/",
        views.RectificationFiguresView.as_view(),
        name="campaign_rectification_figures",
    ),
]
