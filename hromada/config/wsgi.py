import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hromada.config.settings")

from hromada.core.edge import EdgeApplication  # noqa: E402  (settings first)
from hromada.core.proxy import TrustedProxies  # noqa: E402

# The trusted-proxy rule first, so that the edge and Django see the same client address and scheme.
application = TrustedProxies(EdgeApplication(get_wsgi_application()))
