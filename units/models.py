"""The organisation: units in a tree, assessment groups, people and their responsibilities.

Also the shared pieces every app builds on: the transition record, the working-day
calendar's override table and in-app notifications.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

if TYPE_CHECKING:
    from units.types import AnyUser


class AssessmentGroup(models.Model):
    """考核组别: units are ranked within their group and overall."""

    name = models.CharField(_("名称"), max_length=64, unique=True)
    description = models.TextField(_("说明"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("考核组别")
        verbose_name_plural = _("考核组别")

    def __str__(self) -> str:
        return self.name


class UnitQuerySet(MP_NodeQuerySet):
    def active(self) -> UnitQuerySet:
        return self.filter(status=Unit.Status.ACTIVE)

    def visible_to(self, user: AnyUser) -> UnitQuerySet:
        """Units the user may read: a grant on a unit covers its whole subtree."""
        from units.selectors import unit_scope_q

        return self.filter(unit_scope_q(user=user))


class UnitManager(MP_NodeManager):
    def get_queryset(self) -> UnitQuerySet:
        return UnitQuerySet(self.model, using=self._db).order_by("path")

    def visible_to(self, user: AnyUser) -> UnitQuerySet:
        return self.get_queryset().visible_to(user)

    def active(self) -> UnitQuerySet:
        return self.get_queryset().active()


class Unit(MP_Node):
    """单位: a node in the organisation tree (materialised path, so subtrees are one LIKE)."""

    class Kind(models.TextChoices):
        COUNTY = "county", _("区县")
        DEPARTMENT = "department", _("部门")
        DIVISION = "division", _("机关处室")
        SUBORDINATE = "subordinate", _("直属单位")
        TOWNSHIP = "township", _("乡镇")
        SERVICE_WINDOW = "window", _("窗口单位")

    class Status(models.TextChoices):
        ACTIVE = "active", _("正常")
        ARCHIVED = "archived", _("已撤销")

    # The only legal moves; unit_archive/unit_restore check against this map.
    TRANSITIONS: dict[str, set[str]] = {
        Status.ACTIVE: {Status.ARCHIVED},
        Status.ARCHIVED: {Status.ACTIVE},
    }

    steplen = 4

    code = models.CharField(
        _("单位编码"),
        max_length=32,
        unique=True,
        help_text=_("稳定不变的编码，导入导出时用来识别单位。"),
    )
    name = models.CharField(_("单位名称"), max_length=128)
    short_name = models.CharField(_("简称"), max_length=64, blank=True)
    kind = models.CharField(_("单位类型"), max_length=16, choices=Kind.choices)
    group = models.ForeignKey(
        AssessmentGroup,
        verbose_name=_("考核组别"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["path", "depth", "numchild"])
    objects = UnitManager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        permissions = [
            ("act_for_unit", _("以本单位名义办理（填报清单、办理投诉、报送材料）")),
            ("oversee_unit", _("监督检查本单位（纪检监察）")),
            ("view_all_units", _("查看全部单位")),
            ("oversee_all_units", _("监督检查全部单位")),
        ]
        indexes = [models.Index(fields=["group", "status"], name="unit_group_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def subtree(self) -> UnitQuerySet:
        """This unit and everything below it, in one indexed prefix query."""
        return Unit.objects.filter(path__startswith=self.path)


class UnitUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK object permissions (guardian's performance guide): joins, not generic keys."""

    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("单位用户权限")
        verbose_name_plural = _("单位用户权限")


class UnitGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("单位用户组权限")
        verbose_name_plural = _("单位用户组权限")


class Person(models.Model):
    """干部: a person who can hold responsibilities, with an optional login account."""

    name = models.CharField(_("姓名"), max_length=64)
    title = models.CharField(_("职务"), max_length=128, blank=True)
    phone = models.CharField(_("手机号"), max_length=32, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所在单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    is_active = models.BooleanField(_("在职"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("干部")
        verbose_name_plural = _("干部")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "phone"],
                condition=~Q(phone=""),
                name="person_unique_name_phone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.title}）" if self.title else self.name


class ResponsibilityQuerySet(models.QuerySet["Responsibility"]):
    def active_on(self, day: datetime.date) -> ResponsibilityQuerySet:
        # end_date is the day the post is left: from that day on it no longer applies.
        return self.filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gt=day))

    def current(self) -> ResponsibilityQuerySet:
        return self.active_on(timezone.localdate())


