from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "backend.search"
    label = "search"

    def ready(self) -> None:
        from backend.search import signals

        signals.connect()
