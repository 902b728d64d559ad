"""Every existing product gets a Listing: approved if it is published in some channel (it is on
sale already), a draft otherwise."""

from django.db import migrations
from django.db.models import Exists, OuterRef


def create_listings(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    ProductChannelListing = apps.get_model("catalog", "ProductChannelListing")
    Listing = apps.get_model("listings", "Listing")
    published = ProductChannelListing.objects.filter(product=OuterRef("pk"), is_published=True)
    rows = (
        Product.objects.filter(listing__isnull=True)
        .annotate(published=Exists(published))
        .values_list("pk", "published")
    )
    Listing.objects.bulk_create(
        [
            Listing(product_id=pk, state="approved" if is_published else "draft")
            for pk, is_published in rows.iterator(chunk_size=2000)
        ],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("listings", "0001_initial"),
        ("catalog", "0003_product_search_trigram_index"),
    ]

    operations = [migrations.RunPython(create_listings, migrations.RunPython.noop)]
