"""Merchandising queries: what a channel's home page shows, its campaigns and livestream
events (public; staff who manage merchandising also see what is not published)."""

from __future__ import annotations

import graphene
from django.utils import timezone

from backend.channel.models import Channel
from backend.graphql.core.connection import resolve_connection
from backend.graphql.core.dataloaders import loaders_of
from backend.graphql.core.errors import ApiError, QueryErrorCode
from backend.graphql.core.ids import decode_id
from backend.graphql.merchandising.enums import ScheduleStatusEnum
from backend.graphql.merchandising.types import (
    Campaign,
    CampaignCountableConnection,
    HomeSection,
    LivestreamEvent,
    LivestreamEventCountableConnection,
)
from backend.graphql.stations.enums import enum_value
from backend.merchandising import selectors
from backend.merchandising.models import Campaign as CampaignModel
from backend.merchandising.models import HomeSection as HomeSectionModel
from backend.merchandising.models import LivestreamEvent as LivestreamEventModel


def _channel(slug: str | None) -> Channel | None:
    if not slug:
        return None
    channel = Channel.objects.filter(slug=slug).first()
    if channel is None:
        raise ApiError(
            f"Channel '{slug}' not found.", code=QueryErrorCode.NOT_FOUND, field="channel"
        )
    return channel


def _registered(info, items):
    items = list(items)
    loaders_of(info).register(items)
    return items


class MerchandisingQueries(graphene.ObjectType):
    home_sections = graphene.List(
        graphene.NonNull(HomeSection),
        required=True,
        channel=graphene.String(required=True, description="Slug of the channel."),
        all=graphene.Boolean(
            description="Every section of the channel, also unpublished and out of their "
            "window. Requires MANAGE_MERCHANDISING."
        ),
        description="The channel's home sections shown now, in their order.",
    )
    campaigns = graphene.ConnectionField(
        CampaignCountableConnection,
        channel=graphene.String(description="Slug of the channel."),
        status=ScheduleStatusEnum(),
        description="Published campaigns, latest start first (staff who manage merchandising "
        "also see unpublished ones).",
    )
    campaign = graphene.Field(
        Campaign, id=graphene.ID(), slug=graphene.String(), channel=graphene.String()
    )
    livestream_events = graphene.ConnectionField(
        LivestreamEventCountableConnection,
        channel=graphene.String(description="Slug of the channel."),
        status=ScheduleStatusEnum(description="Live now, upcoming or past."),
        description="Livestream sale events, by start.",
    )
    livestream_event = graphene.Field(LivestreamEvent, id=graphene.ID(required=True))

    @staticmethod
    def resolve_home_sections(root, info, channel, all=False):
        found = _channel(channel)
        if all:
            if not selectors.can_preview(info.context.user):
                from backend.core.permissions import Permission
                from backend.graphql.core.errors import PermissionDenied

                raise PermissionDenied([Permission.MANAGE_MERCHANDISING])
            sections = HomeSectionModel.objects.filter(channel=found).order_by("sort_order", "pk")
        else:
            sections = selectors.home_sections(found)
        return _registered(info, sections)

    @staticmethod
    def resolve_campaigns(root, info, channel=None, status=None, **pagination):
        campaigns = CampaignModel.objects.all()
        if not selectors.can_preview(info.context.user):
            campaigns = campaigns.filter(is_published=True)
        if channel:
            campaigns = campaigns.filter(channel=_channel(channel))
        now = timezone.now()
        status = enum_value(status)
        if status == "running":
            campaigns = campaigns.filter(starts_at__lte=now, ends_at__gt=now)
        elif status == "scheduled":
            campaigns = campaigns.filter(starts_at__gt=now)
        elif status == "ended":
            campaigns = campaigns.filter(ends_at__lte=now)
        return resolve_connection(
            campaigns.order_by("-starts_at", "pk"), CampaignCountableConnection, info, **pagination
        )

    @staticmethod
    def resolve_campaign(root, info, id=None, slug=None, channel=None):
        campaigns = CampaignModel.objects.all()
        if not selectors.can_preview(info.context.user):
            campaigns = campaigns.filter(is_published=True)
        if channel:
            campaigns = campaigns.filter(channel=_channel(channel))
        if id:
            campaigns = campaigns.filter(pk=decode_id(id, "Campaign"))
        elif slug:
            campaigns = campaigns.filter(slug=slug)
        else:
            raise ApiError("Give the campaign's id or slug.", code=QueryErrorCode.INVALID)
        return next(iter(_registered(info, campaigns[:1])), None)

    @staticmethod
    def resolve_livestream_events(root, info, channel=None, status=None, **pagination):
        events = LivestreamEventModel.objects.all()
        if not selectors.can_preview(info.context.user):
            events = events.filter(is_published=True)
        if channel:
            events = events.filter(channel=_channel(channel))
        events = selectors.events_by_status(events, enum_value(status), timezone.now())
        return resolve_connection(events, LivestreamEventCountableConnection, info, **pagination)

    @staticmethod
    def resolve_livestream_event(root, info, id):
        events = LivestreamEventModel.objects.filter(pk=decode_id(id, "LivestreamEvent"))
        if not selectors.can_preview(info.context.user):
            events = events.filter(is_published=True)
        return next(iter(_registered(info, events[:1])), None)
