"""The authorization cases of every URL pattern.

Each pattern lists who succeeds, who gets 404 (a sibling unit, or anyone the object does
not exist for), who gets 403 (may read but not do), what the anonymous public gets and
which HTTP method is refused. A kind that does not apply to a pattern is waived with the
reason, so a missing case is a decision written down, never an omission.

`base` holds the vocabulary; one module per app registers its patterns in SPECS on import.
"""

# isort: off
# Registered in this order (the order of the report).
from tests.authz.cases import shell, campaign, complaints, service, assessments, api, people  # noqa: F401
from tests.authz.cases import projects  # noqa: F401
from tests.authz.cases import rechecks  # noqa: F401
from tests.authz.cases import results_act  # noqa: F401
from tests.authz.cases import picker  # noqa: F401
from tests.authz.cases import supervisors  # noqa: F401
from tests.authz.cases import dispatch  # noqa: F401

# isort: on
from tests.authz.cases.base import KINDS, LOGIN, SPECS, Case, Spec, resolve_arg

__all__ = ["KINDS", "LOGIN", "SPECS", "Case", "Spec", "resolve_arg"]
