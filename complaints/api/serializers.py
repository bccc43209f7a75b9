"""The wire format of the complaints endpoints. Input is checked by the staff intake form's
own rules (complaints.forms.IntakeForm); the complainant's identity is never written out."""

from __future__ import annotations

from typing import Any

from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from complaints.forms import IntakeForm
from complaints.models import Complaint, ComplaintCategory, ComplaintTransition
from units.api.schema import ErrorSerializer
from units.models import IntegrationClient, Unit

# The public part of a case shows once staff accepted the unit's answer on review, as on the
# complainant's own status page (complaints.views: show_reply).
REVIEWED = Complaint.REVIEWED_STATUSES


def _bilingual(zh: str, en: str) -> str:
    """Schema descriptions are written in both languages, independent of the caller's."""
    return f"{zh} / {en}"


STATUSES = (
    "registered 已登记, accepted 已受理, rejected 不予受理, assigned 已交办, "
    "reroute_requested 申请退回重新交办, answered 已办理待审核, sent_back 退回重办, "
    "return_visit 回访, closed 已办结, merged 已并案"
)
VERDICTS = "substantiated 属实, partly 部分属实, unsubstantiated 不属实"
SATISFACTION = "satisfied 满意, basically 基本满意, unsatisfied 不满意"
CHANNELS = (
    "web 网上信箱, hotline 投诉热线, letter 来信, visit 来访, mailbox 意见箱, "
    "media 媒体及网络舆情, inspection 监督检查"
)


class PushSerializer(serializers.Serializer):
    """登记一件投诉 / Push a complaint."""

    ticket = serializers.CharField(
        max_length=64,
        label=gettext_lazy("Source ticket number"),
        help_text=_bilingual(
            "来源工单号，在本对接系统内唯一；重复推送同一工单返回同一投诉",
            "the client's own ticket number, unique per client; pushing it again returns the same complaint",
        ),
    )
    channel = serializers.ChoiceField(
        choices=Complaint.Channel.choices,
        default=Complaint.Channel.HOTLINE,
        label=gettext_lazy("Channel"),
        help_text=_bilingual("受理渠道，默认投诉热线", "intake channel, hotline by default")
        + f" ({CHANNELS})",
    )
    title = serializers.CharField(
        max_length=120, label=gettext_lazy("Subject"), help_text=_bilingual("标题", "subject")
    )
    content = serializers.CharField(
        max_length=5000,
        label=gettext_lazy("Complaint details"),
        help_text=_bilingual("投诉内容", "what happened"),
    )
    category = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        label=gettext_lazy("Category"),
        help_text=_bilingual("投诉类别编码（或名称）", "complaint category code (or name)"),
    )
    subject_unit = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        label=gettext_lazy("Unit complained about"),
        help_text=_bilingual("被投诉单位的单位编码", "code of the unit complained about"),
    )
    subject_person = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        label=gettext_lazy("Person complained about"),
        help_text=_bilingual("被投诉人", "person complained about"),
    )
    urgent = serializers.BooleanField(
        required=False,
        default=False,
        label=gettext_lazy("Urgent"),
        help_text=_bilingual("是否紧急", "urgent"),
    )
    received_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        label=gettext_lazy("Received at"),
        help_text=_bilingual(
            "来电时间（ISO 8601），默认收到推送的时间", "time of the call (ISO 8601); default: now"
        ),
    )
    name = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        write_only=True,
        label=gettext_lazy("Your name"),
        help_text=_bilingual(
            "来电人姓名，加密保存，接口不返回", "caller's name; stored encrypted, never returned"
        ),
    )
    phone = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        write_only=True,
        label=gettext_lazy("Phone"),
        help_text=_bilingual(
            "联系电话，加密保存，接口不返回", "phone; stored encrypted, never returned"
        ),
    )
    id_number = serializers.CharField(
        max_length=18,
        required=False,
        allow_blank=True,
        write_only=True,
        label=gettext_lazy("ID card number"),
        help_text=_bilingual(
            "身份证号，加密保存，接口不返回", "ID card number; stored encrypted, never returned"
        ),
    )
    contact = serializers.CharField(
        max_length=120,
        required=False,
        allow_blank=True,
        write_only=True,
        label=gettext_lazy("Other contact"),
        help_text=_bilingual(
            "其他联系方式，加密保存，接口不返回", "other contact; stored encrypted, never returned"
        ),
    )
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        write_only=True,
        label=gettext_lazy("Attachments"),
        help_text=_bilingual(
            "附件（multipart/form-data，可多个）：图片、PDF、音频、视频",
            "attachments (multipart/form-data, repeatable): pictures, PDF, audio, video",
        ),
    )

    def __init__(self, *args: Any, client: IntegrationClient | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.client = client

    def validate_category(self, value: str) -> ComplaintCategory | None:
        value = value.strip()
        if not value:
            return None
        active = ComplaintCategory.objects.filter(is_active=True)
        found = active.filter(code=value).first() or active.filter(name=value).first()
        if found is None:
            raise serializers.ValidationError(
                _("%(field)s: no complaint category has the code “%(code)s”.")
                % {"field": _("Category"), "code": value}
            )
        return found

    def validate_subject_unit(self, value: str) -> Unit | None:
        value = value.strip()
        if not value:
            return None
        found = Unit.objects.active().filter(code=value).first()
        if found is None:
            raise serializers.ValidationError(
                _("%(field)s: no unit has the code “%(code)s”.")
                % {"field": _("Unit complained about"), "code": value}
            )
        return found

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """The staff intake form's rules (phone, ID number, hidden characters, files)."""
        category, unit = attrs.get("category"), attrs.get("subject_unit")
        data = {
            "channel": attrs["channel"]
            if attrs["channel"] != Complaint.Channel.WEB
            else Complaint.Channel.HOTLINE,
            "title": attrs["title"],
            "content": attrs["content"],
            "category": category.pk if category else "",
            "subject_unit": unit.pk if unit else "",
            "subject_person": attrs.get("subject_person", ""),
            "name": attrs.get("name", ""),
            "phone": attrs.get("phone", ""),
            "id_number": attrs.get("id_number", ""),
            "contact": attrs.get("contact", ""),
        }
        files = MultiValueDict({"attachments": list(attrs.get("attachments") or [])})
        form = IntakeForm(data=data, files=files)
        if not form.is_valid():
            raise serializers.ValidationError(
                {
                    field: [str(e) for e in errors]
                    for field, errors in form.errors.items()
                    if field != "channel"
                }
            )
        cleaned = form.cleaned_data
        attrs["identity"] = form.identity()
        attrs["uploads"] = cleaned["attachments"]
        attrs["title"], attrs["content"] = cleaned["title"], cleaned["content"]
        attrs["subject_person"] = cleaned["subject_person"]
        return attrs


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_bilingual("编码", "code"))
    name = serializers.CharField(help_text=_bilingual("名称", "name"))


