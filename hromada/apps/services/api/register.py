"""The register in the API (being written)."""

urlpatterns: list = []
