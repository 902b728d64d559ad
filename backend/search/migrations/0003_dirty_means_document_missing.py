"""Product.search_index_dirty now means "the weighted search document is not written for the
product's current text" (it was cleared when the plain search_document was rebuilt): set it
from what is there, so a product without a document stays findable by substring."""

from django.db import migrations

SQL = """
UPDATE catalog_product p SET search_index_dirty = NOT EXISTS (
    SELECT 1 FROM search_searchdocument d WHERE d.product_id = p.id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_product_search_dirty_index"),
        ("search", "0002_pending_refresh_queue"),
    ]

    operations = [migrations.RunSQL(SQL, migrations.RunSQL.noop)]
