"""An integration client of Zuofeng's API, as the 12345 hotline would write it (docs/API.md).

It pushes a ticket, pushes it again (the same complaint comes back), then polls the changes
feed while an officer works the case in the web interface, and prints the final public reply.

    python manage.py api_key_issue "12345 热线"          # prints a key, once
    ZUOFENG_API_KEY=zf_… python docs/api_client_example.py [--base http://127.0.0.1:8000]

Needs only `requests`. Keep the cursor between runs (here: a file) so a restart neither
misses nor repeats a change. A client that takes webhooks instead checks each one with
`verify_webhook` below.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import hmac
import os
import sys
import time
from pathlib import Path

import requests

FINAL = {"closed", "rejected", "merged"}


def verify_webhook(secret: str, headers: dict[str, str], body: bytes, tolerance: int = 300) -> bool:
    """Whether a webhook POST came from Zuofeng: the HMAC-SHA256 of "timestamp.body" under the
    signing secret, compared in constant time, and a timestamp no older than `tolerance`
    seconds (a replayed request is refused). Check the raw body, before parsing it; then
    dedupe on headers["X-Zuofeng-Event-Id"] (an event may arrive more than once)."""
    timestamp = headers.get("X-Zuofeng-Timestamp", "")
    signature = headers.get("X-Zuofeng-Signature", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance:
        return False
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest(f"sha256={mac.hexdigest()}", signature)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000", help="Zuofeng's address")
    parser.add_argument("--ticket", default=f"12345-{datetime.date.today():%Y%m%d}-0001")
    parser.add_argument("--unit", default="SLX-SCJ", help="code of the unit complained about")
    parser.add_argument("--cursor-file", default="var/api_example_cursor.txt")
    parser.add_argument("--every", type=float, default=5.0, help="seconds between polls")
    args = parser.parse_args()
    key = os.environ.get("ZUOFENG_API_KEY", "")
    if not key:
        print('Set ZUOFENG_API_KEY (python manage.py api_key_issue "12345 热线").')
        return 2

    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {key}"
    base = args.base.rstrip("/") + "/api/v1"

    ticket = {
        "ticket": args.ticket,
        "title": "窗口工作人员推诿",
        "content": "12月3日上午在县政务服务中心办理营业执照变更，窗口工作人员以系统故障为由"
        "让我下周再来，但同去的人当场办好了。",
        "subject_unit": args.unit,
        "received_at": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "name": "张三",
        "phone": "13800000000",
    }
    first = api.post(f"{base}/complaints/", json=ticket, timeout=30)
    if first.status_code not in (200, 201):
        print(f"push refused: {first.status_code} {first.text}")
        return 1
    case = first.json()
    print(f"pushed {args.ticket}: {first.status_code}, complaint {case['id']} ({case['number']})")

    # A retry after a lost answer: the same ticket and content is the same complaint.
    again = api.post(f"{base}/complaints/", json=ticket, timeout=30)
    print(f"pushed again: {again.status_code}, complaint {again.json()['id']} (same id)")
    assert again.json()["id"] == case["id"]

    print(
        f"\nNow work the case in the browser: {args.base}/complaints/{case['id']}/\n"
        "(jiwei: 受理 and 交办 to the unit; danwei: 办理 with a reply; jiwei: 审核通过, "
        "then record the 回访 rating to close it). Polling the changes feed …\n"
    )
    cursor_file = Path(args.cursor_file)
    cursor = cursor_file.read_text().strip() if cursor_file.exists() else ""
    status, reply = case["status"], ""
    while status not in FINAL:
        params = {"cursor": cursor} if cursor else {}
        page = api.get(f"{base}/complaints/changes/", params=params, timeout=30)
        if page.status_code == 429:
            time.sleep(float(page.headers.get("Retry-After", args.every)))
            continue
        page.raise_for_status()
        body = page.json()
        for change in body["results"]:
            if change["complaint"] != case["id"]:
                continue  # another case of ours: a real client would update that ticket too
            status = change["status"]
            reply = change["public_reply"] or reply
            print(f"  {change['at']}  {change['from_status'] or '—'} → {status}")
        cursor = body["next_cursor"]
        cursor_file.parent.mkdir(parents=True, exist_ok=True)
        cursor_file.write_text(cursor)
        if not body["has_more"] and status not in FINAL:
            time.sleep(args.every)

    final = api.get(f"{base}/complaints/{case['id']}/", timeout=30).json()
    print(f"\n{final['number']}: {final['status_display']}")
    print(f"答复意见 / public reply: {final['public_reply'] or reply or '—'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
