"""Staff mutations of merchandising (MANAGE_MERCHANDISING): home sections, campaigns,
livestream events with their live prices, and collection rules. Bad input comes back as
`errors { field message code }` with a `MerchandisingErrorCode`, and nothing is written."""

from __future__ import annotations

import graphene
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from backend.catalog.models import Collection as CollectionModel
from backend.catalog.models import Product as ProductModel
from backend.catalog.models import ProductVariant as ProductVariantModel
from backend.channel.models import Channel
from backend.core.permissions import Permission
from backend.discount.models import Promotion as PromotionModel
from backend.graphql.core.errors import error_type
from backend.graphql.core.inputs import get_instance, get_instances
from backend.graphql.core.mutations import BaseMutation
from backend.graphql.merchandising.enums import (
    CollectionRuleKindEnum,
    HomeSectionKindEnum,
    LivestreamPlatformEnum,
    MerchandisingErrorCodeEnum,
)
from backend.graphql.merchandising.types import (
    Campaign,
    CollectionRuleRefresh,
    HomeSection,
    LivestreamEvent,
)
from backend.graphql.stations.enums import enum_value
from backend.merchandising import services
from backend.merchandising.models import Campaign as CampaignModel
from backend.merchandising.models import HomeSection as HomeSectionModel
from backend.merchandising.models import LivestreamEvent as LivestreamEventModel

MERCHANDISING = [Permission.MANAGE_MERCHANDISING]
MerchandisingError = error_type("MerchandisingError", MerchandisingErrorCodeEnum)


def _channel(slug: str) -> Channel:
    channel = Channel.objects.filter(slug=slug).first()
    if channel is None:
        raise ValidationError(
            {"channel": ValidationError(_("没有这个销售渠道。"), code="NOT_FOUND")}
        )
    return channel


def _common(data: dict, plain: tuple[str, ...]) -> dict:
    """Input fields that were sent, with IDs and slugs turned into rows."""
    result = {name: data[name] for name in plain if name in data}
    if data.get("channel") is not None:
        result["channel"] = _channel(data["channel"])
    if "collection" in data:
        result["collection"] = (
            get_instance(
                CollectionModel.objects, data["collection"], "Collection", field="collection"
            )
            if data["collection"]
            else None
        )
    if data.get("products") is not None:
        result["products"] = get_instances(
            ProductModel.objects.all(), data["products"], "Product", field="products"
        )
    for name in ("kind", "platform"):
        if data.get(name) is not None:
            result[name] = enum_value(data[name])
    return result


def _require(input, *names: str) -> None:
    for name in names:
        if not input.get(name):
            raise ValidationError({name: ValidationError(_("必填。"), code="REQUIRED")})


def _crud_mutations(
    type_name: str,
    *,
    field: str,
    object_type,
    input_type,
    model,
    save,
    delete,
    data,
    required: tuple[str, ...],
    noun: str,
    create_doc: str = "",
    delete_doc: str = "",
):
    """The create, update and delete mutations of one merchandising object, alike in all but
    their names: `save(instance_or_None, data, actor)` and `delete(instance, actor)` call the
    object's services, `data(input)` turns the input into the services' data."""
    requirement = " Requires MANAGE_MERCHANDISING."

    def meta(description: str):
        return type(
            "Meta",
            (),
            {
                "description": description + requirement,
                "error_type_class": MerchandisingError,
                "permissions": MERCHANDISING,
            },
        )

    def create(cls, root, info, input):
        _require(input, *required)
        return cls(**{field: save(None, data(input), info.context.user)})

    def update(cls, root, info, id, input):
        instance = get_instance(model.objects, id, type_name, field="id")
        return cls(**{field: save(instance, data(input), info.context.user)})

    def remove(cls, root, info, id):
        instance = get_instance(model.objects, id, type_name, field="id")
        pk = instance.pk
        delete(instance, info.context.user)
        instance.pk = pk
        return cls(**{field: instance})

    def mutation(verb: str, description: str, arguments: dict, perform):
        return type(
            f"{type_name}{verb}",
            (BaseMutation,),
            {
                field: graphene.Field(object_type),
                "Arguments": type("Arguments", (), arguments),
                "Meta": meta(description),
                "perform_mutation": classmethod(perform),
            },
        )

    return (
        mutation(
            "Create",
            create_doc or f"Creates {noun}.",
            {"input": input_type(required=True)},
            create,
        ),
        mutation(
            "Update",
            f"Updates {noun}.",
            {"id": graphene.ID(required=True), "input": input_type(required=True)},
            update,
        ),
        mutation(
            "Delete", delete_doc or f"Deletes {noun}.", {"id": graphene.ID(required=True)}, remove
        ),
    )


