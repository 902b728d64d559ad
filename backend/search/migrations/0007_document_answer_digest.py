from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("search", "0006_search_answers")]

    operations = [
        migrations.AddField(
            model_name="searchanswer",
            name="selection",
            field=models.TextField(blank=True, db_default="", default=""),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="answer_digest",
            field=models.CharField(blank=True, db_default="", default="", max_length=32),
        ),
    ]
