import graphene
from graphene_django import DjangoObjectType

from backend.account.models import User as UserModel
from backend.core.permissions import Permission

PermissionEnum = graphene.Enum(
    "PermissionEnum", [(permission.name, permission.value) for permission in Permission]
)


class UserPermission(graphene.ObjectType):
    code = graphene.Field(PermissionEnum, required=True)
    name = graphene.String(required=True)


class User(DjangoObjectType):
    user_permissions = graphene.List(graphene.NonNull(UserPermission))

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
    def resolve_user_permissions(root: UserModel, info):
        return [
            UserPermission(code=permission.value, name=permission.label)
            for permission in Permission
            if root.is_active and root.has_perm(permission.value)
        ]

    @classmethod
    def get_node(cls, info, id):
        user = info.context.user
        if user.is_authenticated and (str(user.pk) == str(id) or user.is_staff):
            return UserModel.objects.filter(pk=id).first()
        return None
