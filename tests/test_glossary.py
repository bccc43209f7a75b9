"""The catalogue speaks the glossary's words (docs/SPEC.md §9): one term per thing.

A variant a reader would take for a different thing (工作简报 for the 领导简报 leaders
receive, 群众评议 for the 民主评议 the public answers, 跟踪码 for the 查询码 on the receipt)
fails here with the entry that uses it.
"""

from __future__ import annotations

from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parent.parent / "locale/zh_Hans/LC_MESSAGES/django.po"

# banned variant → the glossary's term
BANNED = {
    "工作简报": "领导简报",
    "群众评议": "民主评议",
    "整改台帐": "整改台账",
    "跟踪码": "查询码",
    "追踪码": "查询码",
    "回执码": "查询码",
    "核销": "销号",
    "一票否定": "一票否决",
    "督察": "督办",
}


def test_the_catalogue_uses_the_glossarys_terms():
    catalogue = polib.pofile(str(CATALOGUE))
    wrong = [
        f"{entry.msgid!r} → {entry.msgstr!r}: {variant} (use {term})"
        for entry in catalogue
        if not entry.obsolete
        for variant, term in BANNED.items()
        if variant in entry.msgstr
    ]
    assert not wrong, "\n".join(wrong)


def test_every_entry_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(CATALOGUE))
    untranslated = [e.msgid for e in catalogue.untranslated_entries() if not e.obsolete]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, untranslated[:20]
    assert not fuzzy, fuzzy[:20]
