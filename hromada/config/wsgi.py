import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hromada.config.settings")

from hromada.core.bodylimit import BodyLimitApplication  # noqa: E402  (settings first)
from hromada.core.edge import EdgeApplication  # noqa: E402
from hromada.core.proxy import TrustedProxies  # noqa: E402

# The trusted-proxy rule first, so that the edge and Django see the same client address and scheme;
# then a body sent in chunks is counted (and refused past its ceiling) before the edge or Django.
application = TrustedProxies(BodyLimitApplication(EdgeApplication(get_wsgi_application())))
