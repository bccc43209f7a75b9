"""Synthetic province data for the benchmarks, loaded with PostgreSQL COPY.

Deterministic: the same seed and anchor day give the same rows (ids, names, texts, states,
dates). Only the identity ciphertexts differ between runs, because Fernet draws a fresh
IV for every token; what they decrypt to is the same. Complainant identities are never
stored in clear: they are encrypted exactly as complaints.identity does (the same JSON
payload and the same MultiFernet keys), and anonymous complaints carry no token at all.

Bulk rows bypass the services on purpose (they would take hours); the few objects whose
set-up has rules of its own (the assessment scheme and its survey) are made with the real
services. Rows are written in id order with explicit ids and the sequences are reset at
the end. On SQLite (the unit tests' default database) the same rows go in with
executemany, so the generator's test runs everywhere.
"""

from __future__ import annotations

import datetime
import io
import json
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import (
    AssessmentScheme,
    Evaluation,
    EvaluationAssignment,
    Indicator,
    RaterCategory,
    RaterToken,
    ScaleOption,
    Survey,
    SurveyAnswer,
    SurveyDimension,
    SurveyResponse,
)
from bench import texts
from campaign import figures_db as item_figures_db
from campaign.models import (
    AccountabilityAction,
    Campaign,
    Circular,
    CircularMention,
    Deliverable,
    Finding,
    Inspection,
    ProblemCategory,
    RectificationItem,
    Submission,
)
from complaints import figures_db
from complaints import identity as complaint_identity
from complaints.models import Complaint, ComplaintCategory
from complaints.tracking import tracking_hasher
from units import roles
from units.models import AssessmentGroup, Person, Responsibility, Unit, UnitUserObjectPermission

TZ = ZoneInfo("Asia/Shanghai")
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's default path alphabet
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUP_NAMES = [
    "综合管理部门",
    "执法监管部门",
    "经济发展部门",
    "社会事业部门",
    "窗口服务单位",
    "公共服务企业",
    "乡镇（街道）",
    "县市区",
]
# An unusable password hash: the bench logs in with force_login.
PASSWORD = "!bench-unusable"  # noqa: S105


@dataclass(frozen=True)
class Scale:
    units: int
    cities: int  # depth-2 units under the province
    counties: int  # depth-3 units under each city; the rest are depth 4
    complaints: int
    items: int
    tokens: int
    ratings: int  # survey answers (one unit on one dimension by one rater)
    findings: int
    actions: int
    circulars_per_campaign: int
    evaluators: int


SCALES = {
    "province": Scale(
        units=10_000,
        cities=20,
        counties=20,
        complaints=2_000_000,
        items=500_000,
        tokens=100_000,
        ratings=5_000_000,
        findings=20_000,
        actions=20_000,
        circulars_per_campaign=36,
        evaluators=20,
    ),
    "small": Scale(
        units=100,
        cities=3,
        counties=4,
        complaints=20_000,
        items=5_000,
        tokens=1_000,
        ratings=50_000,
        findings=200,
        actions=200,
        circulars_per_campaign=12,
        evaluators=4,
    ),
    # For the generator's own test: every state, in a second or two.
    "tiny": Scale(
        units=20,
        cities=2,
        counties=2,
        complaints=400,
        items=160,
        tokens=30,
        ratings=960,
        findings=20,
        actions=20,
        circulars_per_campaign=3,
        evaluators=2,
    ),
}


# --- Loading ------------------------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_ESCAPES)
        return value
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value)


class Loader:
    """Writes rows to a table: COPY on PostgreSQL, executemany elsewhere."""

    chunk = 50_000

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.counts: dict[str, int] = {}
        self.models: list[type[models.Model]] = []

    def load(
        self, model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> int:
        table = model._meta.db_table
        if model not in self.models:
            self.models.append(model)
        count = 0
        if self.postgres:
            qn = connection.ops.quote_name
            sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
            buffer: list[str] = []
            with connection.cursor() as cursor, ThreadPoolExecutor(max_workers=1) as pool:
                raw = cursor.cursor
                # The server digests one chunk while Python renders the next.
                pending: Future[Any] | None = None
                for row in rows:
                    if isinstance(row, str):
                        buffer.append(row)
                    else:
                        buffer.append("\t".join([_copy_value(v) for v in row]))
                    count += 1
                    if len(buffer) >= self.chunk:
                        if pending is not None:
                            pending.result()
                        data = io.StringIO("\n".join(buffer) + "\n")
                        pending = pool.submit(raw.copy_expert, sql, data)
                        buffer = []
                if pending is not None:
                    pending.result()
                if buffer:
                    raw.copy_expert(sql, io.StringIO("\n".join(buffer) + "\n"))
        else:
            qn = connection.ops.quote_name
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) VALUES ({marks})"  # noqa: S608
            batch: list[Sequence[Any]] = []
            with connection.cursor() as cursor:
                for row in rows:
                    if isinstance(row, str):
                        row = [None if v == "\\N" else v for v in row.split("\t")]
                    batch.append(row)
                    count += 1
                    if len(batch) >= 5000:
                        cursor.executemany(sql, batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
        self.counts[table] = self.counts.get(table, 0) + count
        return count

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), self.models)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def next_id(model: type[models.Model]) -> int:
    found = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
    return (found or 0) + 1


# --- Helpers ------------------------------------------------------------------------------


def _segment(n: int) -> str:
    digits = ""
    while True:
        n, r = divmod(n, 36)
        digits = ALPHABET[r] + digits
        if n == 0:
            break
    return digits.rjust(Unit.steplen, "0")


