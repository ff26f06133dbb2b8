import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hromada.config.settings")

from hromada.core.edge import EdgeApplication  # noqa: E402  (settings first)

application = EdgeApplication(get_wsgi_application())
