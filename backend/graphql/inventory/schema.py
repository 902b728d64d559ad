import graphene

from backend.core.permissions import Permission
from backend.graphql.core.connection import resolve_connection
from backend.graphql.core.ids import decode_id
from backend.graphql.core.permissions import require_permissions
from backend.graphql.inventory.types import Warehouse, WarehouseCountableConnection
from backend.inventory.models import Warehouse as WarehouseModel


class WarehouseFilterInput(graphene.InputObjectType):
    search = graphene.String()
    is_private = graphene.Boolean()


class InventoryQueries(graphene.ObjectType):
    warehouse = graphene.Field(Warehouse, id=graphene.ID(required=True))
    warehouses = graphene.ConnectionField(
        WarehouseCountableConnection, filter=WarehouseFilterInput()
    )

    @staticmethod
    def resolve_warehouse(root, info, id):
        require_permissions(info, [Permission.MANAGE_PRODUCTS])
        return WarehouseModel.objects.filter(pk=decode_id(id, "Warehouse")).first()

    @staticmethod
    def resolve_warehouses(root, info, filter=None, **pagination):
        require_permissions(info, [Permission.MANAGE_PRODUCTS])
        warehouses = WarehouseModel.objects.all()
        filter = filter or {}
        if filter.get("search"):
            warehouses = warehouses.filter(name__icontains=filter["search"])
        if filter.get("is_private") is not None:
            warehouses = warehouses.filter(is_private=filter["is_private"])
        return resolve_connection(warehouses, WarehouseCountableConnection, info, **pagination)
