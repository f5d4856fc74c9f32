# Shared install steps for the README's commands. Each step is idempotent and quiet when already satisfied.

ensure_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "dotnet SDK 10 is required (see global.json); install it from Debian/Microsoft packages first" >&2
    exit 1
  fi
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
}

# face-api's own TF.js networks under Node, the reference the converted ONNX networks are tested against.
ensure_face_api_reference() {
  local dir="tests/reference/face-api"
  if [ ! -d "$dir/node_modules/@vladmandic/face-api" ]; then
    (cd "$dir" && npm ci --silent --no-audit --no-fund) || { echo "npm ci in $dir failed" >&2; exit 1; }
  fi
}

# Debian's headless-capable Chromium for the admin dashboard's browser tests (Playwright drives it at
# /usr/bin/chromium; no browser is downloaded). Without it the browser tests fail in CI and skip elsewhere.
ensure_chromium() {
  [ -x /usr/bin/chromium ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "chromium missing and not root: the browser tests will skip" >&2
    return 1
  fi
  apt-get update -qq >/dev/null || return 1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null || return 1
}
