"""On PostgreSQL, the database itself refuses UPDATE and DELETE on the entries, whoever connects.

The ORM guard only stops Django code; these triggers also stop raw SQL and other clients. SQLite (used by
the fast test runs) has no such need, so the operation does nothing there. TRUNCATE stays allowed: the test
runner flushes tables with it, and a truncated journal is still caught by verification through the head.
"""

from django.db import migrations

CREATE_TRIGGERS = [
    """
    CREATE FUNCTION audit_refuse_entry_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            MESSAGE = 'Le journal d''audit est en ajout seul : '
                || CASE TG_OP WHEN 'UPDATE' THEN 'modification' ELSE 'suppression' END
                || ' refusée (entrée n° ' || OLD.seq || ').';
    END;
    $$
    """,
    """
    CREATE TRIGGER audit_auditentry_refuse_update BEFORE UPDATE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_entry_change()
    """,
    """
    CREATE TRIGGER audit_auditentry_refuse_delete BEFORE DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_entry_change()
    """,
]

DROP_TRIGGERS = [
    "DROP TRIGGER IF EXISTS audit_auditentry_refuse_update ON audit_auditentry",
    "DROP TRIGGER IF EXISTS audit_auditentry_refuse_delete ON audit_auditentry",
    "DROP FUNCTION IF EXISTS audit_refuse_entry_change()",
]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            # params=None: the SQL is sent as is, without placeholder interpolation.
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE_TRIGGERS), _on_postgresql(DROP_TRIGGERS)),
    ]
