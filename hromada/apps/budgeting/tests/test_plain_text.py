"""Budget comments and project texts keep no control or bidi characters."""

from hromada.apps.accounts.models import IdentityLevel
from hromada.apps.budgeting.models import Comment, ProjectStatus
from hromada.apps.budgeting.tests import factories as bf
from hromada.testing import factories

BASE = "/c/kyiv/budget"


def test_comment_is_stored_without_control_characters(client, cycle, at, community):
    at("review")
    project = bf.make_project(cycle, status=ProjectStatus.PUBLISHED)
    client.force_login(factories.make_user(community=community, level=IdentityLevel.EMAIL))
    client.post(f"{BASE}/projects/{project.pk}/comments/", {"text": "Гарна\x01 ідея\u202e!\x1b\r\nПідтримую\x7f"})
    assert Comment.objects.get().text == "Гарна ідея!\nПідтримую"
