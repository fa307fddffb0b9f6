"""Which cached pages each write in scheduling makes stale (see innerwork.core.page_cache).

Free times are on pages anyone can see (a mentor's page, a coach's): every write to a calendar,
its weekly hours, its date overrides or any appointment, by any code path (the status doors'
guarded UPDATEs, admin bulk actions, the demo's inserts), retires SCHEDULES. A page showing
free times also keys itself by the minute: a hold that lapses or a notice window that moves
changes no row, so a page is never more than a minute behind the clock.
"""

from innerwork.core.page_cache import watch_tables
from innerwork.scheduling.models import Appointment, Calendar, DateOverride, WeeklyRule

SCHEDULES = "schedules"

watch_tables(Calendar, WeeklyRule, DateOverride, Appointment, scope=SCHEDULES)
