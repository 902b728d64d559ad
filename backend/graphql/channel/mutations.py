"""Staff mutations of sales channels."""

from __future__ import annotations

import graphene

from backend.channel.error_codes import ChannelErrorCode
from backend.channel.models import Channel as ChannelModel
from backend.channel.services import save_channel
from backend.core.permissions import Permission
from backend.graphql.catalog.enums import enum_from_choices
from backend.graphql.channel.types import Channel
from backend.graphql.core.errors import error_type
from backend.graphql.core.inputs import get_instance
from backend.graphql.core.mutations import BaseMutation, delete_mutation

ChannelErrorCodeEnum = enum_from_choices("ChannelErrorCode", ChannelErrorCode)
ChannelError = error_type("ChannelError", ChannelErrorCodeEnum)
CHANNELS = [Permission.MANAGE_CHANNELS]


class ChannelInput(graphene.InputObjectType):
    name = graphene.String()
    slug = graphene.String()
    currency_code = graphene.String()
    default_country = graphene.String()
    time_zone = graphene.String()
    is_active = graphene.Boolean()


def _data(input) -> dict:
    return {key: value for key, value in input.items() if value is not None}


class ChannelCreate(BaseMutation):
    channel = graphene.Field(Channel)

    class Arguments:
        input = ChannelInput(required=True)

    class Meta:
        permissions = CHANNELS
        error_type_class = ChannelError

    @classmethod
    def perform_mutation(cls, root, info, input):
        return cls(channel=save_channel(channel=None, data=_data(input)))


class ChannelUpdate(BaseMutation):
    channel = graphene.Field(Channel)

    class Arguments:
        id = graphene.ID(required=True)
        input = ChannelInput(required=True)

    class Meta:
        permissions = CHANNELS
        error_type_class = ChannelError

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        channel = get_instance(ChannelModel.objects, id, "Channel", field="id")
        return cls(channel=save_channel(channel=channel, data=_data(input)))


ChannelDelete = delete_mutation(
    "ChannelDelete", ChannelModel, "Channel", Channel, "channel", CHANNELS, ChannelError
)


class ChannelMutations(graphene.ObjectType):
    channel_create = ChannelCreate.Field()
    channel_update = ChannelUpdate.Field()
    channel_delete = ChannelDelete.Field()
