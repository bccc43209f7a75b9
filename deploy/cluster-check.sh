#!/usr/bin/env bash
# The README's production section, followed on this machine: config.settings.prod against
# one PostgreSQL database and one Redis db, TWO gunicorn web processes, TWO Celery workers
# and ONE beat. Sends requests to both web processes, enqueues tasks and shows that both
# workers consumed some. Prints a summary, exits non-zero on any failure and stops
# everything it started.  Run it with `make cluster-check`.
#
# Environment (all optional):
#   CLUSTER_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/zf_cluster (created if missing)
#   CLUSTER_REDIS_URL     default redis://127.0.0.1:6379/10 (a Redis db of its own)
#   CLUSTER_PORTS         default "18081 18082"
#   CLUSTER_TASKS         how many tasks to enqueue, default 40
#   BIN                   the virtualenv's bin directory, default .venv/bin
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-.venv/bin}
PY="$BIN/python"
DATABASE_URL=${CLUSTER_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/zf_cluster}
REDIS_URL=${CLUSTER_REDIS_URL:-redis://127.0.0.1:6379/10}
read -r -a PORTS <<<"${CLUSTER_PORTS:-18081 18082}"
TASKS=${CLUSTER_TASKS:-40}
WORKERS=(cluster-a cluster-b)
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/zf-cluster.XXXXXX")
PIDS=()
FAILURES=()
STATUS=1

log() { printf '== %s  %s\n' "$(date +%T)" "$*"; }
fail() { FAILURES+=("$*"); printf 'FAIL: %s\n' "$*" >&2; }

stop_all() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 40); do
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.25
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$STATUS" = 0 ]; then rm -rf "$RUN_DIR"; else echo "Logs kept in $RUN_DIR" >&2; fi
}
trap stop_all EXIT

# --- The production environment (README › Production) -----------------------------------
export DJANGO_SETTINGS_MODULE=config.settings.prod
export DATABASE_URL REDIS_URL
DJANGO_SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(60))')
ZUOFENG_IDENTITY_KEYS=$("$PY" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')
ZUOFENG_TRACKING_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(48))')
export DJANGO_SECRET_KEY ZUOFENG_IDENTITY_KEYS ZUOFENG_TRACKING_KEY
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_MEDIA_ROOT="$RUN_DIR/media"
# No SMTP server here: e-mails go to the workers' logs. Everything else is production's.
export DJANGO_EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend
export DJANGO_LOG_LEVEL=WARNING

log "Database $(printf '%s' "$DATABASE_URL" | sed 's#//[^@]*@#//#'), broker $REDIS_URL"
"$PY" - <<'EOF'
import os
from urllib.parse import urlsplit

import psycopg2
from psycopg2 import sql

url = urlsplit(os.environ["DATABASE_URL"])
name = url.path.lstrip("/")
admin = psycopg2.connect(
    host=url.hostname, port=url.port or 5432, user=url.username, password=url.password,
    dbname="postgres",
)
admin.autocommit = True
with admin.cursor() as cursor:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    if cursor.fetchone() is None:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"created database {name}")
admin.close()
EOF

log "migrate, collectstatic, check --deploy"
# Independent steps run side by side: the check must stay quick enough for CI.
"$PY" manage.py collectstatic --noinput -v0 >"$RUN_DIR/collectstatic.log" 2>&1 &
collectstatic=$!
"$PY" manage.py check --deploy --fail-level WARNING >"$RUN_DIR/check.log" 2>&1 &
check=$!
"$PY" manage.py migrate --noinput -v0
wait "$collectstatic" || { cat "$RUN_DIR/collectstatic.log" >&2; fail "collectstatic failed"; exit 1; }
wait "$check" || { cat "$RUN_DIR/check.log" >&2; fail "check --deploy reported problems"; exit 1; }
cat "$RUN_DIR/check.log"
"$BIN/celery" -A config purge -f >/dev/null  # this check's Redis db only

log "start: ${#PORTS[@]} web processes, ${#WORKERS[@]} workers, 1 beat"
for port in "${PORTS[@]}"; do
  "$BIN/gunicorn" config.wsgi --workers 2 --bind "127.0.0.1:$port" --timeout 60 \
    --access-logfile "$RUN_DIR/web-$port.access.log" --error-logfile "$RUN_DIR/web-$port.log" \
    >>"$RUN_DIR/web-$port.log" 2>&1 &
  PIDS+=($!)
