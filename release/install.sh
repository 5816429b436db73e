#!/bin/sh
# Installs Leither from a release: picks the archive for this machine, checks its sha256
# against SHA256SUMS, and puts `Leither` into a bin folder.
#
#   sh install.sh [options] SOURCE
#
#   SOURCE          a folder holding the release files (Leither-<version>-<platform>.tar.gz|.zip
#                   and SHA256SUMS), or the base URL (http:// or https://) they are served from
#   --bindir DIR    where Leither goes (default: /usr/local/bin as root, else $HOME/.local/bin;
#                   or $LEITHER_BINDIR)
#   --libdir DIR    where a Node bundle goes (default: <bindir>/../lib/leither)
#   --target NAME   the platform to install, e.g. linux-arm64 (default: detected)
#   --version VER   which version, when SOURCE holds several
#
# Platforms without a Bun build (32-bit ARM, FreeBSD, Android/Termux, musl on ARM) get the
# portable bundle (linux-armv7, freebsd-x64 and android-arm64 hold the same one), which needs
# Node >= 22.13 on the PATH.
set -eu

say() { printf '%s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

bindir=${LEITHER_BINDIR:-}
libdir=''
target=''
version=''
source=''
while [ $# -gt 0 ]; do
  case $1 in
    --bindir) [ $# -ge 2 ] || die "--bindir needs a folder"; bindir=$2; shift 2 ;;
    --bindir=*) bindir=${1#*=}; shift ;;
    --libdir) [ $# -ge 2 ] || die "--libdir needs a folder"; libdir=$2; shift 2 ;;
    --libdir=*) libdir=${1#*=}; shift ;;
    --target) [ $# -ge 2 ] || die "--target needs a name"; target=$2; shift 2 ;;
    --target=*) target=${1#*=}; shift ;;
    --version) [ $# -ge 2 ] || die "--version needs a value"; version=$2; shift 2 ;;
    --version=*) version=${1#*=}; shift ;;
    -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [ -z "$source" ] || die "only one SOURCE, got \"$source\" and \"$1\""; source=$1; shift ;;
  esac
done
[ -n "$source" ] || die "no SOURCE: give the folder or base URL of a release (see --help)"

if [ -z "$bindir" ]; then
  if [ "$(id -u)" = 0 ]; then bindir=/usr/local/bin; else bindir=${HOME:?}/.local/bin; fi
fi

tmp=$(mktemp -d 2>/dev/null || mktemp -d -t leither)
trap 'rm -rf "$tmp"' EXIT INT TERM

# fetch NAME DEST: copy NAME from the source folder or download it from the base URL.
fetch() {
  case $source in
    http://*|https://*)
      url=${source%/}/$1
      if command -v curl >/dev/null 2>&1; then curl -fsSL -o "$2" "$url" || die "cannot download $url"
      elif command -v wget >/dev/null 2>&1; then wget -q -O "$2" "$url" || die "cannot download $url"
      else die "need curl or wget to download $url"; fi ;;
    *)
      [ -f "$source/$1" ] || die "no $1 in $source"
      cp "$source/$1" "$2" ;;
  esac
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then shasum -a 256 "$1" | cut -d' ' -f1
  elif command -v sha256 >/dev/null 2>&1; then sha256 -q "$1"
  elif command -v openssl >/dev/null 2>&1; then openssl dgst -sha256 "$1" | sed 's/.*= *//'
  else die "no sha256 tool (sha256sum, shasum, sha256 or openssl) to verify the download"; fi
}

# node >= 22.13 on the PATH?
node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  v=$(node -p 'process.versions.node' 2>/dev/null) || return 1
  major=${v%%.*}; rest=${v#*.}; minor=${rest%%.*}
  [ "$major" -gt 22 ] || { [ "$major" -eq 22 ] && [ "$minor" -ge 13 ]; }
}

detect() {
  os=$(uname -s); arch=$(uname -m)
  case $os in
    Linux) if [ "$(uname -o 2>/dev/null)" = Android ]; then os=android; else os=linux; fi ;;
    Darwin) os=darwin ;;
    FreeBSD) os=freebsd ;;
    MINGW*|MSYS*|CYGWIN*) die "on Windows, unpack Leither-<version>-windows-x64.zip instead" ;;
    *) die "no build for $os; try --target NAME" ;;
  esac
  case $arch in
    x86_64|amd64) arch=x64 ;;
    aarch64|arm64) arch=arm64 ;;
    armv7*|armv8l|armhf) arch=armv7 ;;
    *) die "no build for $os on $arch; try --target NAME" ;;
  esac
  # An x64 shell under Rosetta on Apple silicon: take the native build.
  if [ "$os" = darwin ] && [ "$arch" = x64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null)" = 1 ]; then arch=arm64; fi
  name=$os-$arch
  if [ "$os" = linux ]; then
    # musl if the system shell is linked against it (Alpine, OpenWrt); a musl package on a
    # glibc system leaves /bin/sh alone.
    if grep -q 'ld-musl' /bin/sh 2>/dev/null || ldd --version 2>&1 | grep -qi musl; then
      name=$name-musl
    elif [ "$arch" = x64 ] && ! grep -qw avx2 /proc/cpuinfo 2>/dev/null; then
      name=linux-x64-baseline # Bun's default x64 build needs AVX2
    fi
  fi
  printf '%s\n' "$name"
}

