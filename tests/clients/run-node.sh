#!/usr/bin/env bash
# Runs the official openai npm client's tests against a real llm server (the demo model) on a free port.
# Expects the server to be built already (dotnet test builds it). Prints node's TAP summary.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
command -v node >/dev/null && command -v npm >/dev/null || { echo "node and npm are needed for the client matrix" >&2; exit 1; }

(cd "$root/tests/clients/node" && npm ci --no-audit --no-fund --loglevel=error)

work=$(mktemp -d)
log="$work/server.log"
key="node-matrix-key"
dotnet "$root/src/Api/bin/Debug/net10.0/llm.dll" --port 0 --cache-dir "$work/cache" --data-dir "$work/data" --api-key "$key" >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT

url=""
for _ in $(seq 1 600); do
  url=$(grep -oE 'Now listening on: http://[^ ]+' "$log" | head -1 | sed 's/Now listening on: //') || true
  if [ -n "$url" ] && curl -sf "$url/health" >/dev/null; then break; fi
  kill -0 $server 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "the server did not start" >&2; cat "$log" >&2; exit 1; }

cd "$root/tests/clients/node"
LLM_BASE_URL="$url/v1" LLM_API_KEY="$key" node --test
