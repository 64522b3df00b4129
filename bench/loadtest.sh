#!/usr/bin/env bash
# `make loadtest`: the application under gunicorn (2 workers, povertyplan.settings.loadtest, static files from
# whitenoise) on a throwaway PostgreSQL server started here, with the national demo dataset, driven by wrk for
# DURATION seconds (30) at CONNECTIONS (16) concurrent connections on 127.0.0.1 against the main report pages —
# twice: "cached", with the page cache of each worker (kernel.page_cache), as readers get pages when nothing changed,
# and "uncached", with a page cache that keeps nothing (CACHE_URL=dummy://), so that every request renders its page
# as the first request after a write does: the worst case. Prints requests/s, median and p99 latency and the errors
# (non-2xx/3xx responses and socket errors) of each, writes both into bench-results.json ("loadtest"), fails when
# there are any errors, and stops the server and PostgreSQL by itself, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-30}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
WORKERS=${WORKERS:-2}
PYTHON=.venv/bin/python

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "Install ${missing[*]} first (apt-get install ${missing[*]})." >&2
        exit 1
    fi
    echo "== Installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

free_port() { "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

WORK=$(mktemp -d /tmp/povertyplan-loadtest.XXXXXX)
chmod 755 "$WORK"  # the postgres user (when run as root) must reach its data folder inside
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PGPORT=$(free_port)
APPPORT=$(free_port)
GUNICORN_PID=""
cleanup() {
    if [ -n "$GUNICORN_PID" ]; then kill "$GUNICORN_PID" 2>/dev/null || true; wait "$GUNICORN_PID" 2>/dev/null || true; fi
    if [ -f "$WORK/pg/data/postmaster.pid" ]; then as_postgres "$PGBIN/pg_ctl" -D "$WORK/pg/data" -m fast stop >/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

echo "== PostgreSQL on 127.0.0.1:$PGPORT"
mkdir -p "$WORK/pg"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$WORK/pg"
as_postgres "$PGBIN/initdb" -D "$WORK/pg/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_postgres "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/server.log" -w \
    -o "-p $PGPORT -c listen_addresses=127.0.0.1 -k $WORK/pg -c fsync=off -c max_connections=50" start >/dev/null
as_postgres "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres povertyplan

export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/povertyplan"
export DJANGO_SETTINGS_MODULE=povertyplan.settings.loadtest
export STATIC_ROOT="$WORK/static"

echo "== Migrations, seed plans and the national demo dataset"
"$PYTHON" manage.py migrate --noinput -v 0
"$PYTHON" manage.py load_seeds >/dev/null
"$PYTHON" manage.py generate_demo_data | tail -n 1
"$PYTHON" manage.py collectstatic --noinput -v 0

PROVINCE=$("$PYTHON" manage.py shell -v 0 -c \
    "from plans.models import Plan; print(Plan.objects.filter(slug__startswith='demo-').exclude(slug__startswith='demo-toan-quoc').order_by('slug').values_list('slug', flat=True)[30])")
NATIONAL=demo-toan-quoc-2021-2025
STATIC=$("$PYTHON" manage.py shell -v 0 -c "from django.templatetags.static import static; print(static('css/site.css'))" 2>/dev/null || true)

start_gunicorn() {  # $1: CACHE_URL of the page cache
    echo "== gunicorn, $WORKERS workers, on 127.0.0.1:$APPPORT, page cache ${1:-locmem, each worker}"
    CACHE_URL="$1" .venv/bin/gunicorn povertyplan.wsgi:application --bind "127.0.0.1:$APPPORT" --workers "$WORKERS" \
        --env DJANGO_SETTINGS_MODULE=povertyplan.settings.loadtest --log-level warning \
        --error-logfile "$WORK/gunicorn.log" &
    GUNICORN_PID=$!
    for _ in $(seq 1 100); do
        if curl -fs -o /dev/null "http://127.0.0.1:$APPPORT/" 2>/dev/null; then break; fi
        sleep 0.2
    done
    curl -fsS -o /dev/null "http://127.0.0.1:$APPPORT/" || { cat "$WORK/gunicorn.log"; exit 1; }
}
stop_gunicorn() {
    kill "$GUNICORN_PID" 2>/dev/null || true
    wait "$GUNICORN_PID" 2>/dev/null || true
    GUNICORN_PID=""
}
start_gunicorn ""

# The main report pages, in turn: one province's pages, the national district table, the home page, a static file.
PATHS=(
    "/"
    "/plans/$PROVINCE/"
    "/plans/$PROVINCE/districts/"
    "/plans/$PROVINCE/indicators/"
    "/plans/$PROVINCE/tasks/"
    "/plans/$PROVINCE/quality/"
    "/plans/$PROVINCE/results/"
    "/plans/$NATIONAL/districts/"
)
[ -n "$STATIC" ] && PATHS+=("$STATIC")
for path in "${PATHS[@]}"; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$APPPORT$path")
    echo "   $code $path"
    [ "$code" -lt 400 ] || { echo "A page fails before the load: $path" >&2; cat "$WORK/gunicorn.log"; exit 1; }
done

lua_paths=$(printf '"%s", ' "${PATHS[@]}")
cat >"$WORK/rotate.lua" <<LUA
-- Each connection takes the pages in turn; the summary counts non-2xx/3xx responses as errors.
local paths = { ${lua_paths} }
local counter = 0
request = function()
    counter = counter + 1
    return wrk.format("GET", paths[(counter % #paths) + 1])
end
local bad = 0
response = function(status, headers, body)
    if status >= 400 then bad = bad + 1 end
end
done = function(summary, latency, requests)
    local errors = summary.errors
    local socket = errors.connect + errors.read + errors.write + errors.timeout
    io.write(string.format("RESULT requests=%d duration_s=%.1f rps=%.1f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f non2xx3xx=%d socket_errors=%d\n",
        summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
        latency.max / 1000, errors.status, socket))
end
LUA

run_wrk() {  # $1: the run's name
    echo "== wrk ($1): ${DURATION} s, $CONNECTIONS connections, $THREADS threads, ${#PATHS[@]} URLs in turn"
    wrk --threads "$THREADS" --connections "$CONNECTIONS" --duration "${DURATION}s" --timeout 10s --latency \
        --script "$WORK/rotate.lua" "http://127.0.0.1:$APPPORT" | tee "$WORK/wrk-$1.txt"
}

run_wrk cached
stop_gunicorn
start_gunicorn "dummy://"
run_wrk uncached
stop_gunicorn

# Both runs into bench-results.json (beside `make bench`'s operations, if the file holds them), and the verdict.
"$PYTHON" - "$WORK" "$DURATION" "$CONNECTIONS" "$THREADS" "$WORKERS" "${#PATHS[@]}" <<'PY'
import json, pathlib, re, sys, time

work, duration, connections, threads, workers, urls = sys.argv[1:]
path = pathlib.Path("bench-results.json")
try:
    document = json.loads(path.read_text(encoding="utf-8"))
except (OSError, ValueError):
    document = {}
runs = {}
for name in ("cached", "uncached"):
    line = next(l for l in (pathlib.Path(work) / f"wrk-{name}.txt").read_text().splitlines() if l.startswith("RESULT"))
    values = {k: float(v) for k, v in re.findall(r"(\w+)=([0-9.]+)", line)}
    for count in ("requests", "non2xx3xx", "socket_errors"):
        values[count] = int(values[count])
    values["errors"] = values.pop("non2xx3xx") + values["socket_errors"]
    values["target"] = {"min_rps": 300, "max_p99_ms": 100, "errors": 0} if name == "cached" else {"errors": 0}
    values["met"] = values["errors"] == 0 and (
        name != "cached" or (values["rps"] >= 300 and values["p99_ms"] <= 100)
    )
    runs[name] = values
    print(f"== Load test, {name}: " + re.sub(r"^RESULT ", "", line))
document["loadtest"] = {
    "database": "postgresql",
    "server": f"gunicorn, {workers} workers, povertyplan.settings.loadtest",
    "wrk": {"duration_s": int(duration), "connections": int(connections), "threads": int(threads), "urls": int(urls)},
    "runs": runs,
    "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
}
path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
print(f"Written to {path.resolve()}")
PY

errors=0
for name in cached uncached; do
    result=$(grep '^RESULT' "$WORK/wrk-$name.txt")
    status_errors=$(sed -E 's/.*non2xx3xx=([0-9]+).*/\1/' <<<"$result")
    socket_errors=$(sed -E 's/.*socket_errors=([0-9]+).*/\1/' <<<"$result")
    if [ "$status_errors" != 0 ] || [ "$socket_errors" != 0 ]; then
        echo "Errors under load ($name): $status_errors responses outside 2xx/3xx, $socket_errors socket errors." >&2
        errors=1
    fi
done
if [ "$errors" != 0 ]; then
    tail -n 20 "$WORK/gunicorn.log" >&2 || true
    exit 1
fi
echo "No errors."
