"""Circulars that name cadres (点名表扬, 点名批评): on each one's record once published."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaign import services
from campaign.models import Circular, CircularCadre

pytestmark = pytest.mark.django_db


def _record(client, person):
    return client.get(reverse("campaign:cadre_record", args=[person.pk]))


def test_published_circular_naming_a_cadre_is_on_their_record(client_for, cast, campaign, cadre):
    response = client_for(cast.officer).post(
        reverse("campaign:circular_create", args=[campaign.pk]),
        {
            "kind": "criticism",
            "title": "关于明察暗访发现问题的通报",
            "body": "县市场监督管理局窗口人员上班时间玩手机游戏，局长赵某某履职不力。",
            "criticised": [cast.dept_a.pk],
            "criticised_cadres": [cadre.pk],
            "commended_cadres": [cast.head_b.person.pk],
        },
    )
    assert response.status_code == 302
    circular = Circular.objects.get()
    assert dict(circular.cadres.values_list("person_id", "tone")) == {
        cadre.pk: "negative",
        cast.head_b.person.pk: "positive",
    }
    # A draft is not on the record yet.
    assert _record(client_for(cast.officer), cadre).context["circulars"] == []
    services.circular_publish(circular=circular, actor=cast.officer)
    page = _record(client_for(cast.officer), cadre)
    assert [m.circular_id for m in page.context["circulars"]] == [circular.pk]
    assert "关于明察暗访发现问题的通报" in page.content.decode()
    # The cadre sees it on their own record; the other cadre, commended, on theirs.
    own = _record(client_for(cast.head_a), cadre)
    assert [m.tone for m in own.context["circulars"]] == ["negative"]
    other = _record(client_for(cast.head_b), cast.head_b.person)
    assert [m.tone for m in other.context["circulars"]] == ["positive"]
    detail = client_for(cast.head_a).get(reverse("campaign:circular_detail", args=[circular.pk]))
    assert 'data-testid="named-cadres"' in detail.content.decode()


def test_edit_keeps_and_changes_the_named_cadres(client_for, cast, campaign, cadre):
    circular = services.circular_create(
        campaign=campaign,
        kind="commendation",
        title="表扬通报",
        body="正文",
        actor=cast.officer,
        cadres=[(cadre, "positive")],
    )
    url = reverse("campaign:circular_edit", args=[circular.pk])
    form = client_for(cast.officer).get(url).context["form"]
    assert form.initial["commended_cadres"] == [cadre.pk]
    response = client_for(cast.officer).post(
        url, {"kind": "commendation", "title": "表扬通报", "body": "正文"}
    )
    assert response.status_code == 302 and not circular.cadres.exists()


def test_one_cadre_both_commended_and_criticised_is_refused(client_for, cast, campaign, cadre):
    response = client_for(cast.officer).post(
        reverse("campaign:circular_create", args=[campaign.pk]),
        {
            "kind": "briefing",
            "title": "通报",
            "body": "正文",
            "commended_cadres": [cadre.pk],
            "criticised_cadres": [cadre.pk],
        },
    )
    assert response.status_code == 200
    assert "同一名干部不能在同一期通报中既被表扬又被批评" in response.content.decode()
    assert not Circular.objects.exists() and not CircularCadre.objects.exists()


def test_service_refuses_a_person_outside_the_campaign(cast, campaign, cadre):
    from tests.factories import make_person_with_login

    stranger, _user = make_person_with_login("外县干部", "stranger")
    with pytest.raises(ValidationError) as refused:
        services.circular_create(
            campaign=campaign,
            kind="criticism",
            title="通报",
            body="正文",
            actor=cast.officer,
            cadres=[(stranger, "negative")],
        )
    assert "外县干部" in refused.value.message_dict["cadres"][0]
    with pytest.raises(ValidationError):
        services.circular_create(
            campaign=campaign,
            kind="criticism",
            title="通报",
            body="正文",
            actor=cast.officer,
            cadres=[(cadre, "negative"), (cadre, "positive")],
        )
    assert not Circular.objects.exists()


def test_a_reader_who_may_not_see_the_circular_does_not_see_it_on_the_record(
    client_for, cast, campaign, cadre
):
    """A draft reaches only staff; once published it is on every viewer's copy of the record."""
    circular = services.circular_create(
        campaign=campaign,
        kind="criticism",
        title="通报",
        body="正文",
        actor=cast.officer,
        cadres=[(cadre, "negative")],
    )
    assert _record(client_for(cast.head_a), cadre).context["circulars"] == []
    services.circular_publish(circular=circular, actor=cast.officer)
    assert len(_record(client_for(cast.head_a), cadre).context["circulars"]) == 1
