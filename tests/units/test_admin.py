"""The organisation's admin: pages, import/export, writes through services, scoping."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory, make_unit
from tests.otp import verify_session
from units import services
from units.models import (
    AssessmentGroup,
    Person,
    Responsibility,
    Unit,
    UnitTransition,
)
from units.selectors import units_visible_to

pytestmark = pytest.mark.django_db

UNIT_HEADERS = ["单位编码", "单位名称", "简称", "单位类型", "上级单位编码", "考核组别", "排序"]
XLSX_FORMAT = "0"  # the admins offer [XLSX, CSV]


def xlsx_upload(headers: list[str], rows: list[list[object]]) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("单位.xlsx", buffer.getvalue())


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def root_client(client, superuser):
    """The client, logged in as `superuser` (checked as the actor of what the admin does)."""
    client.force_login(superuser)
    verify_session(client, superuser)
    return client


@pytest.fixture
def scoped_staff(cast):
    """Staff allowed to edit units, with a jurisdiction over 县市场监督管理局 only."""
    user = UserFactory(username="scoped", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="units",
            codename__in=["view_unit", "change_unit", "add_unit", "view_person"],
        )
    )
    services.staff_jurisdiction_grant(user=user, unit=cast.dept_a)
    return user


# --- Pages --------------------------------------------------------------------------------

EDITABLE = [
    "unit",
    "person",
    "responsibility",
    "assessmentgroup",
    "leadinggroup",
    "calendaroverride",
]
READ_ONLY = ["notification", "unittransition"]


@pytest.mark.parametrize("model", EDITABLE + READ_ONLY)
def test_changelists_open(cast, root_client, model):
    response = root_client.get(reverse(f"admin:units_{model}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", EDITABLE)
def test_add_pages_open(cast, root_client, model):
    assert root_client.get(reverse(f"admin:units_{model}_add")).status_code == 200


@pytest.mark.parametrize("model", READ_ONLY)
def test_system_records_cannot_be_added(cast, root_client, model):
    assert root_client.get(reverse(f"admin:units_{model}_add")).status_code == 403


@pytest.mark.parametrize("model", ["unit", "person", "responsibility"])
def test_import_and_export_pages_open(cast, root_client, model):
    assert root_client.get(reverse(f"admin:units_{model}_import")).status_code == 200
    assert root_client.get(reverse(f"admin:units_{model}_export")).status_code == 200


def test_change_and_history_pages_open(cast, root_client):
    unit = cast.dept_a
    assert root_client.get(reverse("admin:units_unit_change", args=[unit.pk])).status_code == 200
    assert root_client.get(reverse("admin:units_unit_history", args=[unit.pk])).status_code == 200
    version = reverse("admin:units_unit_simple_history", args=[unit.pk, unit.history.first().pk])
    assert root_client.get(version).status_code == 200
    # Reverting would write an old version past the services.
    assert root_client.post(version, {"name": "旧名"}).status_code == 403
    responsibility = Responsibility.objects.filter(unit=unit).first()
    url = reverse("admin:units_responsibility_change", args=[responsibility.pk])
    assert root_client.get(url).status_code == 200


def test_unit_changelist_query_count_does_not_grow_with_units(cast, root_client):
    url = reverse("admin:units_unit_changelist")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert root_client.get(url).status_code == 200
        return len(queries)

    before = count()
    for i in range(15):
        make_unit(f"新增单位{i}", parent=cast.dept_b, group=AssessmentGroup.objects.first())
    assert count() == before


# --- Import through the admin -------------------------------------------------------------


def test_import_upload_preview_confirm_saves_the_tree(cast, root_client):
    upload = xlsx_upload(
        UNIT_HEADERS,
        [
            ["SLX-JYJ-JJK", "基建科", "", "机关处室", "SLX-JYJ-ZX", "", 1],
            ["SLX-JYJ-ZX", "教育技术中心", "", "直属单位", "SLX-JYJ", "综合管理部门", 2],
        ],
    )

    preview = root_client.post(
        reverse("admin:units_unit_import"),
        {"format": XLSX_FORMAT, "resource": "0", "import_file": upload},
    )

    assert preview.status_code == 200
    assert not preview.context["result"].has_validation_errors()
    assert not Unit.objects.filter(code__startswith="SLX-JYJ-").exists()  # preview only
    confirm = preview.context["confirm_form"]
    response = root_client.post(
        reverse("admin:units_unit_process_import"),
        {name: confirm.initial[name] for name in confirm.fields},
    )

    assert response.status_code == 302
    centre = Unit.objects.get(code="SLX-JYJ-ZX")
    assert Unit.objects.get_parent(centre) == cast.dept_b
    assert Unit.objects.get_parent(Unit.objects.get(code="SLX-JYJ-JJK")) == centre
    assert centre.group.name == "综合管理部门"


def test_import_with_a_bad_row_shows_chinese_errors_and_offers_no_confirm(cast, root_client):
    upload = xlsx_upload(
        UNIT_HEADERS,
        [
            ["SLX-OK", "好单位", "", "部门", "SLX", "", ""],
            ["SLX-BAD", "坏单位", "", "部门", "NOWHERE", "", ""],
        ],
    )

    response = root_client.post(
        reverse("admin:units_unit_import"),
        {"format": XLSX_FORMAT, "resource": "0", "import_file": upload},
    )

    assert response.status_code == 400
    assert "confirm_form" not in response.context
    assert "找不到上级单位编码“NOWHERE”" in response.content.decode()
    assert not Unit.objects.filter(code__in=["SLX-OK", "SLX-BAD"]).exists()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_csv_saved_by_chinese_excel_imports(cast, root_client, encoding):
    text = ",".join(UNIT_HEADERS) + "\r\nSLX-JYJ-CW,财务科,,机关处室,SLX-JYJ,,\r\n"
    upload = SimpleUploadedFile("单位.csv", text.encode(encoding))

    preview = root_client.post(
        reverse("admin:units_unit_import"),
        {"format": "1", "resource": "0", "import_file": upload},
    )
    confirm = preview.context["confirm_form"]
    root_client.post(
        reverse("admin:units_unit_process_import"),
        {name: confirm.initial[name] for name in confirm.fields},
    )

    assert Unit.objects.get(code="SLX-JYJ-CW").name == "财务科"


def test_data_changed_between_preview_and_confirm_saves_nothing(cast, root_client):
    upload = xlsx_upload(
        UNIT_HEADERS,
        [
            ["SLX-CGZ-A", "甲村", "", "机关处室", "SLX-CGZ", "", ""],
            ["SLX-JYJ-A", "甲科", "", "机关处室", "SLX-JYJ", "", ""],
        ],
    )
    preview = root_client.post(
        reverse("admin:units_unit_import"),
        {"format": XLSX_FORMAT, "resource": "0", "import_file": upload},
    )
    confirm = preview.context["confirm_form"]
    # Meanwhile the township is archived: the first row can no longer be saved.
    services.unit_archive(unit=cast.township, actor=None)

    response = root_client.post(
        reverse("admin:units_unit_process_import"),
        {name: confirm.initial[name] for name in confirm.fields},
        follow=True,
    )

    assert any("所有数据均未保存" in message for message in messages_of(response))
    assert not Unit.objects.filter(code__in=["SLX-CGZ-A", "SLX-JYJ-A"]).exists()


def test_export_through_the_admin_is_scoped_and_has_chinese_headers(cast, client, scoped_staff):
    client.force_login(scoped_staff)
    verify_session(client, scoped_staff)

    response = client.post(
        reverse("admin:units_unit_export"), {"format": XLSX_FORMAT, "resource": "0"}
    )

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    # A title row naming the exporter's organisation, then the header.
    assert rows[0][0].startswith(f"{cast.dept_a.name}　单位名录（导出日期：")
    assert list(rows[1]) == UNIT_HEADERS
    assert {row[0] for row in rows[2:]} == {"SLX-SCJ", "SLX-SCJ-BGS"}


def test_csv_export_opens_in_excel_and_is_escaped(cast, root_client):
    services.unit_update(unit=cast.township, name="=1+1")

    response = root_client.post(
        reverse("admin:units_unit_export"), {"format": "1", "resource": "0"}
    )

    assert response.content.startswith("\ufeff".encode())  # BOM: Excel then reads UTF-8
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(UNIT_HEADERS)
    assert "SLX-CGZ,'=1+1," in text


# --- Writes go through services -----------------------------------------------------------


def test_adding_a_unit_goes_through_the_service(cast, root_client):
    response = root_client.post(
        reverse("admin:units_unit_add"),
        {
            "code": "SLX-JYJ-RSK",
            "name": "人事科",
            "short_name": "",
            "kind": Unit.Kind.DIVISION,
            "parent": cast.dept_b.pk,
            "group": "",
            "sort_order": "3",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    unit = Unit.objects.get(code="SLX-JYJ-RSK")
    assert Unit.objects.get_parent(unit) == cast.dept_b
    assert unit.depth == 2 + 1
    # The head of 县教育局 now sees it: a subtree grant covers new units.
    assert unit in units_visible_to(user=cast.head_b)


def test_a_refusal_after_validation_is_a_message_not_a_500(cast, root_client, monkeypatch):
    # The form's trial run passes; by the real save someone else has taken the code.
    real_create = services.unit_create
    calls = []

    def create_then_refuse(**kwargs):
        calls.append(kwargs)
        if len(calls) > 1:
            raise ValidationError({"code": "单位编码“SLX-NEW”已存在。"})
        return real_create(**kwargs)

    monkeypatch.setattr(services, "unit_create", create_then_refuse)
    form = {"code": "SLX-NEW", "name": "新单位", "kind": Unit.Kind.DEPARTMENT, "sort_order": "0"}

    response = root_client.post(
        reverse("admin:units_unit_add"), {**form, "parent": cast.root.pk}, follow=True
    )

    assert response.status_code == 200
    assert len(calls) == 2
    assert "单位编码“SLX-NEW”已存在。" in messages_of(response)
    assert not Unit.objects.filter(code="SLX-NEW").exists()


def test_duplicate_code_is_a_form_error(cast, root_client):
    response = root_client.post(
        reverse("admin:units_unit_add"),
        {"code": "SLX-JYJ", "name": "重复", "kind": Unit.Kind.DEPARTMENT, "sort_order": "0"},
    )

    assert response.status_code == 200
    assert "code" in response.context["adminform"].form.errors


def test_renaming_and_moving_a_unit_in_the_admin(cast, root_client):
    url = reverse("admin:units_unit_change", args=[cast.division_a.pk])

    response = root_client.post(
        url,
        {
            "name": "教育局办公室",
            "short_name": "",
            "kind": Unit.Kind.DIVISION,
            "parent": cast.dept_b.pk,
            "group": "",
            "sort_order": "0",
        },
    )

    assert response.status_code == 302
    moved = Unit.objects.get(pk=cast.division_a.pk)
    assert moved.name == "教育局办公室"
    assert moved.code == "SLX-SCJ-BGS"  # read-only
    assert Unit.objects.get_parent(moved) == cast.dept_b


def test_moving_a_unit_under_its_own_child_is_a_form_error(cast, root_client):
    response = root_client.post(
        reverse("admin:units_unit_change", args=[cast.dept_a.pk]),
        {
            "name": cast.dept_a.name,
            "kind": cast.dept_a.kind,
            "parent": cast.division_a.pk,
            "sort_order": "0",
        },
    )

    # Its own subtree is not offered as a parent.
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert Unit.objects.get_parent(Unit.objects.get(pk=cast.dept_a.pk)) == cast.root


def test_a_second_first_responsible_is_refused_on_the_form(cast, root_client):
    person = services.person_create(name="冯新", phone="13600000006")
    count = Responsibility.objects.count()

    response = root_client.post(
        reverse("admin:units_responsibility_add"),
        {
            "person": person.pk,
            "unit": cast.dept_a.pk,
            "role": Responsibility.Role.FIRST_RESPONSIBLE,
            "start_date": "2026-06-01",
            "end_date": "",
            "note": "",
        },
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert any("已有第一责任人赵局长" in error for error in errors)
    assert Responsibility.objects.count() == count


def test_assigning_a_responsibility_in_the_admin_grants_the_unit(cast, root_client):
    user = UserFactory()
    person = services.person_create(name="褚联络", user=user)

    response = root_client.post(
        reverse("admin:units_responsibility_add"),
        {
            "person": person.pk,
            "unit": cast.township.pk,
            "role": Responsibility.Role.LIAISON,
            "start_date": "2026-01-05",
            "end_date": "",
            "note": "",
        },
    )

    assert response.status_code == 302
    assert list(units_visible_to(user=user)) == [cast.township]


def test_editing_a_person_goes_through_the_service(cast, root_client):
    person = Person.objects.get(name="赵局长")
    response = root_client.post(
        reverse("admin:units_person_change", args=[person.pk]),
        {
            "name": "赵局长",
            "title": "党组书记、局长",
            "phone": "13800000000",
            "email": "",
            "unit": cast.dept_a.pk,
            "user": "",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.title, person.user) == ("党组书记、局长", None)
    # Taking the login away took the grants with it (person_update re-syncs).
    assert not units_visible_to(user=cast.head_a).exists()


# --- Nothing is deleted; archive and end instead ------------------------------------------


@pytest.mark.parametrize("model", ["unit", "responsibility", "person"])
def test_deleting_is_refused(cast, root_client, model):
    obj = {"unit": cast.township, "person": Person.objects.first()}.get(
        model, Responsibility.objects.first()
    )

    response = root_client.post(reverse(f"admin:units_{model}_delete", args=[obj.pk]))

    assert response.status_code == 403
    changelist = root_client.get(reverse(f"admin:units_{model}_changelist"))
    action_form = changelist.context["action_form"]  # None when no action is left
    actions = [name for name, _label in action_form.fields["action"].choices] if action_form else []
    assert "delete_selected" not in actions
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_archive_and_restore_actions_call_the_services(cast, root_client, superuser):
    url = reverse("admin:units_unit_changelist")
    selected = [cast.dept_a.pk, cast.division_a.pk]

    response = root_client.post(url, {"action": "archive_units", "_selected_action": selected})

    assert response.status_code == 302
    statuses = set(Unit.objects.filter(pk__in=selected).values_list("status", flat=True))
    assert statuses == {Unit.Status.ARCHIVED}
    record = UnitTransition.objects.get(unit=cast.dept_a)
    assert (record.from_status, record.to_status, record.actor) == ("active", "archived", superuser)

    root_client.post(url, {"action": "restore_units", "_selected_action": selected})
    statuses = set(Unit.objects.filter(pk__in=selected).values_list("status", flat=True))
    assert statuses == {Unit.Status.ACTIVE}


def test_archiving_a_unit_with_active_children_is_reported_not_raised(cast, root_client):
    response = root_client.post(
        reverse("admin:units_unit_changelist"),
        {"action": "archive_units", "_selected_action": [cast.root.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert any("还有正常状态的下级单位" in message for message in messages_of(response))
    assert Unit.objects.get(pk=cast.root.pk).status == Unit.Status.ACTIVE


def test_end_today_action_ends_the_responsibility_and_its_grants(cast, root_client):
    responsibility = Responsibility.objects.get(unit=cast.dept_b)

    root_client.post(
        reverse("admin:units_responsibility_changelist"),
        {"action": "end_today", "_selected_action": [responsibility.pk]},
    )

    responsibility.refresh_from_db()
    assert responsibility.end_date == timezone.localdate()
    assert not units_visible_to(user=cast.head_b).exists()


# --- Scoping -----------------------------------------------------------------------------


def test_staff_limited_to_a_subtree_sees_only_that_subtree(cast, client, scoped_staff):
    client.force_login(scoped_staff)
    verify_session(client, scoped_staff)

    response = client.get(reverse("admin:units_unit_changelist"))

    assert response.status_code == 200
    codes = {unit.code for unit in response.context["cl"].result_list}
    assert codes == {"SLX-SCJ", "SLX-SCJ-BGS"}
    people = client.get(reverse("admin:units_person_changelist")).context["cl"].result_list
    assert all(person.unit_id in {cast.dept_a.pk, cast.division_a.pk} for person in people)


def test_staff_limited_to_a_subtree_cannot_open_other_units(cast, client, scoped_staff):
    client.force_login(scoped_staff)
    verify_session(client, scoped_staff)
    outside = cast.dept_b.pk

    change = client.get(reverse("admin:units_unit_change", args=[outside]))
    history = client.get(reverse("admin:units_unit_history", args=[outside]))

    assert change.status_code == 302  # the admin's "does not exist" redirect
    assert history.status_code == 404


def test_staff_limited_to_a_subtree_can_only_add_inside_it(cast, client, scoped_staff):
    client.force_login(scoped_staff)
    verify_session(client, scoped_staff)
    url = reverse("admin:units_unit_add")
    form = {"code": "X-1", "name": "新单位", "kind": Unit.Kind.DIVISION, "sort_order": "0"}

    outside = client.post(url, {**form, "parent": cast.dept_b.pk})
    root = client.post(url, {**form, "parent": ""})
    inside = client.post(url, {**form, "parent": cast.dept_a.pk})

    assert "parent" in outside.context["adminform"].form.errors
    assert "parent" in root.context["adminform"].form.errors
    assert inside.status_code == 302
    assert Unit.objects.get_parent(Unit.objects.get(code="X-1")) == cast.dept_a


def test_inspection_staff_see_every_unit_and_may_import(cast, client):
    client.force_login(cast.officer)
    verify_session(client, cast.officer)

    changelist = client.get(reverse("admin:units_unit_changelist"))

    assert {unit.pk for unit in changelist.context["cl"].result_list} == set(
        Unit.objects.values_list("pk", flat=True)
    )
    assert client.get(reverse("admin:units_unit_import")).status_code == 200


def test_view_only_staff_cannot_write(cast, client):
    user = UserFactory(username="viewer", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="units", codename="view_unit")
    )
    services.staff_jurisdiction_grant(user=user, unit=cast.root)
    client.force_login(user)
    verify_session(client, user)

    assert client.get(reverse("admin:units_unit_changelist")).status_code == 200
    assert client.get(reverse("admin:units_unit_import")).status_code == 403
    assert client.get(reverse("admin:units_unit_add")).status_code == 403
    change = client.post(
        reverse("admin:units_unit_change", args=[cast.township.pk]),
        {"name": "改名", "kind": Unit.Kind.TOWNSHIP, "sort_order": "0"},
    )
    assert change.status_code == 403
    assert Unit.objects.get(pk=cast.township.pk).name == "城关镇"


def test_anonymous_is_sent_to_the_admin_login(cast, client):
    response = client.get(reverse("admin:units_unit_changelist"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_confirming_an_import_needs_post(cast, root_client):
    assert root_client.get(reverse("admin:units_unit_process_import")).status_code == 405


def test_staff_limited_to_a_subtree_can_edit_its_top_unit(cast, client, scoped_staff):
    # 县市场监督管理局's parent (示例县) is outside the jurisdiction: saving must keep it.
    client.force_login(scoped_staff)
    verify_session(client, scoped_staff)

    response = client.post(
        reverse("admin:units_unit_change", args=[cast.dept_a.pk]),
        {
            "name": "县市场监管局",
            "kind": cast.dept_a.kind,
            "parent": cast.root.pk,
            "sort_order": "0",
        },
    )

    assert response.status_code == 302
    unit = Unit.objects.get(pk=cast.dept_a.pk)
    assert (unit.name, Unit.objects.get_parent(unit)) == ("县市场监管局", cast.root)
