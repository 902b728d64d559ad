import graphene

from backend.graphql.channel.resolvers import channels_visible_to
from backend.graphql.channel.types import Channel
from backend.graphql.core.errors import ApiError, QueryErrorCode
from backend.graphql.core.ids import decode_id


class ChannelQueries(graphene.ObjectType):
    channel = graphene.Field(
        Channel,
        id=graphene.ID(description="ID of the channel."),
        slug=graphene.String(description="Slug of the channel."),
        description="Look up a channel by ID or slug.",
    )
    channels = graphene.List(
        graphene.NonNull(Channel), description="List of the channels shoppers can buy in."
    )

    @staticmethod
    def resolve_channel(root, info, id=None, slug=None):
        if (id is None) == (slug is None):
            raise ApiError("Provide exactly one of `id` or `slug`.", code=QueryErrorCode.INVALID)
        channels = channels_visible_to(info.context.user)
        if id is not None:
            return channels.filter(pk=decode_id(id, "Channel")).first()
        return channels.filter(slug=slug).first()

    @staticmethod
    def resolve_channels(root, info):
        return list(channels_visible_to(info.context.user))
