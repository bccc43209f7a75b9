"""Load test: the public submitting and tracking complaints, unit heads at work, leaders
reading dashboards — against gunicorn + PostgreSQL + Redis with the demo county.

Run through tests/load/run_load.py, which prepares the database and server and checks
the figures; every response other than the expected one counts as an error.
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import random
import re
from html.parser import HTMLParser

from locust import HttpUser, between, events, task

PASSWORD = "Zuofeng2026"  # seed_demo's published demo password
UNIT_HEADS = itertools.cycle(["danwei", "danwei2"])


# Every response time with its start, so that the runner computes exact percentiles with
# and without the logins (password hashing is deliberately slow and happens once per
# session) and, if asked, over the steady state after the last simulated user signed in.
_SAMPLES: list[tuple[str, str, float, bool, float]] = []


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs):  # type: ignore[no-untyped-def]
    started = kwargs.get("start_time") or 0.0
    _SAMPLES.append((request_type, name, response_time, exception is None, started))


@events.quitting.add_listener
def _dump(environment, **kwargs):  # type: ignore[no-untyped-def]
    path = os.environ.get("ZUOFENG_LOAD_SAMPLES")
    if path:
        with open(path, "w") as handle:
            json.dump(_SAMPLES, handle)


class _Forms(HTMLParser):
    """The fields of the forms on a page, with the values a browser would send."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": {}, "selects": {}})
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                fields[a["name"]] = a.get("value") or ""
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.forms[-1]["selects"][a["name"]] = []
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if value:
                self.forms[-1]["selects"][self._select].append(value)
            if "selected" in a:
                fields[self._select] = value
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            fields[a["name"]] = ""

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_on(html: str, contains: str) -> dict[str, str]:
    """The fields of the first form that has a field named `contains`, selects filled in."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if contains in form["fields"] or contains in form["selects"]:
            data = dict(form["fields"])
            for name, options in form["selects"].items():
                if not data.get(name) and options:
                    data[name] = options[0]
            return data
    raise AssertionError(f"no form with a field {contains!r}")


class _Staff(HttpUser):
    abstract = True
    username = ""
    pages: list[str]

    def on_start(self) -> None:
        page = self.client.get("/accounts/login/", name="/accounts/login/")
        data = form_on(page.text, "username")
        data.update(username=self.username, password=PASSWORD)
        with self.client.post(
            "/accounts/login/", data, name="/accounts/login/ [POST]", catch_response=True
        ) as response:
            if "/workspace/" not in response.url:
                response.failure(f"login of {self.username} ended at {response.url}")
        workspace = self.client.get("/workspace/", name="/workspace/")
        links = re.findall(r'class="nav-link[^"]*" href="(/[^"]+)"', workspace.text)
        self.pages = [link for link in dict.fromkeys(links) if "admin" not in link]

    def open(self, path: str) -> str:
        name = re.sub(r"/\d+/", "/<id>/", path)
        return self.client.get(path, name=name).text


class PublicVisitor(HttpUser):
    """Members of the public: submit a complaint, then look it up with its code."""

    weight = 4
    wait_time = between(2, 6)
    codes: list[str]

    def on_start(self) -> None:
        self.codes = []

    @task(3)
    def submit_complaint(self) -> None:
        page = self.client.get("/complaints/submit/", name="/complaints/submit/")
        data = form_on(page.text, "token")
        data.update(
            title="办事窗口推诿扯皮",
            content=f"{datetime.date.today():%Y年%m月%d日}在县政务服务中心办理业务，窗口工作人员推诿扯皮，"
            f"要求补充材料前后说法不一（压力测试 {random.randint(1, 10**9)}）。",
        )
        with self.client.post(
            "/complaints/submit/", data, name="/complaints/submit/ [POST]", catch_response=True
        ) as response:
            if "/complaints/submit/done/" not in response.url:
                response.failure(f"submission not accepted: {response.status_code}")
                return
            match = re.search(r'data-testid="tracking-code"[^>]*>\s*([^<\s]+)', response.text)
            if match:
                self.codes.append(match.group(1))

    @task(2)
    def track_complaint(self) -> None:
        if not self.codes:
            return
        page = self.client.get("/complaints/track/", name="/complaints/track/")
        data = form_on(page.text, "code")
        data["code"] = random.choice(self.codes)
        self.client.post("/complaints/track/", data, name="/complaints/track/ [POST]")

    @task(1)
    def public_pages(self) -> None:
        self.client.get("/campaign/public/circulars/", name="/campaign/public/circulars/")
        self.client.get("/assessments/public/", name="/assessments/public/")


class UnitHead(_Staff):
    """Heads of departments: their lists, their complaints, filing rectification items."""

    weight = 4
    wait_time = between(2, 6)

    def on_start(self) -> None:
        self.username = next(UNIT_HEADS)
        super().on_start()
        campaigns = re.findall(
            r'href="(/campaign/campaigns/\d+/)"', self.open("/campaign/campaigns/")
        )
        self.campaign = campaigns[0] if campaigns else None

    @task(6)
    def browse(self) -> None:
        self.open(random.choice(self.pages))

    @task(3)
    def complaints_and_ledger(self) -> None:
        self.open("/complaints/mine/")
        if self.campaign:
            self.open(self.campaign + "ledger/")

    @task(1)
    def file_rectification_item(self) -> None:
        if not self.campaign:
            return
        url = self.campaign + "items/new/"
        page = self.open(url)
        data = form_on(page, "problem")
        data.update(
            problem=f"窗口服务效率不高，群众反映办事排队时间长（压力测试 {random.randint(1, 10**9)}）",
            measures="增设综合受理窗口，推行预约办理和延时服务",
            target="群众平均等候时间压减至15分钟以内",
            responsible_person="张科长",
            deadline=(datetime.date.today() + datetime.timedelta(days=60)).isoformat(),
        )
        data.pop("add_another", None)
        with self.client.post(
            url, data, name="/campaign/campaigns/<id>/items/new/ [POST]", catch_response=True
        ) as response:
            if "/campaign/items/" not in response.url:
                response.failure(f"item not filed: {response.status_code}")


class Leader(_Staff):
    """County leaders: the assessment dashboard, complaint figures, the overdue board."""

    weight = 2
    wait_time = between(2, 6)

    def on_start(self) -> None:
        self.username = "lingdao"
        super().on_start()
        schemes = re.findall(r'href="(/assessments/schemes/\d+/)"', self.open("/assessments/"))
        self.dashboards = [s + "dashboard/" for s in dict.fromkeys(schemes)]

    @task(4)
    def dashboard(self) -> None:
        if self.dashboards:
            self.open(random.choice(self.dashboards))

    @task(4)
    def browse(self) -> None:
        self.open(random.choice(self.pages))

    @task(2)
    def boards(self) -> None:
        self.open("/campaign/overdue/")
        self.open("/workspace/")
