"""Password rules (等保 2.0): length and character classes, configurable, in Chinese."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.otp import verify_session
from units.passwords import ComplexityValidator, character_classes

TOO_SHORT = "密码长度至少为 8 位。"
TOO_SIMPLE = "密码须至少包含大写字母、小写字母、数字、特殊符号中的 3 类。"


def messages_for(password: str) -> list[str]:
    with pytest.raises(ValidationError) as excinfo:
        validate_password(password)
    return excinfo.value.messages


@pytest.mark.parametrize(
    "password", ["Zuofeng2026", "pass-for-tests-123", "Jijian-2026", "Gov!Work!Style"]
)
def test_eight_characters_of_three_classes_are_accepted(password):
    validate_password(password)


def test_the_test_cast_password_meets_the_rule():
    validate_password(PASSWORD)


@pytest.mark.parametrize(
    "password, expected",
    [
        ("Ab1!xyz", [TOO_SHORT]),  # four classes, seven characters
        ("zuofengdemo", [TOO_SIMPLE]),  # one class
        ("zuofeng2026", [TOO_SIMPLE]),  # two classes
        ("ab1", [TOO_SHORT, TOO_SIMPLE]),
    ],
)
def test_short_or_simple_passwords_are_refused_in_chinese(password, expected):
    assert [m for m in messages_for(password) if m in (TOO_SHORT, TOO_SIMPLE)] == expected


def test_classes():
    assert character_classes("abc") == 1
    assert character_classes("aB3") == 3
    assert character_classes("aB3 ") == 4
    assert character_classes("密码") == 1  # not a letter of either case: counted as a symbol


def test_length_and_classes_are_settings(settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "units.passwords.ComplexityValidator",
            "OPTIONS": {"min_length": 12, "min_classes": 4},
        }
    ]
    validate_password("Zuofeng2026!")  # 12 characters, four classes
    assert messages_for("Zuofeng20261") == [
        "密码须至少包含大写字母、小写字母、数字、特殊符号中的 4 类。"
    ]
    assert messages_for("Zuofeng2026") == [
        "密码长度至少为 12 位。",
        "密码须至少包含大写字母、小写字母、数字、特殊符号中的 4 类。",
    ]


def test_impossible_settings_are_refused():
    with pytest.raises(ImproperlyConfigured):
        ComplexityValidator(min_length=8, min_classes=5)
    with pytest.raises(ImproperlyConfigured):
        ComplexityValidator(min_length=0)


def test_help_text_is_chinese():
    assert ComplexityValidator().get_help_text() == (
        "至少 8 位，且至少包含大写字母、小写字母、数字、特殊符号中的 3 类。"
    )


@pytest.mark.django_db
def test_the_admin_password_form_applies_the_rule(client):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    person = UserFactory(username="someone")
    client.force_login(root)
    verify_session(client, root)
    url = reverse("admin:auth_user_password_change", args=[person.pk])

    refused = client.post(url, {"password1": "zuofeng2026", "password2": "zuofeng2026"})
    assert refused.status_code == 200 and TOO_SIMPLE in refused.content.decode()
    accepted = client.post(url, {"password1": "Zuofeng-2026", "password2": "Zuofeng-2026"})
    assert accepted.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Zuofeng-2026")


def test_the_published_demo_password_meets_the_rule_it_demonstrates():
    from units.demo import DEFAULT_PASSWORD

    ComplexityValidator().validate(DEFAULT_PASSWORD)
