"""Annual assessment (年度考核): schemes, rules, surveys, evaluations, results.

One module per seam; every model stays importable from `assessments.models`.
"""

from assessments.defaults import DEFAULT_CATEGORIES, DEFAULT_DIMENSIONS, DEFAULT_SCALE
from assessments.models.acting import CommendationDraft, ReminderTalk, TalkTransition
from assessments.models.evaluations import Evaluation, EvaluationAssignment
from assessments.models.results import (
    AdjustmentLine,
    AssessmentResult,
    IndicatorScore,
    SurveyCategoryScore,
    SurveyDimensionScore,
)
from assessments.models.schemes import (
    GRADE_ORDER,
    AdjustmentRule,
    AssessmentScheme,
    ComplaintUnit,
    Component,
    Grade,
    GradeRule,
    Indicator,
    RecognitionRule,
    SchemeTransition,
)
from assessments.models.surveys import (
    RaterCategory,
    RaterToken,
    ScaleOption,
    SupervisorCode,
    Survey,
    SurveyAnswer,
    SurveyDimension,
    SurveyResponse,
    SurveyTransition,
    TokenUse,
)

__all__ = [
    "DEFAULT_CATEGORIES",
    "DEFAULT_DIMENSIONS",
    "DEFAULT_SCALE",
    "GRADE_ORDER",
    "AdjustmentLine",
    "AdjustmentRule",
    "AssessmentResult",
    "AssessmentScheme",
    "CommendationDraft",
    "ComplaintUnit",
    "Component",
    "Evaluation",
    "EvaluationAssignment",
    "Grade",
    "GradeRule",
    "Indicator",
    "IndicatorScore",
    "RaterCategory",
    "RaterToken",
    "RecognitionRule",
    "ReminderTalk",
    "ScaleOption",
    "SchemeTransition",
    "SupervisorCode",
    "Survey",
    "SurveyAnswer",
    "SurveyCategoryScore",
    "SurveyDimension",
    "SurveyDimensionScore",
    "SurveyResponse",
    "SurveyTransition",
    "TalkTransition",
    "TokenUse",
]
