#!/bin/bash
# Re-run: bash bench/measure-relay/run.sh [out.jsonl]   (needs Debian's golang-go, golang-golang-x-crypto-dev,
# golang-nhooyr-websocket-dev, golang-golang.zx2c4-wireguard-dev; no Go module proxy: GOPATH mode)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-results/measure-relay/$(date -u +%F).jsonl}
mkdir -p "$(dirname "$out")"
GO111MODULE=off GOPATH=/usr/share/gocode go build -o /tmp/measure-relay ./bench/measure-relay
meta() {
  printf '{"mode":"machine","date_utc":"%s","go":"%s","cpu":"%s","cores":%s,"kernel":"%s","load_before":"%s"}\n' \
    "$(date -u +%FT%TZ)" "$(go version | cut -d' ' -f3)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" \
    "$(nproc)" "$(uname -r)" "$(cut -d' ' -f1-3 /proc/loadavg)"
}
meta >>"$out"
/tmp/measure-relay aead | jq -c --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" '. + {load: $load}' >>"$out"
for backend in tcp wg; do
  for spec in "200 10 1024" "200 10 64" "200 10 4096" "200 10 16384" "200 50 1024"; do
    set -- $spec
    /tmp/measure-relay relay -conns "$1" -hz "$2" -size "$3" -secs 20 -backend "$backend" |
      jq -c --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" '. + {load_after: $load}' >>"$out"
  done
done
echo "wrote $out"
