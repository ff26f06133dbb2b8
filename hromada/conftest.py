import pytest

from hromada.apps.accounts.models import IdentityLevel
from hromada.testing import factories


@pytest.fixture
def community(db):
    return factories.make_community("kyiv", name_uk="Київська міська громада", name_en="Kyiv City Community")


@pytest.fixture
def other_community(db):
    return factories.make_community("lviv", name_uk="Львівська міська громада", name_en="Lviv City Community")


@pytest.fixture
def resident(community):
    return factories.make_user(community=community, level=IdentityLevel.EMAIL)


@pytest.fixture
def verified_resident(community):
    return factories.make_user(community=community, level=IdentityLevel.VERIFIED)


@pytest.fixture
def staff(community):
    """staff("operator") -> a user holding that role in `community`."""

    def make(role: str, **kwargs):
        return factories.make_staff(community, role, **kwargs)

    return make


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    # Tests read messages in English unless they switch language on purpose.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _empty_default_cache():
    # Rate-limit counts (and anything else cached) must not leak from one test to the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _forget_process_memory():
    # What a process remembers (every hromada.core.memo.TimedMemory: host names, counts, policies, ballot
    # rules, ...) must not leak from one test to the next (databases are rolled back, so ids are reused).
    from hromada.core import memo

    memo.clear_all()
    yield
    memo.clear_all()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path_factory):
    # Private uploads (appeal photos, scans) go to a directory of the test run, never to var/private.
    settings.PRIVATE_MEDIA_ROOT = tmp_path_factory.mktemp("private")


@pytest.fixture(autouse=True, scope="session")
def _static_files_by_plain_name():
    # A manifest left in var/static by `make run` must not decide which files the tests see:
    # the tests read the apps' static files by their plain names (docs/decisions.md).
    from django.test import override_settings

    plain = override_settings(STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    })
    plain.enable()
    yield
    plain.disable()


@pytest.fixture(autouse=True, scope="session")
def _tasks_in_the_database():
    # Whatever TASKS_BACKEND the environment names, a test sees the tasks it enqueued as rows of the
    # database backend, in its own transaction, and runs the due ones with
    # hromada.core.tasks.worker.run_due_tasks(). The RQ tests start their own processes.
    from django.test import override_settings

    database = override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                                    "QUEUES": ["default"]}})
    database.enable()
    yield
    database.disable()
