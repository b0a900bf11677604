#!/usr/bin/env bash
# The deploy steps, in order, as one command (run as the sons user, from the application's folder, with the
# production environment loaded): install the locked dependencies without the development tools, check the
# configuration, migrate (as the owner role when DATABASE_OWNER_URL is set), create the cache table, collect
# the static files (hashed and compressed), then ask systemd to reload the services if it runs them.
#
#   set -a; . /etc/sons/sons.env; set +a; deploy/release.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.prod}"
PYTHON="${PYTHON:-python3}"

if [ ! -x .venv/bin/python ]; then "$PYTHON" -m venv .venv; fi
.venv/bin/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
.venv/bin/pip install --quiet --disable-pip-version-check --no-deps .

.venv/bin/python manage.py check --deploy --fail-level WARNING
# Migrations run as the owner of the tables; the application serves with a role that cannot alter them.
DATABASE_URL="${DATABASE_OWNER_URL:-${DATABASE_URL:-}}" .venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py createcachetable
.venv/bin/python manage.py collectstatic --noinput --verbosity 0

if [ "${SONS_RELOAD_SERVICES:-1}" = 1 ] && command -v systemctl >/dev/null && systemctl is-active --quiet sons-web; then
  sudo systemctl reload sons-web
  sudo systemctl restart 'sons-worker@*' sons-scheduler
fi
echo "Déploiement terminé."
