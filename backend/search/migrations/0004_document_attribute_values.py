"""Search documents carry the attribute values (ids) of their product and its variants, so a
search's attribute filters are counted over the matched documents; existing documents are
filled from the assignment tables here (new ones by backend.search.documents)."""

import django.contrib.postgres.fields
from django.db import migrations, models

FILL = """
UPDATE search_searchdocument d SET attribute_values = ARRAY(
    SELECT a.value_id FROM catalog_assignedproductattributevalue a
    WHERE a.product_id = d.product_id
    UNION
    SELECT a.value_id FROM catalog_assignedvariantattributevalue a
    JOIN catalog_productvariant v ON v.id = a.variant_id
    WHERE v.product_id = d.product_id
    ORDER BY 1
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_product_search_dirty_index"),
        ("search", "0003_dirty_means_document_missing"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="attribute_values",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.BigIntegerField(), blank=True, default=list, size=None
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
