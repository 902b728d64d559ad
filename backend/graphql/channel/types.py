import graphene
from graphene_django import DjangoObjectType

from backend.channel.models import Channel as ChannelModel


class CountryDisplay(graphene.ObjectType):
    code = graphene.String(required=True, description="Country code (ISO 3166-1).")
    country = graphene.String(required=True, description="Country name.")


COUNTRY_NAMES = {"CN": "中国"}


class Channel(DjangoObjectType):
    currency_code = graphene.String(required=True)
    default_country = graphene.Field(CountryDisplay, required=True)
    countries = graphene.List(
        graphene.NonNull(CountryDisplay),
        required=True,
        description="Countries the channel ships to: its default country (mainland China).",
    )

    class Meta:
        model = ChannelModel
        interfaces = (graphene.relay.Node,)
        fields = ("id", "name", "slug", "is_active", "currency_code")
        description = "A sales channel: its currency, country and time zone."

    @staticmethod
    def resolve_default_country(root: ChannelModel, info):
        code = root.default_country
        return CountryDisplay(code=code, country=COUNTRY_NAMES.get(code, code))

    @classmethod
    def resolve_countries(cls, root: ChannelModel, info):
        return [cls.resolve_default_country(root, info)]

    @classmethod
    def get_queryset(cls, queryset, info):
        from backend.graphql.channel.resolvers import channels_visible_to

        return channels_visible_to(info.context.user, queryset)
