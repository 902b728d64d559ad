"""Default permission groups, so county staff are given roles rather than single permissions.

A data migration (reversible): it creates the permissions it needs first, because Django
creates model permissions only after all migrations have run.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "商品管理员": [
        ("catalog", "manage_products"),
        ("catalog", "manage_product_types_and_attributes"),
    ],
    "渠道管理员": [("channel", "manage_channels")],
    "员工管理员": [("account", "manage_staff")],
}


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permissions in GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        for app_label, codename in permissions:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(GROUPS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("account", "0003_user_jwt_token_key"),
        ("catalog", "0003_product_search_trigram_index"),
        ("channel", "0002_alter_channel_options"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
