"""Changes that affect a search document enqueue its product (after the transaction
commits) for the debounced refresh task: product, variant, stock, channel listing, product
and variant attribute values, brand licence, poverty certification. Connected from this app
so the other apps stay untouched."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save


def _enqueue_later(product_ids) -> None:
    from backend.search.tasks import enqueue

    ids = [i for i in product_ids if i]
    if ids:
        transaction.on_commit(lambda: enqueue(ids))


def _product(sender, instance, **kwargs):
    _enqueue_later([instance.pk])


def _via_product_id(sender, instance, **kwargs):
    _enqueue_later([getattr(instance, "product_id", None)])


def _via_variant(sender, instance, **kwargs):
    variant_id = getattr(instance, "variant_id", None) or getattr(
        instance, "product_variant_id", None
    )
    if variant_id:
        from backend.catalog.models import ProductVariant

        _enqueue_later(
            ProductVariant.objects.filter(pk=variant_id).values_list("product_id", flat=True)
        )


RECEIVERS = [
    ("catalog", "Product", _product),
    ("catalog", "ProductVariant", _via_product_id),
    ("catalog", "AssignedProductAttributeValue", _via_product_id),
    ("catalog", "AssignedVariantAttributeValue", _via_variant),
    ("catalog", "ProductVariantChannelListing", _via_variant),
    # Publication and listing visibility: the document does not change, but the kept
    # answers that counted the product (or should now) must go (backend.search.answers).
    ("catalog", "ProductChannelListing", _via_product_id),
    ("inventory", "Stock", _via_variant),
    ("brand", "BrandLicence", _via_product_id),
    ("poverty", "Certification", _via_product_id),
]


# Changes that can alter any kept search answer: which vendors' products shoppers see, which
# channels are active, the categories counted, which words are synonyms. Rare; every answer
# goes once the change commits.
EVERY_ANSWER = [
    ("vendors", "Vendor"),
    ("channel", "Channel"),
    ("catalog", "Category"),
    ("search", "Synonym"),
]


def connect() -> None:
    from backend.search.answers import invalidate_all_on_commit

    receivers = [*RECEIVERS, *((a, m, invalidate_all_on_commit) for a, m in EVERY_ANSWER)]
    for app_label, model_name, receiver in receivers:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        uid = f"search-{app_label}-{model_name}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid + "-save", weak=False)
        post_delete.connect(receiver, sender=model, dispatch_uid=uid + "-delete", weak=False)
