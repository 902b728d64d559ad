"""A trigram index for product search, where the server offers pg_trgm.

Managed PostgreSQL and Debian's server ship pg_trgm; the embedded server of the `pgserver`
package (the newcomer default) does not. Search works without the index (a sequential scan of
`search_document`), so the index is created only where the extension is available.
"""

from django.db import migrations

INDEX = "product_search_trgm"


def create_index(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON catalog_product "
            "USING gin (search_document gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_alter_product_options_alter_producttype_options")]

    operations = [migrations.RunPython(create_index, drop_index)]
