"""The referencing's lifecycle of a solution version, decided by the ANS: pending → granted | refused, and a
grant withdrawn (sons.lifecycle). What it does to the version's dossiers is theirs (sons.dossiers.referencing,
sons.recoveries.withdrawal)."""

from sons.lifecycle import Lifecycle, Step
from sons.suppliers.enums import Role

from .enums import Referencing as R
from .models import ReferencingTransition, SolutionVersion

ANS = (Role.ANS_AGENT,)

REFERENCING = Lifecycle("referencing", "la version", SolutionVersion, ReferencingTransition, R, [
    Step("grant", "Accorder le référencement", (R.PENDING,), (R.GRANTED,), ANS),
    Step("refuse", "Refuser le référencement", (R.PENDING,), (R.REFUSED,), ANS),
    Step("withdraw", "Retirer le référencement", (R.GRANTED,), (R.WITHDRAWN,), ANS),
], subject="version", field="referencing")  # fmt: skip
STEP_OF = {R.GRANTED: "grant", R.REFUSED: "refuse", R.WITHDRAWN: "withdraw"}
