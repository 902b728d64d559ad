"""The default "订单管理员" (order managers) group: staff who cancel, fulfil and refund orders.

A data migration (reversible), separate from the schema migrations, following 0004: it creates
the permission first because Django creates model permissions only after all migrations ran.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "订单管理员"


def create_group(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="order", codename="manage_orders")
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("account", "0005_address_book"),
        ("order", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
