"""Search answers kept until a change touches them (backend.search.answers), and the
generation row invalidations move on."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
from django.db import migrations, models


def create_generation(apps, schema_editor):
    apps.get_model("search", "SearchAnswerGeneration").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("channel", "0001_initial"),
        ("search", "0005_drop_unread_tokens"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchAnswerGeneration",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.BigIntegerField(default=0)),
            ],
            options={
                "verbose_name": "搜索结果缓存代数",
                "verbose_name_plural": "搜索结果缓存代数",
            },
        ),
        migrations.CreateModel(
            name="SearchAnswer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=64)),
                ("tsquery", models.TextField()),
                ("facets", models.JSONField(default=dict)),
                (
                    "ranked_ids",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.BigIntegerField(), default=list, size=None
                    ),
                ),
                (
                    "matched_ids",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.BigIntegerField(), default=list, size=None
                    ),
                ),
                ("computed_at", models.DateTimeField()),
                ("valid_until", models.DateTimeField()),
                (
                    "channel",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="channel.channel",
                    ),
                ),
            ],
            options={
                "verbose_name": "搜索结果缓存",
                "verbose_name_plural": "搜索结果缓存",
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["matched_ids"], name="search_answer_matched_gin"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("channel", "key"), name="search_answer_unique_key"
                    )
                ],
            },
        ),
        migrations.RunPython(create_generation, migrations.RunPython.noop),
    ]
