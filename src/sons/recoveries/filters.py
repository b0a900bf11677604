"""The filters of the recoveries' list, declared once: the portal's list, its export and the API's export."""

from sons.dossiers.enums import RECOVERY_STATES
from sons.filtering import choice_filter, date_filter, ids_filter

from .enums import RecoveryGround

RECOVERY_FILTERS = {
    "state": choice_filter(
        "dossier__state", RECOVERY_STATES
    ),  # where the recovery stands: its dossier's state
    "ground": choice_filter("ground", RecoveryGround),
    "supplier": ids_filter("dossier__supplier_id"),
    "opened_from": date_filter("opened_on", "gte"),
    "opened_to": date_filter("opened_on", "lte"),
}
