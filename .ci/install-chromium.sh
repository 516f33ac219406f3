#!/usr/bin/env bash
# Installs what the end-to-end tests drive, from Debian's archive, when it is missing:
# chromium (required: the browser test fails without it) and promtool from the prometheus
# package (optional: the OpenMetrics test runs it when present).
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-chromium: not root and no sudo; install chromium yourself (apt-get install chromium)" >&2
    exit 1
  fi
fi

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-chromium: chromium and promtool already installed"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
for pkg in "${missing[@]}"; do
  if [ "$pkg" = chromium ]; then
    $SUDO apt-get install -y -qq --no-install-recommends chromium
  elif ! $SUDO apt-get install -y -qq --no-install-recommends prometheus; then
    echo "install-chromium: prometheus (promtool) not installed; the OpenMetrics test will skip its promtool check" >&2
  fi
done
[ -x /usr/bin/chromium ] || { echo "install-chromium: /usr/bin/chromium still missing" >&2; exit 1; }
/usr/bin/chromium --version
