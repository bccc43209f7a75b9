"""Complainant identity never leaves the vault except through a logged, approved reveal.

The sweep walks the URLconf (so a new page is swept without editing this file), fills each
pattern's parameters from the objects in the database, and requests every resulting URL as
every non-privileged role of the cast (and anonymously, and as the officer, whose pages
must not show the identity either until they reveal it). Pages, Excel exports, in-app
notifications, e-mails, the log, the error pages and the raw database columns are searched
for the names, phone numbers and ID numbers of the complainants.
"""

from __future__ import annotations

import io
import json
import logging
import re
import time
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from complaints import forms as complaint_forms
from complaints import permissions as complaint_permissions
from complaints import services
from complaints.identity import Identity
from complaints.models import Complaint, IdentityReveal
from tests.complaints.conftest import IDENTITY
from units.models import Notification

REPO = Path(__file__).resolve().parents[2]

# One identity per case, each distinct, so a leak points at the case it came from.
IDENTITIES = [
    Identity(
        name=f"欧阳{given}",
        phone=f"1590000{n:04d}",
        id_number=f"11010519850{n % 10}0{n % 10}{n:04d}",
        contact=f"秘密邮箱{n}@example.cn",
        ip=f"198.51.100.{n}",
    )
    for n, given in enumerate(["明远", "静怡", "国栋", "秀兰", "建华", "丽娟", "志强", "海燕"], 1)
]
PUBLIC = Identity(
    name="司马隐名", phone="13600001111", id_number="11010119800101999X", contact="qq 765432"
)
INTAKE = Identity(name="上官来访", phone="13700002222", id_number="110101197001012222")
HOTLINE = Identity(name="诸葛来电", phone="13500003333", id_number="110101196001013333")
ALL_IDENTITIES = [IDENTITY, *IDENTITIES, PUBLIC, INTAKE, HOTLINE]

# Pages that are not about data (set language, log out) are not swept.
SKIPPED_NAMES = {"set_language", "logout"}

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def needles() -> list[str]:
    """Every secret in every form a page could carry it: plain, JSON-escaped."""
    found = []
    for identity in ALL_IDENTITIES:
        for value in (identity.name, identity.phone, identity.id_number, identity.contact):
            if value:
                found += [value, json.dumps(value)[1:-1]]
    return sorted(set(found))


def leaks(text: str) -> list[str]:
    return [needle for needle in needles() if needle in text]


