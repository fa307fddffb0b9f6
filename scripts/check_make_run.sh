#!/usr/bin/env bash
# `make run` from a clean clone, as a newcomer runs it, on ports of our choosing (CI runs this after `make test`):
#   1. the demo starts on PORT with the emulator on EMULATOR_PORT, one progress line per step, within TIMEOUT;
#   2. the home page answers, the emulator answers on its port, and the seeded e-mails link to SITE_URL's port;
#   3. with EMULATOR_PORT already taken by another process, `make run` says so and stops (exit 1).
# Usage: scripts/check_make_run.sh [PORT] [EMULATOR_PORT]   (the clone reuses this checkout's .venv)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
port="${1:-8391}"
emulator_port="${2:-12391}"
timeout="${TIMEOUT:-600}"
clone="$(mktemp -d)/innerwork"
log="$clone.log"
git clone -q "$here" "$clone"
ln -s "$here/.venv" "$clone/.venv"
touch "$here/.venv/.runtime"  # the shared venv is current: the clone's fresh requirements.txt must not reinstall it

run_pid=""
cleanup() {
  [ -n "$run_pid" ] && kill -- -"$run_pid" 2>/dev/null || true
  [ -n "${squatter_pid:-}" ] && kill "$squatter_pid" 2>/dev/null || true
  rm -rf "$(dirname "$clone")"
}
trap cleanup EXIT
fail() { echo "check_make_run: $*" >&2; echo "--- make run's output:" >&2; cat "$log" >&2; exit 1; }

# 1. start the demo in a process group of its own (setsid without a fork: its pid is the group's id), so the
#    server and the emulator stop together
started=$(date +%s)
(cd "$clone" && exec setsid make run PORT="$port" EMULATOR_PORT="$emulator_port" >"$log" 2>&1) &
run_pid=$!
until curl -sf -o /dev/null "http://127.0.0.1:$port/"; do
  sleep 2
  kill -0 "$run_pid" 2>/dev/null || fail "make run stopped before serving"
  [ $(( $(date +%s) - started )) -lt "$timeout" ] || fail "no page after ${timeout}s"
done
echo "make run served http://127.0.0.1:$port/ after $(( $(date +%s) - started ))s"

# 2. what a newcomer sees
for step in "[1/4] Starting the Stripe emulator on http://127.0.0.1:$emulator_port/" "[2/4] Migrating" "[3/4] Seeding" \
  "[4/4] Registering the webhook endpoint for http://127.0.0.1:$port" "InnerWork demo: http://127.0.0.1:$port"; do
  grep -qF "$step" "$log" || fail "no progress line: $step"
done
lines=$(wc -l <"$log")
[ "$lines" -le 120 ] || fail "make run printed $lines lines before serving (at most 120 expected)"
curl -sf -o /dev/null "http://127.0.0.1:$emulator_port/_emulator/" || fail "no emulator on port $emulator_port"
grep -rqF "http://127.0.0.1:$port/" "$clone/.demo-mail" || fail "the seeded e-mails do not link to port $port"
if grep -rqF "http://127.0.0.1:8000" "$clone/.demo-mail"; then fail "a seeded e-mail links to the default port 8000"; fi
kill -- -"$run_pid" 2>/dev/null || true
wait "$run_pid" 2>/dev/null || true
run_pid=""
echo "progress lines, emulator port and e-mail links: ok ($lines lines of output)"

# 3. someone else's server on the emulator's port: make run refuses before registering anything with it
python3 -m http.server "$emulator_port" --bind 127.0.0.1 >/dev/null 2>&1 &
squatter_pid=$!
until curl -s -o /dev/null "http://127.0.0.1:$emulator_port/"; do sleep 0.2; done
if (cd "$clone" && make run PORT="$port" EMULATOR_PORT="$emulator_port" >"$log" 2>&1); then
  fail "make run started although port $emulator_port was taken"
fi
grep -qF "Port $emulator_port (the Stripe emulator) is already in use" "$log" || fail "no clear message for a taken emulator port"
echo "a taken emulator port is refused: ok"
