"""Sign-in: 10 wrong passwords lock the account for 15 minutes, the right one included, with a French
message; Django's password validators answer in French."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sons.suppliers.enums import Role
from sons.suppliers.models import Membership

pytestmark = pytest.mark.django_db
RIGHT = "un mot de passe long et juste"


@pytest.fixture
def instructor():
    user = get_user_model().objects.create_user("instructrice", password=RIGHT)
    Membership.objects.create(user=user, role=Role.ASP_INSTRUCTOR)
    return user


def sign_in(client, password: str):
    return client.post(reverse("portal:login"), {"username": "instructrice", "password": password})


def test_the_right_password_is_refused_after_ten_wrong_ones(instructor):
    client = Client()
    for attempt in range(9):
        response = sign_in(client, f"faux {attempt}")
        assert response.status_code == 200 and "incorrect" in response.content.decode()
    tenth = sign_in(client, "faux 9")
    assert tenth.status_code == 429
    refused = sign_in(Client(), RIGHT)  # from another browser: the account itself is locked
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Compte verrouillé après 10 échecs" in page and "15 minutes" in page
    assert "_auth_user_id" not in Client().session
    # After 15 minutes the right password works again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert sign_in(Client(), RIGHT).status_code == 302


def test_nine_failures_then_the_right_password_signs_in_and_resets_the_count(instructor):
    client = Client()
    for attempt in range(9):
        sign_in(client, f"faux {attempt}")
    assert sign_in(client, RIGHT).status_code == 302
    assert not AccessAttempt.objects.filter(username="instructrice", failures_since_start__gt=0).exists()


def test_password_validators_answer_in_french(instructor):
    with pytest.raises(ValidationError) as refused:
        validate_password("12345678", instructor)
    messages = " ".join(refused.value.messages)
    assert "trop court" in messages and "12 caractères" in messages
    assert "entièrement numérique" in messages or "uniquement des chiffres" in messages
    with pytest.raises(ValidationError, match="trop courant"):
        validate_password("password1234", instructor)
    validate_password("une phrase de passe solide", instructor)
