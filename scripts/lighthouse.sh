#!/usr/bin/env bash
# Lighthouse 12.2.3 (mobile profile) against the landing page and the application form,
# served by gunicorn with production settings on a throwaway SQLite database with the
# lab's content. Prints the four scores of each page and every audit that cost points.
#
#   make lighthouse                      # or: bash scripts/lighthouse.sh [PATH ...]
#   LIGHTHOUSE_FILLED=1 bash scripts/lighthouse.sh [PATH ...]
#
# LIGHTHOUSE_FILLED=1 scores the page as a lab that uses every section has it: after the
# seed, tests/page_fixtures.py adds made-up photos, people and publications (test data,
# in the throwaway database only), and the pages are /, /en/ and /apply/ unless given.
# The photos are served by the site itself (SERVE_PUBLIC_MEDIA=1), as nginx would serve
# them: cached for a year.
#
# Needs Node.js + npm and Chromium (CHROME_PATH, default /usr/bin/chromium). Lighthouse
# is installed with npm into var/lighthouse/ (git-ignored); reports land there too.
set -euo pipefail
cd "$(dirname "$0")/.."

LH_VERSION=12.2.3
PORT=${LIGHTHOUSE_PORT:-8511}
WORK=var/lighthouse
PYTHON=${PYTHON:-.venv/bin/python}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
FILLED=${LIGHTHOUSE_FILLED:-0}
PATHS=("$@")
if [ ${#PATHS[@]} -eq 0 ]; then
    if [ "$FILLED" = 1 ]; then PATHS=(/ /en/ /apply/); else PATHS=(/ /apply/); fi
fi

mkdir -p "$WORK"
if [ "$("$WORK/node_modules/.bin/lighthouse" --version 2>/dev/null)" != "$LH_VERSION" ]; then
    echo "Installing lighthouse@$LH_VERSION into $WORK/ ..."
    npm i -E "lighthouse@$LH_VERSION" --prefix "$WORK" --no-audit --no-fund --loglevel=error
fi

# Production settings, plain HTTP on loopback, state under var/lighthouse/.
STATE=$(mktemp -d "$PWD/$WORK/run.XXXXXX")
export DJANGO_SETTINGS_MODULE=labsite.settings
export DJANGO_DEBUG=0
export DJANGO_HTTPS=0
export DJANGO_SECRET_KEY=lighthouse-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL="sqlite:///$STATE/db.sqlite3"
export CACHE_DIR="$STATE/cache"
export MEDIA_ROOT="$STATE/media"
export PUBLIC_MEDIA_ROOT="$STATE/public"
export SERVE_PUBLIC_MEDIA=1
export STATIC_ROOT="$STATE/static"
export GUNICORN_BIND="127.0.0.1:$PORT"
export SITE_URL="http://127.0.0.1:$PORT"  # canonical URLs are absolute only with it
export GUNICORN_WORKERS=2
export GUNICORN_ACCESS_LOG=/dev/null
unset REDIS_URL

"$PYTHON" manage.py migrate --noinput --verbosity 0
"$PYTHON" manage.py seed_content --verbosity 0
if [ "$FILLED" = 1 ]; then
    "$PYTHON" manage.py shell --no-imports -c "from tests.page_fixtures import fill_page; fill_page()"
fi
"$PYTHON" manage.py collectstatic --noinput --verbosity 0

"$PYTHON" -m gunicorn -c gunicorn.conf.py labsite.wsgi >"$STATE/gunicorn.log" 2>&1 &
GUNICORN=$!
cleanup() {
    kill "$GUNICORN" 2>/dev/null || true
    wait "$GUNICORN" 2>/dev/null || true
    rm -rf "$STATE"
}
trap cleanup EXIT

for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    kill -0 "$GUNICORN" 2>/dev/null || { cat "$STATE/gunicorn.log" >&2; exit 1; }
    sleep 0.2
done
curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null || { cat "$STATE/gunicorn.log" >&2; exit 1; }

CHROME_FLAGS="--headless --no-sandbox --disable-gpu --disable-background-networking \
--disable-component-update --disable-sync --no-first-run"

scores() {  # print the four scores and every audit that cost points; exit 3 on a failed run
    "$PYTHON" - "$1" "$2" <<'PY'
import json
import sys

path, report = sys.argv[1], sys.argv[2]
data = json.load(open(report))
if data.get("runtimeError"):
    print(f"{path}: Lighthouse failed: {data['runtimeError']['code']}")
    sys.exit(3)
scores = {key: round(cat["score"] * 100) for key, cat in data["categories"].items()}
print(
    f"{path:<10} performance {scores['performance']:>3}  accessibility "
    f"{scores['accessibility']:>3}  best practices {scores['best-practices']:>3}  "
    f"SEO {scores['seo']:>3}"
)
for key, category in data["categories"].items():
    for ref in category["auditRefs"]:
        audit = data["audits"][ref["id"]]
        if ref.get("weight", 0) and audit.get("score") is not None and audit["score"] < 1:
            print(f"    [{key}] {audit['id']}: {audit['title']} ({audit.get('displayValue', '')})")
PY
}

status=0
for path in "${PATHS[@]}"; do
    name=$(echo "$path" | tr -c 'a-zA-Z0-9\n' '-' | sed 's/^-*//; s/-*$//')
    report="$WORK/report-${name:-landing}"
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT$path"  # warm the page cache
    # A loaded machine now and then loses the trace (NO_NAVSTART): up to three tries.
    for attempt in 1 2 3; do
        "$WORK/node_modules/.bin/lighthouse" "http://127.0.0.1:$PORT$path" \
            --quiet --chrome-flags="$CHROME_FLAGS" \
            --output=json --output=html --output-path="$report" || true
        rc=0
        scores "$path" "$report.report.json" || rc=$?
        [ "$rc" -eq 3 ] && [ "$attempt" -lt 3 ] && continue
        [ "$rc" -eq 0 ] || status=1
        break
    done
done
echo "Reports: $WORK/report-*.report.html"
exit $status
