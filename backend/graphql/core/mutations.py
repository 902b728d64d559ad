"""Base mutation: permission check, one transaction, Saleor's error payload.

A subclass declares its arguments, `permissions` and `error_type_class` in Meta, and implements
`perform_mutation(root, info, **data)` returning an instance of itself. Services raise Django
`ValidationError`s with a code (and `params={"field": ...}` or an error dict keyed by field);
they come back as `errors { field message code }` and the transaction is rolled back, so a
mutation with errors writes nothing.
"""

from __future__ import annotations

import logging

import graphene
from django.core.exceptions import ValidationError
from django.db import DataError, transaction
from django.utils.translation import gettext as _
from graphene.types.mutation import MutationOptions
from graphene.utils.str_converters import to_camel_case

from backend.core.services import delete_instance
from backend.graphql.core.errors import ApiError, PermissionDenied, validation_errors
from backend.graphql.core.input_text import first_unstorable_field
from backend.graphql.core.inputs import get_instance
from backend.graphql.core.permissions import require_permissions

logger = logging.getLogger(__name__)


class BaseMutationOptions(MutationOptions):
    permissions = None
    error_type_class = None
    error_type_field = "errors"
    default_error_code = "INVALID"


class BaseMutation(graphene.Mutation):
    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(
        cls,
        permissions=None,
        error_type_class=None,
        error_type_field="errors",
        default_error_code="INVALID",
        _meta=None,
        **options,
    ):
        if _meta is None:
            _meta = BaseMutationOptions(cls)
        if error_type_class is None:
            raise TypeError(f"{cls.__name__} must declare error_type_class in Meta")
        _meta.permissions = permissions or []
        _meta.error_type_class = error_type_class
        _meta.error_type_field = error_type_field
        _meta.default_error_code = default_error_code
        options.setdefault("output", None)
        super().__init_subclass_with_meta__(_meta=_meta, **options)
        cls._meta.fields[error_type_field] = graphene.Field(
            graphene.NonNull(graphene.List(graphene.NonNull(error_type_class))),
            description="Errors of this mutation; empty when it succeeded.",
        )

    @classmethod
    def check_permissions(cls, info) -> None:
        """Mutations that declare permissions are staff mutations: a customer account is
        refused even if a permission was granted to it by mistake (DESIGN.md: permissions are
        checked in the API, never only by hiding a button)."""
        if cls._meta.permissions:
            user = info.context.user
            if not (user.is_authenticated and user.is_staff):
                raise PermissionDenied(cls._meta.permissions)
            require_permissions(info, cls._meta.permissions)

    @classmethod
    def mutate(cls, root, info, **data):
        cls.check_permissions(info)
        unstorable = first_unstorable_field(data)
        if unstorable is not None:
            return cls._refused_input(to_camel_case(unstorable))
        try:
            with transaction.atomic():
                response = cls.perform_mutation(root, info, **data)
        except ValidationError as error:
            return cls.handle_errors(error)
        except DataError:
            # Input the database cannot store that no validation caught (a NUL character in
            # text, a number out of a column's range): rolled back, answered as a typed error.
            logger.warning("%s: input the database refused", cls.__name__, exc_info=True)
            return cls._refused_input(None)
        except ApiError as error:
            # Bad IDs and similar input errors found while decoding arguments.
            field = (error.extensions or {}).get("exception", {}).get("field")
            field = to_camel_case(field) if field else None
            return cls.with_errors(
                [{"field": field, "message": error.message, "code": "GRAPHQL_ERROR"}]
            )
        setattr(response, cls._meta.error_type_field, [])
        return response

    @classmethod
    def with_errors(cls, errors: list[dict]):
        """The payload of a refused mutation: its errors, and the honest empty value of every
        required field (`deliveries: [Delivery!]!` is `[]`, `ok: Boolean!` is false, a
        required count is 0), not a null that graphql would turn into a server error."""
        empty = {
            name: value
            for name, field in cls._meta.fields.items()
            if name != cls._meta.error_type_field and (value := _empty_value(field)) is not None
        }
        return cls(**{**empty, cls._meta.error_type_field: errors})

    @classmethod
    def _refused_input(cls, field: str | None):
        """Input the database cannot hold (a NUL character, an unpaired surrogate, a number
        beyond a column's range): the mutation's typed error, nothing written."""
        message = _(
            "输入中有无法保存的内容（例如不可见的控制字符或超出范围的数字），请检查后重试。"
        )
        error = {"field": field, "message": message, "code": cls._meta.default_error_code}
        return cls.with_errors([error])

    @classmethod
    def handle_errors(cls, error: ValidationError):
        items = validation_errors(error, cls._meta.default_error_code)
        known = set(cls._meta.error_type_class.code_enum._meta.enum.__members__)
        for item in items:
            if item["code"] not in known:
                item["code"] = cls._meta.default_error_code
        return cls.with_errors(items)

    @classmethod
    def perform_mutation(cls, root, info, **data):
        raise NotImplementedError


