#!/usr/bin/env bash
# Pvc's entry point. Thin: Debian packages come from build/deps.sh, everything else from MSBuild
# (build/Pvc.Build.proj) and dotnet.
#   ./build.sh deps       install the Debian packages the tests and the sandbox need (root; idempotent)
#   ./build.sh build      build the solution and lay out the module in out/Pvc
#   ./build.sh test       deps + build + every test, ending with "Tests: N passed, N failed, N skipped"
#   ./build.sh sandbox    deps + build + a private cluster and a PowerShell session on it
#   ./build.sh bench      run the benchmarks in bench/
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

task=${1:-build}
[ $# -gt 0 ] && shift
msbuild() { dotnet msbuild build/Pvc.Build.proj -nologo -v:m -tl:off "$@"; }

case "$task" in
  deps)    exec build/deps.sh ;;
  build)   msbuild -t:Build "$@" ;;
  test)    build/deps.sh && msbuild -t:Test "$@" ;;
  bench)   build/deps.sh && msbuild -t:Bench "$@" ;;
  sandbox) # interactive: the sandbox runs in this terminal, not under MSBuild (which does not pass stdin on)
           [ "${1:-}" = "--" ] && shift
           build/deps.sh && msbuild -t:Build && exec dotnet sandbox/Pvc.Sandbox/bin/Release/net10.0/Pvc.Sandbox.dll "$@" ;;
  *)       echo "usage: ./build.sh deps|build|test|sandbox|bench" >&2; exit 2 ;;
esac
