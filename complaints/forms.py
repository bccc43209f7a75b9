"""Input validation for complaint pages (no saving here: views call services)."""

from __future__ import annotations

import re
import time
from typing import Any

import filetype
from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from campaign.models import AccountabilityAction, Campaign
from complaints import conf
from complaints.identity import Identity
from complaints.models import Complaint, ComplaintCategory, ServiceCommitment
from complaints.selectors_service import published_commitments_of
from complaints.services import Upload
from units.choice_fields import KeyChoiceField
from units.excel.forms import FILE_LABEL, SpreadsheetInput, clean_spreadsheet
from units.models import Unit
from units.widgets import UnitSelect

# Types a complainant may send, by the MIME type sniffed from the bytes.
ALLOWED_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
    "audio/mpeg": "mp3",
    "audio/x-wav": "wav",
    "audio/mp4": "m4a",
    "audio/m4a": "m4a",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
}
PHONE_RE = re.compile(r"^[0-9+\-() ]{7,20}$")
ID_RE = re.compile(r"^[0-9]{17}[0-9Xx]$")
_TOKEN_SALT = "complaints.form-token"  # noqa: S105 (a salt, not a secret)


def form_token(issued_at: float | None = None) -> str:
    """A signed timestamp: too fresh means a bot, too old means a stale page."""
    return signing.dumps(
        {"t": issued_at if issued_at is not None else time.time()}, salt=_TOKEN_SALT
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Upload]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > conf.max_attachments():
            raise forms.ValidationError(
                _("At most %(max)d attachments, you chose %(count)d.")
                % {"max": conf.max_attachments(), "count": len(files)}
            )
        uploads = []
        limit = conf.max_attachment_bytes()
        for f in files:
            if f.size > limit:
                raise forms.ValidationError(
                    _("“%(name)s” is larger than %(mb)d MB.")
                    % {"name": f.name, "mb": limit // (1024 * 1024)}
                )
            if f.size == 0:
                raise forms.ValidationError(_("“%(name)s” is empty.") % {"name": f.name})
            head = f.read(8192)
            f.seek(0)
            kind = filetype.guess(head)
            if kind is None or kind.mime not in ALLOWED_TYPES:
                raise forms.ValidationError(
                    _(
                        "“%(name)s” is not an accepted file type. Send pictures (JPG, PNG, GIF, "
                        "WebP), PDF documents, audio (MP3, WAV, M4A) or video (MP4, MOV)."
                    )
                    % {"name": f.name}
                )
            uploads.append(
                Upload(file=f, content_type=kind.mime, extension=ALLOWED_TYPES[kind.mime])
            )
        return uploads


# Control characters break the Excel export and the screen; bidi overrides and zero-width
# characters disguise text ("正常文字\u202etxt.exe" reads as something else).
_HIDDEN_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)