done
for name in "${WORKERS[@]}"; do
  "$BIN/celery" -A config worker --hostname "$name@%h" --concurrency 1 --loglevel INFO \
    --without-gossip --without-mingle --logfile "$RUN_DIR/$name.log" >>"$RUN_DIR/$name.log" 2>&1 &
  PIDS+=($!)
done
"$BIN/celery" -A config beat --loglevel INFO --pidfile "$RUN_DIR/beat.pid" \
  --logfile "$RUN_DIR/beat.log" >>"$RUN_DIR/beat.log" 2>&1 &
PIDS+=($!)

# Requests as nginx sends them: HTTPS terminated in front (X-Forwarded-Proto).
http() { curl -s -o "$RUN_DIR/body" -w '%{http_code}' --max-time 10 -H 'X-Forwarded-Proto: https' "$@"; }

for port in "${PORTS[@]}"; do
  for _ in $(seq 1 120); do
    [ "$(http "http://127.0.0.1:$port/health/" || true)" = 200 ] && break
    sleep 0.5
  done
done
declare -A HOSTNAMES
for name in "${WORKERS[@]}"; do
  HOSTNAMES[$name]="$name@$(hostname)"
  for _ in $(seq 1 120); do
    grep -q "${HOSTNAMES[$name]} ready" "$RUN_DIR/$name.log" 2>/dev/null && break
    sleep 0.5
  done
done

log "requests to both web processes"
declare -A SERVED
for port in "${PORTS[@]}"; do
  SERVED[$port]=0
  for path in /health/ /health/db/ /health/broker/ /accounts/login/ /complaints/submit/ /static/css/zuofeng.css; do
    code=$(http "http://127.0.0.1:$port$path" || true)
    if [ "$code" = 200 ]; then
      SERVED[$port]=$((SERVED[$port] + 1))
    else
      fail "127.0.0.1:$port$path answered $code"
    fi
  done
done

log "enqueue $TASKS tasks (units.tasks.drain_notification_emails, the e-mail outbox drain)"
"$PY" - "$TASKS" "${HOSTNAMES[@]}" >"$RUN_DIR/consumed" <<'EOF'
import sys
import time

import django

django.setup()
from config.celery import app  # noqa: E402
from units.tasks import drain_notification_emails as task  # noqa: E402

expected, names = int(sys.argv[1]), sys.argv[2:]
for _ in range(expected):
    task.delay()
# Then what each worker ran, from the workers themselves (remote control over Redis).
deadline = time.monotonic() + 60
counts = {}
while time.monotonic() < deadline:
    stats = app.control.inspect(destination=names, timeout=2).stats() or {}
    counts = {n: stats.get(n, {}).get("total", {}).get(task.name, 0) for n in names}
    if sum(counts.values()) >= expected:
        break
    time.sleep(0.5)
for name in names:
    print(name, counts.get(name, 0))
EOF

declare -A CONSUMED
total=0
while read -r name count; do
  CONSUMED[$name]=$count
  total=$((total + count))
  [ "$count" -gt 0 ] || fail "worker $name consumed no task"
done <"$RUN_DIR/consumed"
[ "$total" -ge "$TASKS" ] || fail "only $total of $TASKS tasks were consumed"

# Beat: exactly one, and alive (it reads the schedule from the database).
kill -0 "${PIDS[-1]}" 2>/dev/null || fail "beat is not running"
grep -q "beat: Starting" "$RUN_DIR/beat.log" 2>/dev/null || fail "beat did not start (see beat.log)"

echo
echo "Summary"
for port in "${PORTS[@]}"; do
  printf '  web 127.0.0.1:%-6s %d/6 requests answered 200 (%s lines in its access log)\n' \
    "$port" "${SERVED[$port]}" "$(wc -l <"$RUN_DIR/web-$port.access.log")"
done
for name in "${WORKERS[@]}"; do
  printf '  worker %-28s consumed %s tasks\n' "${HOSTNAMES[$name]}" "${CONSUMED[${HOSTNAMES[$name]}]:-0}"
done
printf '  beat                                 %s\n' "$(kill -0 "${PIDS[-1]}" 2>/dev/null && echo running || echo DOWN)"
if [ "${#FAILURES[@]}" -eq 0 ]; then
  STATUS=0
  echo "cluster-check: OK"
else
  echo "cluster-check: FAILED (${#FAILURES[@]} problems)"
  for problem in "${FAILURES[@]}"; do echo "  - $problem"; done
fi
exit "$STATUS"
