"""Shopper pages of merchandising: campaigns (/campaigns/) and livestream sale events (/live/),
and the home page's preview for brand managers (see `home_preview_instant`).

Schedules are evaluated at the request's instant and shown in the county's zone
(Asia/Shanghai); the product cards carry the prices of the one pricing function, so a
campaign's discounted prices and a livestream's live prices are the same numbers the cart
charges.
"""

from __future__ import annotations

from datetime import datetime
from functools import cached_property

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from backend.catalog.schedule import schedule_epoch
from backend.merchandising import selectors
from backend.merchandising.models import Campaign, HomeSection, LivestreamEvent, ScheduleStatus
from backend.merchandising.promotions import describe_promotions
from backend.storefront.security import with_csp
from backend.storefront.views import _base_context


def home_preview_instant(request) -> datetime | None:
    """The instant a brand manager previews the home page at: `?preview_at=<ISO instant>`, or
    `?preview_section=<id>` (the section's start, or now when it has started). None for
    everyone else, who sees the page as it is."""
    if not ("preview_at" in request.GET or "preview_section" in request.GET):
        return None
    if not selectors.can_preview(request.user):
        return None
    now = timezone.now()
    if "preview_section" in request.GET:
        value = request.GET.get("preview_section", "")
        section = HomeSection.objects.filter(pk=int(value)).first() if value.isdigit() else None
        if section is None:
            return now
        return max(section.starts_at, now) if section.starts_at else now
    return selectors.parse_instant(request.GET.get("preview_at")) or now


def _staff_at(request) -> datetime:
    """Staff who may preview can look at a campaign or livestream page at another instant."""
    at = home_preview_instant(request)
    return at or timezone.now()


class CampaignProducts:
    """The campaign's product cards, built only when their cached fragment misses (keyed by
    the catalog version and the schedule epoch, so prices change at a promotion's instant)."""

    def __init__(self, campaign, channel, *, preview: bool):
        self.campaign = campaign
        self.channel = channel
        self.preview = preview

    @property
    def fragment_seconds(self) -> int:
        return 0 if self.preview else 300

    @cached_property
    def epoch(self) -> int:
        return schedule_epoch()

    @cached_property
    def cards(self) -> list:
        return selectors.campaign_products(self.campaign, self.channel)


@require_GET
@with_csp
def campaign_list(request):
    context = _base_context(request, canonical=reverse("storefront:campaigns"))
    at = timezone.now()
    lists = selectors.campaign_lists(context["channel"], at)
    context.update(
        title=_("活动专区"),
        description=_("正在进行和即将开始的营销活动。"),
        running=lists[ScheduleStatus.RUNNING],
        upcoming=lists[ScheduleStatus.SCHEDULED],
        ended=lists[ScheduleStatus.ENDED],
        now=at,
    )
    return render(request, "storefront/merchandising/campaigns.html", context)


@require_GET
@with_csp
def campaign_detail(request, slug: str):
    context = _base_context(request, canonical=reverse("storefront:campaign", args=[slug]))
    channel = context["channel"]
    # Brand managers see a campaign before it is published (and, with ?preview_at, at
    # another instant); such a page is personal and never cached.
    campaigns = (
        Campaign.objects.filter(channel=channel)
        if selectors.can_preview(request.user)
        else selectors.published_campaigns(channel)
    )
    campaign = (
        campaigns.select_related("collection")
        .prefetch_related("promotions__rules")
        .filter(slug=slug)
        .first()
    )
    if campaign is None or channel is None:
        raise Http404(_("没有这个活动。"))
    at = _staff_at(request)
    status = campaign.status(at)
    context.update(
        title=campaign.name,
        description=campaign.headline or campaign.description[:160],
        campaign=campaign,
        status=status,
        promotions=describe_promotions(campaign.promotions.all(), at=at)
        if status != ScheduleStatus.ENDED
        else [],
        products=CampaignProducts(
            campaign, channel, preview=at is not None and "preview_at" in request.GET
        )
        if status == ScheduleStatus.RUNNING
        else None,
    )
    return render(request, "storefront/merchandising/campaign.html", context)


@require_GET
@with_csp
def live_list(request):
    context = _base_context(request, canonical=reverse("storefront:live"))
    at = timezone.now()
    events = selectors.published_events(context["channel"])
    context.update(
        title=_("直播带货"),
        description=_("正在直播和即将开播的带货直播。"),
        live=list(selectors.events_by_status(events, ScheduleStatus.RUNNING, at)),
        upcoming=list(selectors.events_by_status(events, ScheduleStatus.SCHEDULED, at)[:20]),
        past=list(selectors.events_by_status(events, ScheduleStatus.ENDED, at)[:10]),
        now=at,
    )
    return render(request, "storefront/merchandising/live_list.html", context)


@require_GET
@with_csp
def live_detail(request, pk: int):
    context = _base_context(request, canonical=reverse("storefront:live-event", args=[pk]))
    channel = context["channel"]
    events = (
        LivestreamEvent.objects.filter(channel=channel)
        if selectors.can_preview(request.user)
        else selectors.published_events(channel)
    )
    event: LivestreamEvent | None = events.filter(pk=pk).first()
    if event is None or channel is None:
        raise Http404(_("没有这场直播。"))
    at = timezone.now()
    context.update(
        title=event.title,
        description=_("%(host)s 的直播：%(title)s")
        % {"host": event.host_name, "title": event.title},
        event=event,
        status=event.status(at),
        products=selectors.event_products(event, channel),
    )
    return render(request, "storefront/merchandising/live.html", context)
