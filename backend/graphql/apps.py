from django.apps import AppConfig


class GraphqlConfig(AppConfig):
    name = "backend.graphql"
    label = "api"
