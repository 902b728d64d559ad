from django.urls import path

from backend.graphql.views import GraphQLView

urlpatterns = [
    path("graphql/", GraphQLView.as_view(), name="api"),
]
