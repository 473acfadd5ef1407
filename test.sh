#!/usr/bin/env bash
# The test command. Installs what is missing (Debian packages), starts throwaway real services on
# loopback (PostgreSQL, Ceph radosgw as S3, Dovecot + SMTP relay, headless Chromium), runs every
# test of Crm.sln against them, stops the services it started, and prints "N passed, N failed, N skipped".
# Exit code: 0 only when the build succeeded and no test failed.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")" && pwd)
SERVICES="$ROOT/scripts/services"
RUN=${CRM_TEST_RUN_DIR:-/tmp/crm-test-run}
RESULTS="$ROOT/test-results"
PG_PORT=${CRM_TEST_PG_PORT:-55432}
RGW_PORT=${CRM_TEST_RGW_PORT:-57480}
export MON_PORT=${CRM_TEST_MON_PORT:-56789}
export SMTP_PORT=${CRM_TEST_SMTP_PORT:-52525} IMAP_PORT=${CRM_TEST_IMAP_PORT:-51143} LMTP_PORT=52424 SASL_PORT=52345
export S3_ACCESS_KEY=crmtestaccess S3_SECRET_KEY=crmtestsecret
SECONDS=0
step() { printf '\n==> [%3ss] %s\n' "$SECONDS" "$*"; }

# ---------- 1. install what is missing ----------
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v radosgw >/dev/null || need+=(radosgw ceph-mon ceph-osd ceph-common)
command -v chromium >/dev/null || need+=(chromium)
command -v dovecot >/dev/null || need+=(dovecot-imapd dovecot-lmtpd)
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || need+=(python3-aiosmtpd)
# Content pipeline: poppler's pdftotext/pdftoppm and tesseract OCR with Polish and English data.
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)   # documents from templates as PDF
[ -e /usr/share/hunspell/pl_PL.dic ] || need+=(hunspell-pl)   # Polish word forms in search (the light stemmer alone without it)
{ command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx pol; } || need+=(tesseract-ocr tesseract-ocr-pol tesseract-ocr-eng)
if [ ${#need[@]} -gt 0 ]; then
  step "installing ${need[*]}"
  # Keep the packages' own system services stopped: we start private instances below.
  added_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; added_policy=1; fi
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -q && apt-get install -y -q --no-install-recommends "${need[@]}"; } > "$RESULTS-apt.log" 2>&1 \
    || { echo "apt-get install failed; see $RESULTS-apt.log" >&2; tail -20 "$RESULTS-apt.log" >&2; exit 1; }
  [ $added_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
fi

# ---------- 2. start services ----------
rm -rf "$RUN" "$RESULTS"; mkdir -p "$RUN" "$RESULTS"
stop_services() {
  step "stopping services"
  "$SERVICES/mail-stop.sh" "$RUN/mail" >/dev/null 2>&1 || true
  "$SERVICES/ceph-rgw-stop.sh" "$RUN/ceph" >/dev/null 2>&1 || true
  "$SERVICES/pg-stop.sh" "$RUN/pg" >/dev/null 2>&1 || true
}
trap stop_services EXIT

step "starting PostgreSQL on 127.0.0.1:$PG_PORT"
# Daemons inherit stdout: never pipe these scripts, redirect to files.
"$SERVICES/pg-start.sh" "$RUN/pg" "$PG_PORT" > "$RESULTS/pg.log" 2>&1 || { cat "$RESULTS/pg.log" >&2; exit 1; }
export CRM_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"

step "starting Ceph radosgw (S3) on 127.0.0.1:$RGW_PORT"
"$SERVICES/ceph-rgw-start.sh" "$RUN/ceph" "$RGW_PORT" > "$RESULTS/ceph.log" 2>&1 || { cat "$RESULTS/ceph.log" >&2; exit 1; }
export CRM_TEST_S3_ENDPOINT="http://127.0.0.1:$RGW_PORT" CRM_TEST_S3_ACCESS_KEY=$S3_ACCESS_KEY CRM_TEST_S3_SECRET_KEY=$S3_SECRET_KEY

step "starting mail (SMTP 127.0.0.1:$SMTP_PORT, IMAP 127.0.0.1:$IMAP_PORT)"
if MTA=aiosmtpd "$SERVICES/mail-start.sh" "$RUN/mail" > "$RESULTS/mail.log" 2>&1; then
  export CRM_TEST_SMTP_HOST=127.0.0.1 CRM_TEST_SMTP_PORT=$SMTP_PORT CRM_TEST_IMAP_PORT=$IMAP_PORT CRM_TEST_MAIL_PASSWORD=pass
else
  # Tests that need mail fail on their own (CRM_TEST_REQUIRE_SERVICES) when these variables are absent.
  echo "warning: mail server did not start; see $RESULTS/mail.log" >&2
fi

export CRM_TEST_CHROMIUM=/usr/bin/chromium
export CRM_TEST_REQUIRE_SERVICES=1

# ---------- 3. build and test ----------
step "building"
dotnet build "$ROOT/Crm.sln" -nologo -v q -clp:ErrorsOnly || { echo "0 passed, 1 failed, 0 skipped (build failed)"; exit 1; }

step "running tests"
# The browser tests run on their own after the rest: beside three other test hosts on a small machine their servers
# (each loading the demo company) starve, and a page that needs 20 s fails for the machine, not for the product.
dotnet test "$ROOT/Crm.sln" --no-build -nologo --logger "trx" --logger "console;verbosity=normal" --results-directory "$RESULTS/trx" \
  --filter "FullyQualifiedName!~Crm.EndToEnd.Tests"
status=$?
step "running browser tests"
dotnet test "$ROOT/tests/Crm.EndToEnd.Tests/Crm.EndToEnd.Tests.csproj" --no-build -nologo --logger "trx" --logger "console;verbosity=normal" --results-directory "$RESULTS/trx"
[ $? -ne 0 ] && status=1

# ---------- 4. summary ----------
passed=0; failed=0; skipped=0
for trx in "$RESULTS"/trx/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed))); failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done
[ $status -ne 0 ] && [ $failed -eq 0 ] && failed=1   # a crashed test host counts as a failure
# The names of failed tests and the first lines of their messages go last, where a CI log's tail shows them.
for trx in "$RESULTS"/trx/*.trx; do
  [ -f "$trx" ] || continue
  python3 - "$trx" <<'PY' || true
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for r in ET.parse(sys.argv[1]).getroot().iterfind(".//t:UnitTestResult", ns):
    if r.get("outcome") in ("Failed", "Error", "Timeout", "Aborted"):
        message = r.findtext(".//t:Message", "", ns).strip().splitlines()
        print("FAILED " + r.get("testName") + ": " + " | ".join(message[:4])[:600])
PY
done
step "done in ${SECONDS}s (screenshots in test-results/screenshots)"
echo "$passed passed, $failed failed, $skipped skipped"
[ $status -eq 0 ] && [ $failed -eq 0 ]
