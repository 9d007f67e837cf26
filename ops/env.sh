# Sourced by the ops scripts: the toolchain on PATH, the repository root.
[ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH"
DROVER_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export DROVER_ROOT
