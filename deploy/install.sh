#!/bin/bash
# OneDoor installer for a Debian PC (README "Installing a kiosk PC", "Installing a hall server").
#
# Run as root from a built tree: a checkout after `npm ci && npm run build`, or an installed tree (it carries this
# script), e.g. copied from a build machine with the same Node major version (native modules: better-sqlite3,
# serialport).
#
#   deploy/install.sh [--role kiosk|hall] [--prefix DIR] [--config site.json] [--no-apt] [--no-enable]
#
#   --role kiosk   bridge + kiosk screen (Chromium --kiosk under cage on tty1)   (default)
#   --role hall    bridge only (the hall server; screens are kiosk PCs or browsers)
#   --prefix DIR   where the program goes (default /opt/onedoor); the units are written for that path
#   --config FILE  the site config, installed as /etc/onedoor/site.json (an existing one is kept otherwise)
#   --no-apt       do not install Debian packages (nodejs, curl, and for a kiosk cage and chromium)
#   --no-enable    install files only: no user, no systemctl, no udevadm
#
# DESTDIR=/some/dir stages everything under that folder instead of / (as `make install` does): no packages, no
# users, no systemctl, no udevadm, nothing outside DESTDIR is touched, root is not needed. A staged tree can be
# packed (tar -C $DESTDIR -czf onedoor.tgz .) for many PCs; run its opt/onedoor/deploy/install.sh there.
set -euo pipefail

PREFIX=/opt/onedoor
ROLE=kiosk
CONFIG=
APT=1
ENABLE=1
DESTDIR=${DESTDIR:-}
MIN_NODE_MAJOR=20
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

say() { printf 'onedoor-install: %s\n' "$*"; }
die() { printf 'onedoor-install: error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || die "--prefix needs a folder"; PREFIX=$2; shift 2 ;;
    --prefix=*) PREFIX=${1#*=}; shift ;;
    --role) [ $# -ge 2 ] || die "--role needs kiosk or hall"; ROLE=$2; shift 2 ;;
    --role=*) ROLE=${1#*=}; shift ;;
    --config) [ $# -ge 2 ] || die "--config needs a file"; CONFIG=$2; shift 2 ;;
    --config=*) CONFIG=${1#*=}; shift ;;
    --no-apt) APT=0; shift ;;
    --no-enable) ENABLE=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option $1" ;;
  esac
