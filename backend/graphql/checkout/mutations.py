"""Checkout mutations with Saleor's names and shapes (`{ checkout errors { field message code
lines variants } }`). A checkout's ID is its capability: a guest holding it may change the
cart; a cart that belongs to an account is only visible to that account."""

from __future__ import annotations

import graphene
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from backend.catalog.models import ProductVariant
from backend.checkout import services
from backend.checkout.complete import complete_checkout
from backend.checkout.error_codes import CheckoutErrorCode
from backend.checkout.models import Checkout as CheckoutModel
from backend.graphql.catalog.enums import enum_from_choices
from backend.graphql.checkout.types import Checkout, Delivery, checkout_info
from backend.graphql.core.errors import error_type
from backend.graphql.core.ids import decode_id, decode_uuid
from backend.graphql.core.mutations import BaseMutation

CheckoutErrorCodeEnum = enum_from_choices("CheckoutErrorCode", CheckoutErrorCode)
CheckoutError = error_type(
    "CheckoutError",
    CheckoutErrorCodeEnum,
    {
        "lines": graphene.List(
            graphene.NonNull(graphene.ID), description="Checkout lines the error concerns."
        ),
        "variants": graphene.List(
            graphene.NonNull(graphene.ID), description="Variants the error concerns."
        ),
    },
)


ADDRESS_INPUT = "backend.graphql.account.address_types.AddressInput"


def _not_found(field: str = "id") -> ValidationError:
    return ValidationError(
        {field: ValidationError(_("购物车不存在。"), code=CheckoutErrorCode.NOT_FOUND)}
    )


def visible_checkout(info, token) -> CheckoutModel | None:
    checkout = CheckoutModel.objects.select_related("channel").filter(pk=token).first()
    if checkout is None:
        return None
    user = info.context.user
    if checkout.user_id and not (user.is_authenticated and user.pk == checkout.user_id):
        # Someone else's cart: answer as if it did not exist.
        return None
    return checkout


def get_checkout(info, global_id: str, *, lock: bool = False) -> CheckoutModel:
    token = decode_uuid(global_id, "Checkout")
    checkout = visible_checkout(info, token)
    if checkout is None:
        raise _not_found()
    if lock:
        checkout = (
            CheckoutModel.objects.select_for_update(of=("self",))
            .select_related("channel")
            .get(pk=token)
        )
    return checkout


def _variant(global_id: str, field: str) -> ProductVariant:
    pk = decode_id(global_id, "ProductVariant", field=field)
    variant = ProductVariant.objects.filter(pk=pk).first()
    if variant is None:
        raise ValidationError(
            {field: ValidationError(_("没有这个商品规格。"), code=CheckoutErrorCode.NOT_FOUND)}
        )
    return variant


def _changes(lines, *, replace: bool) -> list[services.LineChange]:
    changes = []
    for line in lines:
        quantity = line.quantity
        if quantity is None or quantity < 0 or (quantity == 0 and not replace):
            raise ValidationError(
                {
                    "quantity": ValidationError(
                        _("数量必须大于 0。"), code=CheckoutErrorCode.ZERO_QUANTITY
                    )
                }
            )
        changes.append(
            services.LineChange(_variant(line.variant_id, "variant_id"), quantity, replace)
        )
    return changes


class CheckoutLineInput(graphene.InputObjectType):
    variant_id = graphene.ID(required=True)
    quantity = graphene.Int(required=True)


class CheckoutLineUpdateInput(graphene.InputObjectType):
    line_id = graphene.ID(description="The line to change; or give `variantId`.")
    variant_id = graphene.ID()
    quantity = graphene.Int(required=True, description="New quantity; 0 removes the line.")


class CheckoutCreateInput(graphene.InputObjectType):
    channel = graphene.String(required=True, description="Slug of the channel.")
    lines = graphene.List(graphene.NonNull(CheckoutLineInput), required=True)
    email = graphene.String()
    phone = graphene.String()
    shipping_address = graphene.Field(ADDRESS_INPUT)
    billing_address = graphene.Field(ADDRESS_INPUT)
    language_code = graphene.Argument(
        "backend.graphql.catalog.translations.LanguageCodeEnum",
        description="Language of the order's notifications: English for EN*, else Chinese.",
    )


