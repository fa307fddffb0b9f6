"""Which cached pages a change to an account makes stale (see innerwork.core.page_cache).

A person's name and e-mail are on their own pages (header, greeting): each save or delete
of their account retires their scope. Logging in only stamps last_login, which no page
shows. Apps that show accounts elsewhere declare that themselves (courses: instructors).
"""

from innerwork.accounts.models import User
from innerwork.core.page_cache import user_scope, watch

watch(User, scopes=lambda user: user_scope(user.pk), ignore_fields={"last_login"})
