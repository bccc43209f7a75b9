"""The wire format of the directory endpoints. A synchronised row is checked by the Excel
import's own rules (units.api.directory runs units.resources over it): the serializers
here only shape the request and describe it in the schema."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from units.api.directory import MAX_ROWS
from units.api.schema import bilingual
from units.models import Responsibility, Unit

KINDS = (
    "county 区县, department 部门, division 机关处室, subordinate 直属单位, township 乡镇, "
    "window 窗口单位"
)
ROLES = "first 第一责任人, principal 主要负责人, in_charge 分管领导, liaison 联络员"


class HolderSerializer(serializers.Serializer):
    """一项现任责任 / A current responsibility."""

    role = serializers.ChoiceField(
        choices=Responsibility.Role.choices,
        help_text=bilingual("责任类型", "responsibility") + f" ({ROLES})",
    )
    role_display = serializers.CharField(
        source="get_role_display", help_text=bilingual("责任类型名称", "its label")
    )
    name = serializers.CharField(source="person.name", help_text=bilingual("姓名", "name"))
    title = serializers.CharField(source="person.title", help_text=bilingual("职务", "position"))


class DirectoryUnitSerializer(serializers.Serializer):
    """名录中的一个单位（不含联系方式） / A unit of the directory (no contact details)."""

    code = serializers.CharField(help_text=bilingual("单位编码", "unit code"))
    name = serializers.CharField(help_text=bilingual("单位名称", "unit name"))
    short_name = serializers.CharField(help_text=bilingual("简称", "short name"))
    kind = serializers.ChoiceField(
        choices=Unit.Kind.choices, help_text=bilingual("单位类型", "unit type") + f" ({KINDS})"
    )
    kind_display = serializers.CharField(
        source="get_kind_display", help_text=bilingual("单位类型名称", "its label")
    )
    parent_code = serializers.CharField(
        help_text=bilingual("上级单位编码（顶级单位为空）", "parent's code (empty at the top)")
    )
    level = serializers.IntegerField(
        source="depth", help_text=bilingual("层级，顶级为 1", "level in the tree, 1 at the top")
    )
    group = serializers.SerializerMethodField(help_text=bilingual("考核组别", "assessment group"))
    # Text, not a choice: the schema's "status" enums are the complaints'.
    status = serializers.CharField(
        help_text=bilingual("状态", "status") + " (active 正常, archived 已撤销)",
    )
    sort_order = serializers.IntegerField(help_text=bilingual("排序", "sort order"))
    responsibilities = HolderSerializer(
        source="current",
        many=True,
        help_text=bilingual(
            "现任第一责任人、主要负责人、分管领导、联络员（仅姓名、职务）",
            "current holders of the unit's responsibilities (name and position only)",
        ),
    )

    @extend_schema_field(serializers.CharField(help_text=bilingual("考核组别", "group")))
    def get_group(self, unit: Unit) -> str:
        return unit.group.name if unit.group_id and unit.group else ""


# The rows a sync carries, one schema per kind: every key is the Excel column it stands for
# and is read as that cell would be (text or a number, blank allowed).
def _cell(zh: str, en: str, *, required: bool = False) -> serializers.CharField:
    return serializers.CharField(
        required=required, allow_blank=True, allow_null=True, help_text=bilingual(zh, en)
    )


class UnitRowSerializer(serializers.Serializer):
    code = _cell("单位编码（必填，用于识别单位）", "unit code (required: identifies the unit)")
    name = _cell("单位名称", "unit name")
    short_name = _cell("简称", "short name")
    kind = _cell("单位类型：名称或代码", "unit type, its label or code" + f" ({KINDS})")
    parent_code = _cell(
        "上级单位编码；可以是本次同步中的单位", "parent's code; may be a unit of this same request"
    )
    group = _cell("考核组别名称", "assessment group's name")
    sort_order = _cell("排序（非负整数）", "sort order (a whole number ≥ 0)")


class PersonRowSerializer(serializers.Serializer):
    name = _cell("姓名（必填）", "name (required)")
    title = _cell("职务", "position")
    phone = _cell(
        "手机号；与姓名一起识别干部", "mobile phone; with the name it identifies the cadre"
    )
    email = _cell("邮箱", "e-mail")
    unit = _cell("所在单位编码", "home unit's code")
    user = _cell("登录账号", "login account")


class ResponsibilityRowSerializer(serializers.Serializer):
    unit = _cell("单位编码（必填）", "unit code (required)")
    person = _cell("姓名（必填）", "cadre's name (required)")
    phone = _cell("手机号，同名干部时必填", "mobile phone, to tell namesakes apart")
    role = _cell("责任类型：名称或代码", "responsibility, its label or code" + f" ({ROLES})")
    start_date = _cell("开始日期（默认今天）", "start date (default: today)")
    end_date = _cell(
        "结束日期；只能为现任责任设定", "end date; only sets one on a current responsibility"
    )
    note = _cell("备注", "note")


ROW_SERIALIZERS: dict[str, type[serializers.Serializer]] = {
    "units": UnitRowSerializer,
    "people": PersonRowSerializer,
    "responsibilities": ResponsibilityRowSerializer,
}


@extend_schema_field(
    PolymorphicProxySerializer(
        component_name="DirectoryRow",
        serializers=[UnitRowSerializer, PersonRowSerializer, ResponsibilityRowSerializer],
        resource_type_field_name=None,
        many=True,
    )
)
class RowsField(serializers.ListField):
    """Rows of one kind; each is read by that kind's Excel import."""


