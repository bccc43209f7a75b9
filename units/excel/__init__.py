"""The shared Excel framework every app's import and export builds on.

- `units.excel.cells`: cell text, formula escaping, upload limits, the calamine reader;
- `units.excel.widgets`: one cell <-> one value, with Chinese errors (and the
  organisation's lookups: units by code, cadres by name and phone);
- `units.excel.resource`: `ZuofengResource`, all-or-nothing imports through services.

An app's own resources (units.resources, campaign.resources, ...) subclass these.
"""

from units.excel.cells import (
    FORMULA_TRIGGERS,
    XLSX_MAX_ROWS,
    XLSX_MAX_UNPACKED,
    cell_code,
    cell_text,
    check_xlsx_upload,
    neutralise_formula,
)
from units.excel.reader import CalamineODS, CalamineXLS, CalamineXLSX
from units.excel.resource import ZuofengResource, adopt_saved_state, sees_all_units
from units.excel.widgets import (
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

__all__ = [
    "FORMULA_TRIGGERS",
    "XLSX_MAX_ROWS",
    "XLSX_MAX_UNPACKED",
    "CalamineODS",
    "CalamineXLS",
    "CalamineXLSX",
    "ChoiceWidget",
    "CodeWidget",
    "CountWidget",
    "DateWidget",
    "EmailWidget",
    "GroupWidget",
    "PersonWidget",
    "ScopedWidget",
    "TextWidget",
    "UnitCodeWidget",
    "UserWidget",
    "ZuofengResource",
    "adopt_saved_state",
    "cell_code",
    "cell_text",
    "check_xlsx_upload",
    "neutralise_formula",
    "sees_all_units",
    "visible_people",
    "visible_units",
]
