"""Links sent by e-mail that prove their holder received them: sign-up confirmation and password setting."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


class SignUpTokenGenerator(PasswordResetTokenGenerator):
    """Valid PASSWORD_RESET_TIMEOUT (3 days); used once, since confirming activates the account."""

    key_salt = "sons.suppliers.tokens.SignUpTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{user.is_active}{user.email}{timestamp}"


sign_up_tokens = SignUpTokenGenerator()


def uid_of(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))