def _notification_language(language_code) -> str | None:
    if language_code is None:
        return None
    code = getattr(language_code, "value", language_code)
    return "en" if str(code).startswith("EN") else "zh-hans"


class CheckoutMutation(BaseMutation):
    checkout = graphene.Field(Checkout)

    class Meta:
        abstract = True

    @classmethod
    def result(cls, checkout: CheckoutModel):
        # A fresh instance so that fields see the state after the change.
        return cls(checkout=CheckoutModel.objects.select_related("channel").get(pk=checkout.pk))


def _address_data(value) -> dict:
    from backend.graphql.account.address_types import address_input_data

    return address_input_data(value)


class CheckoutCreate(CheckoutMutation):
    class Arguments:
        input = CheckoutCreateInput(required=True)

    class Meta:
        description = "Creates a checkout (cart) in a channel, with lines."
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root, info, input):
        channel = services.get_active_channel(input.channel)
        checkout = services.create_checkout(
            channel=channel,
            user=info.context.user,
            email=input.email or "",
            lines=_changes(input.lines, replace=False),
        )
        language = _notification_language(input.get("language_code"))
        if language is not None and language != checkout.language_code:
            checkout.language_code = language
            checkout.save(update_fields=["language_code"])
        if input.phone:
            services.update_phone(checkout, input.phone)
        if input.shipping_address:
            services.update_shipping_address(checkout, _address_data(input.shipping_address))
        if input.billing_address:
            services.update_billing_address(checkout, _address_data(input.billing_address))
        return cls.result(checkout)


class CheckoutLinesAdd(CheckoutMutation):
    class Arguments:
        id = graphene.ID(required=True)
        lines = graphene.List(graphene.NonNull(CheckoutLineInput), required=True)

    class Meta:
        description = "Adds lines to a checkout; a variant already in the cart adds up."
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root, info, id, lines):
        checkout = get_checkout(info, id, lock=True)
        services.change_lines(checkout, _changes(lines, replace=False))
        return cls.result(checkout)


class CheckoutLinesUpdate(CheckoutMutation):
    class Arguments:
        id = graphene.ID(required=True)
        lines = graphene.List(graphene.NonNull(CheckoutLineUpdateInput), required=True)

    class Meta:
        description = "Sets line quantities; a quantity of 0 removes the line."
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root, info, id, lines):
        checkout = get_checkout(info, id, lock=True)
        by_line = {str(line.pk): line.variant_id for line in checkout.lines.all()}
        resolved = []
        for line in lines:
            if line.quantity < 0:
                raise ValidationError(
                    {
                        "quantity": ValidationError(
                            _("数量不能为负数。"), code=CheckoutErrorCode.INVALID
                        )
                    }
                )
            if line.line_id:
                line_pk = str(decode_uuid(line.line_id, "CheckoutLine", field="line_id"))
                if line_pk not in by_line:
                    raise ValidationError(
                        {
                            "line_id": ValidationError(
                                _("购物车中没有这一行。"), code=CheckoutErrorCode.NOT_FOUND
                            )
                        }
                    )
                variant = ProductVariant.objects.get(pk=by_line[line_pk])
            elif line.variant_id:
                variant = _variant(line.variant_id, "variant_id")
            else:
                raise ValidationError(
                    {
                        "line_id": ValidationError(
                            _("请指定要修改的购物车行。"), code=CheckoutErrorCode.REQUIRED
                        )
                    }
                )
            resolved.append(services.LineChange(variant, line.quantity, replace=True))
        services.change_lines(checkout, resolved)
        return cls.result(checkout)


