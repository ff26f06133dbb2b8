from hromada.apps.services.tests.fixtures_apply import answers, apply_office, birth_service  # noqa: F401