# Home sections -------------------------------------------------------------------------------


class HomeSectionInput(graphene.InputObjectType):
    channel = graphene.String(description="Slug of the channel.")
    kind = HomeSectionKindEnum()
    title = graphene.String()
    subtitle = graphene.String()
    link_url = graphene.String(description="A path on this site (/…) or an https:// address.")
    collection = graphene.ID(description="The collection a COLLECTION section features.")
    products = graphene.List(graphene.NonNull(graphene.ID), description="A carousel's products.")
    sort_order = graphene.Int()
    starts_at = graphene.DateTime()
    ends_at = graphene.DateTime()
    is_published = graphene.Boolean()


SECTION_PLAIN = (
    "title",
    "subtitle",
    "link_url",
    "sort_order",
    "starts_at",
    "ends_at",
    "is_published",
)

HomeSectionCreate, HomeSectionUpdate, HomeSectionDelete = _crud_mutations(
    "HomeSection",
    field="home_section",
    object_type=HomeSection,
    input_type=HomeSectionInput,
    model=HomeSectionModel,
    save=lambda section, data, actor: services.save_home_section(
        section=section, data=data, actor=actor
    ),
    delete=lambda section, actor: services.delete_home_section(section=section, actor=actor),
    data=lambda input: _common(input, SECTION_PLAIN),
    required=("channel", "kind"),
    noun="a home-page section",
)


# Campaigns ----------------------------------------------------------------------------------


class CampaignInput(graphene.InputObjectType):
    name = graphene.String()
    slug = graphene.String()
    headline = graphene.String()
    description = graphene.String()
    channel = graphene.String(description="Slug of the channel.")
    starts_at = graphene.DateTime()
    ends_at = graphene.DateTime()
    collection = graphene.ID(description="The collection holding the campaign's products.")
    promotions = graphene.List(graphene.NonNull(graphene.ID))
    is_published = graphene.Boolean()


CAMPAIGN_PLAIN = ("name", "slug", "headline", "description", "starts_at", "ends_at", "is_published")


def _campaign_data(input) -> dict:
    data = _common(input, CAMPAIGN_PLAIN)
    if input.get("promotions") is not None:
        data["promotions"] = get_instances(
            PromotionModel.objects.all(), input["promotions"], "Promotion", field="promotions"
        )
    return data


CampaignCreate, CampaignUpdate, CampaignDelete = _crud_mutations(
    "Campaign",
    field="campaign",
    object_type=Campaign,
    input_type=CampaignInput,
    model=CampaignModel,
    save=lambda campaign, data, actor: services.save_campaign(
        campaign=campaign, data=data, actor=actor
    ),
    delete=lambda campaign, actor: services.delete_campaign(campaign=campaign, actor=actor),
    data=_campaign_data,
    required=("channel",),
    noun="a campaign",
)


# Livestream events --------------------------------------------------------------------------


class LivestreamPriceInput(graphene.InputObjectType):
    variant = graphene.ID(required=True)
    price = graphene.Decimal(required=True, description="Tax-inclusive live price, > 0.")


class LivestreamEventInput(graphene.InputObjectType):
    title = graphene.String()
    host_name = graphene.String()
    stream_url = graphene.String(description="https:// address of the live room.")
    platform = LivestreamPlatformEnum()
    channel = graphene.String(description="Slug of the channel.")
    starts_at = graphene.DateTime()
    ends_at = graphene.DateTime()
    products = graphene.List(graphene.NonNull(graphene.ID), description="Featured products.")
    live_prices = graphene.List(
        graphene.NonNull(LivestreamPriceInput),
        description="Replaces the live prices; each variant's product must be featured.",
    )
    is_published = graphene.Boolean()


