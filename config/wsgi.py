import os

from django.core.wsgi import get_wsgi_application

# Production unless another settings module is chosen explicitly.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_wsgi_application()
