"""Every page every role reaches reads as Chinese: no English words left in the interface,
no "None" where a value is missing.

The pages are the authorization suite's own: every GET that a case shows some role (or the
public) succeeding on, fetched as that role with the interface in Chinese. What is checked
is the text a reader sees — visible text and the title, placeholder and aria-label
attributes; scripts, styles, URLs, e-mail addresses and the world's own data (usernames,
codes) are not interface. A word outside the allow-list fails with the page and its context.
"""

from __future__ import annotations

import html
import re

import pytest

from tests.authz.cases import SPECS

pytestmark = pytest.mark.django_db

# Words that are Chinese usage too: file formats, standards, abbreviations a civil servant
# reads as they are.
ALLOWED = {
    "excel", "csv", "xlsx", "xls", "ods", "pdf", "jpg", "jpeg", "png", "wps", "utf", "gbk",
    "gb", "id", "ip", "url", "api", "sms", "app", "ok", "totp", "vs", "libreoffice",
    # authenticator apps named on the two-factor page
    "microsoft", "authenticator", "freeotp", "google",
}  # fmt: skip
# Data, not interface: e-mails, links, receipts, unit codes, the world's markers, and cast
# usernames (shown where a person has no full name).
DATA = re.compile(
    r"[\w.+-]+@[\w.-]+|https?://\S+|\b[A-Z0-9]{4}(?:-[A-Z0-9]{4}){3}\b|"
    # codes in capitals and digits (unit codes SLX-SCJ-BGS, a two-factor key) and the
    # authorization world's markers (标记通报-public)
    r"\b[A-Z0-9]{2,}(?:-[A-Z0-9]+)*\b|标记\S*|"
    r"\b(officer|leader|head_a|head_b|in_charge|evaluator|outsider|township_officer|custodian|supervisor)\b"
)
DROP = re.compile(
    r"<(script|style|svg|noscript)\b.*?</\1>|<!--.*?-->",
    re.S | re.I,
)
ATTRS = re.compile(r"\b(?:title|placeholder|aria-label|alt)=\"([^\"]*)\"", re.I)
TAGS = re.compile(r"<[^>]+>")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]{2,}")


def reader_text(page: str) -> str:
    page = DROP.sub(" ", page)
    attributes = " ".join(ATTRS.findall(page))
    text = html.unescape(TAGS.sub(" ", page) + " " + attributes)
    return DATA.sub(" ", text)


def english_words(text: str) -> list[str]:
    return [w for w in WORD.findall(text) if w.lower() not in ALLOWED]


def _pages() -> list[tuple[str, object]]:
    seen, pages = set(), []
    for spec in SPECS.values():
        for case in spec.cases:
            if case.kind != "allowed" or case.method != "GET" or case.data:
                continue
            key = (case.user, case.path)
            if key not in seen:
                seen.add(key)
                pages.append((case.user, case.path))
    return pages


PAGES = _pages()


def test_the_detector_finds_english_and_none():
    assert english_words(reader_text("<p>密钥: 73VYDLUGA67BGTOKHZLTVMMXYJEKHKD4</p>")) == []
    page = '<p title="Save">保存</p><script>var x = "Hello";</script><td>None</td>'
    assert sorted(english_words(reader_text(page))) == ["None", "Save"]
    assert english_words(reader_text("<p>导出 Excel，officer@example.gov.cn</p>")) == []


@pytest.mark.parametrize("role,path", PAGES, ids=[f"{r}:{p.name}" for r, p in PAGES])
def test_every_page_reads_as_chinese(world, client_as, role, path):
    response = client_as(role).get(path.build(world), HTTP_ACCEPT_LANGUAGE="zh-hans")
    kind = response.get("Content-Type", "")
    if response.status_code != 200 or "text/html" not in kind:
        pytest.skip(f"{response.status_code} {kind}: not an HTML page")
    text = reader_text(response.content.decode())
    found = english_words(text)
    context = []
    for word in dict.fromkeys(found):
        at = text.find(word)
        context.append(" ".join(text[max(0, at - 30) : at + len(word) + 30].split()))
    assert not found, f"{role} {path.build(world)}: English left in the page: {context}"
