from backend.core.permissions import has_permissions
from backend.graphql.core.errors import PermissionDenied


def require_permissions(info, permissions) -> None:
    """Refuse the field unless the requesting user holds every one of `permissions`."""
    if not has_permissions(info.context.user, permissions):
        raise PermissionDenied(permissions)