EVENT_PLAIN = ("title", "host_name", "stream_url", "starts_at", "ends_at", "is_published")


def _event_data(input) -> dict:
    data = _common(input, EVENT_PLAIN)
    if input.get("live_prices") is not None:
        ids = [item["variant"] for item in input["live_prices"]]
        variants = get_instances(
            ProductVariantModel.objects.all(), ids, "ProductVariant", field="live_prices"
        )
        data["prices"] = [
            (variant, item["price"])
            for variant, item in zip(variants, input["live_prices"], strict=True)
        ]
    return data


LivestreamEventCreate, LivestreamEventUpdate, LivestreamEventDelete = _crud_mutations(
    "LivestreamEvent",
    field="livestream_event",
    object_type=LivestreamEvent,
    input_type=LivestreamEventInput,
    model=LivestreamEventModel,
    save=lambda event, data, actor: services.save_livestream_event(
        event=event, data=data, actor=actor
    ),
    delete=lambda event, actor: services.delete_livestream_event(event=event, actor=actor),
    data=_event_data,
    required=("channel",),
    noun="a livestream event",
    create_doc="Creates a livestream event; its live prices apply only inside its window.",
    delete_doc="Deletes a livestream event and its live prices.",
)


# Collection rules ---------------------------------------------------------------------------


class CollectionRuleConditionInput(graphene.InputObjectType):
    kind = CollectionRuleKindEnum(required=True)
    vendor = graphene.String(description="Slug of the vendor (kind VENDOR).")
    town = graphene.String(description="Name of the town (kind TOWN).")


class CollectionRuleInput(graphene.InputObjectType):
    conditions = graphene.List(
        graphene.NonNull(CollectionRuleConditionInput),
        required=True,
        description="All must hold (AND).",
    )


class CollectionRuleUpdate(BaseMutation):
    collection = graphene.Field("backend.graphql.catalog.types.Collection")
    refresh = graphene.Field(CollectionRuleRefresh)

    class Arguments:
        id = graphene.ID(required=True, description="The collection.")
        rule = CollectionRuleInput(
            description="The rule; null makes the collection manual again (it keeps its products)."
        )

    class Meta:
        description = (
            "Makes a collection rule-based (geographical indication, new this week, brand "
            "licensed, a vendor's, a town's; conditions combined with AND) and fills it at "
            "once. Requires MANAGE_MERCHANDISING."
        )
        error_type_class = MerchandisingError
        permissions = MERCHANDISING

    @classmethod
    def perform_mutation(cls, root, info, id, rule=None):
        collection = get_instance(CollectionModel.objects, id, "Collection", field="id")
        payload = None
        if rule is not None:
            payload = {
                "conditions": [
                    {
                        "kind": enum_value(condition["kind"]),
                        **{k: condition[k] for k in ("vendor", "town") if condition.get(k)},
                    }
                    for condition in rule["conditions"]
                ]
            }
        result = services.set_collection_rule(
            collection=collection, rule=payload, actor=info.context.user
        )
        return cls(
            collection=collection,
            refresh=CollectionRuleRefresh(added=result.added, removed=result.removed),
        )


class MerchandisingMutations(graphene.ObjectType):
    home_section_create = HomeSectionCreate.Field()
    home_section_update = HomeSectionUpdate.Field()
    home_section_delete = HomeSectionDelete.Field()
    campaign_create = CampaignCreate.Field()
    campaign_update = CampaignUpdate.Field()
    campaign_delete = CampaignDelete.Field()
    livestream_event_create = LivestreamEventCreate.Field()
    livestream_event_update = LivestreamEventUpdate.Field()
    livestream_event_delete = LivestreamEventDelete.Field()
    collection_rule_update = CollectionRuleUpdate.Field()
