#!/usr/bin/env bash
# Engine benchmark: PostgreSQL with default durability (fsync on) and SQLite, 4 clients.
# Prints (a) straight-through instances/s, (b) HTTP user-task round trips/s, (c) raw one-row commits/s,
# (j) async jobs/s with one and two processes and timer lag under load, and the ratios a/c and b/c.
# (d) documents against a real S3 server (API vs raw Minio transfers, indexing, search at 100 000 documents).
# (l) phase b's round trip at 4, 16 and 64 clients: errors (target 0) and p99 latency (target < 1 s).
# (e) e-mail and templates: 10 000 messages imported from Dovecot over IMAP (target >= 50/s), 1 000 letters from a Word template, 20 as PDF.
# (g) campaigns: the launch of 10 000 member processes (target < 10 s) and an unthrottled mailing of 2 000 messages to the SMTP server (target >= 100/s).
# (t) the service desk queue of a group with 100 000 open tickets (first page p95 target < 200 ms).
# (s) the global search at 1 000 000 counterparties + 100 000 documents (p95 target < 100 ms; with --only s).
# Usage: scripts/bench.sh [seconds-per-phase] [clients] [--only a|b|l|j|i|t|k|m|s|d|d-io|d-index|e|g]  (d-io: transfers only, d-index: indexing only)  (m: 1M counterparties, s: global search at 1M counterparties + 100k documents; both PostgreSQL only, not in the default run)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_PER_PHASE=${1:-10}; CLIENTS=${2:-4}; EXTRA=("${@:3}")
RUN=/tmp/crm-bench-run; PORT=${BENCH_PG_PORT:-55433}
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { echo "PostgreSQL is missing: run ./test.sh once (it installs it) or apt-get install postgresql" >&2; exit 1; }
echo "==> building (Release)"
dotnet build "$ROOT/tests/Crm.Bench" -c Release -nologo -v q -clp:ErrorsOnly
dotnet build "$ROOT/engine/Crm.Server" -c Release -nologo -v q -clp:ErrorsOnly
SERVER="$ROOT/engine/Crm.Server/bin/Release/net10.0/Crm.Server.dll"
BENCH="$ROOT/tests/Crm.Bench/bin/Release/net10.0/Crm.Bench.dll"
rm -rf "$RUN"; mkdir -p "$RUN/sqlite"
trap '"$ROOT/scripts/services/pg-stop.sh" "$RUN/pg" >/dev/null 2>&1 || true; "$ROOT/scripts/services/ceph-rgw-stop.sh" "$RUN/ceph" >/dev/null 2>&1 || true; "$ROOT/scripts/services/mail-stop.sh" "$RUN/mail" >/dev/null 2>&1 || true' EXIT
echo "==> starting PostgreSQL with default durability on 127.0.0.1:$PORT"
DURABLE=1 "$ROOT/scripts/services/pg-start.sh" "$RUN/pg" "$PORT" > "$RUN/pg.log" 2>&1
S3_ARGS=()
if command -v radosgw >/dev/null; then
  echo "==> starting Ceph radosgw (S3) on 127.0.0.1:57491 for phase d"
  export S3_ACCESS_KEY=crmbenchaccess S3_SECRET_KEY=crmbenchsecret
  MON_PORT=56791 "$ROOT/scripts/services/ceph-rgw-start.sh" "$RUN/ceph" 57491 > "$RUN/ceph.log" 2>&1 \
    && S3_ARGS=(--s3 http://127.0.0.1:57491 --s3-access "$S3_ACCESS_KEY" --s3-secret "$S3_SECRET_KEY") \
    || echo "    (radosgw did not start; phase d is skipped: see $RUN/ceph.log)"
else
  echo "    (radosgw missing: run ./test.sh once to install it; phase d is skipped)"
fi
MAIL_ARGS=()
if command -v dovecot >/dev/null; then
  echo "==> starting Dovecot + SMTP relay for phases e and g"
  SMTP_PORT=53625 IMAP_PORT=53243 LMTP_PORT=53524 SASL_PORT=53445 MTA=aiosmtpd "$ROOT/scripts/services/mail-start.sh" "$RUN/mail" > "$RUN/mail.log" 2>&1 \
    && MAIL_ARGS=(--mail 127.0.0.1:53625:53243) || echo "    (the mail stack did not start; phase e is skipped: see $RUN/mail.log)"
else
  echo "    (dovecot missing: run ./test.sh once to install it; phase e is skipped)"
fi
runuser -u postgres -- psql -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SHOW fsync" | sed "s/^/    fsync = /"
dotnet "$BENCH" --provider postgres --db "Host=127.0.0.1;Port=$PORT;Username=postgres;Database=crm_bench;Maximum Pool Size=50" --server "$SERVER" --clients "$CLIENTS" --seconds "$SECONDS_PER_PHASE" "${S3_ARGS[@]}" "${MAIL_ARGS[@]}" "${EXTRA[@]}"
dotnet "$BENCH" --provider sqlite --db "$RUN/sqlite" --server "$SERVER" --clients "$CLIENTS" --seconds "$SECONDS_PER_PHASE" "${MAIL_ARGS[@]}" "${EXTRA[@]}"