class _ComplaintFields(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, value in list(data.items()):
            if isinstance(value, str) and _HIDDEN_CHARS.search(value):
                self.add_error(
                    name,
                    _(
                        "Remove the control or invisible characters (they often come with "
                        "copied text)."
                    ),
                )
        return data

    title = forms.CharField(label=_("Subject"), max_length=120)
    content = forms.CharField(
        label=_("Complaint details"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    category = KeyChoiceField(
        label=_("Category"),
        queryset=ComplaintCategory.objects.filter(is_active=True),
        required=False,
        empty_label=_("Unknown / not sure"),
    )
    subject_unit = KeyChoiceField(
        label=_("Unit complained about"),
        queryset=Unit.objects.active(),
        required=False,
        empty_label=_("Unknown / not sure"),
        widget=UnitSelect(public=True),  # any active unit: its lookup answers the public
    )
    subject_person = forms.CharField(
        label=_("Person complained about"), max_length=64, required=False
    )
    # 违诺: only the chosen unit's published commitments (complaints.selectors_service).
    commitment = forms.ModelChoiceField(
        label=_("Service commitment said to be broken"),
        queryset=ServiceCommitment.objects.none(),
        required=False,
        empty_label=_("None / not sure"),
        help_text=_(
            "To name a broken commitment, open it on the service commitments page and choose "
            "“Complain about this commitment”."
        ),
        error_messages={
            "invalid_choice": _(
                "Choose one of the published service commitments of the unit complained about."
            )
        },
    )
    name = forms.CharField(label=_("Your name"), max_length=64, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    id_number = forms.CharField(label=_("ID card number"), max_length=18, required=False)
    contact = forms.CharField(label=_("Other contact"), max_length=120, required=False)
    attachments = AttachmentsField(label=_("Attachments"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = self["subject_unit"].value() if self.is_bound else self.initial.get("subject_unit")
        try:
            unit_id = int(getattr(unit, "pk", unit) or 0)
        except (TypeError, ValueError):
            unit_id = 0
        self.fields["commitment"].queryset = published_commitments_of(unit_id=unit_id)

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(_("Enter a valid phone number (digits only)."))
        return phone

    def clean_id_number(self) -> str:
        number = self.cleaned_data["id_number"].strip()
        if number and not ID_RE.match(number):
            raise forms.ValidationError(
                _("An ID card number has 18 characters: 17 digits and a digit or X.")
            )
        return number.upper()

    def identity(self, ip: str = "") -> Identity:
        data = self.cleaned_data
        return Identity(
            name=data["name"].strip(),
            phone=data["phone"],
            id_number=data["id_number"],
            contact=data["contact"].strip(),
            ip=ip,
        )


class PublicComplaintForm(_ComplaintFields):
    # Honeypot: hidden from people by CSS, filled in by bots.
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    token = forms.CharField(widget=forms.HiddenInput)

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("The form could not be accepted. Please try again."))
        return ""

    def clean_token(self) -> str:
        try:
            issued = float(signing.loads(self.cleaned_data["token"], salt=_TOKEN_SALT)["t"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise forms.ValidationError(
                _("The form has expired. Please reload the page and try again.")
            ) from None
        age = time.time() - issued
        if age < conf.form_min_seconds():
            raise forms.ValidationError(
                _("The form was sent too quickly. Please check your entries and send it again.")
            )
        if age > conf.form_max_age_seconds():
            raise forms.ValidationError(
                _("The form has expired. Please reload the page and try again.")
            )
        return self.cleaned_data["token"]


class IntakeForm(_ComplaintFields):
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[c for c in Complaint.Channel.choices if c[0] != Complaint.Channel.WEB],
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    field_order = ["channel", "received_at", "urgent"]


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=40)


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("How satisfied are you with the handling?"),
        choices=Complaint.Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PublicRateForm(RateForm):
    code = forms.CharField(widget=forms.HiddenInput, max_length=40)


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RequiredCommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Reason given"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for not accepting (shown to the complainant)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AssignForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Handling unit"), queryset=Unit.objects.none(), widget=UnitSelect
    )
    deadline = forms.DateField(
        label=_("Handling deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to use the category's time limit in working days."),
    )
    instructions = forms.CharField(
        label=_("Assignment instructions"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class AnswerForm(forms.Form):
    facts = forms.CharField(
        label=_("Facts found"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    verdict = forms.ChoiceField(
        label=_("Verdict"), choices=Complaint.Verdict.choices, widget=forms.RadioSelect
    )
    measures = forms.CharField(
        label=_("Measures taken"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    public_reply = forms.CharField(
        label=_("Reply to the complainant (shown on the public status page)"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Review result"),
        choices=[
            ("approve", _("Accept the answer")),
            ("send_back", _("Send back for re-handling")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Review opinion"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "send_back" and not data.get("note", "").strip():
            self.add_error("note", _("Say what the unit must redo."))
        return data


class ExtensionForm(forms.Form):
    new_deadline = forms.DateField(
        label=_("Requested deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Reason for extension"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtensionDecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    note = forms.CharField(label=_("Comment"), required=False, max_length=1000)


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Case number of the surviving complaint"), max_length=20)


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Why do you need to see who complained?"), max_length=255)


class IdentityRequestForm(forms.Form):
    """申请查看投诉人身份: the reason the custodian weighs (required)."""

    reason = forms.CharField(
        label=_("Why do you need to see who complained?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("State why you need to see the complainant's identity.")},
    )


class IdentityDecisionForm(forms.Form):
    """The custodian's comment: optional on approval, required on refusal (the service says)."""

    comment = forms.CharField(
        label=_("Decision comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FollowUpForm(forms.Form):
    """整改 and/or 问责 on a substantiated complaint, in one submission."""

    raise_item = forms.BooleanField(
        label=_("Raise a rectification item for the unit complained about"), required=False
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), required=False
    )
    problem = forms.CharField(
        label=_("Problem to rectify"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The unit sees this text; never name the complainant."),
    )
    working_days = forms.IntegerField(
        label=_("Rectification deadline (working days from today)"),
        required=False,
        min_value=1,
        max_value=250,
        initial=20,
    )
    kind = forms.ChoiceField(
        label=_("Accountability type"),
        required=False,
        choices=[("", _("No accountability action")), *AccountabilityAction.Kind.choices],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    document_number = forms.CharField(label=_("Document number"), max_length=64, required=False)
    date = forms.DateField(
        label=_("Date of decision"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, campaigns: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if campaigns is None:
            return
        options = list(campaigns)
        if not options:
            # Nothing under way covers the unit: only 问责 can be recorded.
            for name in ("raise_item", "campaign", "problem", "working_days"):
                del self.fields[name]
            return
        self.fields["campaign"].queryset = campaigns
        if len(options) == 1:
            self.fields["campaign"].initial = options[0].pk

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("raise_item") and not data.get("kind"):
            raise forms.ValidationError(
                _("Choose a rectification item, an accountability action, or both.")
            )
        if data.get("raise_item"):
            for name in ("campaign", "problem", "working_days"):
                if data.get(name) in (None, ""):
                    self.add_error(name, _("This field is required."))
        if data.get("kind") and not data.get("reason", "").strip():
            self.add_error("reason", _("The reason is required."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=FILE_LABEL, widget=SpreadsheetInput())

    def clean_file(self) -> Any:
        # .xlsx, .xls, .ods or CSV (GB18030 too): the one reader takes them all.
        return clean_spreadsheet(self.cleaned_data["file"], max_bytes=20 * 1024 * 1024)
