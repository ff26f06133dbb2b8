"""Applications and cases in the API (being written)."""

urlpatterns: list = []
