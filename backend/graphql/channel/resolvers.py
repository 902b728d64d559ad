"""Which channel a request is about.

Catalog queries take a `channel` slug (Saleor). When none is given and exactly one active
channel exists, that one is used, so a single-county deployment needs no argument.
"""

from __future__ import annotations

from backend.channel.models import Channel
from backend.core.permissions import Permission, has_permissions
from backend.graphql.core.errors import ApiError, QueryErrorCode


def channels_visible_to(user, queryset=None):
    queryset = Channel.objects.all() if queryset is None else queryset
    if has_permissions(user, [Permission.MANAGE_CHANNELS]) or has_permissions(
        user, [Permission.MANAGE_PRODUCTS]
    ):
        return queryset
    return queryset.filter(is_active=True)


def resolve_channel(info, slug: str | None) -> Channel:
    """The channel named by `slug`, or the only active channel; a typed error otherwise."""
    cache = info.context.__dict__.setdefault("_channel_cache", {})
    if slug in cache:
        return cache[slug]
    visible = channels_visible_to(info.context.user)
    if slug is not None:
        channel = visible.filter(slug=slug).first()
        if channel is None:
            raise ApiError(
                f"Channel with '{slug}' slug does not exist.",
                code=QueryErrorCode.NOT_FOUND,
                field="channel",
            )
    else:
        active = list(Channel.objects.filter(is_active=True)[:2])
        if len(active) != 1:
            raise ApiError(
                "A channel must be given: there is no single default channel.",
                code=QueryErrorCode.CHANNEL_REQUIRED,
                field="channel",
            )
        channel = active[0]
    cache[slug] = channel
    return channel


def resolve_channel_or_none(info, slug: str | None) -> Channel | None:
    """Like `resolve_channel`, but staff who manage products may omit the channel entirely."""
    if slug is None and has_permissions(info.context.user, [Permission.MANAGE_PRODUCTS]):
        try:
            return resolve_channel(info, None)
        except ApiError:
            return None
    return resolve_channel(info, slug)
