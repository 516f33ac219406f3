#!/usr/bin/env bash
# Installs, from Debian's archive, the tools the end-to-end tests drive when they are missing:
# chromium (browser tests), prometheus (promtool and the server: OpenMetrics and Prometheus tests)
# and postgresql (database measurement tests). Without them `npm test` skips those tests with a
# printed reason; .ci/run sets CAPSIM_REQUIRE_TOOLS=1 so CI fails instead.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-tools: not root and no sudo; install them yourself: apt-get install chromium prometheus postgresql" >&2
    exit 1
  fi
fi

# The PostgreSQL server binaries (initdb, postgres) live outside PATH on Debian.
has_postgres() { compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
{ command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; } || missing+=(prometheus)
has_postgres || missing+=(postgresql)
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-tools: chromium, prometheus and postgresql already installed"
else
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

fail=0
[ -x /usr/bin/chromium ] || { echo "install-tools: /usr/bin/chromium still missing" >&2; fail=1; }
command -v promtool >/dev/null 2>&1 || { echo "install-tools: promtool still missing" >&2; fail=1; }
command -v prometheus >/dev/null 2>&1 || { echo "install-tools: prometheus still missing" >&2; fail=1; }
has_postgres || { echo "install-tools: /usr/lib/postgresql/*/bin/postgres still missing" >&2; fail=1; }
[ "$fail" -eq 0 ] || exit 1
/usr/bin/chromium --version
promtool --version 2>&1 | head -1
ls -d /usr/lib/postgresql/*/bin/postgres
