from django.apps import AppConfig


class ApiDocsConfig(AppConfig):
    name = "api_docs"

    def ready(self) -> None:
        from api_docs import extensions  # noqa: F401 (registers the schema extensions)
