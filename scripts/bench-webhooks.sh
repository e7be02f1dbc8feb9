#!/usr/bin/env bash
# Webhook delivery throughput: an HRIS import of 10,000 people records 10,000
# PERSON_CREATED events in its transaction; the release server's dispatcher delivers them,
# signed, to a local receiver that answers 200. Prints the time from the end of the import
# to the last delivery. PostgreSQL on 127.0.0.1:5432 (trust auth); a throwaway database.
#
#   scripts/bench-webhooks.sh            # 10,000 events
#   EVENTS=2000 scripts/bench-webhooks.sh
set -euo pipefail
cd "$(dirname "$0")/.."

EVENTS=${EVENTS:-10000}
DB=cadence_bench_webhooks
ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB?sslmode=disable"
export CADENCE_JWT_SECRET=$(openssl rand -hex 32)
export RUST_LOG=warn
WORK=$(mktemp -d)
cleanup() { kill "${SERVE_PID:-}" "${RECV_PID:-}" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

cargo build --release -q
BIN=target/release/cadence
psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB" -qc "CREATE DATABASE $DB"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
RECV_PORT=$(free_port)
SERVE_PORT=$(free_port)

# The receiver: answers 200 to every POST and writes the time of the EVENTS-th to a file.
python3 - "$RECV_PORT" "$EVENTS" "$WORK/done" <<'PY' &
import http.server, sys, time
port, wanted, done = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
seen = set()
class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        seen.add(self.headers["Cadence-Event-Id"])
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
        if len(seen) == wanted:
            open(done, "w").write(repr(time.time()))
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), Receiver).serve_forever()
PY
RECV_PID=$!

# An HR admin, the webhook, then the server.
printf 'Employee ID,First Name,Last Name,Work Email\nADMIN,Ada,Admin,ada.admin@example.com\n' > "$WORK/admin.csv"
$BIN import people "$WORK/admin.csv" >/dev/null
$BIN serve --bind "127.0.0.1:$SERVE_PORT" --webhooks-allow-http-loopback \
  --webhook-poll-interval 100ms --overdue-check-interval 0s 2>"$WORK/serve.log" &
SERVE_PID=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$SERVE_PORT/readyz" >/dev/null && break; sleep 0.1; done
TOKEN=$($BIN token --sub ADMIN --role hr_admin --ttl 1h)
curl -sf "http://127.0.0.1:$SERVE_PORT/graphql" -H "authorization: Bearer $TOKEN" \
  -H 'content-type: application/json' \
  -d "{\"query\":\"mutation { createWebhook(input: {url: \\\"http://127.0.0.1:$RECV_PORT/hook\\\", events: [PERSON_CREATED]}) { webhook { id } } }\"}" >/dev/null

python3 - "$EVENTS" > "$WORK/people.csv" <<'PY'
import sys
print("Employee ID,First Name,Last Name,Work Email,Manager ID")
for i in range(int(sys.argv[1])):
    manager = "ADMIN" if i < 10 else f"P{i // 10:05d}"
    print(f"P{i:05d},Per,Son{i},p{i}@example.com,{manager}")
PY
$BIN import people "$WORK/people.csv" >/dev/null
IMPORTED=$(python3 -c 'import time; print(time.time())')
for _ in $(seq 1 1200); do [ -s "$WORK/done" ] && break; sleep 0.1; done
[ -s "$WORK/done" ] || { echo "not all $EVENTS events arrived within 120 s"; psql "$DATABASE_URL" -Atc "SELECT status, count(*) FROM webhook_delivery GROUP BY 1"; tail -5 "$WORK/serve.log"; exit 1; }
python3 -c "print(f'$EVENTS events delivered in {float(open(\"$WORK/done\").read()) - $IMPORTED:.1f} s after the import committed')"
kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true
psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB"