class Responsibility(models.Model):
    """责任: person × unit × role, dated; while current it grants object permissions."""

    class Role(models.TextChoices):
        FIRST_RESPONSIBLE = "first", _("第一责任人")
        PRINCIPAL = "principal", _("主要负责人")
        LEADER_IN_CHARGE = "in_charge", _("分管领导")
        LIAISON = "liaison", _("联络员")

    person = models.ForeignKey(
        Person, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="responsibilities"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="responsibilities"
    )
    role = models.CharField(_("责任类型"), max_length=16, choices=Role.choices)
    start_date = models.DateField(_("开始日期"), default=timezone.localdate)
    end_date = models.DateField(
        _("结束日期"), null=True, blank=True, help_text=_("自该日起不再担任；为空表示仍在任。")
    )
    note = models.CharField(_("备注"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ResponsibilityQuerySet.as_manager()

    class Meta:
        ordering = ["unit__path", "role", "start_date"]
        verbose_name = _("责任")
        verbose_name_plural = _("责任")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="responsibility_end_after_start",
            )
        ]
        indexes = [
            models.Index(fields=["unit", "role"], name="resp_unit_role"),
            models.Index(fields=["person", "end_date"], name="resp_person_end"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_role_display()} · {self.person.name}"

    def is_current(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.start_date <= day and (self.end_date is None or self.end_date > day)


class LeadingGroup(models.Model):
    """领导小组, its office (办公室) and working groups (综合组, 明察暗访组, 追责问责组)."""

    class Kind(models.TextChoices):
        LEADING_GROUP = "leading", _("领导小组")
        OFFICE = "office", _("领导小组办公室")
        WORKING_GROUP = "working", _("工作组")

    name = models.CharField(_("名称"), max_length=128)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    duties = models.TextField(_("职责"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("领导小组及工作组")
        verbose_name_plural = _("领导小组及工作组")

    def __str__(self) -> str:
        return self.name


class LeadingGroupMember(models.Model):
    class Position(models.TextChoices):
        LEADER = "leader", _("组长")
        DEPUTY = "deputy", _("副组长")
        DIRECTOR = "director", _("主任")
        MEMBER = "member", _("成员")

    leading_group = models.ForeignKey(
        LeadingGroup, verbose_name=_("所属小组"), on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="memberships"
    )
    position = models.CharField(_("职务"), max_length=16, choices=Position.choices)
    start_date = models.DateField(_("开始日期"), default=timezone.localdate)
    end_date = models.DateField(_("结束日期"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["leading_group", "position", "pk"]
        verbose_name = _("小组成员")
        verbose_name_plural = _("小组成员")

    def __str__(self) -> str:
        return f"{self.leading_group} · {self.get_position_display()} · {self.person.name}"


class TransitionRecord(models.Model):
    """A state change: who moved what from where to where, when and why.

    Each stateful model gets a concrete subclass with a foreign key named after it.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("为空表示系统自动操作。"),
    )
    from_status = models.CharField(_("原状态"), max_length=32)
    to_status = models.CharField(_("新状态"), max_length=32)
    comment = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]


class UnitTransition(TransitionRecord):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("单位状态变更")
        verbose_name_plural = _("单位状态变更")

    def __str__(self) -> str:
        return f"{self.unit} {self.from_status} → {self.to_status}"


class CalendarOverride(models.Model):
    """An adjustment to the statutory calendar: an extra holiday or an adjusted work day."""

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(
        _("是否工作日"), help_text=_("勾选表示当天上班（调休），不勾选表示当天放假。")
    )
    note = models.CharField(_("说明"), max_length=128, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")

    def __str__(self) -> str:
        return f"{self.date} {_('上班') if self.is_working_day else _('放假')}"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app notice (with optional e-mail), sent at most once per dedupe key."""

    class Kind(models.TextChoices):
        INFO = "info", _("通知")
        RESPONSIBILITY = "responsibility", _("责任变更")
        DUE_SOON = "due_soon", _("到期提醒")
        OVERDUE = "overdue", _("逾期提醒")
        REMINDER = "reminder", _("催办通知")
        ASSIGNED = "assigned", _("交办")
        RETURNED = "returned", _("退回")
        DIGEST = "digest", _("工作简报")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    object_key = models.CharField(_("关联对象"), max_length=100, blank=True)
    deadline = models.DateField(_("期限"), null=True, blank=True)
    # (object, deadline, kind, recipient) in one unique column: NULLs would not collide.
    dedupe_key = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    email_requested = models.BooleanField(_("需发邮件"), default=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                name="notif_unread",
                condition=Q(read_at__isnull=True),
            ),
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_recent"),
        ]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def make_dedupe_key(
        *, kind: str, object_key: str, deadline: datetime.date | None, recipient_id: Any
    ) -> str:
        return f"{kind}|{object_key}|{deadline.isoformat() if deadline else '-'}|{recipient_id}"
