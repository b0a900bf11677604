"""A second factor for the test accounts whose role requires one (paying agents, administrators)."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from sons.accounts.twofactor import needs_second_factor


def verified(client, user):
    """Give `user` a confirmed TOTP device, and mark `client`'s session as having used it."""
    if needs_second_factor(user):
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
