"""Excel in and out for the organisation: units, people and responsibilities.

The shared framework (widgets, the base resource, the reader) is units.excel; its names
are re-exported here, where the apps have long imported them from. Rows are written
through units.services, never saved directly (STYLE rule 7).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.fields import Field

from units import services
from units.excel.cells import (  # noqa: F401 (re-exported)
    FORMULA_TRIGGERS,
    XLSX_MAX_ROWS,
    XLSX_MAX_UNPACKED,
    cell_code,
    cell_text,
    check_xlsx_upload,
    neutralise_formula,
)
from units.excel.reader import CalamineODS, CalamineXLS, CalamineXLSX  # noqa: F401
from units.excel.resource import (  # noqa: F401 (re-exported)
    ZuofengResource,
    adopt_saved_state,
    sees_all_units,
)
from units.excel.widgets import (  # noqa: F401 (re-exported)
    ChoiceWidget,
    CodeWidget,
    CountWidget,
    DateWidget,
    EmailWidget,
    GroupWidget,
    PersonWidget,
    ScopedWidget,
    TextWidget,
    UnitCodeWidget,
    UserWidget,
    visible_people,
    visible_units,
)
from units.models import Person, Responsibility, Unit
from units.selectors import unit_scope_q

if TYPE_CHECKING:
    from django.db.models import QuerySet


def _values(instance: Any, attnames: list[str]) -> dict[str, Any]:
    """Service keyword arguments for changed attributes ("group_id" is passed as group=)."""
    names = [attname.removesuffix("_id") for attname in attnames]
    return {name: getattr(instance, name) for name in names}


# --- Units --------------------------------------------------------------------------------


def with_parent_code(queryset: QuerySet[Unit]) -> QuerySet[Unit]:
    """Annotate `parent_code` in the same query: the parent's path is ours minus one step."""
    if "parent_code" in queryset.query.annotations:
        return queryset
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Unit.steplen)
    parent = Unit.objects.filter(path=parent_path).order_by().values("code")[:1]
    return queryset.annotate(parent_code=Coalesce(Subquery(parent), Value("")))