def _empty_value(field) -> list | bool | int | None:
    field_type = field.type  # graphene resolves lazily declared types here
    if not isinstance(field_type, graphene.NonNull):
        return None
    inner = field_type.of_type
    if isinstance(inner, graphene.List):
        return []
    if inner is graphene.Boolean:
        return False
    if inner is graphene.Int:
        return 0
    return None


def _mutation_class(name, field_name, graphene_type, arguments, meta, perform_mutation):
    return type(
        name,
        (BaseMutation,),
        {
            field_name: graphene.Field(graphene_type),
            "Arguments": type("Arguments", (), arguments),
            "Meta": type("Meta", (), meta),
            "perform_mutation": classmethod(perform_mutation),
        },
    )


def model_mutations(
    *,
    type_name: str,
    model,
    graphene_type,
    field_name: str,
    create_input,
    update_input,
    to_data,
    save,
    permissions,
    error_class,
    delete=None,
):
    """`<type>Create(input)`, `<type>Update(id, input)` and `<type>Delete(id)` for a model whose
    service saves new and existing rows alike: `save(instance_or_None, data)`, where `data`
    is `to_data(input)`; `delete(instance)` is the service that deletes one (a plain delete
    when the deletion has no side effects). Returns the three mutation classes."""
    meta = {"permissions": permissions, "error_type_class": error_class}

    def create(cls, root, info, input):
        return cls(**{field_name: save(None, to_data(input))})

    def update(cls, root, info, id, input):
        instance = get_instance(model.objects, id, type_name, field="id")
        return cls(**{field_name: save(instance, to_data(input))})

    return (
        _mutation_class(
            f"{type_name}Create",
            field_name,
            graphene_type,
            {"input": create_input(required=True)},
            {**meta, "description": f"Creates a {type_name}."},
            create,
        ),
        _mutation_class(
            f"{type_name}Update",
            field_name,
            graphene_type,
            {"id": graphene.ID(required=True), "input": update_input(required=True)},
            {**meta, "description": f"Updates a {type_name}."},
            update,
        ),
        delete_mutation(
            f"{type_name}Delete",
            model,
            type_name,
            graphene_type,
            field_name,
            permissions,
            error_class,
            delete=delete,
        ),
    )


def delete_mutation(
    name, model, type_name, graphene_type, field_name, permissions, error_class, *, delete=None
):
    """A `<type>Delete(id)` mutation returning the deleted object (with its former ID);
    `delete(instance)` is the service to call, a plain delete by default."""
    remove = delete or delete_instance

    def perform(cls, root, info, id):
        instance = get_instance(model.objects, id, type_name, field="id")
        pk = instance.pk
        remove(instance)
        instance.pk = pk
        return cls(**{field_name: instance})

    meta = {
        "permissions": permissions,
        "error_type_class": error_class,
        "description": f"Deletes a {type_name}.",
    }
    return _mutation_class(
        name, field_name, graphene_type, {"id": graphene.ID(required=True)}, meta, perform
    )
