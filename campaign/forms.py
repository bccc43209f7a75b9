"""Input validation only: every write goes through campaign.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaign.models import (
    ITEM_COLUMNS,
    AccountabilityAction,
    Campaign,
    Circular,
    CircularMention,
    Finding,
    Inspection,
    ProblemCategory,
    RectificationItem,
)
from units.cadres import cadres_of_units, one_year_from
from units.excel.forms import FILE_LABEL, SpreadsheetInput, clean_spreadsheet
from units.models import CadreFlag, Person, Unit
from units.widgets import PersonSelect, PersonSelectMultiple, UnitSelect, UnitSelectMultiple

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_UPLOAD = 20 * 1024 * 1024
ALLOWED_EXTENSIONS = (
    "pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "jpg", "jpeg", "png", "txt", "zip", "ofd",
)  # fmt: skip


def clean_upload(upload: Any) -> Any:
    if not upload:
        return None
    name = (upload.name or "").lower()
    if "." not in name or name.rsplit(".", 1)[1] not in ALLOWED_EXTENSIONS:
        raise forms.ValidationError(
            _("This file type is not accepted; upload PDF, Office, WPS, image, text or ZIP files.")
        )
    if upload.size > MAX_UPLOAD:
        raise forms.ValidationError(_("The file is too large (at most 20 MB)."))
    if not _content_matches(upload, name.rsplit(".", 1)[1]):
        raise forms.ValidationError(
            _("The content of “%(name)s” does not match its extension; it was not accepted.")
            % {"name": upload.name}
        )
    return upload


# What the first bytes must be for each extension (an .exe or a web page renamed .jpg or
# .pdf is refused). OLE2 is the legacy Office/WPS container; OOXML, OFD and ZIP are zips.
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAGIC = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "zip": (b"PK\x03\x04", b"PK\x05\x06"),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "ofd": (b"PK\x03\x04",),
    "doc": (_OLE2,),
    "xls": (_OLE2,),
    "wps": (_OLE2, b"PK\x03\x04"),
    "et": (_OLE2, b"PK\x03\x04"),
}


def _content_matches(upload: Any, extension: str) -> bool:
    position = upload.tell()
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(position)
    if extension == "txt":
        # Plain text: no NUL bytes and no program or web page behind the name.
        return b"\x00" not in head and not head.lstrip().lower().startswith(
            (b"<!doctype", b"<html", b"mz")
        )
    return head.startswith(_MAGIC.get(extension, (b"",)))


class UploadField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> Any:
        return clean_upload(super().clean(data, initial))


def category_choices() -> list[tuple[str, str]]:
    rows = ProblemCategory.objects.filter(is_active=True).select_related("parent").order_by("code")
    choices: list[tuple[str, str]] = [("", "---------")]
    for category in rows:
        prefix = "　" if category.parent_id else ""
        choices.append((str(category.pk), f"{prefix}{category.display_name}"))
    return choices


class CategoryField(forms.ModelChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=ProblemCategory.objects.filter(is_active=True),
            required=False,
            label=_("Problem category"),
            **kwargs,
        )

    def label_from_instance(self, obj: ProblemCategory) -> str:
        return ("　" if obj.parent_id else "") + obj.display_name


class CadreField(forms.ModelChoiceField):
    """The cadre an item is tied to (个人层面): one of the unit's cadres."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=Person.objects.none(),
            required=False,
            label=_("Responsible cadre"),
            help_text=_(
                "For an individual-level item: the cadre whose work-style record shows it."
            ),
            widget=PersonSelect,
            **kwargs,
        )


class ItemForm(forms.ModelForm):
    category = CategoryField()
    cadre = CadreField()

    class Meta:
        model = RectificationItem
        # The one declaration of what a unit fills in, and the cadre (chosen, not typed).
        fields = [*ITEM_COLUMNS, "cadre"]
        widgets = {
            "deadline": DATE,
            "problem": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 3}),
            "target": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.unit_id:
            units = Unit.objects.filter(pk=self.instance.unit_id)
            # The cadre already named stays a choice, even once they have left the unit.
            named = Person.objects.filter(pk=self.instance.cadre_id)
            choices = cadres_of_units(units=units) | named
            self.fields["cadre"].queryset = choices  # type: ignore[attr-defined]