def _code_name(obj: Any) -> dict[str, str] | None:
    return {"code": obj.code, "name": obj.name} if obj is not None else None


class ComplaintSerializer(serializers.Serializer):
    """一件投诉的办理情况（不含投诉人身份） / A complaint's progress (never who complained)."""

    id = serializers.IntegerField(help_text=_bilingual("投诉编号（接口内部）", "complaint id"))
    number = serializers.CharField(help_text=_bilingual("案件编号", "case number"))
    ticket = serializers.CharField(
        source="source_ticket", help_text=_bilingual("来源工单号", "source ticket number")
    )
    channel = serializers.CharField(help_text=_bilingual("受理渠道", "channel") + f" ({CHANNELS})")
    status = serializers.ChoiceField(
        choices=Complaint.Status.choices,
        help_text=_bilingual("状态", "status") + f" ({STATUSES})",
    )
    status_display = serializers.CharField(
        source="get_status_display", help_text=_bilingual("状态名称", "status label")
    )
    title = serializers.CharField(help_text=_bilingual("标题", "subject"))
    category = serializers.SerializerMethodField(help_text=_bilingual("投诉类别", "category"))
    subject_unit = serializers.SerializerMethodField(
        help_text=_bilingual("被投诉单位", "unit complained about")
    )
    unit = serializers.SerializerMethodField(help_text=_bilingual("承办单位", "handling unit"))
    received_at = serializers.DateTimeField(help_text=_bilingual("登记时间", "received at"))
    accepted_at = serializers.DateTimeField(
        allow_null=True, help_text=_bilingual("受理时间", "accepted at")
    )
    deadline = serializers.DateField(
        allow_null=True, help_text=_bilingual("办理期限", "handling deadline")
    )
    closed_at = serializers.DateTimeField(
        allow_null=True, help_text=_bilingual("办结时间", "closed at")
    )
    public_reply = serializers.SerializerMethodField(
        help_text=_bilingual("答复意见（审核通过后）", "reply to the complainant (once reviewed)")
    )
    verdict = serializers.SerializerMethodField(
        help_text=_bilingual("办理结论（审核通过后）", "verdict (once reviewed)") + f" ({VERDICTS})"
    )
    satisfaction = serializers.CharField(
        help_text=_bilingual("回访满意度", "return-visit satisfaction") + f" ({SATISFACTION})"
    )
    rejection_reason = serializers.SerializerMethodField(
        help_text=_bilingual("不予受理理由", "reason for not accepting")
    )
    merged_into = serializers.SerializerMethodField(
        help_text=_bilingual("并入的案件编号", "case number merged into")
    )

    @extend_schema_field(CodeNameSerializer(allow_null=True))
    def get_category(self, obj: Complaint) -> dict[str, str] | None:
        return _code_name(obj.category)

    @extend_schema_field(CodeNameSerializer(allow_null=True))
    def get_subject_unit(self, obj: Complaint) -> dict[str, str] | None:
        return _code_name(obj.subject_unit)

    @extend_schema_field(CodeNameSerializer(allow_null=True))
    def get_unit(self, obj: Complaint) -> dict[str, str] | None:
        return _code_name(obj.unit)

    def get_public_reply(self, obj: Complaint) -> str:
        return obj.public_reply if obj.status in REVIEWED else ""

    def get_verdict(self, obj: Complaint) -> str:
        return obj.verdict if obj.status in REVIEWED else ""

    def get_rejection_reason(self, obj: Complaint) -> str:
        return obj.rejection_reason if obj.status == Complaint.Status.REJECTED else ""

    def get_merged_into(self, obj: Complaint) -> str:
        return obj.merged_into.number if obj.merged_into_id and obj.merged_into else ""