def _aware(day: datetime.date, rng: random.Random, start_hour: int = 8) -> datetime.datetime:
    return datetime.datetime(
        day.year,
        day.month,
        day.day,
        rng.randint(start_hour, 17),
        rng.randint(0, 59),
        rng.randint(0, 59),
        tzinfo=TZ,
    )


def _moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=TZ)


def _pick(rng: random.Random, table: Sequence[tuple[str, float]]) -> str:
    x = rng.random()
    acc = 0.0
    for value, weight in table:
        acc += weight
        if x < acc:
            return value
    return table[-1][0]


def _code(number: int) -> str:
    """80 bits as 16 Crockford base-32 characters, like the tracking and rating codes."""
    return "".join([CROCKFORD[(number >> (5 * i)) & 31] for i in range(16)])


def _person_name(rng: random.Random) -> str:
    name = rng.choice(texts.SURNAMES) + rng.choice(texts.GIVEN)
    return name + rng.choice(texts.GIVEN) if rng.random() < 0.7 else name


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"


def _id_number(rng: random.Random) -> str:
    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randint(0, 365 * 55))
    return f"{rng.randint(110000, 659000)}{born:%Y%m%d}{rng.randint(100, 999)}{rng.choice('0123456789X')}"


class IdentityBox:
    """complaints.identity.encrypt, with the MultiFernet built once instead of per row."""

    def __init__(self) -> None:
        self.fernet = complaint_identity._fernet()

    def encrypt(self, identity: complaint_identity.Identity) -> str:
        if identity == complaint_identity.Identity():
            return ""
        # The same payload as complaints.identity.encrypt (dataclasses.asdict, field order).
        payload = json.dumps(
            {
                "name": identity.name,
                "phone": identity.phone,
                "id_number": identity.id_number,
                "contact": identity.contact,
                "ip": identity.ip,
            },
            ensure_ascii=False,
        ).encode()
        return self.fernet.encrypt(payload).decode()


# --- The generator ------------------------------------------------------------------------


@dataclass
class UnitRow:
    id: int
    path: str
    depth: int
    name: str
    code: str
    group_id: int