class UnitResource(ZuofengResource):
    code = Field(attribute="code", column_name="单位编码", widget=CodeWidget(max_length=32))
    name = Field(attribute="name", column_name="单位名称", widget=TextWidget(max_length=128))
    short_name = Field(attribute="short_name", column_name="简称", widget=TextWidget(max_length=64))
    kind = Field(
        attribute="kind",
        column_name="单位类型",
        widget=ChoiceWidget(Unit.Kind, unknown=gettext_lazy("Unknown unit type: %(value)s")),
    )
    parent_code = Field(
        attribute="parent_code", column_name="上级单位编码", widget=CodeWidget(max_length=32)
    )
    group = Field(attribute="group", column_name="考核组别", widget=GroupWidget())
    sort_order = Field(attribute="sort_order", column_name="排序", widget=CountWidget())

    required_headers = ("单位编码",)
    required_fields = ("code", "name", "kind")
    snapshot_fields = ("name", "short_name", "kind", "group_id", "sort_order", "parent_code")

    class Meta(ZuofengResource.Meta):
        model = Unit
        name = "单位"
        fields = ("code", "name", "short_name", "kind", "parent_code", "group", "sort_order")
        import_id_fields = ["code"]

    def get_queryset(self) -> QuerySet[Unit]:
        return with_parent_code(self.scope_units().select_related("group"))

    def scope_units(self) -> QuerySet[Unit]:
        """The units this import may find, add under and change: the user's (the API's
        directory sync narrows them to its client's subtree)."""
        return visible_units(self.user)

    def sees_all(self) -> bool:
        """Whether this import may add top-level units."""
        return sees_all_units(self.user)

    def filter_export(self, queryset: QuerySet[Unit], **kwargs: Any) -> QuerySet[Unit]:
        return with_parent_code(queryset.select_related("group"))

    def order_rows(
        self, numbered: list[tuple[int, tuple[Any, ...]]], headers: list[str]
    ) -> list[tuple[int, tuple[Any, ...]]]:
        """Parents before children, so a parent may appear anywhere in the file."""
        code_header, parent_header = self.fields["code"].column_name, "上级单位编码"
        if code_header not in headers or parent_header not in headers:
            return numbered
        code_at, parent_at = headers.index(code_header), headers.index(parent_header)
        parent_of: dict[str, str] = {}
        for _number, row in numbered:
            parent_of.setdefault(cell_text(row[code_at]), cell_text(row[parent_at]))

        def depth_in_file(code: str) -> int:
            depth, seen = 0, {code}
            parent = parent_of.get(code, "")
            while parent in parent_of and parent not in seen:  # a cycle stops the walk
                depth += 1
                seen.add(parent)
                parent = parent_of[parent]
            return depth

        return sorted(numbered, key=lambda item: depth_in_file(cell_text(item[1][code_at])))

    def write(self, instance: Any, is_create: bool, *, actor: Any) -> Unit:
        parent_code = getattr(instance, "parent_code", None) or ""
        if is_create:
            return services.unit_create(
                code=instance.code,
                name=instance.name,
                kind=instance.kind,
                parent=self._parent(parent_code),
                short_name=instance.short_name,
                group=instance.group,
                sort_order=instance.sort_order,
                actor=actor,
            )
        unit = instance
        changed = self.changed(instance, ("name", "short_name", "kind", "group_id", "sort_order"))
        if changed:
            unit = services.unit_update(unit=instance, actor=actor, **_values(instance, changed))
        if "parent_code" in self.changed(instance, ("parent_code",)):
            if not parent_code:
                raise ValidationError(
                    {"parent_code": _("An import cannot make an existing unit a top-level unit.")}
                )
            unit = services.unit_move(
                unit=instance, new_parent=self._existing_parent(parent_code), actor=actor
            )
        return unit

    def _parent(self, code: str) -> Unit | None:
        if code:
            return self._existing_parent(code)
        if not self.sees_all():
            raise ValidationError(
                {
                    "parent_code": _(
                        "You can only add units under units in your jurisdiction; fill in the parent unit code."
                    )
                }
            )
        return None

    def _existing_parent(self, code: str) -> Unit:
        parent = self.scope_units().filter(code=code).first()
        if parent is None:
            raise ValidationError(
                {
                    "parent_code": _(
                        "Parent unit code “%(code)s” not found: it is neither in the system nor successfully imported from this file."
                    )
                    % {"code": code}
                }
            )
        return parent


# --- People -------------------------------------------------------------------------------

_PERSON_COLUMNS = ("name", "title", "phone", "email", "unit_id", "user_id")


class PersonResource(ZuofengResource):
    name = Field(attribute="name", column_name="姓名", widget=TextWidget(max_length=64))
    title = Field(attribute="title", column_name="职务", widget=TextWidget(max_length=128))
    phone = Field(attribute="phone", column_name="手机号", widget=CodeWidget(max_length=32))
    email = Field(attribute="email", column_name="邮箱", widget=EmailWidget())
    unit = Field(attribute="unit", column_name="所在单位编码", widget=UnitCodeWidget())
    user = Field(attribute="user", column_name="登录账号", widget=UserWidget())

    required_headers = ("姓名", "手机号")
    required_fields = ("name",)
    snapshot_fields = _PERSON_COLUMNS

    class Meta(ZuofengResource.Meta):
        model = Person
        name = "干部"
        fields = ("name", "title", "phone", "email", "unit", "user")
        import_id_fields = ["name", "phone"]

    def get_queryset(self) -> QuerySet[Person]:
        return visible_people(self.user).select_related("unit", "user")

    def filter_export(self, queryset: QuerySet[Person], **kwargs: Any) -> QuerySet[Person]:
        return queryset.select_related("unit", "user")

    def get_instance(self, instance_loader: Any, row: Any) -> Person | None:
        # (姓名, 手机号) identifies a person; people without a phone are matched by name
        # only when that is unambiguous.
        name = cell_text(row.get(self.fields["name"].column_name))
        phone = cell_code(row.get(self.fields["phone"].column_name))
        if not name:
            return None
        found = list(self.get_queryset().filter(name=name, phone=phone)[:2])
        if len(found) > 1:
            raise ValidationError(
                _(
                    "Several cadres called “%(name)s” have no phone number, so it is unclear which to update; fill in the phone number."
                )
                % {"name": name}
            )
        return found[0] if found else None

    def write(self, instance: Any, is_create: bool, *, actor: Any) -> Person:
        if instance.user_id is not None:
            holder = Person.objects.filter(user_id=instance.user_id).exclude(pk=instance.pk)
            other = holder.first()
            if other is not None:
                raise ValidationError(
                    {
                        "user": _(
                            "Login account “%(username)s” is already linked to cadre “%(name)s”."
                        )
                        % {"username": instance.user.get_username(), "name": other.name}
                    }
                )
        if is_create:
            return services.person_create(
                name=instance.name,
                title=instance.title,
                phone=instance.phone,
                email=instance.email,
                unit=instance.unit,
                user=instance.user,
                actor=actor,
            )
        changed = self.changed(instance, _PERSON_COLUMNS)
        if not changed:
            return instance
        return services.person_update(person=instance, actor=actor, **_values(instance, changed))


