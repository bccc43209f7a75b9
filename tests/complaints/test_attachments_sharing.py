"""The files of a case: staff see every file under its name with a thumbnail; the handling
unit sees only what an officer has checked and shared with it, by number (a file or its name
may show who complained), served through the same permission-checked view."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints import services
from complaints.models import Complaint, ComplaintTransition
from complaints.services import Upload

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.4 receipt\n"


@pytest.fixture
def case(cast, category) -> Complaint:
    complaint = services.complaint_submit(
        channel=Complaint.Channel.WEB,
        title="窗口推诿",
        content="见附件照片。",
        category=category,
        subject_unit=cast.dept_a,
        uploads=[
            Upload(
                file=SimpleUploadedFile("现场照片.png", PNG),
                content_type="image/png",
                extension="png",
            ),
            Upload(
                file=SimpleUploadedFile("张秘密的缴费收据.pdf", PDF),
                content_type="application/pdf",
                extension="pdf",
            ),
        ],
    )
    complaint = services.complaint_accept(complaint=complaint, actor=cast.officer)
    return services.complaint_assign(complaint=complaint, unit=cast.dept_a, actor=cast.officer)


def _files(case):
    photo, receipt = case.attachments.order_by("pk")
    return photo, receipt


def _url(case, attachment, **query) -> str:
    url = reverse("complaints:attachment", args=[case.pk, attachment.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _share(case, attachment, action="share") -> str:
    return reverse("complaints:attachment_share", args=[case.pk, attachment.pk, action])


def test_staff_see_names_sizes_and_thumbnails(client_for, cast, case):
    photo, _receipt = _files(case)
    page = client_for(cast.officer).get(reverse("complaints:detail", args=[case.pk]))
    content = page.content.decode()
    assert "现场照片.png" in content and "张秘密的缴费收据.pdf" in content
    assert f'src="{_url(case, photo)}?preview=1"' in content
    assert content.count('data-testid="thumbnail"') == 1  # the PDF gets no picture
    assert "200" in content or "字节" in content  # the size
    assert "image/png" not in content  # no MIME type for people to read
    assert len(page.context["attachments"]) == 2


def test_the_unit_sees_nothing_until_an_officer_shares_a_file(client_for, cast, case):
    # client_for logs the one test client in as the user named: each step says who acts.
    photo, receipt = _files(case)
    before = client_for(cast.head_a).get(reverse("complaints:detail", args=[case.pk]))
    assert before.context["attachments"] == []
    assert client_for(cast.head_a).get(_url(case, photo)).status_code == 403
    assert client_for(cast.officer).post(_share(case, photo)).status_code == 302
    photo.refresh_from_db()
    assert photo.shared_by == cast.officer and photo.shared_at is not None
    after = client_for(cast.head_a).get(reverse("complaints:detail", args=[case.pk]))
    content = after.content.decode()
    assert [a.pk for a in after.context["attachments"]] == [photo.pk]
    # By number, never by the name it was sent under.
    flat = content.replace(" ", "")
    assert "现场照片" not in content and ("附件1.png" in flat or "Attachment1.png" in flat)
    assert f'src="{_url(case, photo)}?preview=1"' in content
    assert client_for(cast.head_a).get(_url(case, photo)).status_code == 200
    assert client_for(cast.head_a).get(_url(case, receipt)).status_code == 403
    # The unit's leader in charge sees the shared file too; the sibling unit never.
    assert client_for(cast.in_charge).get(_url(case, photo)).status_code == 200
    assert client_for(cast.head_b).get(_url(case, photo)).status_code == 404
    # The history says a file was shared, by number: the unit reads the history too.
    note = ComplaintTransition.objects.filter(complaint=case).latest("pk")
    assert note.actor == cast.officer and "1" in note.comment and "现场照片" not in note.comment


def test_sharing_is_taken_back_and_refused_to_others(client_for, cast, case):
    photo, _receipt = _files(case)
    assert client_for(cast.officer).post(_share(case, photo)).status_code == 302
    assert client_for(cast.officer).post(_share(case, photo)).status_code == 400  # shared
    assert client_for(cast.head_a).post(_share(case, photo, "unshare")).status_code == 403
    assert client_for(cast.leader).post(_share(case, photo, "unshare")).status_code == 403
    officer = client_for(cast.officer)
    assert officer.post(_share(case, photo, "unshare")).status_code == 302
    photo.refresh_from_db()
    assert not photo.is_shared
    assert officer.post(_share(case, photo, "nonsense")).status_code == 404
    assert officer.get(_share(case, photo)).status_code == 405
    assert client_for(cast.head_a).get(_url(case, photo)).status_code == 403


def test_preview_is_inline_for_pictures_only_and_named_by_case(client_for, cast, case):
    photo, receipt = _files(case)
    officer = client_for(cast.officer)
    preview = officer.get(_url(case, photo, preview=1))
    assert preview.status_code == 200 and preview["Content-Type"] == "image/png"
    assert preview["Content-Disposition"].startswith("inline")
    assert preview["X-Content-Type-Options"] == "nosniff"
    assert f"{case.number}-{photo.pk}.png" in preview["Content-Disposition"]
    assert b"".join(preview.streaming_content) == PNG
    download = officer.get(_url(case, receipt, preview=1))
    assert download["Content-Disposition"].startswith("attachment")
    assert "收据" not in download["Content-Disposition"]


def test_detail_page_query_count_does_not_grow_with_files(
    client_for, cast, case, django_assert_max_num_queries
):
    client = client_for(cast.officer)
    url = reverse("complaints:detail", args=[case.pk])
    client.get(url)
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    for attachment in case.attachments.all():
        services.attachment_share(attachment=attachment, actor=cast.officer, shared=True)
    with django_assert_max_num_queries(len(few.captured_queries) + 1):
        client.get(url)