class Generator:
    def __init__(
        self,
        *,
        scale: str,
        seed: int,
        today: datetime.date,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.scale_name = scale
        self.scale = SCALES[scale]
        self.seed = seed
        self.today = today
        self.now = _moment(today, 9)
        self.loader = Loader()
        self.progress = progress or (lambda message: None)

    def rng(self, name: str) -> random.Random:
        # One stream per table: changing how one table is made leaves the others alone.
        return random.Random(f"{self.seed}:{name}")  # noqa: S311 (seeded on purpose)

    def run(self) -> dict[str, int]:
        with transaction.atomic():
            self._fast_session()
            self.groups()
            self.units()
            self.people()
            with figures_db.bulk_load():  # the figures' roll-up, search index: once
                self.complaints()
                # The deferred foreign-key checks of the COPY now, not at commit: ALTER TABLE
                # (re-enabling the roll-up's trigger) refuses a table with pending events.
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            self.campaigns()
            with item_figures_db.bulk_load():  # the rectification roll-up: counted once
                self.items()
            self.inspections()
            self.actions()
            self.circulars()
            self.assessment()
            self.loader.reset_sequences()
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # The steady state autovacuum reaches after a bulk load: statistics, and a
            # visibility map so that counts can be answered from indexes alone.
            self.progress("vacuum analyze")
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        return dict(self.loader.counts)

    def _fast_session(self) -> None:
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            # Foreign keys are checked as deferred row triggers: millions of them at commit.
            # The generator writes consistent ids, so a superuser skips them; others cannot.
            cursor.execute(
                "SELECT rolsuper FROM pg_roles WHERE rolname = current_user",
            )
            if cursor.fetchone()[0]:
                cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SET LOCAL synchronous_commit = off")

    # --- Organisation --------------------------------------------------------------------

    def groups(self) -> None:
        self.progress("groups")
        self.group_ids = []
        for i, name in enumerate(GROUP_NAMES, start=1):
            group, _ = AssessmentGroup.objects.get_or_create(
                name=name, defaults={"sort_order": i, "description": f"{name}（基准测试）"}
            )
            self.group_ids.append(group.pk)

    def units(self) -> None:
        self.progress("units")
        rng = self.rng("units")
        s = self.scale
        first = next_id(Unit)
        rows: list[UnitRow] = []
        kinds: list[str] = []
        g = self.group_ids
        root = UnitRow(first, _segment(1), 1, "示范省", "SF", g[7])
        rows.append(root)
        kinds.append(Unit.Kind.COUNTY)
        cities: list[UnitRow] = []
        for c in range(s.cities):
            city_name = texts.CITY_NAMES[c % len(texts.CITY_NAMES)] + "市"
            row = UnitRow(
                first + len(rows), root.path + _segment(c + 1), 2, city_name, f"SF{c + 1:02d}", g[7]
            )
            rows.append(row)
            kinds.append(Unit.Kind.COUNTY)
            cities.append(row)
        counties: list[UnitRow] = []
        for city in cities:
            for k in range(s.counties):
                if k % 2 == 0:
                    name = rng.choice(texts.CITY_NAMES) + rng.choice(texts.COUNTY_SUFFIX)
                    kind, group = Unit.Kind.COUNTY, g[7]
                else:
                    name = city.name + texts.DEPARTMENTS[k % len(texts.DEPARTMENTS)]
                    kind, group = Unit.Kind.DEPARTMENT, g[k % 6]
                row = UnitRow(
                    first + len(rows),
                    city.path + _segment(k + 1),
                    3,
                    name,
                    f"{city.code}-{k + 1:02d}",
                    group,
                )
                rows.append(row)
                kinds.append(kind)
                counties.append(row)
        remaining = s.units - len(rows)
        per = [remaining // len(counties)] * len(counties)
        for i in range(remaining % len(counties)):
            per[i] += 1
        for county, count in zip(counties, per, strict=True):
            for k in range(count):
                if k % 4 == 3:
                    name = county.name + rng.choice(texts.TOWN_WORDS) + "镇"
                    kind, group = Unit.Kind.TOWNSHIP, g[6]
                elif k % 4 == 2 and kinds[county.id - first] == Unit.Kind.DEPARTMENT:
                    name = county.name + texts.DIVISIONS[k % len(texts.DIVISIONS)]
                    kind, group = Unit.Kind.DIVISION, g[k % 6]
                else:
                    dept = texts.DEPARTMENTS[(k * 7 + county.id) % len(texts.DEPARTMENTS)]
                    name = county.name + dept
                    kind = Unit.Kind.SERVICE_WINDOW if "中心" in dept else Unit.Kind.DEPARTMENT
                    group = g[4] if "中心" in dept else g[(k + county.id) % 6]
                row = UnitRow(
                    first + len(rows),
                    county.path + _segment(k + 1),
                    4,
                    name[:128],
                    f"{county.code}-{k + 1:03d}",
                    group,
                )
                rows.append(row)
                kinds.append(kind)
        numchild = {row.path: 0 for row in rows}
        for row in rows:
            if row.depth > 1:
                numchild[row.path[: -Unit.steplen]] += 1
        now = self.now
        self.loader.load(
            Unit,
            [
                "id",
                "path",
                "depth",
                "numchild",
                "code",
                "name",
                "short_name",
                "kind",
                "status",
                "sort_order",
                "created_at",
                "updated_at",
                "group_id",
            ],
            (
                (
                    r.id,
                    r.path,
                    r.depth,
                    numchild[r.path],
                    r.code,
                    r.name,
                    "",
                    kind,
                    Unit.Status.ACTIVE,
                    i,
                    now,
                    now,
                    r.group_id,
                )
                for i, (r, kind) in enumerate(zip(rows, kinds, strict=True))
            ),
        )
        self.unit_rows = rows
        self.unit_ids = [r.id for r in rows]
        # Complaints and items concern front-line units far more than the province office.
        self.front_ids = [r.id for r in rows if r.depth >= 3]

    def people(self) -> None:
        """A head with a login for every unit, staff accounts for the cast, evaluators."""
        self.progress("people")
        rng = self.rng("people")
        first_user = next_id(_user_model())
        first_person = next_id(Person)
        first_resp = next_id(Responsibility)
        first_perm = next_id(UnitUserObjectPermission)
        joined = _moment(self.today - datetime.timedelta(days=3 * 365))
        users: list[tuple[Any, ...]] = []
        staff = [
            ("bench_officer", True, roles.INSPECTION_STAFF),
            ("bench_leader", False, roles.LEADERSHIP),
        ]
        for i in range(self.scale.evaluators):
            staff.append((f"bench_evaluator{i + 1:02d}", False, roles.EVALUATOR))
        group_of = {g.name: g.pk for g in Group.objects.all()}
        memberships: list[tuple[int, int]] = []
        for username, is_staff, role in staff:
            uid = first_user + len(users)
            users.append((uid, username, is_staff))
            memberships.append((uid, group_of[role]))
        self.officer_id = first_user
        self.leader_id = first_user + 1
        self.evaluator_ids = [first_user + 2 + i for i in range(self.scale.evaluators)]
        persons: list[tuple[Any, ...]] = []
        responsibilities: list[tuple[Any, ...]] = []
        perms: list[tuple[Any, ...]] = []
        view = Permission.objects.get(codename="view_unit", content_type__app_label="units").pk
        act = Permission.objects.get(codename="act_for_unit", content_type__app_label="units").pk
        self.head_of: dict[int, int] = {}
        self.person_of: dict[int, int] = {}
        start = datetime.date(self.today.year - 3, 1, 1)
        for row in self.unit_rows:
            uid = first_user + len(users)
            users.append((uid, f"head{row.id:06d}", False))
            memberships.append((uid, group_of[roles.UNIT_HEAD]))
            pid = first_person + len(persons)
            title = "局长" if "局" in row.name else ("镇长" if row.name.endswith("镇") else "主任")
            persons.append((pid, _person_name(rng), title, _phone(rng), "", True, uid, row.id))
            responsibilities.append(
                (first_resp + len(responsibilities), "first", start, None, "", joined, pid, row.id)
            )
            perms.append((first_perm + len(perms), row.id, view, uid))
            perms.append((first_perm + len(perms), row.id, act, uid))
            self.head_of[row.id] = uid
            self.person_of[row.id] = pid
        user_model = _user_model()
        self.loader.load(
            user_model,
            [
                "id",
                "password",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
            ],
            (
                (
                    uid,
                    PASSWORD,
                    False,
                    name,
                    "",
                    "",
                    f"{name}@bench.invalid",
                    is_staff,
                    True,
                    joined,
                )
                for uid, name, is_staff in users
            ),
        )
        through = user_model.groups.through
        first_member = next_id(through)
        self.loader.load(
            through,
            ["id", "user_id", "group_id"],
            ((first_member + i, u, g) for i, (u, g) in enumerate(memberships)),
        )
        self.loader.load(
            Person,
            ["id", "name", "title", "phone", "email", "is_active", "user_id", "unit_id"],
            persons,
        )
        self.loader.load(
            Responsibility,
            ["id", "role", "start_date", "end_date", "note", "created_at", "person_id", "unit_id"],
            responsibilities,
        )
        self.loader.load(
            UnitUserObjectPermission,
            ["id", "content_object_id", "permission_id", "user_id"],
            perms,
        )

    # --- Complaints ----------------------------------------------------------------------

    RECENT = 60  # days in which open cases are common

    def _complaint_status(self, rng: random.Random, age: int) -> str:
        S = Complaint.Status
        if age < 3:
            table = [(S.REGISTERED, 0.6), (S.ACCEPTED, 0.2), (S.REJECTED, 0.1), (S.ASSIGNED, 0.1)]
        elif age < 20:
            table = [
                (S.ASSIGNED, 0.45),
                (S.REROUTE_REQUESTED, 0.03),
                (S.ANSWERED, 0.15),
                (S.SENT_BACK, 0.03),
                (S.RETURN_VISIT, 0.07),
                (S.CLOSED, 0.17),
                (S.REJECTED, 0.07),
                (S.MERGED, 0.03),
            ]
        elif age < self.RECENT:
            table = [
                (S.ASSIGNED, 0.12),
                (S.ANSWERED, 0.08),
                (S.SENT_BACK, 0.02),
                (S.RETURN_VISIT, 0.08),
                (S.CLOSED, 0.60),
                (S.REJECTED, 0.07),
                (S.MERGED, 0.03),
            ]
        else:
            table = [
                (S.CLOSED, 0.884),
                (S.REJECTED, 0.08),
                (S.MERGED, 0.03),
                (S.ASSIGNED, 0.003),
                (S.SENT_BACK, 0.0015),
                (S.RETURN_VISIT, 0.0015),
            ]
        return _pick(rng, table)

    def complaints(self) -> None:
        self.progress("complaints")
        rng = self.rng("complaints")
        S = Complaint.Status
        categories = list(ComplaintCategory.objects.order_by("pk").values_list("pk", "name"))
        box = IdentityBox()
        # Only the keyed hash of a tracking code is stored (complaints.tracking): key read once.
        track_hash = tracking_hasher()
        first = next_id(Complaint)
        span = 3 * 365
        n = self.scale.complaints
        states = list(S.values)
        units = self.front_ids
        unit_names = {r.id: r.name for r in self.unit_rows}
        today = self.today
        channels = [
            (Complaint.Channel.WEB, 0.45),
            (Complaint.Channel.HOTLINE, 0.35),
            (Complaint.Channel.LETTER, 0.05),
            (Complaint.Channel.VISIT, 0.06),
            (Complaint.Channel.MAILBOX, 0.03),
            (Complaint.Channel.MEDIA, 0.03),
            (Complaint.Channel.INSPECTION, 0.03),
        ]
        verdicts = [("substantiated", 0.3), ("partly", 0.3), ("unsubstantiated", 0.4)]
        satisfaction = [("satisfied", 0.7), ("basically", 0.2), ("unsatisfied", 0.1)]
        self.open_complaints = 0
        self.complaint_states: set[str] = set()

        def rows() -> Iterator[tuple[Any, ...]]:
            # Received times rise with the id, as they would in real intake.
            for i in range(n):
                cid = first + i
                if i >= n - len(states):
                    # The newest few cover every state, however small the scale.
                    status = states[i - (n - len(states))]
                    age = 5 + (i % 10)
                else:
                    age = span - (i * span) // n
                    status = self._complaint_status(rng, age)
                if status == S.MERGED and i == 0:
                    status = S.CLOSED
                day = today - datetime.timedelta(days=age)
                received = _aware(day, rng, 7)
                if received > self.now:
                    received = self.now - datetime.timedelta(minutes=rng.randint(1, 600))
                self.complaint_states.add(status)
                category_id, category_name = rng.choice(categories)
                unit_id = rng.choice(units)
                unit_name = unit_names[unit_id]
                behaviour = rng.choice(texts.BEHAVIOURS)
                matter = rng.choice(texts.MATTERS)
                title = f"反映{unit_name}{behaviour}"[:120]
                content = (
                    f"本人于{day:%Y年%m月%d日}到{unit_name}{rng.choice(texts.PLACES)}{matter}，"
                    f"工作人员{behaviour}，{rng.choice(['多次往返仍未办结', '至今没有答复', '要求补交材料却不说明依据', '态度恶劣'])}。"
                    f"希望有关部门调查处理，{category_name}方面的问题请予以重视。"
                )
                channel = _pick(rng, channels)
                named = rng.random() < 0.7
                if named:
                    ident = complaint_identity.Identity(
                        name=_person_name(rng),
                        phone=_phone(rng),
                        id_number=_id_number(rng) if rng.random() < 0.4 else "",
                        contact="",
                        ip=f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
                        if channel == Complaint.Channel.WEB
                        else "",
                    )
                    token = box.encrypt(ident)
                else:
                    token = ""
                urgent = rng.random() < 0.05
                accept_deadline = day + datetime.timedelta(days=4)
                accepted_at = assigned_at = answered_at = closed_at = None
                supervised_at = listed_at = None
                deadline = None
                handler = None
                rejection = instructions = facts = verdict = measures = reply = ""
                review = sat = sat_comment = ""
                supervision = Complaint.Supervision.NONE
                merged_into = None
                if status == S.REJECTED:
                    rejection = "不属于本平台受理范围，已告知投诉人向有关部门反映"
                elif status == S.MERGED:
                    merged_into = first + rng.randrange(0, i)
                elif status != S.REGISTERED:
                    accepted_at = received + datetime.timedelta(hours=rng.randint(2, 48))
                if status in (
                    S.ASSIGNED,
                    S.REROUTE_REQUESTED,
                    S.ANSWERED,
                    S.SENT_BACK,
                    S.RETURN_VISIT,
                    S.CLOSED,
                ):
                    handler = unit_id
                    assigned_at = accepted_at + datetime.timedelta(hours=rng.randint(1, 24))
                    deadline = assigned_at.date() + datetime.timedelta(days=5 if urgent else 21)
                    instructions = "请按时限调查核实并书面回复"
                if status in (S.ANSWERED, S.SENT_BACK, S.RETURN_VISIT, S.CLOSED):
                    answered_at = assigned_at + datetime.timedelta(days=rng.randint(2, 17))
                    if answered_at > self.now:
                        answered_at = self.now - datetime.timedelta(hours=1)
                    verdict = _pick(rng, verdicts)
                    facts = texts.FACTS[
                        ["substantiated", "partly", "unsubstantiated"].index(verdict)
                    ]
                    measures = rng.choice(texts.MEASURES)
                    reply = rng.choice(texts.REPLIES)
                if status in (S.RETURN_VISIT, S.CLOSED):
                    review = "经审核，办理结果符合要求"
                if status == S.CLOSED:
                    sat = _pick(rng, satisfaction)
                    sat_comment = rng.choice(texts.COMMENTS)
                    closed_at = answered_at + datetime.timedelta(days=rng.randint(1, 5))
                    if closed_at > self.now:
                        closed_at = self.now - datetime.timedelta(minutes=30)
                    if deadline and closed_at.date() > deadline:
                        supervision = Complaint.Supervision.SUPERVISED
                        supervised_at = _moment(deadline + datetime.timedelta(days=1), 2)
                if status in Complaint.HANDLING_STATUSES and deadline and deadline < today:
                    # Earlier daily sweeps have already escalated what is overdue.
                    supervised_at = _moment(deadline + datetime.timedelta(days=1), 2)
                    if deadline < today - datetime.timedelta(days=10):
                        supervision = Complaint.Supervision.LISTED
                        listed_at = _moment(deadline + datetime.timedelta(days=8), 2)
                    else:
                        supervision = Complaint.Supervision.SUPERVISED
                if status not in Complaint.FINAL_STATUSES:
                    self.open_complaints += 1
                updated = closed_at or answered_at or assigned_at or accepted_at or received
                yield (
                    cid,
                    f"TS{received.year}-{cid:06d}",
                    track_hash(_code(rng.getrandbits(80))),
                    channel,
                    status,
                    rng.choice(["", "", "", _person_name(rng)]),
                    title,
                    content,
                    urgent,
                    token,
                    named,
                    received,
                    accept_deadline,
                    accepted_at,
                    rejection,
                    assigned_at,
                    deadline,
                    instructions,
                    answered_at,
                    facts,
                    verdict,
                    measures,
                    reply,
                    review,
                    sat,
                    sat_comment,
                    closed_at,
                    supervision,
                    supervised_at,
                    listed_at,
                    0,
                    updated,
                    merged_into,
                    None,
                    unit_id,
                    handler,
                    category_id,
                )

        self.loader.load(
            Complaint,
            [
                "id",
                "number",
                "tracking_hash",
                "channel",
                "status",
                "subject_person",
                "title",
                "content",
                "urgent",
                "identity_token",
                "has_identity",
                "received_at",
                "accept_deadline",
                "accepted_at",
                "rejection_reason",
                "assigned_at",
                "deadline",
                "instructions",
                "answered_at",
                "facts",
                "verdict",
                "measures",
                "public_reply",
                "review_note",
                "satisfaction",
                "satisfaction_comment",
                "closed_at",
                "supervision",
                "supervised_at",
                "listed_at",
                "reopen_count",
                "updated_at",
                "merged_into_id",
                "registered_by_id",
                "subject_unit_id",
                "unit_id",
                "category_id",
            ],
            rows(),
        )
        self.complaint_range = (first, first + n - 1)

    # --- Campaigns and rectification -----------------------------------------------------

    def campaigns(self) -> None:
        self.progress("campaigns")
        rng = self.rng("campaigns")
        root = self.unit_ids[0]
        first = next_id(Campaign)
        year = self.today.year
        rows = []
        self.campaign_years: dict[int, int] = {}
        for k, y in enumerate((year - 2, year - 1, year)):
            cid = first + k
            status = Campaign.Status.ACTIVE if y == year else Campaign.Status.CLOSED
            rows.append(
                (
                    cid,
                    f"{y}年作风建设年活动",
                    y,
                    Campaign.Template.ANNUAL,
                    status,
                    datetime.date(y, 1, 1),
                    datetime.date(y, 12, 31),
                    f"全省{y}年作风建设年活动，聚焦群众反映强烈的突出问题开展集中整治。",
                    _moment(datetime.date(y, 1, 1)),
                    self.officer_id,
                    root,
                )
            )
            self.campaign_years[cid] = y
        self.loader.load(
            Campaign,
            [
                "id",
                "name",
                "year",
                "template",
                "status",
                "start_date",
                "end_date",
                "description",
                "created_at",
                "created_by_id",
                "scope_id",
            ],
            rows,
        )
        self.current_campaign = first + 2
        # Four deliverables a year; most units hand them in, some late, a few not at all.
        kinds = [
            (Deliverable.Kind.ACTION_PLAN, "行动方案", 3, 15),
            (Deliverable.Kind.INDIVIDUAL_NORMS, "个人作风建设承诺书", 4, 30),
            (Deliverable.Kind.SELF_INSPECTION, "自查报告", 7, 15),
            (Deliverable.Kind.SUMMARY, "年度工作总结", 12, 20),
        ]
        deliverables = []
        did = next_id(Deliverable)
        for cid, y in self.campaign_years.items():
            for kind, title, month, day in kinds:
                deliverables.append(
                    (
                        did,
                        kind,
                        f"{y}年{title}",
                        "按要求报送电子版和盖章扫描件",
                        datetime.date(y, month, day),
                        cid,
                        None,
                    )
                )
                did += 1
        self.loader.load(
            Deliverable,
            ["id", "kind", "title", "description", "due_date", "campaign_id", "phase_id"],
            deliverables,
        )
        sid = next_id(Submission)

        def submissions() -> Iterator[tuple[Any, ...]]:
            nonlocal sid
            for d_id, _k, _t, _d, due, _c, _p in deliverables:
                for unit_id in self.unit_ids:
                    x = rng.random()
                    if due >= self.today and x > 0.3:
                        continue
                    if x < 0.03:
                        continue  # missing
                    late = x < 0.07
                    day = due + datetime.timedelta(
                        days=rng.randint(1, 10) if late else -rng.randint(0, 20)
                    )
                    if day > self.today:
                        day = self.today
                    status = (
                        Submission.Status.ACCEPTED
                        if rng.random() < 0.8
                        else Submission.Status.SUBMITTED
                    )
                    yield (
                        sid,
                        status,
                        "已按要求完成，详见附件",
                        "",
                        _aware(day, rng),
                        "",
                        _aware(day, rng) if status == Submission.Status.ACCEPTED else None,
                        d_id,
                        self.head_of[unit_id],
                        unit_id,
                    )
                    sid += 1

        self.loader.load(
            Submission,
            [
                "id",
                "status",
                "text",
                "attachment",
                "submitted_at",
                "return_reason",
                "reviewed_at",
                "deliverable_id",
                "submitted_by_id",
                "unit_id",
            ],
            submissions(),
        )

    def items(self) -> None:
        self.progress("rectification items")
        rng = self.rng("items")
        S = RectificationItem.Status
        first = next_id(RectificationItem)
        n = self.scale.items
        categories = list(ProblemCategory.objects.order_by("pk").values_list("pk", flat=True))
        campaigns = sorted(self.campaign_years.items())
        shares = [0.3, 0.3, 0.4]
        states = list(S.values)
        past = [
            (S.CLOSED, 0.88),
            (S.CLOSURE_REQUESTED, 0.04),
            (S.IN_PROGRESS, 0.05),
            (S.ACCEPTED, 0.01),
            (S.SUBMITTED, 0.01),
            (S.RETURNED, 0.005),
            (S.DRAFT, 0.005),
        ]
        future = [
            (S.DRAFT, 0.08),
            (S.SUBMITTED, 0.12),
            (S.RETURNED, 0.04),
            (S.ACCEPTED, 0.2),
            (S.IN_PROGRESS, 0.4),
            (S.CLOSURE_REQUESTED, 0.1),
            (S.CLOSED, 0.06),
        ]
        self.item_states: set[str] = set()

        def rows() -> Iterator[tuple[Any, ...]]:
            i = 0
            for index, ((cid, year), share) in enumerate(zip(campaigns, shares, strict=True)):
                count = n - i if index == len(campaigns) - 1 else int(n * share)
                for j in range(count):
                    iid = first + i
                    unit_id = rng.choice(self.front_ids)
                    created = datetime.date(year, 1, 1) + datetime.timedelta(
                        days=rng.randint(10, 150)
                    )
                    if created > self.today:
                        created = self.today - datetime.timedelta(days=1)
                    deadline = created + datetime.timedelta(days=rng.randint(30, 300))
                    if index == len(campaigns) - 1 and j >= count - len(states):
                        status = states[j - (count - len(states))]
                    elif year < self.today.year:
                        status = _pick(
                            rng,
                            [
                                (S.CLOSED, 0.95),
                                (S.IN_PROGRESS, 0.03),
                                (S.CLOSURE_REQUESTED, 0.01),
                                (S.ACCEPTED, 0.01),
                            ],
                        )
                    elif deadline < self.today:
                        status = _pick(rng, past)
                    else:
                        status = _pick(rng, future)
                    self.item_states.add(status)
                    closed_at = None
                    closed_by = None
                    if status == S.CLOSED:
                        done = deadline - datetime.timedelta(days=rng.randint(-15, 40))
                        done = min(max(done, created), self.today)
                        closed_at = _aware(done, rng)
                        closed_by = self.officer_id
                    problem = f"{rng.choice(texts.PROBLEMS)}（{rng.choice(texts.MATTERS)}）"
                    yield (
                        iid,
                        _pick(
                            rng, [("problem", 0.7), ("responsibility", 0.15), ("institution", 0.15)]
                        ),
                        _pick(rng, [("unit", 0.7), ("leadership", 0.2), ("individual", 0.1)]),
                        _pick(
                            rng,
                            [
                                ("self_inspection", 0.45),
                                ("public", 0.15),
                                ("leadership", 0.1),
                                ("inspection", 0.15),
                                ("complaint", 0.1),
                                ("feedback", 0.05),
                            ],
                        ),
                        None,
                        problem,
                        rng.choice(texts.MEASURES),
                        rng.choice(texts.TARGETS),
                        _person_name(rng),
                        _person_name(rng),
                        deadline,
                        rng.random() < 0.04,
                        status,
                        "整改措施不具体，请细化后重新报送" if status == S.RETURNED else "",
                        "经实地核查，整改到位，同意销号" if status == S.CLOSED else "",
                        closed_at,
                        _aware(created, rng),
                        closed_at or _aware(created, rng),
                        cid,
                        rng.choice(categories) if categories else None,
                        closed_by,
                        self.head_of[unit_id],
                        None,
                        None,
                        None,
                        unit_id,
                    )
                    i += 1

        self.loader.load(
            RectificationItem,
            [
                "id",
                "list_kind",
                "level",
                "source",
                "source_id",
                "problem",
                "measures",
                "target",
                "responsible_person",
                "responsible_leader",
                "deadline",
                "long_term",
                "status",
                "return_reason",
                "verification_note",
                "closed_at",
                "created_at",
                "updated_at",
                "campaign_id",
                "category_id",
                "closed_by_id",
                "created_by_id",
                "finding_id",
                "responsible_user_id",
                "source_type_id",
                "unit_id",
            ],
            rows(),
        )

    def inspections(self) -> None:
        self.progress("inspections")
        rng = self.rng("inspections")
        first = next_id(Inspection)
        per = 10
        count = max(1, self.scale.findings // per)
        categories = list(ProblemCategory.objects.order_by("pk").values_list("pk", flat=True))
        campaigns = sorted(self.campaign_years.items())
        inspections, findings, visited = [], [], []
        fid, vid = next_id(Finding), next_id(Inspection.units.through)
        for k in range(count):
            cid, year = campaigns[k % len(campaigns)]
            day = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randint(30, 360))
            day = min(day, self.today - datetime.timedelta(days=1))
            iid = first + k
            kind = rng.choice(["open", "secret", "patrol", "visit"])
            inspections.append(
                (
                    iid,
                    kind,
                    day,
                    f"第{k % 9 + 1}督查组",
                    "对窗口服务、工作纪律开展明察暗访",
                    _moment(day),
                    cid,
                    self.officer_id,
                )
            )
            units = rng.sample(self.front_ids, min(per, len(self.front_ids)))
            for unit_id in units:
                visited.append((vid, iid, unit_id))
                vid += 1
                findings.append(
                    (
                        fid,
                        _pick(rng, [("minor", 0.6), ("major", 0.3), ("serious", 0.1)]),
                        rng.choice(texts.BEHAVIOURS) + "，" + rng.choice(texts.PROBLEMS),
                        "",
                        _moment(day),
                        unit_id,
                        iid,
                        rng.choice(categories) if categories else None,
                    )
                )
                fid += 1
        self.loader.load(
            Inspection,
            [
                "id",
                "kind",
                "date",
                "team",
                "summary",
                "created_at",
                "campaign_id",
                "recorded_by_id",
            ],
            inspections,
        )
        self.loader.load(Inspection.units.through, ["id", "inspection_id", "unit_id"], visited)
        self.loader.load(
            Finding,
            [
                "id",
                "severity",
                "description",
                "evidence",
                "created_at",
                "unit_id",
                "inspection_id",
                "category_id",
            ],
            findings,
        )

    def actions(self) -> None:
        self.progress("accountability actions")
        rng = self.rng("actions")
        first = next_id(AccountabilityAction)
        complaint_type = ContentType.objects.get_for_model(Complaint).pk
        kinds = [
            ("reminder_talk", 0.35),
            ("warning_talk", 0.2),
            ("admonition_talk", 0.15),
            ("criticism", 0.15),
            ("ordered_review", 0.08),
            ("reassignment", 0.03),
            ("party_discipline", 0.02),
            ("government_sanction", 0.015),
            ("judicial_referral", 0.005),
        ]
        lo, hi = self.complaint_range

        def rows() -> Iterator[tuple[Any, ...]]:
            for k in range(self.scale.actions):
                unit_id = rng.choice(self.front_ids)
                on_person = rng.random() < 0.3
                day = self.today - datetime.timedelta(days=rng.randint(1, 3 * 365))
                yield (
                    first + k,
                    _pick(rng, kinds),
                    f"{rng.choice(texts.BEHAVIOURS)}，经调查属实",
                    day,
                    f"{day.year}问责〔{k % 400 + 1}〕号",
                    rng.randint(lo, hi),
                    _moment(day),
                    self.person_of[unit_id] if on_person else None,
                    self.officer_id,
                    complaint_type,
                    None if on_person else unit_id,
                )

        self.loader.load(
            AccountabilityAction,
            [
                "id",
                "kind",
                "reason",
                "date",
                "document_number",
                "source_id",
                "created_at",
                "person_id",
                "recorded_by_id",
                "source_type_id",
                "unit_id",
            ],
            rows(),
        )

    def circulars(self) -> None:
        self.progress("circulars")
        rng = self.rng("circulars")
        first = next_id(Circular)
        mid = next_id(CircularMention)
        circulars, mentions = [], []
        cid = first
        for campaign_id, year in sorted(self.campaign_years.items()):
            for number in range(1, self.scale.circulars_per_campaign + 1):
                month = (number - 1) % 12 + 1
                day = datetime.date(year, month, 25)
                published = day < self.today
                kind = (
                    "progress"
                    if number % 3
                    else rng.choice(["criticism", "commendation", "exposure"])
                )
                period = f"{year}-{month:02d}" if kind == "progress" and number <= 12 else ""
                circulars.append(
                    (
                        cid,
                        number,
                        kind,
                        f"关于{year}年第{number}期作风建设情况的通报",
                        "各地各部门：现将近期作风建设整改进展和明察暗访发现的问题通报如下。",
                        "published" if published else "draft",
                        period,
                        _moment(day) if published else None,
                        published and kind != "progress",
                        _moment(day - datetime.timedelta(days=2)),
                        campaign_id,
                        self.officer_id,
                    )
                )
                if kind in ("criticism", "commendation", "exposure"):
                    tone = "positive" if kind == "commendation" else "negative"
                    for unit_id in rng.sample(self.front_ids, min(8, len(self.front_ids))):
                        mentions.append(
                            (mid, tone, rng.choice(texts.BEHAVIOURS)[:200], cid, unit_id)
                        )
                        mid += 1
                cid += 1
        self.loader.load(
            Circular,
            [
                "id",
                "number",
                "kind",
                "title",
                "body",
                "status",
                "period",
                "published_at",
                "is_public",
                "created_at",
                "campaign_id",
                "created_by_id",
            ],
            circulars,
        )
        self.loader.load(
            CircularMention, ["id", "tone", "note", "circular_id", "unit_id"], mentions
        )

    # --- Assessment ----------------------------------------------------------------------

    def assessment(self) -> None:
        self.progress("assessment")
        rng = self.rng("assessment")
        year = self.today.year
        scheme = assessment_services.scheme_create_with_defaults(year=year, actor=None)
        AssessmentScheme.objects.filter(pk=scheme.pk).update(status=AssessmentScheme.Status.OPEN)
        self.scheme_id = scheme.pk
        survey = assessment_services.survey_create_for_scheme(scheme=scheme, actor=None)
        Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.OPEN)
        self.survey_id = survey.pk
        categories = list(RaterCategory.objects.filter(survey=survey).order_by("sort_order"))
        dimensions = list(SurveyDimension.objects.filter(survey=survey).order_by("sort_order"))
        options = list(ScaleOption.objects.filter(survey=survey).order_by("sort_order"))
        s = self.scale
        token_first = next_id(RaterToken)
        used = int(s.tokens * 0.9)
        responses_total = s.ratings // len(dimensions)
        per, extra = divmod(responses_total, used)
        created = _moment(datetime.date(year, 11, 1))
        tokens = []
        for k in range(s.tokens):
            code = _code(rng.getrandbits(80))
            voted = k < used
            # The survey is anonymised: a used code keeps no time of use (nor TokenUse rows).
            tokens.append(
                (
                    token_first + k,
                    code,
                    created,
                    voted,
                    categories[k % len(categories)].pk,
                    survey.pk,
                )
            )
        self.loader.load(
            RaterToken, ["id", "code", "created_at", "used", "category_id", "survey_id"], tokens
        )
        # Each unit has its own standing, so the ranking has a spread.
        standing = {u: rng.uniform(0.55, 0.95) for u in self.unit_ids}
        response_first = next_id(SurveyResponse)
        answer_first = next_id(SurveyAnswer)
        picks: list[tuple[int, int, int]] = []  # (response id, token id, unit id)
        responses = []
        rid = response_first
        for k in range(used):
            count = per + (1 if k < extra else 0)
            token_id = token_first + k
            category_id = categories[k % len(categories)].pk
            voted_on = self.today - datetime.timedelta(days=rng.randint(1, 20))
            for unit_id in rng.sample(self.unit_ids, min(count, len(self.unit_ids))):
                responses.append(
                    (
                        rid,
                        False,
                        voted_on,
                        rng.choice(texts.COMMENTS),
                        category_id,
                        survey.pk,
                        None,
                        unit_id,
                    )
                )
                picks.append((rid, token_id, unit_id))
                rid += 1
        self.loader.load(
            SurveyResponse,
            [
                "id",
                "is_open",
                "submitted_on",
                "comment",
                "category_id",
                "survey_id",
                "token_id",
                "unit_id",
            ],
            responses,
        )
        satisfied, basically, unsatisfied = (o.pk for o in options)

        def answers() -> Iterator[tuple[int, int, int, int]]:
            aid = answer_first
            for response_id, _t, unit_id in picks:
                p = standing[unit_id]
                for dimension in dimensions:
                    x = rng.random()
                    option = (
                        satisfied
                        if x < p
                        else (basically if x < p + (1 - p) * 0.7 else unsatisfied)
                    )
                    yield f"{aid}\t{option}\t{dimension.pk}\t{response_id}"
                    aid += 1

        self.loader.load(
            SurveyAnswer, ["id", "option_id", "dimension_id", "response_id"], answers()
        )
        # Organisational and special evaluation: two evaluators score every unit.
        indicators = list(Indicator.objects.filter(scheme=scheme).order_by("pk"))
        assignment_first = next_id(EvaluationAssignment)
        evaluation_first = next_id(Evaluation)
        assignments, evaluations = [], []
        evaluators = self.evaluator_ids
        for k, unit_id in enumerate(self.unit_ids):
            pair = {evaluators[k % len(evaluators)], evaluators[(k + 1) % len(evaluators)]}
            for evaluator in sorted(pair):
                assignments.append(
                    (assignment_first + len(assignments), scheme.pk, evaluator, unit_id)
                )
                for indicator in indicators:
                    share = min(1.0, standing[unit_id] + rng.uniform(-0.05, 0.1))
                    score = (indicator.max_points * Decimal(str(round(share * 2, 2))) / 2).quantize(
                        Decimal("0.01")
                    )
                    evaluations.append(
                        (
                            evaluation_first + len(evaluations),
                            score,
                            "",
                            self.now,
                            evaluator,
                            scheme.pk,
                            unit_id,
                            indicator.pk,
                        )
                    )
        self.loader.load(
            EvaluationAssignment, ["id", "scheme_id", "evaluator_id", "unit_id"], assignments
        )
        self.loader.load(
            Evaluation,
            [
                "id",
                "score",
                "comment",
                "updated_at",
                "evaluator_id",
                "scheme_id",
                "unit_id",
                "indicator_id",
            ],
            evaluations,
        )


def _user_model() -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model()


def generate(
    *,
    scale: str,
    seed: int = 7,
    today: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> Generator:
    """Load a data set of the given scale into the (migrated, empty) database."""
    if Unit.objects.exists():
        raise RuntimeError("The database already holds units: generate into an empty database.")
    generator = Generator(
        scale=scale, seed=seed, today=today or timezone.localdate(), progress=progress
    )
    generator.run()
    return generator
