#!/usr/bin/env bash
# Runs every test from a fresh clone on a fresh Debian machine: installs what is missing, builds, runs the
# trainer's pytest suite and all .NET test projects, and ends with one plain line "N passed, N failed, N skipped"
# that counts both.
set -uo pipefail
cd "$(dirname "$0")/.."

source scripts/lib/prerequisites.sh
source scripts/lib/services.sh
ensure_dotnet
bash scripts/fetch-face-api.sh
ensure_face_api_reference
ensure_openapi_reference
ensure_chromium || echo "chromium: not installed; the browser tests will fail in CI and skip elsewhere" >&2
ensure_compose_tool || echo "docker-compose: not installed; the compose file tests will skip" >&2
ensure_training_python || echo "training: Debian's torch stack is missing; the trainer's tests cannot run" >&2

results="artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

# The trainer's tests (pytest exits 5 when it collects nothing: that is no failure, and counts zero).
/usr/bin/python3 -m pytest training/tests -q -p no:cacheprovider --junitxml="$results/pytest.xml"
pytest_status=$?
[ "$pytest_status" -eq 5 ] && pytest_status=0
read -r py_total py_failed py_skipped < <(
  /usr/bin/python3 - "$results/pytest.xml" <<'PY' 2>/dev/null || echo 0 0 0
import sys, xml.etree.ElementTree as tree
suite = tree.parse(sys.argv[1]).getroot()
suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
count = lambda key: int(suite.get(key, 0))
print(count("tests"), count("errors") + count("failures"), count("skipped"))
PY
)
[ "$pytest_status" -ne 0 ] && [ "$py_failed" -eq 0 ] && py_failed=1

dotnet build PortraitBooth.sln -c Release -nologo -v quiet
build_status=$?
test_status=1
if [ "$build_status" -eq 0 ]; then
  # Redis and RabbitMQ for the distributed tests (stopped on exit); without them those tests fail in CI, skip elsewhere.
  start_test_services || echo "services: not started; the distributed tests will fail in CI and skip elsewhere" >&2
  dotnet test PortraitBooth.sln -c Release --no-build -nologo --logger "trx" --results-directory "$results"
  test_status=$?
fi

# Sum the counters of every TRX file (one per test project).
read -r total passed failed < <(
  cat "$results"/*.trx 2>/dev/null | grep -o '<Counters [^>]*' |
  sed -E 's/.*total="([0-9]+)".*passed="([0-9]+)".*failed="([0-9]+)".*/\1 \2 \3/' |
  awk '{t+=$1; p+=$2; f+=$3} END {print t+0, p+0, f+0}')
skipped=$((total - passed - failed))
# A build or runner failure with no failed test still has to show as a failure.
if [ "$test_status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
py_passed=$((py_total - py_failed - py_skipped))
echo "pytest: ${py_passed} passed, ${py_failed} failed, ${py_skipped} skipped; dotnet: ${passed} passed, ${failed} failed, ${skipped} skipped" >&2
echo "$((passed + py_passed)) passed, $((failed + py_failed)) failed, $((skipped + py_skipped)) skipped"
[ "$test_status" -eq 0 ] && [ "$pytest_status" -eq 0 ]
