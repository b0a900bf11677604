from sons.choices import text_choices
from sons.rules import codes

RecoveryGround = text_choices("RecoveryGround", codes.RECOVERY_GROUNDS)