class NewItemForm(ItemForm):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Unit"), widget=UnitSelect)

    class Meta(ItemForm.Meta):
        fields = ["unit", *ItemForm.Meta.fields]

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["cadre"].queryset = cadres_of_units(units=units)  # type: ignore[attr-defined]
        # The unit the user answers for comes first (sub-units follow it by path).
        self.fields["unit"].initial = units.first()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Stated reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class VerifyForm(forms.Form):
    verification_note = forms.CharField(
        label=_("Verification record"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}))
    attachment = UploadField(label=_("Attachment"), required=False)


class ClosureForm(forms.Form):
    evidence = forms.CharField(
        label=_("Evidence of rectification"), widget=forms.Textarea(attrs={"rows": 3})
    )
    attachment = UploadField(label=_("Attachment"), required=False)


class ExtensionForm(forms.Form):
    requested_deadline = forms.DateField(label=_("Requested deadline"), widget=DATE)
    reason = forms.CharField(label=_("Stated reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))], label=_("Decision")
    )
    note = forms.CharField(label=_("Note"), required=False)


class LedgerFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            # campaign.selectors.ledger: "filed" = all but drafts; "open" = filed, not closed.
            ("filed", _("Filed (all but drafts)")),
            ("open", _("Not yet closed")),
            *list(RectificationItem.Status.choices),
        ],
    )
    list_kind = forms.ChoiceField(
        label=_("List"),
        required=False,
        choices=[("", _("All")), *list(RectificationItem.ListKind.choices)],
    )
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[
            ("", _("All")),
            ("collective", _("Unit and leadership team")),
            *list(RectificationItem.Level.choices),
        ],
    )
    source = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=[("", _("All")), *list(RectificationItem.Source.choices)],
    )
    light = forms.ChoiceField(
        label=_("Traffic light"),
        required=False,
        choices=[
            ("", _("All")),
            ("red", _("Red light")),
            ("yellow", _("Yellow light")),
            ("green", _("On schedule")),
        ],
    )
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        label=_("Unit"),
        required=False,
        empty_label=_("All units"),
        widget=UnitSelect,
    )
    category = CategoryField(empty_label=_("All"))  # a category with its sub-categories
    deadline_from = forms.DateField(label=_("Deadline from"), required=False, widget=DATE)
    deadline_to = forms.DateField(label=_("Deadline until"), required=False, widget=DATE)
    q = forms.CharField(label=_("Search"), required=False, max_length=64)
    # The dates an item was filed or closed on (what a leadership digest's lines count).
    filed_from = forms.DateField(label=_("Filed from"), required=False, widget=DATE)
    filed_to = forms.DateField(label=_("Filed until"), required=False, widget=DATE)
    closed_from = forms.DateField(
        label=pgettext_lazy("rectification item", "Closed from"), required=False, widget=DATE
    )
    closed_to = forms.DateField(
        label=pgettext_lazy("rectification item", "Closed until"), required=False, widget=DATE
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "year", "scope", "template", "start_date", "end_date", "description"]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "scope": UnitSelect,
        }

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].queryset = units  # type: ignore[attr-defined]


