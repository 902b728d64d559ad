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
from backend.graphql.core.mutations import model_mutations

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


ChannelCreate, ChannelUpdate, ChannelDelete = model_mutations(
    type_name="Channel",
    model=ChannelModel,
    graphene_type=Channel,
    field_name="channel",
    create_input=ChannelInput,
    update_input=ChannelInput,
    to_data=_data,
    save=lambda instance, data: save_channel(channel=instance, data=data),
    permissions=CHANNELS,
    error_class=ChannelError,
)


class ChannelMutations(graphene.ObjectType):
    channel_create = ChannelCreate.Field()
    channel_update = ChannelUpdate.Field()
    channel_delete = ChannelDelete.Field()
