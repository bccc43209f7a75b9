"""The floor of the intake and the survey (bench settings only): a bare Django view doing
one INSERT.

`bench_run --only http` serves it from the same gunicorn, through the same middleware,
with the same form a vote posts, before the intake and the votes: what the host and Django
cost a request that writes one row, so that `intake_ratio_to_floor` and
`survey_ratio_to_floor` show what a complaint and a vote add, whatever else the host is
doing. Mounted by bench/urls.py, which only config/settings/bench.py names; production
URLs never have it.
"""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

TABLE = "bench_floor_vote"
CREATE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} "
    "(id bigserial PRIMARY KEY, code text NOT NULL, fields integer NOT NULL)"
)


@require_POST
def floor(request: HttpRequest, code: str) -> HttpResponse:
    """One INSERT of the code and the number of fields posted; a short 200."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (code, fields) VALUES (%s, %s)",  # noqa: S608 (constant)
            [code, len(request.POST)],
        )
    return HttpResponse("ok", content_type="text/plain")