class SyncSerializer(serializers.Serializer):
    """一次同步：同一类的若干行 / One sync: rows of one kind."""

    kind = serializers.ChoiceField(
        choices=[(name, name) for name in ROW_SERIALIZERS],
        help_text=bilingual(
            "行的类别：units 单位、people 干部、responsibilities 责任",
            "what the rows are: units, people or responsibilities",
        ),
    )
    rows = RowsField(
        child=serializers.DictField(),
        allow_empty=False,
        max_length=MAX_ROWS,
        help_text=bilingual(
            f"各行，字段同 Excel 导入的列，最多 {MAX_ROWS} 行；某字段所有行都没有给出时保持原值",
            f"the rows, keys as the Excel import's columns, at most {MAX_ROWS}; "
            "a key no row gives leaves that value as it is",
        ),
    )


class SyncResultSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=bilingual("行的类别", "what the rows were"))
    created = serializers.IntegerField(help_text=bilingual("新增", "rows created"))
    updated = serializers.IntegerField(help_text=bilingual("修改", "rows updated"))
    unchanged = serializers.IntegerField(
        help_text=bilingual(
            "与现有数据相同、未改动", "rows equal to what is stored: left as they are"
        )
    )
    changed = serializers.BooleanField(
        help_text=bilingual(
            "本次是否改动了数据（重复同步相同的行为 false）",
            "whether anything changed (false when the same rows are sent again)",
        )
    )


class RowProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        allow_null=True,
        help_text=bilingual(
            "rows 中的序号（从 0 开始）；整批的问题为空",
            "index in rows (from 0); null for the whole request",
        ),
    )
    field = serializers.CharField(help_text=bilingual("字段", "the row's key"))
    column = serializers.CharField(help_text=bilingual("对应的 Excel 列", "the Excel column"))
    message = serializers.CharField(
        help_text=bilingual("问题说明（中文）", "the problem, in Chinese")
    )


class ProblemGroupSerializer(serializers.Serializer):
    rows = serializers.CharField(
        help_text=bilingual("序号范围，如 0–3、7", "indexes, as ranges: 0–3、7")
    )
    count = serializers.IntegerField(help_text=bilingual("行数", "how many rows"))
    column = serializers.CharField(help_text=bilingual("对应的 Excel 列", "the Excel column"))
    message = serializers.CharField(
        help_text=bilingual("问题说明（中文）", "the problem, in Chinese")
    )


class SyncRefusedSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=bilingual("错误说明", "what went wrong"))
    errors = RowProblemSerializer(many=True, help_text=bilingual("逐行问题", "each row's problems"))
    grouped = ProblemGroupSerializer(
        many=True,
        help_text=bilingual(
            "同一问题合并列出，同 Excel 导入的报告",
            "the same problems grouped, as the Excel report",
        ),
    )


def problem_rows(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "row": None if problem["row"] in ("", None) else int(problem["row"]),
            "field": problem.get("field", ""),
            "column": problem.get("column", ""),
            "message": problem["message"],
        }
        for problem in problems
    ]
