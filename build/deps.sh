#!/usr/bin/env bash
# Installs the Debian packages in build/debian-packages.txt that are missing, and does the one-time host setup the
# QEMU lab needs (the user libvirt-qemu). Idempotent: with everything in place it changes nothing and needs no root.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mapfile -t packages < <(grep -v '^\s*#' "$here/debian-packages.txt" | grep -v '^\s*$')

if ! command -v dotnet >/dev/null 2>&1; then
  echo "deps: the .NET SDK (dotnet) is not on PATH; install .NET 10 SDK first (see README.md)." >&2
  exit 1
fi

# pwsh 7.6.9 (with PSReadLine and the built-in modules) as a .NET tool in the repository's .tools/: the sandbox, the
# Pester suite and build.ps1 run it from there. No root needed; a no-op when that version is in place.
pwsh_version=7.6.9
tools=$(cd "$here/.." && pwd)/.tools
if [ "$("$tools/pwsh" -NoLogo -NoProfile -Command '$PSVersionTable.PSVersion.ToString()' 2>/dev/null)" != "$pwsh_version" ]; then
  echo "deps: installing pwsh $pwsh_version into $tools"
  rm -rf "$tools"
  dotnet tool install PowerShell --version "$pwsh_version" --tool-path "$tools" >/dev/null
  got=$("$tools/pwsh" -NoLogo -NoProfile -Command '$PSVersionTable.PSVersion.ToString()' 2>&1 || true)
  if [ "$got" != "$pwsh_version" ]; then
    echo "deps: pwsh $pwsh_version was installed into $tools but does not run: $got" >&2
    exit 1
  fi
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# libvirt's QEMU driver looks this user up before it reads qemu.conf (which makes the lab's QEMU run as root); the
# package that would create it, libvirt-daemon-system, also brings services this machine does not run
need_user=0
getent passwd libvirt-qemu >/dev/null || need_user=1
if [ ${#missing[@]} -eq 0 ] && [ "$need_user" = 0 ]; then
  echo "deps: all ${#packages[@]} Debian packages are installed and the host is set up."
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  [ ${#missing[@]} -gt 0 ] && echo "deps: missing Debian packages: ${missing[*]}." >&2
  [ "$need_user" = 1 ] && echo "deps: the user libvirt-qemu is missing." >&2
  echo "deps: run './build.sh deps' as root (it uses apt-get and useradd), or do it yourself." >&2
  exit 1
fi
if [ "$need_user" = 1 ]; then
  echo "deps: creating the system user libvirt-qemu (group kvm)"
  getent group kvm >/dev/null || groupadd -r kvm
  getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu
  useradd -r -g kvm -G libvirt-qemu -d /var/lib/libvirt -M -s /usr/sbin/nologin libvirt-qemu
fi
[ ${#missing[@]} -eq 0 ] && exit 0

# Package scripts must not start daemons (zookeeper, libvirtd, dnsmasq, ...) on their default ports: a policy-rc.d
# that refuses every start, for the time of the install (a machine that has its own, like a container's, keeps it).
policy=/usr/sbin/policy-rc.d
made_policy=0
# set before the file exists, and on signals too: a policy left behind would keep the host from starting services
trap '[ "$made_policy" = 1 ] && rm -f "$policy"' EXIT
trap 'exit 130' INT TERM HUP
if [ ! -e "$policy" ]; then
  made_policy=1
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
started=$(date +%s)
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "deps: installed in $(( $(date +%s) - started )) s"
