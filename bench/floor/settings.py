"""The platform's settings unchanged, with one difference: a community's URLs also hold the floor view.

`CommunityMiddleware` sets a request's URLconf from `COMMUNITY_URLCONF`, so the floor view is reached
through the same community resolution, sessions, CSRF and authentication as every community page.
"""

from hromada.config.settings import *  # noqa: F403

COMMUNITY_URLCONF = "bench.floor.urls"
