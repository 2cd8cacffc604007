#!/usr/bin/env bash
# Writes docs/console-sfa.png, docs/console-mirror.png and docs/admin.png from a real relay and
# headless Chromium (the browser test that renders them).
#   ./scripts/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p docs
SFA_MIRROR_SCREENSHOTS_DIR="$PWD/docs" dotnet test tests/SfaMirror.Browser.Tests \
  --filter "FullyQualifiedName~ScreenshotTests"
ls -l docs/*.png
