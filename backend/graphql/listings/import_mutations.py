"""`productBulkImport`: a vendor's bulk listing import over the API (issue #6).

The file travels as a part of a multipart request (backend/graphql/core/upload.py). Every
problem — of the file, of the header, of a row — is in `errors` with its `row` and `column`
(the header text); `field` is "file" for problems of the file. With `importValidRows` the
valid rows are written although `errors` lists the others: `createdProducts` says what was.
The rules are backend/listings/imports.py.
"""

from __future__ import annotations

import graphene
from django.urls import reverse

from backend.graphql.catalog.enums import enum_from_choices
from backend.graphql.core.errors import error_type
from backend.graphql.core.mutations import BaseMutation
from backend.graphql.core.upload import Upload
from backend.listings.imports import ImportErrorCode, import_listings

ListingImportErrorCodeEnum = enum_from_choices(
    "ListingImportErrorCode", ImportErrorCode, "Why a bulk listing import refused a file or a row."
)
ListingImportError = error_type(
    "ListingImportError",
    ListingImportErrorCodeEnum,
    {
        "row": graphene.Int(
            description="Spreadsheet row number (1 is the header); null for the whole file."
        ),
        "column": graphene.String(description="Header of the column, as in the template."),
    },
)


class ProductBulkImport(BaseMutation):
    created_products = graphene.Int(
        required=True, description="Products created (draft listings of the vendor)."
    )
    created_variants = graphene.Int(required=True, description="Variants (SKUs) created.")
    total_rows = graphene.Int(required=True, description="Rows read from the file.")
    error_rows = graphene.Int(required=True, description="Rows with at least one problem.")
    report_url = graphene.String(
        description="The error report (XLSX: the rows plus an 错误 column), when there were "
        "problems; only the vendor's staff can download it (session or Bearer token)."
    )

    class Arguments:
        file = Upload(required=True, description="The filled template, XLSX or CSV.")
        import_valid_rows = graphene.Boolean(
            default_value=False,
            description="Import the valid rows of a file that has errors (导入有效行); "
            "otherwise a file with any error imports nothing.",
        )

    class Meta:
        description = "Creates the vendor's draft products from the bulk import template."
        error_type_class = ListingImportError

    @classmethod
    def perform_mutation(cls, root, info, file, import_valid_rows=False):
        result = import_listings(
            user=info.context.user, upload=file, import_valid_rows=bool(import_valid_rows)
        )
        report_url = None
        if result.report_token:
            report_url = info.context.build_absolute_uri(
                reverse("vendordesk:import-report", args=[result.report_token])
            )
        response = cls(
            created_products=result.created_products,
            created_variants=result.created_variants,
            total_rows=result.total_rows,
            error_rows=result.error_rows,
            report_url=report_url,
        )
        response._problems = [  # type: ignore[attr-defined]
            {
                "field": "file" if problem.row is None else None,
                "message": problem.message,
                "code": str(problem.code),
                "row": problem.row,
                "column": problem.column,
            }
            for problem in result.problems
        ]
        return response

    @classmethod
    def mutate(cls, root, info, **data):
        """BaseMutation's transaction and refusals (not vendor staff), then the problems of
        the import, which are results rather than a failure: with importValidRows the valid
        rows stay written."""
        response = super().mutate(root, info, **data)
        problems = getattr(response, "_problems", None)
        if problems:
            response.errors = problems
        if response.errors and getattr(response, "created_products", None) is None:
            response.created_products = response.created_variants = 0
            response.total_rows = response.error_rows = 0
        return response


class ListingImportMutations(graphene.ObjectType):
    product_bulk_import = ProductBulkImport.Field()