fetch SHA256SUMS "$tmp/SHA256SUMS"

# archives NAME: the archive files for platform NAME listed in SHA256SUMS, one a line.
archives() {
  awk '{ sub(/^\*/, "", $2); print $2 }' "$tmp/SHA256SUMS" |
    grep -E "^Leither-.+-$1\.(tar\.gz|zip)\$" | grep -F "${version:+Leither-$version-$1.}" || true
}

# pick NAME: the one archive for platform NAME (empty if none; stops if several versions).
pick() {
  n=$(archives "$1" | grep -c . || true)
  [ "$n" -le 1 ] || die "$source has several versions for $1 ($(archives "$1" | tr '\n' ' ')); choose one with --version"
  archives "$1"
}

available() {
  awk '{ sub(/^\*/, "", $2); print $2 }' "$tmp/SHA256SUMS" |
    sed -nE 's/^Leither-.+-((linux|darwin|windows|freebsd|android)-.*)\.(tar\.gz|zip)$/\1/p' | sort -u | tr '\n' ' '
}

[ -n "$target" ] || target=$(detect)
pick "$target" >/dev/null # stops here on an ambiguous version
file=$(pick "$target")
if [ -z "$file" ]; then
  for portable in linux-armv7 freebsd-x64 android-arm64; do
    [ -n "$file" ] || file=$(pick "$portable")
  done
  [ -n "$file" ] || die "no archive for $target in $source (it has: $(available)); choose one with --target NAME"
  node_ok || die "no build for $target; the portable bundle ($file) needs Node >= 22.13 on the PATH ($(node --version 2>/dev/null || echo 'none found'))"
  say "no build for $target: using the portable bundle ($file) on Node $(node --version)"
fi

say "fetching $file"
fetch "$file" "$tmp/$file"
want=$(awk -v f="$file" '$2 == f || $2 == "*" f {print $1}' "$tmp/SHA256SUMS")
got=$(sha256_of "$tmp/$file")
[ "$want" = "$got" ] || die "sha256 mismatch for $file: SHA256SUMS says $want, the file is $got"
say "sha256 ok  $got"

mkdir -p "$tmp/x"
case $file in
  *.tar.gz) gzip -dc "$tmp/$file" | (cd "$tmp/x" && tar -xf -) || die "cannot unpack $file" ;;
  *.zip) command -v unzip >/dev/null 2>&1 || die "need unzip for $file"; unzip -q "$tmp/$file" -d "$tmp/x" || die "cannot unpack $file" ;;
esac
dir=$tmp/x/${file%.tar.gz}; dir=${dir%.zip}
[ -f "$dir/Leither" ] || [ -f "$dir/Leither.exe" ] || die "$file holds no Leither"

mkdir -p "$bindir" || die "cannot create $bindir"
if [ -f "$dir/Leither.mjs" ]; then
  # The portable bundle: the folder goes to libdir, bindir/Leither links to its launcher.
  [ -n "$libdir" ] || libdir=$(cd "$bindir/.." && pwd)/lib/leither
  mkdir -p "$(dirname "$libdir")"
  rm -rf "$libdir.new"
  cp -R "$dir" "$libdir.new"
  rm -rf "$libdir"
  mv "$libdir.new" "$libdir"
  ln -sf "$libdir/Leither" "$bindir/Leither"
  node_ok || say "warning: the installed bundle needs Node >= 22.13 on the PATH ($(node --version 2>/dev/null || echo 'no node found'))"
else
  # Copy then rename, so a running Leither keeps its file and the new one appears whole.
  cp "$dir/Leither" "$bindir/.Leither.new"
  chmod 755 "$bindir/.Leither.new"
  mv -f "$bindir/.Leither.new" "$bindir/Leither"
fi

say "installed $bindir/Leither${libdir:+ (bundle in $libdir)}"
"$bindir/Leither" version 2>/dev/null || say "warning: $bindir/Leither version did not run on this machine"
case ":$PATH:" in *":$bindir:"*) ;; *) say "note: $bindir is not on your PATH" ;; esac
