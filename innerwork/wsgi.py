"""The WSGI application gunicorn serves, loaded whole before the first request.

Every URLconf and view module is imported here, then what start-up built (some 200,000 objects:
Django, dj-stripe, stripe-python, Celery, the apps) is moved out of the garbage collector's way with
gc.freeze(). Python's full collection otherwise walks all of it every few hundred requests, a pause of
about 0.1 s for whichever request triggers it; frozen, it walks only what requests made. In a pre-fork
server it also keeps those pages shared between workers instead of touched by every collection.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innerwork.settings")

application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - imports every URLconf and its views now, not in a request
gc.collect()
gc.freeze()