class SubmissionForm(forms.Form):
    text = forms.CharField(
        label=_("Content"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachment = UploadField(label=_("Attachment"), required=False)
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Unit"), widget=UnitSelect)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("text") or "").strip() and not data.get("attachment"):
            raise forms.ValidationError(_("Write the content or attach a file."))
        return data


class InspectionForm(forms.ModelForm):
    class Meta:
        model = Inspection
        fields = ["campaign", "kind", "date", "team", "summary"]
        widgets = {"date": DATE, "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]


class FindingForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Unit"), widget=UnitSelect)
    category = CategoryField()
    severity = forms.ChoiceField(label=_("Severity"), choices=Finding.Severity.choices)
    description = forms.CharField(
        label=_("Problem found"), widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateField(label=_("Rectification deadline"), widget=DATE)
    evidence = UploadField(label=_("Evidence"), required=False)
    cadre = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label=_("Responsible cadre"),
        widget=PersonSelect,
        help_text=_(
            "A cadre of the unit answerable for the problem: the item is tied to them and "
            "shows on their work-style record."
        ),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        cadre = self.fields["cadre"]
        cadre.queryset = cadres_of_units(units=units)  # type: ignore[attr-defined]


class WarningTalkForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Unit"), widget=UnitSelect)
    reason = forms.CharField(label=_("Stated reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class CircularForm(forms.Form):
    kind = forms.ChoiceField(label=_("Circular type"), choices=Circular.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Body"), widget=forms.Textarea(attrs={"rows": 12}))
    commended = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(),
        label=_("Units commended"),
        required=False,
        widget=UnitSelectMultiple,
    )
    criticised = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(),
        label=_("Units criticised"),
        required=False,
        widget=UnitSelectMultiple,
    )

    # Persons named (点名): the circular shows on each one's 作风档案 once published.
    commended_cadres = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        label=_("Cadres commended"),
        required=False,
        widget=PersonSelectMultiple,
    )
    criticised_cadres = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        label=_("Cadres criticised"),
        required=False,
        widget=PersonSelectMultiple,
    )

    def __init__(self, *args: Any, units: Any, cadres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commended"].queryset = units  # type: ignore[attr-defined]
        self.fields["criticised"].queryset = units  # type: ignore[attr-defined]
        for name in ("commended_cadres", "criticised_cadres"):
            self.fields[name].queryset = cadres  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        both = set(data.get("commended") or []) & set(data.get("criticised") or [])
        if both:
            raise forms.ValidationError(
                _("A unit cannot be both commended and criticised in one circular.")
            )
        both = set(data.get("commended_cadres") or []) & set(data.get("criticised_cadres") or [])
        if both:
            self.add_error(
                "criticised_cadres",
                _("A cadre cannot be both commended and criticised in one circular."),
            )
        return data

    def mentions(self) -> list[tuple[Unit, str]]:
        data = self.cleaned_data
        return [(u, CircularMention.Tone.POSITIVE) for u in data["commended"]] + [
            (u, CircularMention.Tone.NEGATIVE) for u in data["criticised"]
        ]

    def cadre_mentions(self) -> list[tuple[Person, str]]:
        data = self.cleaned_data
        return [(p, CircularMention.Tone.POSITIVE) for p in data["commended_cadres"]] + [
            (p, CircularMention.Tone.NEGATIVE) for p in data["criticised_cadres"]
        ]


class PublishForm(forms.Form):
    is_public = forms.BooleanField(label=_("Also publish on the public page"), required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=FILE_LABEL, widget=SpreadsheetInput())

    def clean_file(self) -> Any:
        # .xlsx, .xls, .ods or CSV: the one reader (units.excel.reader) takes them all.
        return clean_spreadsheet(self.cleaned_data["file"], max_bytes=MAX_UPLOAD)


class DueDateForm(forms.Form):
    due_date = forms.DateField(label=_("Due date"), widget=DATE)


class AccountabilityForm(forms.Form):
    """问责 from a finding: against its unit, or a named cadre of that unit."""

    finding = forms.ModelChoiceField(queryset=Finding.objects.none(), label=_("Finding"))
    kind = forms.ChoiceField(
        label=_("Accountability type"), choices=AccountabilityAction.Kind.choices
    )
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        label=_("Person held accountable"),
        required=False,
        widget=PersonSelect,
        help_text=_("Leave empty to hold the unit accountable."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    document_number = forms.CharField(label=_("Document number"), max_length=64, required=False)
    date = forms.DateField(label=_("Date of decision"), widget=DATE, required=False)

    def __init__(self, *args: Any, findings: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["finding"].queryset = findings  # type: ignore[attr-defined]
        self.fields["person"].queryset = people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        finding, person = data.get("finding"), data.get("person")
        if finding is not None and person is not None:
            unit = Unit.objects.filter(pk=finding.unit_id)
            if not cadres_of_units(units=unit).filter(pk=person.pk).exists():
                self.add_error("person", _("Choose a cadre of the unit the finding concerns."))
        return data


class CampaignCloseForm(forms.Form):
    """Closing a campaign: its open items stay on its ledger, or move to one under way."""

    KEEP, CARRY = "keep", "carry"
    open_items = forms.ChoiceField(
        label=_("Open items"),
        widget=forms.RadioSelect,
        initial=KEEP,
        choices=[
            (KEEP, _("Keep them on this campaign's ledger, to be worked off and closed here")),
            (CARRY, _("Carry them into another campaign under way")),
        ],
    )
    carry_into = forms.ModelChoiceField(
        queryset=Campaign.objects.none(), label=_("Campaign to carry them into"), required=False
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["carry_into"].queryset = campaigns  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("open_items") == self.CARRY and not data.get("carry_into"):
            self.add_error("carry_into", _("Choose the campaign to carry the open items into."))
        if data.get("open_items") != self.CARRY:
            data["carry_into"] = None
        return data


class ReminderForm(forms.Form):
    """督办 / 催办 / 催报: what to tell the unit (optional; a standard line otherwise)."""

    text = forms.CharField(
        label=_("Message to the unit"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BoardActionForm(ReminderForm):
    """督办 or 催办 on one row of the overdue board."""

    ACTIONS = ("supervise", "urge")

    kind = forms.CharField(max_length=32)
    row_id = forms.IntegerField(min_value=1)
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    back = forms.CharField(required=False, max_length=1000)


class CadreSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or unit"), required=False, max_length=64)


class CadreFlagForm(forms.Form):
    """An officer's flag on a cadre or one of their units (seed 004 五(二))."""

    kind = forms.ChoiceField(label=_("Flag"), choices=CadreFlag.Kind.choices)
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Unit"),
        help_text=_("Required for a unit flag; for a cadre's flag, the unit it concerns."),
    )
    reason = forms.CharField(
        label=_("Reason for the flag"), widget=forms.Textarea(attrs={"rows": 2})
    )
    document = forms.CharField(label=_("Scheme or document"), required=False, max_length=200)
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(
        label=_("End date"), widget=DATE, help_text=_("The last day the flag applies.")
    )

    def __init__(self, *args: Any, units: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            pk__in=[unit.pk for unit in units]
        ).order_by("path")
        if len(units) == 1:
            self.fields["unit"].initial = units[0].pk
        today = timezone.localdate()
        self.fields["start_date"].initial = today
        self.fields["end_date"].initial = one_year_from(today)


class DutyReportForm(forms.Form):
    """A leadership member's own 述职: which report (of those still owed), and the content."""

    due = forms.ChoiceField(label=_("Report"))
    text = forms.CharField(
        label=_("Content"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    attachment = UploadField(label=_("Attachment"), required=False)

    def __init__(self, *args: Any, owed: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._owed = {f"{d.deliverable.pk}-{d.unit.pk}": d for d in owed if d.report is None}
        self.fields["due"].choices = [  # type: ignore[attr-defined]
            (key, f"{d.year} · {d.unit.name} · {d.get_role_display()}（{d.deliverable.title}）")
            for key, d in self._owed.items()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        owed = self._owed.get(data.get("due") or "")
        if owed is not None:
            data["deliverable"], data["unit"] = owed.deliverable, owed.unit
        if not (data.get("text") or "").strip() and not data.get("attachment"):
            self.add_error("text", _("Write the content or attach a file."))
        return data
