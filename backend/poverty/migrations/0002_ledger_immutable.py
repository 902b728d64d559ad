"""The benefit ledger cannot be edited: UPDATE and DELETE on its tables raise in PostgreSQL
itself, whatever the code path (admin, shell, raw SQL from the application's role)."""

from django.db import migrations

TABLES = ("poverty_zonesale", "poverty_benefitentry")

FUNCTION = """
CREATE OR REPLACE FUNCTION poverty_ledger_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the poverty benefit ledger is append-only (% on %)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def _forward():
    statements = [FUNCTION]
    for table in TABLES:
        statements.append(
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION poverty_ledger_immutable();"
        )
    return statements


def _backward():
    statements = [f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};" for table in TABLES]
    statements.append("DROP FUNCTION IF EXISTS poverty_ledger_immutable();")
    return statements


class Migration(migrations.Migration):
    dependencies = [("poverty", "0001_initial")]

    operations = [migrations.RunSQL(_forward(), _backward())]
