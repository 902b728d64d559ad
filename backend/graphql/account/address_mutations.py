"""The signed-in shopper's address book (Saleor: accountAddressCreate, accountAddressUpdate,
accountAddressDelete, accountSetDefaultAddress).

These act on the caller's own book only: someone else's address ID is answered NOT_FOUND, as
if it did not exist, and staff get no way into a shopper's book through them.
"""

from __future__ import annotations

import graphene
from graphql_relay import from_global_id

from backend.account import addresses
from backend.account.models import Address as AddressModel
from backend.graphql.account.address_types import (
    Address,
    AddressInput,
    AddressTypeEnum,
    address_input_data,
)
from backend.graphql.account.mutations import AccountError, SignedInMutation
from backend.graphql.account.types import User


def _own_address(info, global_id: str) -> AddressModel:
    """The caller's address named by a global ID; NOT_FOUND for a malformed ID, another
    type's ID or another user's address alike."""
    try:
        type_name, pk = from_global_id(global_id)
    except (TypeError, ValueError, UnicodeDecodeError):
        type_name, pk = "", ""
    address_id = int(pk) if type_name == "Address" and pk.isdigit() else 0
    return addresses.get_user_address(user=info.context.user, address_id=address_id)


def _type_value(type):
    return getattr(type, "value", type)  # graphene 3 passes the enum member


class AccountAddressCreate(SignedInMutation):
    address = graphene.Field(Address)
    user = graphene.Field(User)

    class Arguments:
        input = AddressInput(required=True)
        type = AddressTypeEnum(description="Also make the new address the default of this type.")

    class Meta:
        description = "Adds an address to the signed-in user's address book."
        error_type_class = AccountError

    @classmethod
    def perform_mutation(cls, root, info, input, type=None):
        user = info.context.user
        address = addresses.create_address(
            user=user, data=address_input_data(input), type=_type_value(type)
        )
        return cls(address=address, user=user)


class AccountAddressUpdate(SignedInMutation):
    address = graphene.Field(Address)
    user = graphene.Field(User)

    class Arguments:
        id = graphene.ID(required=True)
        input = AddressInput(required=True, description="Only the fields sent change.")

    class Meta:
        description = "Updates an address of the signed-in user's address book."
        error_type_class = AccountError

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        user = info.context.user
        address = addresses.update_address(
            user=user, address=_own_address(info, id), data=address_input_data(input)
        )
        return cls(address=address, user=user)


class AccountAddressDelete(SignedInMutation):
    address = graphene.Field(Address, description="The deleted address (with its former ID).")
    user = graphene.Field(User)

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = (
            "Deletes an address of the signed-in user's address book; if it was a default, "
            "there is no default of that type afterwards."
        )
        error_type_class = AccountError

    @classmethod
    def perform_mutation(cls, root, info, id):
        user = info.context.user
        address = _own_address(info, id)
        pk = address.pk
        addresses.delete_address(user=user, address=address)
        address.pk = pk
        return cls(address=address, user=user)


class AccountSetDefaultAddress(SignedInMutation):
    user = graphene.Field(User)

    class Arguments:
        id = graphene.ID(required=True)
        type = AddressTypeEnum(required=True)

    class Meta:
        description = "Makes one of the signed-in user's addresses their default of a type."
        error_type_class = AccountError

    @classmethod
    def perform_mutation(cls, root, info, id, type):
        user = addresses.set_default_address(
            user=info.context.user, address=_own_address(info, id), type=_type_value(type)
        )
        return cls(user=user)


class AddressMutations(graphene.ObjectType):
    account_address_create = AccountAddressCreate.Field()
    account_address_update = AccountAddressUpdate.Field()
    account_address_delete = AccountAddressDelete.Field()
    account_set_default_address = AccountSetDefaultAddress.Field()
