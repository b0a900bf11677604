"""Webhook secrets encrypted at rest (sons.webhooks.encryption): the columns never hold a secret (read by SQL),
deliveries are still signed with it, a new encryption key is put first and the old one still decrypts until the
rows are encrypted again under the new one, and the migration encrypts the secrets it finds in clear (and
decrypts them going back)."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from standardwebhooks import Webhook

from sons.webhooks import encryption, services
from sons.webhooks.models import Subscription
from tests.db_factories import OrganisationFactory, supplier_token
from tests.queue import run_pending

from .conftest import happen, subscribe
from .receiver import Receiver

HOOK = "https://93.184.215.14/hook"
OLD_KEY, NEW_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def columns(pk: int) -> tuple[str, str]:
    """The two columns as the database holds them, read by SQL (the model would decrypt them)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret, previous_secret FROM webhooks_subscription WHERE id = %s", [pk])
        return cursor.fetchone()


@pytest.mark.django_db
def test_the_columns_never_hold_a_secret_and_deliveries_are_still_signed_with_it(organisation):
    with Receiver() as receiver:
        subscription, old = subscribe(organisation, receiver.url)
        stored, previous = columns(subscription.pk)
        assert stored.startswith(encryption.TOKEN_PREFIX) and old not in stored and previous == ""
        assert old.removeprefix("whsec_") not in stored
        subscription, new = services.rotate_secret(supplier_token(organisation)[0], subscription)
        stored, previous = columns(subscription.pk)
        for column in (stored, previous):
            assert column.startswith(encryption.TOKEN_PREFIX)
            assert old.removeprefix("whsec_") not in column and new.removeprefix("whsec_") not in column
        reloaded = Subscription.objects.get()
        assert (reloaded.secret, reloaded.previous_secret) == (new, old)
        assert reloaded.secret_hint == new[:10] + "…"
        event = happen(organisation)
        run_pending()
        (got,) = receiver.wait_for(1)
    for secret in (new, old):  # both signatures, each verified by the standard's library
        assert Webhook(secret).verify(got.body, got.headers)["id"] == event.public_id


@pytest.mark.django_db
def test_a_new_key_put_first_leaves_the_old_one_decrypting_until_the_rows_are_encrypted_again(
    organisation, settings, capsys
):
    settings.SONS_WEBHOOK_SECRET_KEYS = [OLD_KEY]
    subscription, secret = subscribe(organisation, HOOK)
    under_old = columns(subscription.pk)[0]
    assert Fernet(OLD_KEY).decrypt(under_old.encode()).decode() == secret

    settings.SONS_WEBHOOK_SECRET_KEYS = [NEW_KEY, OLD_KEY]  # the new key first: it encrypts, both decrypt
    assert Subscription.objects.get().secret == secret
    second, second_secret = subscribe(organisation, "https://93.184.215.15/hook")
    assert Fernet(NEW_KEY).decrypt(columns(second.pk)[0].encode()).decode() == second_secret

    call_command("webhooks_reencrypt")
    assert "2 abonnements" in capsys.readouterr().out
    assert Fernet(NEW_KEY).decrypt(columns(subscription.pk)[0].encode()).decode() == secret

    settings.SONS_WEBHOOK_SECRET_KEYS = [NEW_KEY]  # the old key dropped: every secret still reads
    assert {s.pk: s.secret for s in Subscription.objects.all()} == {
        subscription.pk: secret,
        second.pk: second_secret,
    }

    settings.SONS_WEBHOOK_SECRET_KEYS = [Fernet.generate_key().decode()]  # the key lost
    with pytest.raises(encryption.UndecryptableSecret, match="SONS_WEBHOOK_SECRET_KEYS") as refused:
        Subscription.objects.get(pk=subscription.pk)
    assert secret not in str(refused.value) and under_old not in str(refused.value)


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_the_secrets_in_clear_and_decrypts_them_going_back():
    organisation = OrganisationFactory()
    before, after = [("webhooks", "0002_secret_rotation")], [("webhooks", "0003_secrets_encrypted_at_rest")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old_model = executor.loader.project_state(before).apps.get_model("webhooks", "Subscription")
        clear = old_model.objects.create(organisation_id=organisation.pk, url=HOOK, kinds=["payment.sent"],
                                         secret="whsec_" + "A" * 43 + "=")  # fmt: skip
        assert columns(clear.pk) == ("whsec_" + "A" * 43 + "=", "")

        executor = MigrationExecutor(connection)
        executor.migrate(after)
        stored, previous = columns(clear.pk)
        assert stored.startswith(encryption.TOKEN_PREFIX) and "AAAAAAAAAA" not in stored and previous == ""
        assert Subscription.objects.get(pk=clear.pk).secret == "whsec_" + "A" * 43 + "="

        executor = MigrationExecutor(connection)
        executor.migrate(before)  # reversible: the secrets in clear again, in columns as narrow as they were
        assert columns(clear.pk) == ("whsec_" + "A" * 43 + "=", "")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db
def test_a_secret_written_in_clear_during_a_release_is_read_then_encrypted_by_reencrypt(organisation):
    subscription, secret = subscribe(organisation, HOOK)
    with (
        connection.cursor() as cursor
    ):  # what a process of the previous version writes while the release migrates
        cursor.execute(
            "UPDATE webhooks_subscription SET secret = %s WHERE id = %s", [secret, subscription.pk]
        )
    assert Subscription.objects.get(pk=subscription.pk).signing_secrets() == [
        secret
    ]  # no 500, signed as before
    assert services.reencrypt_secrets() == 1
    stored, _ = columns(subscription.pk)
    assert stored.startswith(encryption.TOKEN_PREFIX) and secret not in stored
    assert Subscription.objects.get(pk=subscription.pk).signing_secrets() == [secret]
