#!/usr/bin/env bash
# Starts the whole service on one machine: web server, task worker and scheduler, with demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="uv run --frozen python"
$PY manage.py migrate --noinput
$PY manage.py collectstatic --noinput --verbosity 0
$PY manage.py seed_demo
HOST="${CONSILIUM_HOST:-127.0.0.1}"
PORT="${CONSILIUM_PORT:-8000}"
# Links in emails point at this run's address.
export CONSILIUM_SITE_URL="${CONSILIUM_SITE_URL:-http://$HOST:$PORT}"

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

# No control socket: its default path is shared by every gunicorn of this user on the machine.
uv run --frozen gunicorn consilium.config.wsgi:application --bind "$HOST:$PORT" \
  --workers "${CONSILIUM_WEB_WORKERS:-2}" --timeout 120 --access-logfile - --no-control-socket &
pids+=($!)
$PY manage.py worker --queue-name default --interval 1 &
pids+=($!)
$PY manage.py scheduler &
pids+=($!)

echo
echo "Consilium is running on http://$HOST:$PORT  (Ctrl-C stops web server, worker and scheduler)"
$PY manage.py demo_logins --url "http://$HOST:$PORT"
wait -n "${pids[@]}"
