"""The search tables of test_search.py, run again on SQLite, the database of the demo (`make run`).

Search has two implementations (courses/selectors/search.py): PostgreSQL's and SQLite's. The suite runs on
PostgreSQL, so this test starts a second pytest process on the same module with DATABASE_URL pointing at a
SQLite file; the test settings read DATABASE_URL, so that process is the same code on the other database,
with nothing mocked. Its tables are built from the models (`--nomigrations`): the PostgreSQL-only parts of
migration 0010 are checked by `manage.py migrate` on SQLite in `make run`, and building every app's
migrations on SQLite would cost minutes here. The child checks it really ran on SQLite
(test_this_run_uses_the_database_it_was_asked_for) and every test must pass.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

SEARCH_TESTS = Path(__file__).with_name("test_search.py")
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_the_search_tables_pass_on_sqlite(tmp_path):
    # given a pytest process on a SQLite database
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'search.sqlite3'}",
        "EXPECTED_DATABASE_VENDOR": "sqlite",
        "PAGE_CACHE": "false",
    }
    env.pop("PYTEST_XDIST_WORKER", None)

    # when it runs the search tests
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:xdist", "--nomigrations", "-q", "-rfE", str(SEARCH_TESTS)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )

    # then every one of them passed, and none was skipped or left out
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    assert re.fullmatch(r"\d+ passed(, \d+ warnings?)? in .*", summary), summary
    assert int(summary.split()[0]) >= 40, summary