class CheckoutLineDelete(CheckoutMutation):
    class Arguments:
        id = graphene.ID(required=True)
        line_id = graphene.ID(description="The line to remove.")

    class Meta:
        description = "Removes one line from a checkout (Saleor's older single-line form)."
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root, info, id, line_id=None):
        checkout = get_checkout(info, id, lock=True)
        if not line_id:
            raise ValidationError(
                {
                    "line_id": ValidationError(
                        _("请指定要删除的购物车行。"), code=CheckoutErrorCode.REQUIRED
                    )
                }
            )
        services.delete_lines(checkout, [decode_uuid(line_id, "CheckoutLine", field="line_id")])
        return cls.result(checkout)


class CheckoutLinesDelete(CheckoutMutation):
    class Arguments:
        id = graphene.ID(required=True)
        lines_ids = graphene.List(graphene.NonNull(graphene.ID), required=True)

    class Meta:
        description = "Removes lines from a checkout."
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root, info, id, lines_ids):
        checkout = get_checkout(info, id, lock=True)
        pks = [decode_uuid(gid, "CheckoutLine", field="line_id") for gid in lines_ids]
        services.delete_lines(checkout, pks)
        return cls.result(checkout)


def _setter(name: str, argument: str, graphene_argument, change, description: str, extra=None):
    """A `checkout<Something>Update(id, <argument>)` mutation: lock the cart, hand the value to
    the checkout service `change(checkout, value, **extra arguments)`, return the cart as it is
    afterwards."""

    def perform_mutation(cls, root, info, id, **data):
        checkout = get_checkout(info, id, lock=True)
        value = data.pop(argument)
        if data:
            change(checkout, value, info=info, **data)
        else:
            change(checkout, value)
        return cls.result(checkout)

    arguments = {"id": graphene.ID(required=True), argument: graphene_argument, **(extra or {})}
    meta = {"description": description, "error_type_class": CheckoutError}
    return type(
        name,
        (CheckoutMutation,),
        {
            "Arguments": type("Arguments", (), arguments),
            "Meta": type("Meta", (), meta),
            "perform_mutation": classmethod(perform_mutation),
        },
    )


CheckoutEmailUpdate = _setter(
    "CheckoutEmailUpdate",
    "email",
    graphene.String(required=True),
    services.update_email,
    "Sets the checkout's e-mail address (optional: the phone suffices).",
)
CheckoutPhoneUpdate = _setter(
    "CheckoutPhoneUpdate",
    "phone",
    graphene.String(required=True),
    services.update_phone,
    "Sets the mobile number the order's notifications go to.",
)


class CheckoutAddressValidationRules(graphene.InputObjectType):
    """Saleor's switches for address validation. Accepted for compatibility; addresses here
    are always checked in full (a county address must name its town and village)."""

    check_required_fields = graphene.Boolean()
    check_fields_format = graphene.Boolean()
    enable_fields_normalization = graphene.Boolean()


def _address_arguments() -> dict:
    return {
        "save_address": graphene.Boolean(
            description="Also add the address to the signed-in shopper's address book."
        ),
        "validation_rules": CheckoutAddressValidationRules(
            description="Accepted; addresses are always validated in full here."
        ),
    }


def _set_address(update):
    def change(checkout, value, info=None, save_address=None, validation_rules=None):
        data = _address_data(value)
        update(checkout, data)
        user = info.context.user if info is not None else None
        if save_address and user is not None and user.is_authenticated:
            from backend.account.addresses import create_address

            create_address(user=user, data=data)

    return change


CheckoutShippingAddressUpdate = _setter(
    "CheckoutShippingAddressUpdate",
    "shipping_address",
    graphene.Argument(ADDRESS_INPUT, required=True),
    _set_address(services.update_shipping_address),
    "Sets the delivery address; in the county it names a town and village.",
    extra=_address_arguments(),
)
CheckoutBillingAddressUpdate = _setter(
    "CheckoutBillingAddressUpdate",
    "billing_address",
    graphene.Argument(ADDRESS_INPUT, required=True),
    _set_address(services.update_billing_address),
    "Sets the billing address.",
    extra=_address_arguments(),
)