# --- Responsibilities ---------------------------------------------------------------------


class ResponsibilityResource(ZuofengResource):
    unit = Field(attribute="unit", column_name="单位编码", widget=UnitCodeWidget())
    person = Field(
        attribute="person", column_name="姓名", widget=PersonWidget(phone_column="手机号")
    )
    # Read with 姓名 to find the person; exported from the person.
    phone = Field(
        attribute="person__phone", column_name="手机号", widget=TextWidget(), readonly=True
    )
    role = Field(
        attribute="role",
        column_name="责任类型",
        widget=ChoiceWidget(
            Responsibility.Role, unknown=gettext_lazy("Unknown responsibility type: %(value)s")
        ),
    )
    start_date = Field(
        attribute="start_date",
        column_name="开始日期",
        widget=DateWidget(),
        default=timezone.localdate,  # as responsibility_assign: blank means today
    )
    end_date = Field(attribute="end_date", column_name="结束日期", widget=DateWidget())
    note = Field(attribute="note", column_name="备注", widget=TextWidget(max_length=255))

    required_headers = ("单位编码", "姓名", "责任类型")
    required_fields = ("unit", "person", "role")
    snapshot_fields = ("end_date", "note")

    class Meta(ZuofengResource.Meta):
        model = Responsibility
        name = "责任"
        fields = ("unit", "person", "phone", "role", "start_date", "end_date", "note")
        import_id_fields: list[str] = []  # see get_instance

    def get_queryset(self) -> QuerySet[Responsibility]:
        scope = Q() if self.user is None else unit_scope_q(user=self.user, prefix="unit__")
        return Responsibility.objects.filter(scope).select_related("unit", "person")

    def filter_export(
        self, queryset: QuerySet[Responsibility], **kwargs: Any
    ) -> QuerySet[Responsibility]:
        return queryset.select_related("unit", "person")

    def get_instance(self, instance_loader: Any, row: Any) -> Responsibility | None:
        """The same person, unit, role and start date: the row may only end it."""
        try:
            keys = {
                name: self.fields[name].clean(row)
                for name in ("unit", "person", "role", "start_date")
            }
        except (ValueError, KeyError):
            return None  # import_instance reports the bad cells
        if not all(keys.values()):
            return None
        return self.get_queryset().filter(**keys).first()

    def write(self, instance: Any, is_create: bool, *, actor: Any) -> Responsibility:
        if is_create:
            return services.responsibility_assign(
                person=instance.person,
                unit=instance.unit,
                role=instance.role,
                start_date=instance.start_date,
                end_date=instance.end_date,
                note=instance.note,
                actor=actor,
            )
        changed = self.changed(instance, ("end_date", "note"))
        if "note" in changed:
            raise ValidationError(
                {"note": _("An import cannot change the note of an existing responsibility.")}
            )
        if "end_date" in changed:
            if instance.end_date is None:
                raise ValidationError(
                    {"end_date": _("An import cannot clear an end date already set.")}
                )
            return services.responsibility_end(
                responsibility=instance, end_date=instance.end_date, actor=actor
            )
        return instance
