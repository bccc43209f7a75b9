"""What assessments offers on the public front page: published results and open surveys."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from assessments import selectors
from units.extensions import PublicEntry, PublicLink


def public_entries(request: Any) -> list[PublicEntry]:
    years = selectors.public_years()
    surveys = list(selectors.surveys_open_to_public())
    return [
        PublicEntry(
            key="results",
            title=_("Assessment results"),
            text=(
                _("The ranking of the %(year)s annual work-style assessment is published.")
                % {"year": years[0]}
                if years
                else _("No assessment results have been published yet.")
            ),
            url=reverse("assessments:public_results") if years else "",
            action=_("See the ranking"),
            links=tuple(
                PublicLink(
                    label=_("%(year)s ranking") % {"year": year},
                    url=reverse("assessments:public_results_year", args=[year]),
                )
                for year in years[1:4]
            ),
            order=40,
        ),
        PublicEntry(
            key="survey",
            title=_("Democratic appraisal"),
            text=(
                _("Rate the work style of the units under assessment; open to everyone.")
                if surveys
                else _(
                    "No appraisal is open to the public at the moment. Raters given an "
                    "appraisal code take part through the link that came with it."
                )
            ),
            url=reverse("assessments:survey_open_vote", args=[surveys[0].pk]) if surveys else "",
            action=_("Take part"),
            links=tuple(
                PublicLink(
                    label=survey.title,
                    url=reverse("assessments:survey_open_vote", args=[survey.pk]),
                )
                for survey in surveys
            ),
            order=50,
        ),
    ]
