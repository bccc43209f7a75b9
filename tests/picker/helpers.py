"""Browser helper: choose a unit or a cadre in a picker (units/widgets.py, static/js/unit_picker.js)."""

from __future__ import annotations


def pick_unit(page, select, typed: str, option: str) -> None:
    """Type `typed` into the picker behind the <select> locator `select`, click `option`."""
    select_id = select.get_attribute("id")
    box = page.locator(f"#{select_id}-ts-control")
    box.fill(typed)
    page.locator(f"#{select_id}-ts-dropdown .option", has_text=option).first.click()
    if select.get_attribute("multiple") is not None:
        box.press("Escape")  # a multiple picker stays open for the next unit
    page.locator(f"#{select_id}-ts-dropdown").wait_for(state="hidden")
    # Leave the box, as a user moving on does.
    box.blur()
