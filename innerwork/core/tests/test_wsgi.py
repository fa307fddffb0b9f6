"""The application gunicorn serves is loaded whole, and its start-up objects are frozen out of the collector."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import gc, sys
from innerwork.wsgi import application
print(gc.get_freeze_count(), "commerce.views.checkout" in sys.modules, "mentorship.views" in sys.modules)
"""


def test_loading_the_wsgi_application_imports_every_view_and_freezes_what_start_up_built():
    # when a server process loads the application (a fresh interpreter, as a gunicorn worker is)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "innerwork.settings")}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120
    )

    # then the views a first request needs are imported already, and start-up's objects are frozen
    frozen, checkout_views, mentorship_views = result.stdout.split()[-3:]
    assert (checkout_views, mentorship_views) == ("True", "True")
    assert int(frozen) > 50_000
