# Shared by Tools/quickstart, Tools/test and the benchmark scripts. Source it; do not run it.
# Installs what Marquee needs when it is missing; works as root with no terminal.
set -euo pipefail

MARQUEE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export DEBIAN_FRONTEND=noninteractive

say() { printf '==> %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"; else
        say "need root to run: $*"; return 1; fi
}

# ensure_apt PACKAGE... : installs the Debian packages that are not installed yet.
ensure_apt() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing ${missing[*]}"
    as_root apt-get update -qq
    as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        if [ -x /opt/swift/usr/bin/swift ]; then export PATH="/opt/swift/usr/bin:$PATH"; else
            say "Swift 6 toolchain not found (expected 'swift' on PATH)"; exit 1; fi
    fi
}

# The system libraries Marquee links against.
ensure_build_deps() {
    ensure_swift
    ensure_apt libopenblas-dev liblapacke-dev pkg-config
}

# ensure_pip PACKAGE... : installs Python packages for benchmarks against peers.
ensure_pip() {
    local missing=()
    for p in "$@"; do
        python3 -c "import importlib.util,sys; sys.exit(0 if importlib.util.find_spec('${p%%[=<>]*}'.replace('-','_')) else 1)" 2>/dev/null || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "pip installing ${missing[*]}"
    python3 -m pip install -q "${missing[@]}"
}
