#!/bin/sh
# Container entry point: create the tables (idempotent), optionally load the demo data, then
# hand the process over to gunicorn (`ecollect-gateway serve`), which stops gracefully on
# SIGTERM. Any arguments run instead, e.g. `docker run IMAGE ecollect-gateway db ddl`.
set -eu

if [ "$#" -gt 0 ]; then
  exec "$@"
fi

# The database may still be starting (compose waits for its healthcheck; other orchestrators
# may not): retry `db init` for up to DB_WAIT_SECONDS.
deadline=$(( $(date +%s) + ${DB_WAIT_SECONDS:-60} ))
until ecollect-gateway db init; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "entrypoint: database not reachable, giving up" >&2
    exit 1
  fi
  echo "entrypoint: database not ready, retrying in 2s" >&2
  sleep 2
done

case "${GATEWAY_SEED_DEMO:-false}" in
  1|true|TRUE|yes|on) ecollect-gateway seed demo ;;
esac

exec ecollect-gateway serve --host 0.0.0.0 --port "${PORT:-8000}" --workers "${WORKERS:-2}"