class ChangeSerializer(serializers.Serializer):
    """一次状态变化 / One change of state."""

    id = serializers.IntegerField(
        help_text=_bilingual("变化编号，只增不减", "change id, increasing")
    )
    complaint = serializers.IntegerField(
        source="complaint_id", help_text=_bilingual("投诉编号", "complaint id")
    )
    number = serializers.CharField(
        source="complaint.number", help_text=_bilingual("案件编号", "case number")
    )
    ticket = serializers.CharField(
        source="complaint.source_ticket", help_text=_bilingual("来源工单号", "source ticket number")
    )
    from_status = serializers.CharField(
        help_text=_bilingual("原状态（新登记时为空）", "previous status (empty when registered)")
    )
    status = serializers.ChoiceField(
        source="to_status",
        choices=Complaint.Status.choices,
        help_text=_bilingual("新状态", "new status") + f" ({STATUSES})",
    )
    at = serializers.DateTimeField(source="created_at", help_text=_bilingual("时间", "time"))
    public_reply = serializers.SerializerMethodField(
        help_text=_bilingual(
            "答复意见（转入回访或办结时，取当前值）",
            "reply to the complainant (on return visit or closure; its current value)",
        )
    )
    verdict = serializers.SerializerMethodField(
        help_text=_bilingual("办理结论（同上）", "verdict (as above)")
    )
    satisfaction = serializers.SerializerMethodField(
        help_text=_bilingual("回访满意度（办结时）", "return-visit satisfaction (on closure)")
    )
    rejection_reason = serializers.SerializerMethodField(
        help_text=_bilingual("不予受理理由", "reason for not accepting")
    )
    merged_into = serializers.SerializerMethodField(
        help_text=_bilingual("并入的案件编号", "case number merged into")
    )

    def get_public_reply(self, obj: ComplaintTransition) -> str:
        return obj.complaint.public_reply if obj.to_status in REVIEWED else ""

    def get_verdict(self, obj: ComplaintTransition) -> str:
        return obj.complaint.verdict if obj.to_status in REVIEWED else ""

    def get_satisfaction(self, obj: ComplaintTransition) -> str:
        return obj.complaint.satisfaction if obj.to_status == Complaint.Status.CLOSED else ""

    def get_rejection_reason(self, obj: ComplaintTransition) -> str:
        return obj.complaint.rejection_reason if obj.to_status == Complaint.Status.REJECTED else ""

    def get_merged_into(self, obj: ComplaintTransition) -> str:
        merged = obj.complaint.merged_into
        return merged.number if obj.to_status == Complaint.Status.MERGED and merged else ""


class ChangesPageSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True)
    next_cursor = serializers.CharField(
        help_text=_bilingual(
            "下次请求带上的游标（无新变化时不变）",
            "the cursor for the next request (unchanged when nothing new)",
        )
    )
    has_more = serializers.BooleanField(
        help_text=_bilingual("是否还有更多变化，可立即再取", "more changes wait: fetch again now")
    )


class CategorySerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_bilingual("类别编码", "category code"))
    name = serializers.CharField(help_text=_bilingual("类别名称", "category name"))


class ConflictSerializer(ErrorSerializer):
    id = serializers.IntegerField(
        help_text=_bilingual("已有投诉编号", "the existing complaint's id")
    )
    number = serializers.CharField(help_text=_bilingual("已有案件编号", "its case number"))