def body_text(response) -> str:
    """Whatever the user receives, unzipped if it is a workbook."""
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    parts = [raw.decode("utf-8", "replace")]
    if raw[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            parts += [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    return "\n".join(parts)


# --- The cases -----------------------------------------------------------------------------


def public_post(**extra) -> dict:
    data = {
        "title": "窗口人员态度恶劣",
        "content": "在县市场监督管理局窗口办理业务时遭到呵斥。",
        "subject_unit": "",
        "category": "",
        "subject_person": "",
        "name": PUBLIC.name,
        "phone": PUBLIC.phone,
        "id_number": PUBLIC.id_number,
        "contact": PUBLIC.contact,
        "website": "",
        "token": complaint_forms.form_token(issued_at=time.time() - 60),
    }
    data.update(extra)
    return data


@pytest.fixture
def cases(cast, make_complaint, client, login, django_capture_on_commit_callbacks):
    """Named complaints in every state, by every intake path, with their notifications."""
    S = Complaint.Status
    made = []
    made_before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        for status, identity, unit in zip(
            [
                S.REGISTERED,
                S.ASSIGNED,
                S.REROUTE_REQUESTED,
                S.ANSWERED,
                S.SENT_BACK,
                S.RETURN_VISIT,
                S.CLOSED,
                S.ASSIGNED,
            ],
            IDENTITIES,
            [cast.dept_a] * 7 + [cast.dept_b],
            strict=True,
        ):
            made.append(make_complaint(status, identity=identity, unit=unit))
        made.append(make_complaint(S.REJECTED))  # the shared fixture's identity
        # A reopened case (unsatisfied) notifies the unit again.
        reopened = make_complaint(S.RETURN_VISIT, identity=IDENTITY, title="回访不满意")
        services.complaint_rate(complaint=reopened, satisfaction=Complaint.Satisfaction.UNSATISFIED)
        made.append(reopened)
        # 协办: dept_b co-handles a part of a named case (its part page is swept too).
        from complaints.services.cohandling import part_add

        part_add(
            complaint=made[1],
            unit=cast.dept_b,
            task="核实协办事项",
            working_days=3,
            actor=cast.officer,
        )

    # The public form, with a photo, as the complainant really sends it.
    anonymous = client
    photo = io.BytesIO(PNG)
    photo.name = "现场照片.png"
    response = anonymous.post(
        reverse("complaints:public_submit"),
        public_post(subject_unit=str(cast.dept_a.pk), attachments=photo),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    public = Complaint.objects.get(title="窗口人员态度恶劣")

    # Staff intake of a visit, and a hotline system's export.
    officer = login(cast.officer)
    response = officer.post(
        reverse("complaints:intake"),
        {
            "channel": Complaint.Channel.VISIT,
            "title": "来访反映办证拖延",
            "content": "来访人反映县教育局办证拖延。",
            "subject_unit": str(cast.dept_b.pk),
            "name": INTAKE.name,
            "phone": INTAKE.phone,
            "id_number": INTAKE.id_number,
            "contact": "",
            "subject_person": "",
            "category": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(
        ["工单编号", "来电时间", "诉求标题", "诉求内容", "来电人", "联系电话", "身份证号"]
    )
    wb.active.append(
        ["GD-1", "2026-03-02 09:30", "热线反映", "反映窗口推诿", *vars(HOTLINE).values()][:7]
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "hotline.xlsx"
    response = officer.post(reverse("complaints:import"), {"file": buffer, "confirm": "1"})
    assert response.status_code == 200, response.content.decode()[:2000]
    hotline = Complaint.objects.get(title="热线反映")
    with django_capture_on_commit_callbacks(execute=True):
        for case in (public, hotline):
            case = services.complaint_accept(complaint=case, actor=cast.officer)
            services.complaint_assign(complaint=case, unit=cast.dept_a, actor=cast.officer)
    officer.logout()
    made += [public, hotline, Complaint.objects.get(title="来访反映办证拖延")]
    # Loaded cases carry no code (only its hash is stored): give them one to track with.
    for case in made[-3:]:
        case.tracking_code = services.tracking_code_new()
        case.save(update_fields=["tracking_hash"])
    # 中止计时 on a case being handled, and a named case merged (并单) into another named
    # case: its tracking code shows the lead case's progress, never the lead's complainant.
    services.complaint_pause(
        complaint=made[1], actor=cast.head_a, reason="material", detail="等待投诉人补充材料"
    )
    duplicate = make_complaint(S.REGISTERED, identity=IDENTITY, title="同一事项并单")
    services.complaint_merge(complaint=duplicate, into=made[5], actor=cast.officer)
    made.append(duplicate)
    assert Complaint.objects.filter(has_identity=True).count() == len(made)
    return made, made_before


# --- URL list from the URLconf -------------------------------------------------------------


def walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield namespace, entry.name, prefix + str(entry.pattern)


def app_models(namespace: str) -> list:
    if namespace not in {"complaints", "campaign", "assessments", "units"}:
        return []
    return [
        m
        for m in apps.get_app_config(namespace).get_models()
        if not m.__name__.startswith("Historical") and not m.__name__.endswith("Transition")
    ]


def snapshot() -> dict:
    """The pks each app's models hold now (migrations' reference data, the cast)."""
    return {
        model: set(model.objects.values_list("pk", flat=True))
        for namespace in ("complaints", "campaign", "assessments", "units")
        for model in app_models(namespace)
    }


def candidate_values(namespace: str, before: dict) -> dict[str, list]:
    """What each URL parameter can be: the objects the complaint flows created in the
    pattern's app (plus the cast's units), so every page about them is requested."""
    from complaints.models import ComplaintAttachment
    from complaints.views import ACTIONS
    from units import exports, picker
    from units.models import Unit

    pks = {
        pk
        for model in app_models(namespace)
        for pk in model.objects.values_list("pk", flat=True)
        if pk not in before.get(model, ())
    }
    units = list(Unit.objects.values_list("pk", flat=True))
    if namespace == "units":
        pks |= set(units)
    return {
        "pk": sorted(pks),
        "id": sorted(pks),  # the API's paths (/api/v1/…/{id}/): key-only, nothing to fill
        "survey_pk": sorted(pks),
        "unit_pk": units,
        "attachment_id": list(ComplaintAttachment.objects.values_list("pk", flat=True)),
        "year": [timezone.localdate().year],
        "action": sorted(ACTIONS)[:1],
        "decision": ["accept"],
        "code": ["X"],
        # The background exports' kinds (我的导出): each app's registered exports.
        "kind": sorted(exports.export_kinds()),
        # The unit and cadre pickers' lookups (units/picker.py): a public field's token and
        # a staff one, over every unit; they answer unit names, never a complaint.
        "token": [
            picker.remember(queryset=Unit.objects.all(), public=True),
            picker.remember(queryset=Unit.objects.all()),
        ],
    }


PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def sweep_urls(before: dict) -> list[str]:
    urls = []
    for namespace, name, route in walk(get_resolver().url_patterns):
        if name in SKIPPED_NAMES or route.startswith(("admin/", "^")):
            continue
        values = candidate_values(namespace, before)
        filled = [route]
        for _converter, param in PARAM.findall(route):
            assert param in values, f"no values to fill <{param}> of {route}: add them"
            filled = [
                url.replace(re.search(rf"<(?:\w+:)?{param}>", url).group(0), str(v), 1)
                for url in filled
                for v in values[param]
            ]
        urls += ["/" + url for url in filled]
    return urls


def admin_urls(cases) -> list[str]:
    """The complaint admin pages (staff only) for every case."""
    urls = [reverse(f"admin:complaints_{m}_changelist") for m in ("complaint", "identityreveal")]
    for case in cases:
        urls += [
            reverse("admin:complaints_complaint_change", args=[case.pk]),
            reverse("admin:complaints_complaint_history", args=[case.pk]),
        ]
    return urls


# --- The tests -----------------------------------------------------------------------------


def test_no_role_sees_an_identity(cast, cases, client, login, caplog, settings, robust_counts):
    caplog.set_level(logging.DEBUG)
    settings.ADMINS = [("运维", "ops@example.gov.cn")]
    settings.COMPLAINTS_TRACK_RATE = "10000/h"
    settings.RATELIMIT_ENABLE = False  # one address asks for every case: not a rate test
    cases, before = cases
    urls = sweep_urls(before)
    assert any("/complaints/" in url for url in urls) and len(urls) > 50
    roles = {
        "head_a": cast.head_a,  # the unit complained about and handling most cases
        "head_b": cast.head_b,
        "in_charge": cast.in_charge,
        "leader": cast.leader,
        "evaluator": cast.evaluator,
        "outsider": cast.outsider,
        "anonymous": None,
        "officer": cast.officer,  # may ask, but no page shows it unasked
        # Approves others' requests; sees nothing without an approved request of their own.
        "custodian": cast.custodian,
        # May reveal within dept_a's subtree only: refused on every case outside it.
        "township_officer": cast.township_officer,
    }
    staff = ("officer", "township_officer", "custodian")
    refused_outside = 0
    checked = 0
    found: list[str] = []
    statuses: dict[int, int] = {}
    for role, user in roles.items():
        if user is None:
            client.logout()
        else:
            login(user)
        role_urls = urls + (admin_urls(cases) if role in staff else [])
        for url in role_urls:
            response = client.get(url)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            assert response.status_code < 500, f"{role} GET {url}: {response.status_code}"
            checked += 1
            found += [f"{role} GET {url}: {n}" for n in leaks(body_text(response))]
        for case in cases:
            # The public status page: the same for everyone, so asked once, anonymously.
            if role == "anonymous":
                response = client.post(
                    reverse("complaints:public_track"), {"code": case.tracking_code}
                )
                assert response.status_code == 200
                checked += 1
                found += [f"track {case.number}: {n}" for n in leaks(body_text(response))]
            fresh = Complaint.objects.get(pk=case.pk)  # the fixture's copies may be stale
            if role == "township_officer" and complaint_permissions.within_jurisdiction(
                user, fresh
            ):
                continue  # theirs to reveal (tested in tests/complaints/test_jurisdiction.py)
            if role != "officer":
                before = IdentityReveal.objects.count()
                response = client.post(
                    reverse("complaints:reveal", args=[case.pk]), {"reason": "核查"}
                )
                assert response.status_code in (302, 403, 404), (role, response.status_code)
                assert IdentityReveal.objects.count() == before
                refused_outside += role == "township_officer"
                checked += 1
                found += [f"{role} reveal {case.number}: {n}" for n in leaks(body_text(response))]
    # The officer's own detail pages were really rendered (not all 404s).
    assert statuses.get(200, 0) > len(roles) * 10
    # The sweep has cases outside the township officer's subtree, and each was refused.
    assert refused_outside >= 2
    robust_counts["township_refused"] += refused_outside

    notices = list(Notification.objects.all())
    assert notices, "the cases were assigned and sent back: there must be notices"
    for notice in notices:
        checked += 1
        found += [
            f"notification {notice.pk}: {n}"
            for n in leaks(f"{notice.title}\n{notice.body}\n{notice.url}")
        ]
    assert mail.outbox, "notices are e-mailed to people with an address"
    for message in mail.outbox:
        checked += 1
        text = "\n".join(
            [
                message.subject,
                message.body,
                *(str(a[0]) for a in getattr(message, "alternatives", [])),
            ]
        )
        found += [f"e-mail {message.subject}: {n}" for n in leaks(text)]
    for record in caplog.records:
        text = logging.Formatter("%(message)s %(exc_text)s").format(record) + repr(record.args)
        found += [f"log {record.name}: {n}" for n in leaks(text)]
    assert not found, "identity leaked:\n" + "\n".join(found[:50])
    robust_counts["identity"] += checked


def test_error_pages_and_error_reports_carry_no_identity(
    cast, client, login, monkeypatch, caplog, settings, robust_counts
):
    """A crash while the complainant's details are in the POST: 500 page, log, admins' mail."""
    caplog.set_level(logging.DEBUG)
    settings.ADMINS = [("运维", "ops@example.gov.cn")]

    def crash(**kwargs):
        raise RuntimeError("simulated failure while saving")

    monkeypatch.setattr(services, "complaint_submit", crash)
    client.raise_request_exception = False
    response = client.post(reverse("complaints:public_submit"), public_post())
    assert response.status_code == 500
    page = body_text(response)
    assert "出错" in page or "错误" in page, page
    assert not leaks(page)
    # A missing page and a forbidden write, each sent the identity in the POST: not echoed.
    # (base.html's language form echoes the path and query back to the same requester,
    # which is why nothing identifying is ever put in a URL: tracking is a POST.)
    missing = client.post("/complaints/track/nowhere/", public_post())
    assert missing.status_code == 404 and not leaks(body_text(missing))
    login(cast.head_b)
    forbidden = client.post(reverse("complaints:intake"), public_post(channel="visit"))
    assert forbidden.status_code == 403 and not leaks(body_text(forbidden))
    # The error report that goes to the administrators.
    assert any("simulated failure" in m.body for m in mail.outbox), "no error report sent"
    reports = [f"{m.subject}\n{m.body}" for m in mail.outbox]
    assert not [n for text in reports for n in leaks(text)], "error report carries the identity"
    logged = "\n".join(
        logging.Formatter("%(message)s").format(r) + (r.exc_text or "") for r in caplog.records
    )
    assert "simulated failure" in logged and not leaks(logged)
    robust_counts["identity"] += 3 + len(reports)


def test_database_holds_only_ciphertext(cases, robust_counts):
    cases, _before = cases
    """Every text column of every table, read raw: no name, phone or ID number in clear."""
    found = []
    columns = 0
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            description = connection.introspection.get_table_description(cursor, table)
            for column in description:
                cursor.execute(
                    f"SELECT {connection.ops.quote_name(column.name)} "  # noqa: S608
                    f"FROM {connection.ops.quote_name(table)}"
                )
                values = [row[0] for row in cursor.fetchall()]
                if not any(isinstance(v, str | bytes | memoryview) for v in values):
                    continue
                columns += 1
                for value in values:
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", "replace")
                    text = value if isinstance(value, str) else ""
                    found += [f"{table}.{column.name}: {n}" for n in leaks(text)]
        cursor.execute(
            "SELECT identity_token FROM complaints_complaint WHERE has_identity = %s", [True]
        )
        tokens = [row[0] for row in cursor.fetchall()]
    assert not found, "\n".join(found)
    assert len(tokens) == len(cases)
    assert all(token.startswith("gAAAA") for token in tokens), "not Fernet ciphertext"
    assert columns > 20
    robust_counts["identity"] += columns


def test_every_reveal_is_in_the_access_log(cast, cases, login, robust_counts):
    """The view and the service both log, on an approved request; nothing else in the code
    decrypts an identity."""
    cases, _before = cases
    # Unapproved (the custodian approves, never sees), or the unit itself: nothing written
    # or shown.
    client = login(cast.custodian)
    response = client.post(reverse("complaints:reveal", args=[cases[0].pk]))
    assert response.status_code == 403 and not leaks(response.content.decode())
    with pytest.raises(PermissionDenied):
        services.complaint_identity_reveal(complaint=cases[1], actor=cast.head_a)
    assert IdentityReveal.objects.count() == 0
    client = login(cast.officer)
    for case in cases:
        response = client.post(reverse("complaints:reveal", args=[case.pk]))
        assert response.status_code == 403 and not leaks(response.content.decode())
        request = services.identity_request_decide(
            request=services.identity_request_create(
                complaint=case, actor=cast.officer, reason="核实线索"
            ),
            actor=cast.custodian,
            approve=True,
        )
        before = IdentityReveal.objects.filter(complaint=case).count()
        response = client.post(reverse("complaints:reveal", args=[case.pk]))
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
        assert IdentityReveal.objects.filter(complaint=case).count() == before + 1
        last = IdentityReveal.objects.filter(complaint=case).first()
        assert (last.user, last.reason, last.request) == (cast.officer, "核实线索", request)
        # The revealed identity really is shown to the officer who asked.
        revealed = services.complaint_identity_reveal(complaint=case, actor=cast.officer)
        assert revealed.name and revealed.name in response.content.decode()
        assert IdentityReveal.objects.filter(complaint=case).count() == before + 2
    # A refused reveal (not the asker; the unit itself) writes nothing and shows nothing.
    count = IdentityReveal.objects.count()
    client = login(cast.custodian)
    response = client.post(reverse("complaints:reveal", args=[cases[0].pk]))
    assert response.status_code == 403 and not leaks(response.content.decode())
    with pytest.raises(PermissionDenied):
        services.complaint_identity_reveal(complaint=cases[1], actor=cast.head_a)
    assert IdentityReveal.objects.count() == count
    client = login(cast.officer)
    # The reveal log lists them for staff.
    log = client.get(reverse("complaints:reveal_log"))
    assert log.status_code == 200 and cases[0].number in log.content.decode()

    # Structural guard: only the reveal service (and key rotation, which re-encrypts without
    # reading) may touch the decryption; a new path must go through complaint_identity_reveal.
    allowed = {"complaints/identity.py", "complaints/services/identity.py"}
    # Webhook signing secrets are Fernet-sealed with keys of their own (ZUOFENG_WEBHOOK_KEYS):
    # no identity key and no identity field may appear there.
    webhooks = (REPO / "units/api/webhooks.py").read_text(encoding="utf-8")
    assert "IDENTITY" not in webhooks and "import complaints" not in webhooks
    assert "from complaints" not in webhooks
    allowed.add("units/api/webhooks.py")
    offenders = []
    for path in REPO.glob("*/**/*.py"):
        rel = path.relative_to(REPO).as_posix()
        if rel.startswith((".venv", "tests/")) or "/migrations/" in rel or rel in allowed:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if re.search(r"decrypt\(|\bimport decrypt\b|decrypt as ", text):
            offenders.append(rel)
    assert not offenders, f"identity decrypted outside the logged reveal: {offenders}"
    services_text = (REPO / "complaints/services/identity.py").read_text(encoding="utf-8")
    assert services_text.count("decrypt(") == 1
    robust_counts["identity"] += len(cases)
