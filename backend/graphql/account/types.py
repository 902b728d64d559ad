import graphene
from graphene_django import DjangoObjectType

from backend.account.models import User as UserModel
from backend.core.permissions import Permission
from backend.graphql.account.address_types import Address

PermissionEnum = graphene.Enum(
    "PermissionEnum", [(permission.name, permission.value) for permission in Permission]
)


class UserPermission(graphene.ObjectType):
    code = graphene.Field(PermissionEnum, required=True)
    name = graphene.String(required=True)


class User(DjangoObjectType):
    user_permissions = graphene.List(graphene.NonNull(UserPermission))
    addresses = graphene.List(
        graphene.NonNull(Address),
        required=True,
        description="The user's address book; only the user sees it (empty for anyone else).",
    )
    default_shipping_address = graphene.Field(Address)
    default_billing_address = graphene.Field(Address)
    avatar = graphene.Field(
        "backend.graphql.catalog.types.Image",
        size=graphene.Int(),
        format=graphene.Argument("backend.graphql.catalog.enums.ThumbnailFormatEnum"),
        description="Always null: accounts here have no profile photo.",
    )
    orders = graphene.ConnectionField(
        lambda: _order_connection(),
        description="The user's orders, newest first; seen by the user and order managers.",
    )
    vendor = graphene.Field(
        "backend.graphql.vendors.types.Vendor",
        description="The vendor the user works for, or null; seen by the user and vendor managers.",
    )
    checkouts = graphene.List(
        graphene.NonNull("backend.graphql.checkout.types.Checkout"),
        channel=graphene.String(description="Slug of a channel to limit the carts to."),
        description="The user's open carts, newest first; only the user sees them.",
    )
    tourism_vouchers = graphene.List(
        graphene.NonNull("backend.graphql.tourism.types.TourismVoucher"),
        description="The user's tourism vouchers (tickets), newest first; only the user sees "
        "them (empty for anyone else).",
    )

    class Meta:
        model = UserModel
        interfaces = (graphene.relay.Node,)
        fields = (
            "id",
            "email",
            "phone",
            "first_name",
            "last_name",
            "is_staff",
            "is_active",
            "date_joined",
            "updated_at",
            "language_code",
        )

    @staticmethod
    def resolve_tourism_vouchers(root: UserModel, info):
        from backend.tourism.selectors import vouchers_of

        if info.context.user.pk != root.pk:
            return []
        return list(vouchers_of(root))

    @staticmethod
    def resolve_user_permissions(root: UserModel, info):
        return [
            UserPermission(code=permission.value, name=permission.label)
            for permission in Permission
            if root.is_active and root.has_perm(permission.value)
        ]

    @staticmethod
    def resolve_avatar(root: UserModel, info, **kwargs):
        return None

    @staticmethod
    def resolve_addresses(root: UserModel, info):
        if not _is_self(root, info):
            return []
        return root.addresses.select_related("town", "village").order_by("pk")

    @staticmethod
    def resolve_default_shipping_address(root: UserModel, info):
        return root.default_shipping_address if _is_self(root, info) else None

    @staticmethod
    def resolve_default_billing_address(root: UserModel, info):
        return root.default_billing_address if _is_self(root, info) else None

    @staticmethod
    def resolve_vendor(root: UserModel, info):
        from backend.vendors import scoping

        if not (_is_self(root, info) or scoping.can_manage_vendors(info.context.user)):
            return None
        return scoping.vendor_of(root)

    @staticmethod
    def resolve_checkouts(root: UserModel, info, channel=None):
        from backend.checkout.models import Checkout

        viewer = info.context.user
        if not (viewer.is_authenticated and viewer.pk == root.pk):
            return []
        checkouts = Checkout.objects.filter(user_id=root.pk).select_related("channel")
        if channel:
            checkouts = checkouts.filter(channel__slug=channel)
        return list(checkouts.order_by("-last_change"))

    @staticmethod
    def resolve_orders(root: UserModel, info, **pagination):
        from backend.graphql.core.connection import resolve_connection
        from backend.order.selectors import orders_visible_to

        orders = orders_visible_to(info.context.user).filter(user_id=root.pk).order_by("-number")
        return resolve_connection(orders, _order_connection(), info, **pagination)

    @classmethod
    def get_node(cls, info, id):
        user = info.context.user
        if user.is_authenticated and (str(user.pk) == str(id) or user.is_staff):
            return UserModel.objects.filter(pk=id).first()
        return None


def _order_connection():
    from backend.graphql.order.types import OrderCountableConnection

    return OrderCountableConnection


def _is_self(root: UserModel, info) -> bool:
    """Addresses are personal data: shown to their owner only, not to staff browsing users."""
    user = info.context.user
    return user.is_authenticated and user.pk == root.pk