done
case "$ROLE" in kiosk|hall) ;; *) die "--role must be kiosk or hall, not '$ROLE'" ;; esac
case "$PREFIX" in /*) ;; *) die "--prefix must be an absolute path (it is written into the units), not '$PREFIX'" ;; esac
PREFIX=${PREFIX%/}
[ -z "$CONFIG" ] || [ -f "$CONFIG" ] || die "--config $CONFIG: no such file"

# Staging (DESTDIR) or --no-enable: no effect on the running system.
if [ -n "$DESTDIR" ]; then
  DESTDIR=$(mkdir -p "$DESTDIR" && cd "$DESTDIR" && pwd)
  SYSTEM=0
  say "staging into $DESTDIR (no packages, users, systemctl or udevadm)"
else
  SYSTEM=$ENABLE
  [ "$(id -u)" -eq 0 ] || die "run as root (sudo), or set DESTDIR to stage into a folder"
fi

# 1. The build must be there (npm run build).
for f in device-bridge/dist/main.js device-bridge/dist/production-modules.txt protocol/dist/package.json \
         kiosk-ui/dist/index.html device-bridge/package.json; do
  [ -e "$SRC/$f" ] || die "$SRC/$f is missing: run 'npm ci && npm run build' in $SRC first"
done

# 2. Node >= 20 (Debian 13 ships it as nodejs; on Debian 12 install Node 20 from nodejs.org or NodeSource first).
node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
NODE=$(command -v node || true)
if [ "$SYSTEM" -eq 1 ] && [ "$APT" -eq 1 ] && { [ -z "$NODE" ] || [ "$(node_major "$NODE")" -lt $MIN_NODE_MAJOR ]; }; then
  say "installing nodejs from Debian"
  apt-get install -y nodejs || true
  NODE=$(command -v node || true)
fi
[ -n "$NODE" ] || die "node not found: install Node.js $MIN_NODE_MAJOR or later (Debian 13: apt install nodejs; Debian 12: nodejs.org or NodeSource)"
[ "$(node_major "$NODE")" -ge $MIN_NODE_MAJOR ] || die "$NODE is Node $("$NODE" --version); OneDoor needs $MIN_NODE_MAJOR or later (Debian 12's nodejs is 18: use nodejs.org or NodeSource)"
say "node: $NODE $("$NODE" --version)"

if [ "$SYSTEM" -eq 1 ] && [ "$APT" -eq 1 ]; then
  pkgs=(curl)
  [ "$ROLE" = kiosk ] && pkgs+=(cage chromium)
  say "installing Debian packages: ${pkgs[*]}"
  apt-get install -y "${pkgs[@]}"
fi

# 3. The program: a fresh copy beside the old one, swapped in at the end (an upgrade never runs a half copy).
TARGET=$DESTDIR$PREFIX
NEW=$TARGET.new.$$
rm -rf "$NEW"
mkdir -p "$NEW"
copy() { (cd "$SRC" && cp -a --parents "$@" "$NEW/"); }
copy protocol/package.json protocol/dist device-bridge/package.json device-bridge/dist device-bridge/bin kiosk-ui/dist
# Third-party run-time packages only (the build lists them; a nested folder comes with its parent).
prev=
while IFS= read -r dir; do
  [ -n "$dir" ] || continue
  if [ -n "$prev" ] && [ "${dir#"$prev"/}" != "$dir" ]; then continue; fi
  [ -d "$SRC/$dir" ] || die "$SRC/$dir is missing (listed in device-bridge/dist/production-modules.txt): run npm ci"
  copy "$dir"
  prev=$dir
done < "$SRC/device-bridge/dist/production-modules.txt"
mkdir -p "$NEW/bin" "$NEW/deploy"
install -m 0755 "$SRC/deploy/onedoor-health" "$NEW/bin/onedoor-health"
cp -a "$SRC/deploy/." "$NEW/deploy/"
if [ -e "$TARGET" ]; then
  rm -rf "$TARGET.old"
  mv "$TARGET" "$TARGET.old"
fi
mv "$NEW" "$TARGET"
rm -rf "$TARGET.old"
say "program in $TARGET"

# 4. systemd units, with this prefix, this node and the role's V8 options (deploy/node-flags).
grep -q "^$ROLE=" "$SRC/deploy/node-flags" || die "$SRC/deploy/node-flags has no line for role $ROLE"
NODE_FLAGS=$(sed -n "s/^$ROLE=//p" "$SRC/deploy/node-flags")
UNITS=$DESTDIR/etc/systemd/system
mkdir -p "$UNITS"
unit() {
  # An empty option list leaves no double space on the command line.
  sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@NODE@ @NODE_FLAGS@|$NODE${NODE_FLAGS:+ $NODE_FLAGS}|g" -e "s|@NODE@|$NODE|g" \
    "$SRC/deploy/$1" > "$UNITS/$1"
  chmod 0644 "$UNITS/$1"
}
unit onedoor-bridge.service
unit onedoor-bridge-watchdog.service
unit onedoor-bridge-watchdog.timer
if [ "$ROLE" = kiosk ]; then
  unit onedoor-kiosk-screen.service
  mkdir -p "$DESTDIR/etc/pam.d"
  install -m 0644 "$SRC/deploy/pam-onedoor-kiosk-screen" "$DESTDIR/etc/pam.d/onedoor-kiosk-screen"
fi

# 5. udev rules: a technician's edited copy (the device ids) is kept; the shipped one goes beside it.
RULES=$DESTDIR/etc/udev/rules.d
mkdir -p "$RULES"
if [ -e "$RULES/99-onedoor.rules" ]; then
  install -m 0644 "$SRC/deploy/99-onedoor.rules" "$RULES/99-onedoor.rules.dist"
  say "kept $RULES/99-onedoor.rules (the shipped version is 99-onedoor.rules.dist)"
else
  install -m 0644 "$SRC/deploy/99-onedoor.rules" "$RULES/99-onedoor.rules"
  say "udev rules in $RULES/99-onedoor.rules: put the devices' USB ids in it"
fi

# 6. Configuration: readable by the bridge's group only (it holds staff password hashes and kiosk tokens).
ETC=$DESTDIR/etc/onedoor
mkdir -p "$ETC"
[ -e "$ETC/onedoor.env" ] || install -m 0644 "$SRC/deploy/onedoor.env" "$ETC/onedoor.env"
if [ -n "$CONFIG" ]; then
  install -m 0640 "$CONFIG" "$ETC/site.json"
elif [ ! -e "$ETC/site.json" ]; then
  say "no site config yet: write $ETC/site.json (dataDir under /var/lib/onedoor) before starting"
fi

# 7. Users, permissions, services.
if [ "$SYSTEM" -eq 1 ]; then
  getent group onedoor >/dev/null || groupadd --system onedoor
  getent passwd onedoor >/dev/null ||
    useradd --system --gid onedoor --home-dir /var/lib/onedoor --no-create-home --shell /usr/sbin/nologin onedoor
  usermod -a -G dialout onedoor
  [ -e "$ETC/site.json" ] && chgrp onedoor "$ETC/site.json"
  if [ "$ROLE" = kiosk ]; then
    getent passwd onedoor-kiosk >/dev/null ||
      useradd --system --user-group --home-dir /var/lib/onedoor-kiosk --no-create-home --shell /usr/sbin/nologin onedoor-kiosk
    for g in video render input audio; do getent group "$g" >/dev/null && usermod -a -G "$g" onedoor-kiosk; done
  fi
  udevadm control --reload
  udevadm trigger --subsystem-match=tty
  systemctl daemon-reload
  systemctl enable onedoor-bridge.service onedoor-bridge-watchdog.timer
  if [ "$ROLE" = kiosk ]; then
    systemctl enable onedoor-kiosk-screen.service
    systemctl set-default graphical.target
  fi
  if [ -e "$ETC/site.json" ]; then
    systemctl restart onedoor-bridge.service
    systemctl start onedoor-bridge-watchdog.timer
    [ "$ROLE" = kiosk ] && systemctl restart onedoor-kiosk-screen.service
    say "started; check: systemctl status onedoor-bridge; journalctl -u onedoor-bridge"
  else
    say "enabled; start with: systemctl start onedoor-bridge onedoor-bridge-watchdog.timer"
  fi
else
  say "files only: no users created, no units enabled"
fi
say "done ($ROLE)"
