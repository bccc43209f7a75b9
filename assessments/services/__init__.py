"""Every write to the annual assessment, one module per seam.

Schemes (create, copy, configure, start, publish), computing (queue, run, progress),
surveys (codes and votes) and evaluations. Every public name stays importable from
`assessments.services`.
"""

from assessments.services.cadres import scheme_flag_cadres
from assessments.services.computing import (
    scheme_compute,
    scheme_request_scoring,
    schemes_recompute_open,
    scoring_progress,
)
from assessments.services.evaluations import (
    AssignmentOutcome,
    evaluation_assign,
    evaluation_assignments_create,
    evaluation_assignments_remove,
    evaluations_record,
)
from assessments.services.results_act import (
    ActOutcome,
    commendation_campaign,
    scheme_act_on_results,
    talk_record,
)
from assessments.services.schemes import (
    adjustment_rule_save,
    scheme_add_default_rules,
    scheme_configuration_errors,
    scheme_copy_from,
    scheme_copy_last_year,
    scheme_create,
    scheme_create_with_defaults,
    scheme_indicator_remove,
    scheme_open,
    scheme_publish,
    scheme_rule_remove,
)
from assessments.services.supervisor_codes import supervisor_codes_issue
from assessments.services.surveys import (
    SurveyRefused,
    anonymity_change_refusal,
    closed_survey_message,
    first_missing_dimension,
    missing_answer_message,
    new_token_code,
    survey_close,
    survey_create,
    survey_create_for_scheme,
    survey_open,
    survey_record_paper_votes,
    survey_set_anonymised,
    survey_submit,
    survey_submit_open,
    surveys_close_for_scheme,
    tokens_generate,
)

__all__ = [
    "ActOutcome",
    "AssignmentOutcome",
    "SurveyRefused",
    "adjustment_rule_save",
    "anonymity_change_refusal",
    "closed_survey_message",
    "commendation_campaign",
    "evaluation_assign",
    "evaluation_assignments_create",
    "evaluation_assignments_remove",
    "evaluations_record",
    "first_missing_dimension",
    "missing_answer_message",
    "new_token_code",
    "scheme_act_on_results",
    "scheme_add_default_rules",
    "scheme_compute",
    "scheme_configuration_errors",
    "scheme_copy_from",
    "scheme_copy_last_year",
    "scheme_create",
    "scheme_create_with_defaults",
    "scheme_flag_cadres",
    "scheme_indicator_remove",
    "scheme_open",
    "scheme_publish",
    "scheme_request_scoring",
    "scheme_rule_remove",
    "schemes_recompute_open",
    "scoring_progress",
    "supervisor_codes_issue",
    "survey_close",
    "survey_create",
    "survey_create_for_scheme",
    "survey_open",
    "survey_record_paper_votes",
    "survey_set_anonymised",
    "survey_submit",
    "survey_submit_open",
    "surveys_close_for_scheme",
    "talk_record",
    "tokens_generate",
]
