"""Admin pages that write through services, and Excel import and export in the admin.

`ServiceWriteMixin`: an admin form runs the service once inside a savepoint that is always
rolled back, so a refusal (a second 第一责任人, a parent under itself …) comes back as a
form error on the page the user filled in; save_model then runs it for real.
`ScopedHistoryMixin`: history pages only for objects the user may see, never a revert.
`ImportExportBase`: Excel and CSV only, resources scoped to the user, a refused file 400.
"""

from __future__ import annotations

import zipfile
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV
from import_export.forms import ExportForm
from import_export.forms import ImportForm as BaseImportForm

from units.admin_export import ReadableExportMixin, ReadableXLSX
from units.excel.cells import check_xlsx_upload
from units.excel.reader import CalamineODS, CalamineXLS, CalamineXLSX
from units.excel.resource import adopt_saved_state
from units.transitions import InvalidTransition


class _TrialRollback(Exception):
    """Undoes the trial run of a service made while validating a form."""


class _ServiceRefused(Exception):
    def __init__(self, error: ValidationError) -> None:
        super().__init__(error)
        self.error = error


def _add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ServiceWriteMixin:
    """Admin saves go through `write`, which calls services; refusals are form errors."""

    def write(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool
    ) -> models.Model:
        """Call the service(s) for this save and return what they saved. Must not mutate obj."""
        raise NotImplementedError

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form_class = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]
        model_admin = self

        def _post_clean(form: forms.ModelForm) -> None:
            form_class._post_clean(form)
            if form.errors:
                return
            try:
                with transaction.atomic():
                    model_admin.write(request, form.instance, form, not form.instance._state.adding)
                    raise _TrialRollback
            except _TrialRollback:
                pass
            except ValidationError as error:
                _add_service_error(form, error)
            except InvalidTransition as error:
                form.add_error(None, str(error))

        return type(form_class.__name__, (form_class,), {"_post_clean": _post_clean})

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        try:
            saved = self.write(request, obj, form, change)
        except (ValidationError, InvalidTransition) as error:
            # Validated a moment ago, refused now: someone else changed the data meanwhile.
            raise _ServiceRefused(
                error if isinstance(error, ValidationError) else ValidationError(str(error))
            ) from error
        adopt_saved_state(saved, obj)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        except _ServiceRefused as refused:
            # The admin's transaction has been rolled back by the exception.
            for message in refused.error.messages:
                self.message_user(request, message, level=messages.ERROR)  # type: ignore[attr-defined]
            return HttpResponseRedirect(request.get_full_path())


class ScopedHistoryMixin:
    """History pages only for objects the user can see, and read-only.

    simple_history's history pages look objects up without the admin's queryset, and its
    "revert" saves an old version past the services: both are closed here.
    """

    def _visible_or_404(self, request: HttpRequest, object_id: str) -> None:
        if self.get_object(request, unquote(object_id)) is None:  # type: ignore[attr-defined]
            raise Http404(_("Record not found."))

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None):
        self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)  # type: ignore[misc]

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ):
        if request.method == "POST":
            raise PermissionDenied
        self._visible_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[misc]

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


class ExcelCSV(CSV):
    """CSV as Excel saves it in China: UTF-8 (with or without BOM) or GB18030."""

    def is_binary(self) -> bool:
        return True  # read the upload as bytes: the encoding is only known by trying

    def get_read_mode(self) -> str:
        return "rb"

    def create_dataset(self, in_stream: Any, **kwargs: Any) -> Any:
        from units.excel.reader import raw_dataset

        if isinstance(in_stream, str):
            in_stream = in_stream.encode("utf-8")
        return raw_dataset(bytes(in_stream))


class GuardedImportForm(BaseImportForm):
    """import-export's upload form, refusing a workbook that would inflate hugely."""

    def clean_import_file(self) -> Any:
        upload = self.cleaned_data["import_file"]
        if upload.name.lower().endswith(".xlsx"):
            # import-export's own message for this is English ("BadZipFile encountered").
            if not zipfile.is_zipfile(upload):
                raise forms.ValidationError(_("The file is not an Excel workbook (.xlsx)."))
            check_xlsx_upload(upload)
        return upload


class ImportExportBase(ReadableExportMixin, ImportExportModelAdmin):
    """Excel and CSV only; resources see what the user sees; a failed confirm says so."""

    # One reader for every format (units.excel.reader): the content decides how it is read.
    import_formats = [CalamineXLSX, CalamineXLS, CalamineODS, ExcelCSV]
    export_formats = [ReadableXLSX, CSV]
    to_encoding = "utf-8-sig"  # Excel reads a CSV as UTF-8 only when it starts with a BOM
    # All columns, always: the selectable-fields form labels them in English.
    export_form_class = ExportForm

    def get_import_resource_kwargs(self, request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_export_resource_kwargs(self, request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_export_resource_kwargs(request, **kwargs), "user": request.user}

    import_form_class = GuardedImportForm

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        response = super().import_action(request, **kwargs)
        # A refused file is a client error (400), as in the other importers of the app.
        context = getattr(response, "context_data", None) or {}
        result, form = context.get("result"), context.get("form")
        if request.method == "POST" and result is not None and not sum(result.totals.values()):
            # Nothing readable in the sheet (merged or missing header cells, blank rows):
            # say so rather than offer to confirm an import of nothing.
            context.pop("confirm_form", None)
            if form is not None:
                form.add_error("import_file", _("The file has no data rows."))
        if request.method == "POST" and (
            (form is not None and form.errors)
            or (result is not None and (result.has_errors() or result.has_validation_errors()))
        ):
            response.status_code = 400
        return response

    def process_result(self, result: Any, request: HttpRequest) -> HttpResponse:
        # import-export reports success after the confirm step whatever happened; the data
        # may have changed since the preview, and then nothing was saved.
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                _(
                    "The import did not complete and nothing was saved: the data changed after the preview. Please upload the file again."
                ),
                level=messages.ERROR,
            )
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))
        return super().process_result(result, request)
