"""The search document's plain `tokens` text was written on every refresh and read by nothing
(the weighted vector and Elasticsearch's bodies are built from the lexemes themselves). At
~420 bytes a row it made the document table, which a broad search scans, about a quarter
wider; existing rows shrink as they are rewritten (or at once with VACUUM FULL)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_document_attribute_values"),
    ]

    operations = [
        migrations.RemoveField(model_name="searchdocument", name="tokens"),
    ]
