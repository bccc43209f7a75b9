"""Factories for the cast; units and responsibilities go through the real services."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from units import services
from units.models import AssessmentGroup, Unit

PASSWORD = "pass-for-tests-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.gov.cn")

    @classmethod
    def _create(cls, model_class, *args, groups=(), password=PASSWORD, **kwargs):
        user = model_class.objects.create_user(*args, password=password, **kwargs)
        if groups:
            user.groups.add(*Group.objects.filter(name__in=groups))
        return user


class AssessmentGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentGroup
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"考核组{n}")


_unit_seq = iter(range(1, 10**9))


def make_unit(
    name: str,
    *,
    parent: Unit | None = None,
    kind: str = Unit.Kind.DEPARTMENT,
    code: str | None = None,
    group: AssessmentGroup | None = None,
) -> Unit:
    return services.unit_create(
        code=code or f"U{next(_unit_seq):05d}", name=name, kind=kind, parent=parent, group=group
    )


def make_person_with_login(name: str, username: str, *, title: str = "", **user_kwargs):
    user = UserFactory(username=username, first_name=name, **user_kwargs)
    person = services.person_create(name=name, title=title, user=user)
    return person, user
