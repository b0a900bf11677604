"""What the audit journal refuses, as exceptions callers can catch precisely."""

from django.db.transaction import TransactionManagementError


class AuditJournalError(Exception):
    """Base of every refusal of the audit journal."""


class AppendOnlyError(AuditJournalError):
    """An entry would be changed, deleted or created outside the journal's chaining."""


class OutsideTransactionError(AuditJournalError, TransactionManagementError):
    """An entry would be recorded outside transaction.atomic()."""


class HeadMissingError(AuditJournalError):
    """The head row has vanished while entries remain: appending would fork the chain."""
