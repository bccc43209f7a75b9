"""The scoring floor: one hand-written SQL statement computing every unit's total.

It follows assessments.scoring step for step (the same roundings, the same facts, the same
caps) but writes nothing: no staging tables, no adjustment lines, no ranks. Its time is
what the database needs to read the inputs and add them up; the scoring task's time over
this one says how much the task's bookkeeping costs on top.

It covers the fact kinds scheme_add_default_rules uses (all of them) for a scheme whose
assessed units are every active unit in a group (no groups chosen on the scheme).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection

FLOOR_SQL = """
WITH
rules AS (
    SELECT id, kind, parameter, sign, points, cap
    FROM assessments_adjustmentrule WHERE scheme_id = %(scheme)s
),
assessed AS (
    SELECT id FROM units_unit WHERE status = 'active' AND group_id IS NOT NULL
),
category_means AS (
    SELECT r.unit_id, r.category_id,
           ROUND(AVG(o.value), 4) AS mean, MAX(c.weight) AS weight
    FROM assessments_surveyanswer a
    JOIN assessments_surveyresponse r ON r.id = a.response_id
    JOIN assessments_survey s ON s.id = r.survey_id
    JOIN assessments_scaleoption o ON o.id = a.option_id
    JOIN assessments_ratercategory c ON c.id = r.category_id
    WHERE s.scheme_id = %(scheme)s AND NOT r.is_open
    GROUP BY r.unit_id, r.category_id
),
survey AS (
    SELECT unit_id, SUM(weight * mean) * 1.0 / SUM(weight) AS mean
    FROM category_means GROUP BY unit_id
),
indicator_means AS (
    SELECT e.unit_id, i.component, ROUND(AVG(e.score), 4) AS mean
    FROM assessments_evaluation e
    JOIN assessments_indicator i ON i.id = e.indicator_id
    WHERE e.scheme_id = %(scheme)s
    GROUP BY e.unit_id, e.indicator_id, i.component
),
component_max AS (
    SELECT component, SUM(max_points) AS maximum
    FROM assessments_indicator WHERE scheme_id = %(scheme)s GROUP BY component
),
components AS (
    SELECT m.unit_id, m.component,
           ROUND(SUM(m.mean) * %(base)s * 1.0 / MAX(x.maximum), 2) AS score
    FROM indicator_means m JOIN component_max x ON x.component = m.component
    GROUP BY m.unit_id, m.component
),
complaints AS (
    SELECT id, COALESCE(subject_unit_id, unit_id) AS unit_id, status, verdict, deadline,
           (received_at AT TIME ZONE %(tz)s)::date AS received,
           (answered_at AT TIME ZONE %(tz)s)::date AS answered,
           (closed_at AT TIME ZONE %(tz)s)::date AS closed
    FROM complaints_complaint
    WHERE COALESCE(subject_unit_id, unit_id) IS NOT NULL AND status <> 'merged'
      AND (received_at AT TIME ZONE %(tz)s)::date BETWEEN %(start)s AND %(end)s
),
items AS (
    SELECT i.id, i.unit_id, i.status, i.deadline, (i.closed_at AT TIME ZONE %(tz)s)::date AS closed
    FROM campaign_rectificationitem i JOIN campaign_campaign c ON c.id = i.campaign_id
    WHERE c.year = %(year)s AND NOT i.long_term AND i.status <> 'draft'
),
due_deliverables AS (
    SELECT d.id, d.due_date, s.path AS scope_path, s.depth + 1 AS depth
    FROM campaign_deliverable d
    JOIN campaign_campaign c ON c.id = d.campaign_id AND c.year = %(year)s
        AND c.status <> 'draft'
    JOIN units_unit s ON s.id = c.scope_id
    WHERE d.due_date < %(cutoff)s
),
facts AS (
    SELECT r.id AS rule_id, c.unit_id, c.id AS evidence, c.received AS day
    FROM rules r JOIN complaints c ON c.verdict = COALESCE(NULLIF(r.parameter, ''), 'substantiated')
    WHERE r.kind = 'complaint_substantiated'
  UNION ALL
    SELECT r.id, c.unit_id, c.id, c.deadline
    FROM rules r JOIN complaints c ON c.deadline < %(cutoff)s AND c.status <> 'rejected' AND (
        c.status IN ('assigned', 'sent_back', 'reroute_requested')
        OR c.answered > c.deadline
        OR (c.answered IS NULL AND (c.closed IS NULL OR c.closed > c.deadline)))
    WHERE r.kind = 'complaint_overdue'
  UNION ALL
    SELECT r.id, i.unit_id, i.id, i.deadline
    FROM rules r JOIN items i ON i.deadline < %(cutoff)s
        AND (i.status <> 'closed' OR i.closed > i.deadline)
    WHERE r.kind = 'item_overdue'
  UNION ALL
    SELECT r.id, i.unit_id, i.id, i.deadline
    FROM rules r JOIN items i ON %(cutoff)s > %(end)s AND i.deadline <= %(end)s
        AND (i.status <> 'closed' OR i.closed > %(end)s)
    WHERE r.kind = 'item_unclosed'
  UNION ALL
    SELECT r.id, s.unit_id, s.id, (s.submitted_at AT TIME ZONE %(tz)s)::date
    FROM rules r
    JOIN campaign_submission s ON s.status IN ('submitted', 'accepted')
    JOIN due_deliverables d ON d.id = s.deliverable_id
    WHERE r.kind = 'deliverable_late' AND (s.submitted_at AT TIME ZONE %(tz)s)::date > d.due_date
  UNION ALL
    SELECT r.id, u.id, d.id, d.due_date
    FROM rules r
    CROSS JOIN due_deliverables d
    JOIN units_unit u ON u.status = 'active' AND u.depth = d.depth
        AND u.path LIKE d.scope_path || '%%' AND u.id IN (SELECT id FROM assessed)
    WHERE r.kind = 'deliverable_missing' AND NOT EXISTS (
        SELECT 1 FROM campaign_submission s WHERE s.deliverable_id = d.id
        AND s.unit_id = u.id AND s.status IN ('submitted', 'accepted'))
  UNION ALL
    SELECT r.id, f.unit_id, f.id, n.date
    FROM rules r
    JOIN campaign_finding f ON r.parameter = '' OR f.severity = r.parameter
    JOIN campaign_inspection n ON n.id = f.inspection_id
    WHERE r.kind = 'finding' AND n.date BETWEEN %(start)s AND %(end)s
  UNION ALL
    SELECT r.id, COALESCE(a.unit_id, p.unit_id), a.id, a.date
    FROM rules r
    JOIN campaign_accountabilityaction a ON r.parameter = '' OR a.kind = r.parameter
        OR (r.parameter = 'serious' AND a.kind IN
            ('reassignment', 'party_discipline', 'government_sanction', 'judicial_referral'))
    LEFT JOIN units_person p ON p.id = a.person_id
    WHERE r.kind = 'accountability' AND a.date BETWEEN %(start)s AND %(end)s
  UNION ALL
    SELECT r.id, m.unit_id, c.id, (c.published_at AT TIME ZONE %(tz)s)::date
    FROM rules r
    JOIN campaign_circularmention m ON m.tone =
        CASE r.kind WHEN 'circular_criticism' THEN 'negative' ELSE 'positive' END
    JOIN campaign_circular c ON c.id = m.circular_id AND c.status = 'published'
        AND (r.parameter = '' OR c.kind = r.parameter)
    WHERE r.kind IN ('circular_criticism', 'circular_commendation')
      AND (c.published_at AT TIME ZONE %(tz)s)::date BETWEEN %(start)s AND %(end)s
),
numbered AS (
    SELECT f.rule_id, f.unit_id, ROW_NUMBER() OVER (
        PARTITION BY f.rule_id, f.unit_id ORDER BY f.day, f.evidence) AS n
    FROM facts f WHERE f.unit_id IN (SELECT id FROM assessed)
),
adjustments AS (
    SELECT x.unit_id, SUM(CASE
        WHEN r.cap IS NOT NULL AND x.n * r.points > r.cap
        THEN GREATEST(0, r.cap - (x.n - 1) * r.points) * r.sign
        ELSE r.points * r.sign END) AS points
    FROM numbered x JOIN rules r ON r.id = x.rule_id
    GROUP BY x.unit_id
),
scores AS (
    SELECT u.id AS unit_id,
           ROUND(COALESCE(s.mean, 0) * %(base)s, 2) AS survey,
           COALESCE(sp.score, 0) AS special,
           COALESCE(org.score, 0) AS organisational,
           ROUND(COALESCE(a.points, 0), 2) AS adjustments
    FROM assessed u
    LEFT JOIN survey s ON s.unit_id = u.id
    LEFT JOIN components sp ON sp.unit_id = u.id AND sp.component = 'special'
    LEFT JOIN components org ON org.unit_id = u.id AND org.component = 'organisational'
    LEFT JOIN adjustments a ON a.unit_id = u.id
)
SELECT unit_id,
       ROUND((survey * %(w_survey)s + special * %(w_special)s
              + organisational * %(w_org)s) * 1.0 / 100, 2) + adjustments AS total
FROM scores
"""


def floor_totals(*, scheme: object, cutoff: datetime.date) -> dict[int, Decimal]:
    """unit id → total, from one statement."""
    year = scheme.year  # type: ignore[attr-defined]
    params = {
        "scheme": scheme.pk,  # type: ignore[attr-defined]
        "year": year,
        "start": datetime.date(year, 1, 1),
        "end": datetime.date(year, 12, 31),
        "cutoff": cutoff,
        "tz": "Asia/Shanghai",
        "base": scheme.base_score,  # type: ignore[attr-defined]
        "w_survey": scheme.weight_survey,  # type: ignore[attr-defined]
        "w_special": scheme.weight_special,  # type: ignore[attr-defined]
        "w_org": scheme.weight_organisational,  # type: ignore[attr-defined]
    }
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, params)
        return dict(cursor.fetchall())
