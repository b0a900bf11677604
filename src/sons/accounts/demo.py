"""The demonstration's accounts (`make run`): one per role, each with the second factor its role requires
(a TOTP key and recovery codes, printed so that the demo can be walked), printed again by `sons demo accounts`."""

from __future__ import annotations

from base64 import b32encode

from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sons.suppliers.enums import MemberRole, Role
from sons.suppliers.models import Membership
from sons.suppliers.perms import SECOND_FACTOR_ROLES

from .twofactor import RECOVERY_NAME, TOTP_NAME, issue_recovery_codes

PASSWORD = "demo-sons"
# username: (roles, member role within the demo organisation, e-mail)
ACCOUNTS = {
    "fournisseur": (
        (Role.SUPPLIER_MEMBER,),
        MemberRole.ADMINISTRATOR,
        "claire.martin@logiciels-segur-demo.fr",
    ),
    "deposant": ((Role.SUPPLIER_MEMBER,), MemberRole.FILER, "hugo.bernard@logiciels-segur-demo.fr"),
    "instructeur": ((Role.ASP_INSTRUCTOR,), "", "ines.petit@asp-demo.gouv.fr"),
    "agent-payeur": ((Role.ASP_PAYING_AGENT,), "", "paul.durand@asp-demo.gouv.fr"),
    "admin-asp": ((Role.ASP_ADMIN,), "", "anne.leroy@asp-demo.gouv.fr"),
    "agent-ans": ((Role.ANS_AGENT,), "", "zoe.moreau@ans-demo.gouv.fr"),
    "admin-ans": ((Role.ANS_ADMIN, Role.ANS_AGENT), "", "noe.girard@ans-demo.gouv.fr"),
    "admin": ((Role.ADMIN,), "", "admin@sons-demo.gouv.fr"),
}
# Fixed keys, so that an authenticator application enrolled once keeps working after `make clean run`.
DEMO_KEYS = {name: f"{n:02d}" * 20 for n, name in enumerate(ACCOUNTS, start=11)}


def create_accounts(organisation) -> list:
    """Every demo account, with its roles and (where its role needs it) its second factor."""
    User = get_user_model()
    users = []
    for username, (roles, member_role, email) in ACCOUNTS.items():
        technical = Role.ADMIN in roles
        user = User.objects.create_user(username=username, email=email, password=PASSWORD, is_staff=technical,
                                        is_superuser=technical)  # fmt: skip
        for role in roles:
            Membership.objects.create(
                user=user, role=role, member_role=member_role if role == Role.SUPPLIER_MEMBER else "",
                organisation=organisation if role == Role.SUPPLIER_MEMBER else None,
            )  # fmt: skip
        if SECOND_FACTOR_ROLES.intersection(roles):
            TOTPDevice.objects.create(user=user, name=TOTP_NAME, key=DEMO_KEYS[username], confirmed=True)
            issue_recovery_codes(user)
        users.append(user)
    return users


def describe(user) -> list[str]:
    """Lines that tell how to sign in as `user` (French)."""
    rows = Membership.objects.filter(user=user).select_related("organisation").order_by("role")
    labels = ", ".join(
        f"{row.organisation.name} ({row.get_member_role_display().lower()})"
        if row.organisation
        else Role(row.role).label
        for row in rows
    )
    lines = [f"  {labels:34} identifiant « {user.username} », mot de passe « {PASSWORD} »"]
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        secret = b32encode(device.bin_key).decode()
        code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
        codes = StaticToken.objects.filter(device__user=user, device__name=RECOVERY_NAME).values_list(
            "token", flat=True
        )
        lines += [
            f"      second facteur (TOTP) : clé {secret} — code de l'instant : {code}",
            f"      {device.config_url}",
            f"      codes de secours : {' '.join(codes)}",
        ]
    return lines


DISTRIBUTOR = "distributeur"  # the demo's distributor, whose enrolment waits for the instructor


def demo_users():
    return get_user_model().objects.filter(username__in=[*ACCOUNTS, DISTRIBUTOR]).order_by("pk")


def demo_pdf(title: str, name: str):
    """A one-page PDF standing for a piece of the demo (a RIB, a sworn statement…)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.multi_cell(
        0, 10, text=f"{title}\n(pièce de démonstration)".encode("latin-1", "replace").decode("latin-1")
    )
    return SimpleUploadedFile(name, bytes(pdf.output()), content_type="application/pdf")
