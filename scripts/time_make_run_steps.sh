#!/usr/bin/env bash
# Where `make run`'s time goes, from a clean clone: each step `make run` takes after the virtualenv
# (migrate, seed_demo, stripe_demo_setup), timed alone on the demo's SQLite database, wall and CPU.
# The clone reuses this checkout's .venv (pip is not timed). Prints a Markdown table.
# Usage: scripts/time_make_run_steps.sh [EMULATOR_PORT] [PORT]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
emulator_port="${1:-12392}"
port="${2:-8392}"
work="$(mktemp -d)"
clone="$work/innerwork"
git clone -q "$here" "$clone"
ln -s "$here/.venv" "$clone/.venv"
cd "$clone"
unset DATABASE_URL REDIS_URL CELERY_BROKER_URL STRIPE_API_HOST
export EMULATOR_PORT="$emulator_port" SITE_URL="http://127.0.0.1:$port"
mkdir -p .stripe-emulator
.venv/bin/python -m stripe_emulator --port "$emulator_port" --data-dir .stripe-emulator >.stripe-emulator/emulator.log 2>&1 &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
until curl -sf -o /dev/null "http://127.0.0.1:$emulator_port/_emulator/"; do sleep 0.2; done

timed() {  # timed NAME COMMAND...: one table row, wall and CPU (user + sys) seconds
  local name="$1" wall user sys; shift
  if ! /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >/dev/null 2>"$work/err"; then
    echo "$name failed:" >&2; cat "$work/err" >&2; exit 1
  fi
  read -r wall user sys <"$work/time"
  printf '| %s | %s | %.1f |\n' "$name" "$wall" "$(echo "$user + $sys" | bc)"
}

echo "| step | wall (s) | CPU (s) |"
echo "|---|---|---|"
timed "migrate" .venv/bin/python manage.py migrate --noinput -v 0
timed "seed_demo" env LOG_LEVEL=WARNING EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend \
  EMAIL_FILE_PATH=.demo-mail .venv/bin/python manage.py seed_demo
timed "stripe_demo_setup" .venv/bin/python manage.py stripe_demo_setup --site-url "$SITE_URL"
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
