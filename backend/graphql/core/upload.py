"""The `Upload` scalar of the GraphQL multipart request specification.

A file cannot travel inside a JSON body, so the client sends `operations` (the JSON request with
null where each file goes), `map` (which form part fills which variable path) and the files as
form parts; the view (backend/graphql/views.py, `multipart_operations`) puts each uploaded file
into the variables before execution, and this scalar hands it to the resolver unchanged.
Spec: https://github.com/jaydenseric/graphql-multipart-request-spec
"""

from __future__ import annotations

import graphene
from django.core.files.uploadedfile import UploadedFile


class Upload(graphene.Scalar):
    """A file sent as a part of a multipart request (`operations`, `map`, files)."""

    @staticmethod
    def serialize(value):
        return getattr(value, "name", None)

    @staticmethod
    def parse_value(value):
        """Only a file the view placed in the variables is an upload: a string or a number in
        JSON variables is a client mistake, refused as an input error rather than read."""
        if value is None or isinstance(value, UploadedFile):
            return value
        raise ValueError("Upload must be sent as a file part of a multipart request.")

    @staticmethod
    def parse_literal(node, _variables=None):
        """A file cannot be written inline in the query text."""
        raise ValueError("Upload must be sent as a file part of a multipart request.")
