#!/usr/bin/env bash
# Benchmark of the meetings export: every meeting of a PostgreSQL demo company as CSV over
# HTTP (GET /export/meetings.csv) with an hr_admin token, timed, its rows and bytes
# counted, and the release server's memory sampled from /proc while it streams.
#
#   scripts/bench-export.sh                      # seeds cadence_export_bench, then drops it
#   KEEP=1 scripts/bench-export.sh               # keeps the database for the next run
#   SEED=0 DB=cadence_export_bench scripts/bench-export.sh   # reuses a seeded database
#
# Settings (environment): PG (server URL without database, default
# postgres://postgres@127.0.0.1:5432), DB (database name, default cadence_export_bench),
# PEOPLE (demo size, default 10000: about 980,000 meetings), PORT (default 18088),
# SEED (1: drop, create and seed DB first; default 1), KEEP (1: keep DB; default 0),
# BUILD (0: use target/release/cadence as it is; default 1: cargo build --release first).
# Needs psql, curl and bc.
set -euo pipefail
cd "$(dirname "$0")/.."

PG=${PG:-postgres://postgres@127.0.0.1:5432}
DB=${DB:-cadence_export_bench}
PEOPLE=${PEOPLE:-10000}
PORT=${PORT:-18088}
SEED=${SEED:-1}
KEEP=${KEEP:-0}
BIN=target/release/cadence
URL="$PG/$DB"
export CADENCE_JWT_SECRET=bench-export-secret-that-is-long-enough-0123456789

if [ "${BUILD:-1}" = 1 ]; then cargo build --release --quiet; fi
if [ "$SEED" = 1 ]; then
  psql "$PG/postgres" -qX -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
  "$BIN" seed-demo --people "$PEOPLE" --database-url "$URL"
fi

server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  if [ "$KEEP" != 1 ]; then psql "$PG/postgres" -qX -c "DROP DATABASE IF EXISTS $DB"; fi
}
trap cleanup EXIT

# Any person employed today, made hr_admin by the token.
hr=$(psql "$URL" -AtX -c "SELECT external_id FROM person WHERE (start_date IS NULL OR start_date <= CURRENT_DATE) AND (end_date IS NULL OR end_date >= CURRENT_DATE) ORDER BY id LIMIT 1")
token=$("$BIN" token --sub "$hr" --role hr-admin --ttl 1h)
range=$(psql "$URL" -AtX -c "SELECT to_char(min(scheduled_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') || ' ' || to_char((max(scheduled_at) AT TIME ZONE 'UTC') + interval '1 day', 'YYYY-MM-DD') || ' ' || count(*) FROM meeting")
read -r from to total <<<"$range"

RUST_LOG=warn "$BIN" serve --bind "127.0.0.1:$PORT" --database-url "$URL" >/tmp/bench-export-server.log 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
rss() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$server/status"; }
echo "server pid $server ready, RSS $(rss VmRSS) kB; exporting $total meetings from $from to $to"

out=$(mktemp)
max_rss=0
start=$(date +%s.%N)
curl -sf -H "Authorization: Bearer $token" -o "$out" -D "$out.headers" \
  "http://127.0.0.1:$PORT/export/meetings.csv?from=$from&to=$to" &
client=$!
while kill -0 "$client" 2>/dev/null; do
  now_rss=$(rss VmRSS); [ "$now_rss" -gt "$max_rss" ] && max_rss=$now_rss
  sleep 0.1
done
wait "$client"
end=$(date +%s.%N)

rows=$(($(wc -l <"$out") - 1))
bytes=$(wc -c <"$out")
seconds=$(echo "$end - $start" | bc)
echo "rows:      $rows (meetings in the database: $total)"
echo "bytes:     $bytes"
echo "time:      ${seconds}s ($(echo "$rows / $seconds" | bc) rows/s)"
echo "server RSS while streaming: max sampled VmRSS $((max_rss / 1024)) MB, peak VmHWM $(( $(rss VmHWM) / 1024 )) MB"
grep -i '^content-type\|^content-disposition\|^transfer-encoding' "$out.headers" | tr -d '\r'
head -c 300 "$out"; echo
rm -f "$out" "$out.headers"
[ "$rows" = "$total" ] || { echo "row count differs from the table" >&2; exit 1; }
