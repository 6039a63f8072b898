#!/usr/bin/env bash
# Make sure this machine can build vicman's virtualenv and run PySide6 (Qt 6).
#
#   scripts/install-os-deps.sh [PYTHON]        (default: $PYTHON, else python3)
#   scripts/install-os-deps.sh --postgresql    only the PostgreSQL server (for the tests' throw-away
#                                              cluster, scripts/pg_test_cluster.sh; the app needs none)
#
# - Checks that PYTHON is 3.11 or newer and that its venv module works
#   (Debian/Ubuntu ship ensurepip separately, in python3-venv / python3.X-venv).
# - Checks with dpkg-query for the Debian/Ubuntu packages Qt needs at run time,
#   for both the offscreen and the xcb (X11) platform plugins.
# - Missing packages: installed with apt-get when running as root; otherwise the
#   exact `sudo apt-get install ...` line is printed and the script exits 1.
# - Prints nothing when everything is already present.
set -euo pipefail

PY="${1:-${PYTHON:-python3}}"

QT_PACKAGES=(
    libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
    libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
    libxcb-render-util0 libxcb-image0 fonts-dejavu-core
)

err() { printf 'install-os-deps: %s\n' "$*" >&2; }

# --- PostgreSQL server binaries (tests only) -------------------------------
if [ "${1:-}" = "--postgresql" ]; then
    has_server() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }
    has_server && exit 0
    if [ "$(id -u)" -ne 0 ]; then
        err "the tests need a PostgreSQL server (Debian's postgresql package) to run the suite on PostgreSQL too."
        err "install it with:"
        printf '  sudo apt-get update && sudo apt-get install -y postgresql\n' >&2
        exit 1
    fi
    echo "install-os-deps: installing postgresql (for the tests' throw-away cluster)"
    # The tests make their own cluster: keep the package from creating and starting a "main" one,
    # unless the machine's administrator has configured that already.
    if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
        mkdir -p /etc/postgresql-common
        echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q postgresql </dev/null >/dev/null
    has_server || { err "installed postgresql but found no /usr/lib/postgresql/*/bin/initdb."; exit 1; }
    exit 0
fi

# --- Python version --------------------------------------------------------
if ! command -v "$PY" >/dev/null 2>&1; then
    err "'$PY' not found. vicman needs Python 3.11 or newer (Debian 12: apt-get install python3 python3-venv)."
    exit 1
fi
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
    err "vicman needs Python 3.11 or newer; '$PY' is $("$PY" -c 'import sys; print(sys.version.split()[0])')."
    err "Install a newer Python, or run make with PYTHON=/path/to/python3.11."
    exit 1
fi

venv_works() { "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; }

# --- What is missing ---------------------------------------------------------
missing=()
venv_pkg=""
if ! venv_works; then
    # On Debian/Ubuntu the system interpreter's ensurepip lives in python3.X-venv.
    py_path="$(readlink -f "$(command -v "$PY")")"
    if command -v dpkg >/dev/null 2>&1 && dpkg -S "$py_path" >/dev/null 2>&1; then
        venv_pkg="python3.$("$PY" -c 'import sys; print(sys.version_info[1])')-venv"
        missing+=("$venv_pkg")
    else
        err "'$PY' ($py_path) cannot create virtual environments: its venv/ensurepip modules are missing."
        err "Reinstall that Python with venv support (on Debian/Ubuntu: apt-get install python3-venv)."
        exit 1
    fi
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    # Not Debian/Ubuntu (venv works, or we would have stopped above): we cannot check
    # the libraries here; Qt names what it lacks when it starts.
    err "note: dpkg-query not found, so Qt's system libraries were not checked" \
        "(needed: EGL/OpenGL, xkbcommon, fontconfig, dbus, glib, xcb-cursor and friends)."
    exit 0
fi

for pkg in "${QT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -qx 'install ok installed'; then
        missing+=("$pkg")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

# --- Install, or say how ---------------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
    err "these Debian/Ubuntu packages are needed to build the virtualenv and run Qt: ${missing[*]}"
    err "install them with:"
    printf '  sudo apt-get update && sudo apt-get install -y --no-install-recommends %s\n' "${missing[*]}" >&2
    exit 1
fi

echo "install-os-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null

if [ -n "$venv_pkg" ] && ! venv_works; then
    err "installed $venv_pkg but '$PY' still cannot import venv/ensurepip."
    exit 1
fi
