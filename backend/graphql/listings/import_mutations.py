"""`productBulkImport`: a vendor's bulk listing import over the API (issue #6).

The file travels as a part of a multipart request (backend/graphql/core/upload.py). Every
problem — of the file, of the header, of a row — is in `errors` with its `row` and `column`
(the header text); `field` is "file" for problems of the file. With `importValidRows` the
valid rows are written although `errors` lists the others: `createdProducts` says what was.
The rules are backend/listings/imports.py.

A file with more than SYNC_IMPORT_ROWS rows to write is checked in the request (its problems
are answered at once, as for a small file) and written by a background job
(backend/listings/import_jobs.py): `job` is then set and `createdProducts` is 0 until the job
is done. A client polls `listingImportJob(id:)` (or `node(id:)`) for its progress and result.
"""

from __future__ import annotations

import graphene
from django.urls import reverse
from graphene_django import DjangoObjectType

from backend.graphql.catalog.enums import enum_from_choices
from backend.graphql.core.errors import error_type
from backend.graphql.core.ids import decode_id
from backend.graphql.core.mutations import BaseMutation
from backend.graphql.core.upload import Upload
from backend.listings import models
from backend.listings.import_jobs import start_import
from backend.listings.imports import ImportErrorCode
from backend.vendors import scoping

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

ListingImportJobStatusEnum = enum_from_choices(
    "ListingImportJobStatus", models.ListingImportJobStatus, "Where a background import is."
)


def report_url(info, token: str | None) -> str | None:
    if not token:
        return None
    return info.context.build_absolute_uri(reverse("vendordesk:import-report", args=[token]))


class ListingImportJob(DjangoObjectType):
    """A bulk listing import run in the background; visible to its vendor's staff only."""

    status = graphene.Field(ListingImportJobStatusEnum, required=True)
    file_name = graphene.String(required=True, description="The uploaded file's name.")
    total_rows = graphene.Int(required=True, description="Rows read from the file.")
    processed_rows = graphene.Int(
        required=True, description="Rows handled so far (progress: processedRows/totalRows)."
    )
    created_products = graphene.Int(required=True, description="Products created so far.")
    created_variants = graphene.Int(required=True, description="Variants created so far.")
    error_rows = graphene.Int(required=True, description="Rows with at least one problem.")
    errors = graphene.List(
        graphene.NonNull(ListingImportError),
        required=True,
        description="The problems (the first 500; the error report has them all).",
    )
    report_url = graphene.String(description="The error report, once the job is finished.")
    message = graphene.String(
        required=True, description="Why the job failed (Chinese); empty otherwise."
    )

    class Meta:
        model = models.ListingImportJob
        interfaces = (graphene.relay.Node,)
        fields = ("id", "created_at", "started_at", "finished_at")

    @classmethod
    def get_queryset(cls, queryset, info):
        return scoping.scoped(queryset, info.context.user)

    @staticmethod
    def resolve_status(root, info):
        # A new job holds the TextChoices member; the enum is built from the plain values.
        return getattr(root.status, "value", root.status)

    @staticmethod
    def resolve_file_name(root, info):
        return root.original_name

    @staticmethod
    def resolve_errors(root, info):
        return [
            {"field": "file" if item.get("row") is None else None, **item}
            for item in root.errors or []
        ]

    @staticmethod
    def resolve_report_url(root, info):
        return report_url(info, root.report_token)


class ListingImportQueries(graphene.ObjectType):
    listing_import_job = graphene.Field(
        ListingImportJob,
        id=graphene.ID(required=True, description="The job's ID (productBulkImport.job.id)."),
        description="A background bulk import of the signed-in vendor staff's vendor; null for "
        "another vendor's job and for anyone else.",
    )

    @staticmethod
    def resolve_listing_import_job(root, info, id):
        pk = decode_id(id, "ListingImportJob")
        jobs = scoping.scoped(models.ListingImportJob.objects.all(), info.context.user)
        return jobs.filter(pk=pk).first()


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
    job = graphene.Field(
        ListingImportJob,
        description="The background job writing a large file; null when the import was "
        "answered in the request.",
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
        result, job = start_import(
            user=info.context.user, upload=file, import_valid_rows=bool(import_valid_rows)
        )
        response = cls(
            created_products=result.created_products,
            created_variants=result.created_variants,
            total_rows=result.total_rows,
            error_rows=result.error_rows,
            report_url=report_url(info, result.report_token),
            job=job,
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
