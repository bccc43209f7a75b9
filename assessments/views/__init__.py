"""Thin views, one module per seam: fetch through permissions, validate a form, call one service.

Every view stays importable from `assessments.views` (the URLconf reads them here).
"""

from assessments.views.cadres import cadre_export
from assessments.views.evaluations import (
    evaluation_assign,
    evaluation_home,
    evaluation_import,
    evaluation_index,
    evaluation_template,
    evaluation_unassign,
    evaluation_unit,
)
from assessments.views.results import (
    dashboard,
    my_results,
    public_results,
    result_detail,
    results_export,
)
from assessments.views.schemes import (
    scheme_act,
    scheme_compute,
    scheme_copy,
    scheme_detail,
    scheme_list,
    scheme_new,
    scheme_open,
    scheme_progress,
    scheme_publish,
)
from assessments.views.surveys import (
    feedback_list,
    survey_detail,
    survey_new,
    survey_open_vote,
    survey_status,
    survey_supervisor_codes,
    survey_thanks,
    survey_tokens,
    survey_tokens_export,
    survey_vote,
)
from assessments.views.talks import my_talks, scheme_talks, talk_detail, talk_record

__all__ = [
    "cadre_export",
    "dashboard",
    "evaluation_assign",
    "evaluation_home",
    "evaluation_import",
    "evaluation_index",
    "evaluation_template",
    "evaluation_unassign",
    "evaluation_unit",
    "feedback_list",
    "my_results",
    "my_talks",
    "public_results",
    "result_detail",
    "results_export",
    "scheme_act",
    "scheme_compute",
    "scheme_copy",
    "scheme_detail",
    "scheme_list",
    "scheme_new",
    "scheme_open",
    "scheme_progress",
    "scheme_publish",
    "scheme_talks",
    "survey_detail",
    "survey_new",
    "survey_open_vote",
    "survey_status",
    "survey_supervisor_codes",
    "survey_thanks",
    "survey_tokens",
    "survey_tokens_export",
    "survey_vote",
    "talk_detail",
    "talk_record",
]
