"""The payment batch's lifecycle: prepared → sent → confirmed (booked), or rejected (payable again) (sons.lifecycle)."""

from sons.lifecycle import Lifecycle, Step
from sons.suppliers.enums import Role

from .enums import BatchState as B
from .models import BatchTransition, PaymentBatch

PAYING_AGENT = (Role.ASP_PAYING_AGENT,)

BATCH = Lifecycle("batch", "le lot", PaymentBatch, BatchTransition, B, [
    Step("send", "Transmettre à la banque", (B.PREPARED,), (B.SENT,), PAYING_AGENT),
    Step("confirm", "Confirmer le paiement", (B.SENT,), (B.CONFIRMED,), PAYING_AGENT),
    Step("reject", "Rejeter le lot", (B.PREPARED, B.SENT), (B.REJECTED,), PAYING_AGENT, needs_reason=True),
], subject="batch")  # fmt: skip
