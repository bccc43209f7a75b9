"""The unit directory: GET /api/v1/directory/units/ and POST /api/v1/directory/sync/."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from tests.api.conftest import keyed, make_client
from units import services
from units.models import ApiCall, Person, Responsibility, Unit

LIST = "/api/v1/directory/units/"
SYNC = "/api/v1/directory/sync/"

UNITS = [
    # The child comes before its parent on purpose, as in the Excel import.
    {"code": "SLX-ZJ-BGS", "name": "县住建局办公室", "kind": "机关处室", "parent_code": "SLX-ZJ"},
    {
        "code": "SLX-ZJ",
        "name": "县住房和城乡建设局",
        "short_name": "住建局",
        "kind": "部门",
        "parent_code": "SLX",
        "group": "综合管理部门",
        "sort_order": 7,
    },
]
PEOPLE = [
    {"name": "赵建国", "title": "局长", "phone": "13900000001", "unit": "SLX-ZJ"},
    {"name": "钱小红", "title": "办公室主任", "phone": "13900000002", "unit": "SLX-ZJ-BGS"},
]
RESPONSIBILITIES = [
    {
        "unit": "SLX-ZJ",
        "person": "赵建国",
        "phone": "13900000001",
        "role": "第一责任人",
        "start_date": "2026-01-01",
    },
    {
        "unit": "SLX-ZJ",
        "person": "钱小红",
        "phone": "13900000002",
        "role": "liaison",
        "start_date": "2026/1/1",
    },
]


@pytest.fixture
def syncer(cast):
    return make_client("组织部干部信息系统", sync_directory=True)


@pytest.fixture
def api(syncer):
    return keyed(syncer)


def zh(msgid: str) -> str:
    """A message as the Chinese interface words it (the new ones once their PO is merged)."""
    with translation.override("zh-hans"):
        return gettext(msgid)


def sync(api, kind: str, rows: list[dict]):
    with translation.override("zh-hans"):
        return api.post(
            SYNC, {"kind": kind, "rows": rows}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
        )


# --- Sync ------------------------------------------------------------------------------------


def test_sync_creates_units_people_and_responsibilities_through_the_services(api, syncer, cast):
    response = sync(api, "units", UNITS)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "kind": "units",
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "changed": True,
    }
    works = Unit.objects.get(code="SLX-ZJ")
    office = Unit.objects.get(code="SLX-ZJ-BGS")
    assert Unit.objects.get_parent(works) == cast.root
    assert Unit.objects.get_parent(office) == works
    assert (works.short_name, works.kind, works.group.name, works.sort_order) == (
        "住建局",
        Unit.Kind.DEPARTMENT,
        "综合管理部门",
        7,
    )
    assert works.history.count() == 1  # written by the service, with its history

    assert sync(api, "people", PEOPLE).json()["created"] == 2
    director = Person.objects.get(name="赵建国")
    assert (director.unit, director.title, director.phone) == (works, "局长", "13900000001")

    assert sync(api, "responsibilities", RESPONSIBILITIES).json()["created"] == 2
    held = Responsibility.objects.filter(unit=works).order_by("role")
    assert [(r.person.name, r.role) for r in held] == [
        ("赵建国", Responsibility.Role.FIRST_RESPONSIBLE),
        ("钱小红", Responsibility.Role.LIAISON),
    ]
    # Every sync is in the call log, with the client as the caller.
    calls = ApiCall.objects.filter(endpoint__contains="directory/sync")
    assert calls.count() == 3
    assert {(call.client, call.user, call.status) for call in calls} == {(syncer, None, 200)}


def test_the_same_rows_twice_change_nothing_and_say_so(api, cast):
    for kind, rows in (
        ("units", UNITS),
        ("people", PEOPLE),
        ("responsibilities", RESPONSIBILITIES),
    ):
        assert sync(api, kind, rows).status_code == 200
    histories = (Unit.history.count(), Person.history.count(), Responsibility.objects.count())

    for kind, rows in (
        ("units", UNITS),
        ("people", PEOPLE),
        ("responsibilities", RESPONSIBILITIES),
    ):
        again = sync(api, kind, rows)
        assert again.status_code == 200, again.content
        assert again.json() == {
            "kind": kind,
            "created": 0,
            "updated": 0,
            "unchanged": len(rows),
            "changed": False,
        }
    assert (
        Unit.history.count(),
        Person.history.count(),
        Responsibility.objects.count(),
    ) == histories


def test_a_changed_row_updates_and_a_key_left_out_keeps_its_value(api, cast):
    sync(api, "units", UNITS)
    response = sync(api, "units", [{"code": "SLX-ZJ", "name": "县住房和城乡建设局（新）"}])
    assert response.json()["updated"] == 1
    works = Unit.objects.get(code="SLX-ZJ")
    assert works.name == "县住房和城乡建设局（新）"
    # short_name, kind, group and sort_order were in no row: left as they were.
    assert (works.short_name, works.kind, works.sort_order) == ("住建局", "department", 7)


@pytest.mark.parametrize(
    ("bad", "field", "column", "message"),
    [
        ({"parent_code": "NOPE"}, "parent_code", "上级单位编码", "找不到上级单位编码“NOPE”"),
        ({"kind": "委员会"}, "kind", "单位类型", "未知的单位类型：委员会"),
        ({"group": "不存在组"}, "group", "考核组别", "未知的考核组别：不存在组"),
        ({"name": ""}, "name", "单位名称", "单位名称不能为空。"),
        ({"sort_order": "第一"}, "sort_order", "排序", "“第一”不是数字。"),
    ],
    ids=["unknown-parent", "unknown-kind", "unknown-group", "blank-name", "bad-number"],
)
def test_a_bad_row_saves_nothing_and_says_why_in_chinese_as_the_excel_import(
    api, cast, bad, field, column, message
):
    rows = [*UNITS, {"code": "SLX-X", "name": "某局", "kind": "部门", "parent_code": "SLX"} | bad]
    before = Unit.objects.count()

    response = sync(api, "units", rows)

    assert response.status_code == 400, response.content
    assert Unit.objects.count() == before  # all or nothing: the good rows are not saved
    body = response.json()
    assert body["detail"] == zh("Nothing was saved: %(count)d problems in the rows below.") % {
        "count": 1
    }
    [error] = body["errors"]
    assert (error["row"], error["field"], error["column"]) == (2, field, column)
    assert message in error["message"]
    assert body["grouped"] == [
        {"rows": "2", "count": 1, "column": column, "message": error["message"]}
    ]


def test_the_same_problem_on_several_rows_is_grouped_as_the_excel_report(api, cast):
    rows = [
        {"code": f"SLX-N{i}", "name": f"某局{i}", "kind": "部门", "parent_code": "NOPE"}
        for i in range(3)
    ]
    body = sync(api, "people", [{"name": "", "phone": "1"}, {"name": "", "phone": "2"}]).json()
    assert body["grouped"] == [
        {"rows": "0–1", "count": 2, "column": "姓名", "message": "姓名不能为空。"}
    ]
    body = sync(api, "units", rows).json()
    assert [group["rows"] for group in body["grouped"]] == ["0–2"]


def test_unknown_keys_and_non_cell_values_are_row_errors(api, cast):
    body = sync(api, "units", [{"code": "SLX-X", "parent": "SLX"}, {"code": ["SLX-Y"]}]).json()
    errors = {(e["row"], e["field"]): e["message"] for e in body["errors"]}
    unknown = zh("Unknown field “%(field)s”; the fields are: %(fields)s.")
    assert errors[(0, "parent")] == unknown % {
        "field": "parent",
        "fields": "code, name, short_name, kind, parent_code, group, sort_order",
    }
    assert (1, "code") in errors
    assert not Unit.objects.filter(code__in=["SLX-X", "SLX-Y"]).exists()


def test_a_responsibility_row_uses_the_import_rules(api, cast):
    # The cast's dept_a already has a first responsible person (head_a's person).
    response = sync(
        api,
        "responsibilities",
        [
            {
                "unit": "SLX-SCJ",
                "person": "孙副县长",
                "role": "第一责任人",
                "start_date": "2026-02-01",
            }
        ],
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert "第一责任人" in error["message"] and error["row"] == 0


def test_a_subtree_client_may_only_create_and_change_inside_it(cast):
    api = keyed(make_client("市场监管系统", unit=cast.dept_a, sync_directory=True))

    inside = {
        "code": "SLX-SCJ-ZFD",
        "name": "执法大队",
        "kind": "直属单位",
        "parent_code": "SLX-SCJ",
    }
    created = sync(api, "units", [inside])
    assert created.status_code == 200, created.json()
    assert created.json()["created"] == 1

    outside = {
        "code": "SLX-JYJ-BGS",
        "name": "教育局办公室",
        "kind": "机关处室",
        "parent_code": "SLX-JYJ",
    }
    refused = sync(api, "units", [outside])
    assert refused.status_code == 400
    assert "找不到上级单位编码“SLX-JYJ”" in refused.json()["errors"][0]["message"]
    # No new top-level unit either, and no change to a unit outside (its code is taken).
    top = sync(api, "units", [{"code": "NEW-TOP", "name": "新区", "kind": "区县"}])
    assert top.status_code == 400 and top.json()["errors"][0]["field"] == "parent_code"
    rename = sync(
        api, "units", [{"code": "SLX-JYJ", "name": "改名", "kind": "部门", "parent_code": "SLX"}]
    )
    assert rename.status_code == 400
    assert Unit.objects.get(code="SLX-JYJ").name == "县教育局"
    # People and responsibilities: units outside are unknown codes.
    person = sync(api, "people", [{"name": "外人", "phone": "13900000009", "unit": "SLX-JYJ"}])
    assert person.status_code == 400
    assert "未知的单位编码：SLX-JYJ" in person.json()["errors"][0]["message"]
    assert not Person.objects.filter(name="外人").exists()
    # A cadre of its own may not be given a responsibility for a unit outside.
    own = {"name": "执法队员", "phone": "13900000008", "unit": "SLX-SCJ-ZFD"}
    assert sync(api, "people", [own]).json()["created"] == 1
    duty = {"unit": "SLX-JYJ", "person": "执法队员", "phone": "13900000008", "role": "联络员"}
    assigned = sync(api, "responsibilities", [duty])
    assert assigned.status_code == 400
    assert assigned.json()["errors"][0]["field"] == "unit"
    assert not Responsibility.objects.filter(person__name="执法队员").exists()
    # A cadre outside (the cast's, without a unit of the subtree) is unknown to it.
    outsider = sync(
        api, "responsibilities", [{**duty, "unit": "SLX-SCJ", "person": "钱局长", "phone": ""}]
    )
    assert outsider.status_code == 400
    assert outsider.json()["errors"][0]["field"] == "person"
    assert not Unit.objects.filter(code__in=["SLX-JYJ-BGS", "NEW-TOP"]).exists()


def test_without_the_scope_403_without_a_key_401_and_a_session_cannot_sync(cast, client_for):
    reader = keyed(make_client("门户网站", read_results=True))
    assert reader.post(SYNC, {"kind": "units", "rows": UNITS}, format="json").status_code == 403
    assert not Unit.objects.filter(code="SLX-ZJ").exists()
    anonymous = keyed(make_client("无"))
    anonymous.credentials()
    assert anonymous.post(SYNC, {"kind": "units", "rows": UNITS}, format="json").status_code == 401
    session = client_for(cast.officer)
    response = session.post(SYNC, {"kind": "units", "rows": UNITS}, content_type="application/json")
    assert response.status_code in (401, 403)
    assert not Unit.objects.filter(code="SLX-ZJ").exists()


def test_a_malformed_request_is_a_400(api, cast):
    assert sync(api, "posts", UNITS).status_code == 400
    assert sync(api, "units", []).status_code == 400
    assert api.post(SYNC, {"kind": "units", "rows": "x"}, format="json").status_code == 400


# --- Read -------------------------------------------------------------------------------------


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [unit["code"] for unit in response.json()["results"]]


def test_the_directory_lists_units_in_tree_order_with_their_holders(cast):
    api = keyed(make_client("门户网站", read_results=True))
    body = api.get(LIST).json()
    assert body["count"] == Unit.objects.count()
    by_code = {unit["code"]: unit for unit in body["results"]}
    market = by_code["SLX-SCJ"]
    assert market["parent_code"] == "SLX" and market["level"] == 2
    assert market["kind"] == "department" and market["group"] == "执法监管部门"
    roles = {(h["role"], h["name"]) for h in market["responsibilities"]}
    assert ("in_charge", "孙副县长") in roles
    # Names and positions only: no phone, no e-mail.
    assert set(market["responsibilities"][0]) == {"role", "role_display", "name", "title"}
    assert [u["code"] for u in body["results"]] == list(
        Unit.objects.order_by("path").values_list("code", flat=True)
    )
    assert by_code["SLX"]["parent_code"] == ""


def test_the_directory_is_paged_with_a_stable_order(cast):
    api = keyed(make_client("门户网站", sync_directory=True))
    first = codes(api.get(LIST, {"page_size": 2}))
    second = codes(api.get(LIST, {"page_size": 2, "page": 2}))
    everything = codes(api.get(LIST))
    assert first + second == everything[:4] and len(set(first + second)) == 4
    assert api.get(LIST, {"page": 99}).status_code == 404


def test_the_directory_is_scoped_to_the_client_subtree_and_the_person(cast, client_for):
    subtree = keyed(make_client("市场监管平台", unit=cast.dept_a, read_results=True))
    assert codes(subtree.get(LIST)) == ["SLX-SCJ", "SLX-SCJ-BGS"]

    head = client_for(cast.head_a)
    seen = codes(head.get(LIST))
    assert "SLX-SCJ" in seen and "SLX-JYJ" not in seen

    no_scope = keyed(make_client("投诉系统"))  # push and status only
    assert no_scope.get(LIST).status_code == 403
    no_scope.credentials()
    assert no_scope.get(LIST).status_code == 401


def _queries(api) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(LIST)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_directory_query_count_stays_flat(cast):
    api = keyed(make_client("门户网站", read_results=True))
    person = services.person_create(name="分管者", title="副县长")

    def add(n: int) -> None:
        start = Unit.objects.count()
        for i in range(start, start + n):
            unit = services.unit_create(
                code=f"SLX-T{i}", name=f"单位{i}", kind="department", parent=cast.root
            )
            services.responsibility_assign(
                person=person, unit=unit, role=Responsibility.Role.LEADER_IN_CHARGE
            )

    api.get(LIST)  # the key's first use is noted once (last_used_at): not the list's cost
    add(3)
    few = _queries(api)
    add(27)
    assert _queries(api) == few
