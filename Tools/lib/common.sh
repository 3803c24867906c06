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

# Marquee's release builds. On x86-64 they target x86-64-v3 (AVX2 + FMA), so SIMD `addingProduct` is one
# FMA instruction instead of a call to fmaf per lane; the binary then needs an x86-64-v3 CPU (Haswell,
# Zen or later). MARQUEE_PORTABLE=1 gives a baseline x86-64 build. The manifest carries no such flags (a
# package that depends on Marquee by version may not have unsafe flags), so they are passed here, once,
# for every release build of the scripts. SwiftPM hands -Xcc flags to every C compile and to swiftc's
# Clang importer, whose target CPU sets the Swift code's too (the same flag the manifest used to carry).
MARQUEE_RELEASE_FLAGS=()
if [ "$(uname -m)" = x86_64 ] && [ -z "${MARQUEE_PORTABLE+set}" ]; then
    MARQUEE_RELEASE_FLAGS=(-Xcc -march=x86-64-v3)
fi

# release_build [ARGUMENTS...] : swift build -c release with Marquee's CPU flags (extra arguments passed on).
release_build() { swift build -c release "${MARQUEE_RELEASE_FLAGS[@]}" "$@"; }

# release_bin_path : the folder release_build puts its binaries in.
release_bin_path() { release_build --show-bin-path; }

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
