#!/usr/bin/env bash
# The one test command: installs what the tests need, then builds and runs every test.
#   ./scripts/test.sh
# Needs the .NET 10 SDK; installs redis-server and chromium from Debian's packages when missing
# (as root, or through sudo). The tests start their own redis-server and browser; nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  echo "==> installing ${need[*]} from Debian's packages"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

echo "==> dotnet test (server, clients, browser)"
# A test that hangs fails after 3 minutes with a dump (TestResults/) instead of stalling CI.
dotnet test SfaMirror.slnx -c Release --blame-hang-timeout 3m

if [ -f clients/js/package.json ]; then
  echo "==> TypeScript client tests"
  (cd clients/js && npm ci --no-audit --no-fund --loglevel=error && npm test)
fi
echo "==> all tests passed"