class CheckoutDeliveryMethodUpdate(CheckoutMutation):
    class Arguments:
        id = graphene.ID(required=True)
        delivery_method_id = graphene.ID(
            description="The id of one of `shippingMethods`; null clears the choice."
        )

    class Meta:
        description = "Chooses how the order is delivered."
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root, info, id, delivery_method_id=None):
        checkout = get_checkout(info, id, lock=True)
        services.update_delivery_method(checkout, delivery_method_id)
        return cls.result(checkout)


class CheckoutCustomerAttach(CheckoutMutation):
    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = (
            "Attaches the signed-in shopper to a checkout filled while signed out, and merges "
            "their other open carts of the channel into it."
        )
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root, info, id):
        user = info.context.user
        if not user.is_authenticated:
            raise ValidationError(_("请先登录。"), code=CheckoutErrorCode.PERMISSION_DENIED)
        checkout = get_checkout(info, id, lock=True)
        services.attach_customer(checkout, user)
        return cls.result(checkout)


class CheckoutCustomerDetach(CheckoutMutation):
    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "Detaches the shopper from a checkout."
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root, info, id):
        user = info.context.user
        if not user.is_authenticated:
            raise ValidationError(_("请先登录。"), code=CheckoutErrorCode.PERMISSION_DENIED)
        checkout = get_checkout(info, id, lock=True)
        services.detach_customer(checkout)
        return cls.result(checkout)


class CheckoutComplete(BaseMutation):
    order = graphene.Field("backend.graphql.order.types.Order")
    confirmation_needed = graphene.Boolean(required=True, default_value=False)

    class Arguments:
        id = graphene.ID(required=True)
        customer_note = graphene.String()

    class Meta:
        description = (
            "Places the order: checks the cart again, allocates stock and moves the payments to "
            "the order. Idempotent: completing the same checkout again returns the same order."
        )
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root, info, id, customer_note=None):
        token = decode_uuid(id, "Checkout")
        if visible_checkout(info, token) is None:
            from backend.order.models import Order

            order = Order.objects.filter(checkout_token=token).first()
            user = info.context.user
            if order is None or (
                order.user_id and not (user.is_authenticated and user.pk == order.user_id)
            ):
                raise _not_found()
            return cls(order=order, confirmation_needed=False)
        order, _created = complete_checkout(
            token, user=info.context.user, customer_note=(customer_note or "")[:500]
        )
        # Read back from the database: the fields then hold plain stored values.
        order = type(order).objects.get(pk=order.pk)
        return cls(order=order, confirmation_needed=False)


class DeliveryOptionsCalculate(BaseMutation):
    deliveries = graphene.List(graphene.NonNull(Delivery), required=True)

    class Arguments:
        id = graphene.ID(required=True, description="The checkout's ID.")

    class Meta:
        description = (
            "The delivery methods offered for the checkout as it is now (its address and "
            "lines). Options are computed at each read, so this changes nothing."
        )
        error_type_class = CheckoutError

    @classmethod
    def perform_mutation(cls, root, info, id):
        checkout = get_checkout(info, id)
        return cls(deliveries=checkout_info(checkout).delivery_methods())


class CheckoutMutations(graphene.ObjectType):
    checkout_create = CheckoutCreate.Field()
    checkout_lines_add = CheckoutLinesAdd.Field()
    checkout_lines_update = CheckoutLinesUpdate.Field()
    checkout_lines_delete = CheckoutLinesDelete.Field()
    checkout_line_delete = CheckoutLineDelete.Field()
    checkout_email_update = CheckoutEmailUpdate.Field()
    checkout_phone_update = CheckoutPhoneUpdate.Field()
    checkout_shipping_address_update = CheckoutShippingAddressUpdate.Field()
    checkout_billing_address_update = CheckoutBillingAddressUpdate.Field()
    checkout_delivery_method_update = CheckoutDeliveryMethodUpdate.Field()
    checkout_customer_attach = CheckoutCustomerAttach.Field()
    checkout_customer_detach = CheckoutCustomerDetach.Field()
    checkout_complete = CheckoutComplete.Field()
    delivery_options_calculate = DeliveryOptionsCalculate.Field()
