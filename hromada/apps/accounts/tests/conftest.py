import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Test accounts need no slow password hashing; the checks are the same.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
