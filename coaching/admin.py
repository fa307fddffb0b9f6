from coaching import admin_contracts  # noqa: F401  (the contracts console registers itself)
