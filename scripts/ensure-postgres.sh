#!/usr/bin/env bash
# Make sure the PostgreSQL that the storage, concurrency and e2e suites use is up.
set -euo pipefail
HOST=${PGHOST:-127.0.0.1}
PORT=${PGPORT:-5432}
if pg_isready -q -h "$HOST" -p "$PORT" 2>/dev/null; then
  exit 0
fi
echo "PostgreSQL is not answering on $HOST:$PORT; starting it." >&2
if [ -d /etc/postgresql ]; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
fi
for _ in $(seq 1 30); do
  pg_isready -q -h "$HOST" -p "$PORT" && exit 0
  sleep 1
done
echo "PostgreSQL did not come up on $HOST:$PORT. The PostgreSQL suites cannot run." >&2
exit 1
