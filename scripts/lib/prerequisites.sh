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

# Redocly CLI, which lints the live OpenAPI document the way client tooling reads it (OpenApiContractTests).
ensure_openapi_reference() {
  local dir="tests/reference/openapi"
  if [ ! -d "$dir/node_modules/@redocly/cli" ]; then
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

# Debian's docker-compose, a compose tool that validates docker-compose.yml without a Docker engine (ComposeFileTests).
ensure_compose_tool() {
  command -v docker-compose >/dev/null 2>&1 && return 0
  [ "$(id -u)" -eq 0 ] || { echo "docker-compose missing and not root: the compose file tests will skip" >&2; return 1; }
  apt-get update -qq >/dev/null || return 1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null || return 1
}

# Debian's PyTorch stack for the trainer (training/), run by /usr/bin/python3 (another python3 on the PATH may not
# see Debian's packages). libopenblas0-pthread: without it torch's matrix products fall back to the reference BLAS.
TRAINING_PACKAGES="python3-torch python3-torchvision python3-onnx python3-pil python3-numpy python3-pytest libopenblas0-pthread"
ensure_training_python() {
  if /usr/bin/python3 -c "import torch, torchvision, onnx, PIL, numpy, pytest" >/dev/null 2>&1 &&
     dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "the trainer's Debian packages are missing and this is not root: apt-get install $TRAINING_PACKAGES" >&2
    return 1
  fi
  apt-get update -qq >/dev/null || return 1
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $TRAINING_PACKAGES >/dev/null || return 1
}
