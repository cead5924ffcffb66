#!/usr/bin/env bash
# Installs a released fireside binary for this runner: the GitHub Action's
# install step (action.yml), also runnable by hand and by tests/e2e/cli_tools.rs.
#
#   action/install.sh resolve   work out version, target and folder only
#   action/install.sh [install] resolve, then download, verify and unpack
#
# Environment (all optional):
#   FIRESIDE_VERSION        0.2.0, v0.2.0 or latest (default: the action's own
#                           ref when it is a version tag, else latest)
#   FIRESIDE_ACTION_REF     the action's ref (github.action_ref)
#   FIRESIDE_REPO           owner/name holding the releases (github.action_repository)
#   FIRESIDE_LOCAL_RELEASE  a folder holding the archives and SHA256SUMS, used
#                           instead of downloading (tests, air-gapped runners)
#   FIRESIDE_INSTALL_ROOT   where versions are unpacked (default: the runner's
#                           tool cache, else ~/.cache/fireside)
#   RUNNER_OS, RUNNER_ARCH  set by GitHub; taken from uname when missing
# Writes version=, target=, archive= and dir= to $GITHUB_OUTPUT and the binary's folder
# to $GITHUB_PATH, when those are set.
set -euo pipefail

mode="${1:-install}"
case "$mode" in
  resolve | install) ;;
  *) echo "install.sh: unknown mode '$mode' (resolve or install)" >&2; exit 2 ;;
esac

fail() { echo "fireside action: $*" >&2; exit 1; }

# The Rust target the release workflow builds for this runner.
os="${RUNNER_OS:-$(uname -s)}"
arch="${RUNNER_ARCH:-$(uname -m)}"
case "$os" in
  Linux) os=linux ;;
  macOS | Darwin) os=macos ;;
  Windows | MINGW* | MSYS* | CYGWIN*) os=windows ;;
  *) fail "no release for the OS '$os'" ;;
esac
case "$arch" in
  X64 | x86_64 | amd64) arch=x86_64 ;;
  ARM64 | aarch64 | arm64) arch=aarch64 ;;
  *) fail "no release for the architecture '$arch'" ;;
esac
case "$os-$arch" in
  linux-*) target="$arch-unknown-linux-musl" ;;
  macos-*) target="$arch-apple-darwin" ;;
  windows-x86_64) target=x86_64-pc-windows-msvc ;;
  *) fail "no release for $os on $arch" ;;
esac
ext=tar.gz exe=""
if [ "$os" = windows ]; then ext=zip exe=.exe; fi

repo="${FIRESIDE_REPO:-${GITHUB_ACTION_REPOSITORY:-}}"
version="${FIRESIDE_VERSION:-}"
if [ -z "$version" ]; then
  case "${FIRESIDE_ACTION_REF:-}" in
    v[0-9]*.*.*) version="${FIRESIDE_ACTION_REF}" ;;
    *) version=latest ;;
  esac
fi
if [ "$version" = latest ]; then
  [ -z "${FIRESIDE_LOCAL_RELEASE:-}" ] || fail "set FIRESIDE_VERSION with FIRESIDE_LOCAL_RELEASE"
  [ -n "$repo" ] || fail "FIRESIDE_REPO (owner/name) is needed to find the latest release"
  # github.com redirects /releases/latest to /releases/tag/<tag>: no API token needed.
  url=$(curl -sSfLI -o /dev/null -w '%{url_effective}' "https://github.com/$repo/releases/latest") ||
    fail "cannot reach https://github.com/$repo/releases/latest"
  version="${url##*/}"
fi
version="${version#v}"
case "$version" in
  [0-9]*.*.*) ;;
  *) fail "'$version' is not a version (use e.g. 0.2.0, v0.2.0 or latest)" ;;
esac

stem="fireside-v$version-$target"
root="${FIRESIDE_INSTALL_ROOT:-${RUNNER_TOOL_CACHE:-$HOME/.cache}/fireside}"
dir="$root/$version/$target"

output() { if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$1=$2" >>"$GITHUB_OUTPUT"; fi; }
output version "$version"
output target "$target"
output archive "$stem.$ext"
output dir "$dir"
[ "$mode" = resolve ] && exit 0

if [ -x "$dir/fireside$exe" ]; then
  echo "fireside $version for $target: already installed in $dir"
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/fireside-install.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  if [ -n "${FIRESIDE_LOCAL_RELEASE:-}" ]; then
    cp "$FIRESIDE_LOCAL_RELEASE/$stem.$ext" "$FIRESIDE_LOCAL_RELEASE/SHA256SUMS" "$work/" ||
      fail "no $stem.$ext or SHA256SUMS in $FIRESIDE_LOCAL_RELEASE"
  else
    [ -n "$repo" ] || fail "FIRESIDE_REPO (owner/name) is needed to download a release"
    base="https://github.com/$repo/releases/download/v$version"
    for file in "$stem.$ext" SHA256SUMS; do
      curl -sSfL --retry 3 -o "$work/$file" "$base/$file" || fail "cannot download $base/$file"
    done
  fi

  expected=$(awk -v f="$stem.$ext" '$2 == f || $2 == "*" f { print $1 }' "$work/SHA256SUMS")
  [ -n "$expected" ] || fail "SHA256SUMS has no line for $stem.$ext"
  if command -v sha256sum >/dev/null 2>&1; then
    actual=$(sha256sum "$work/$stem.$ext" | awk '{ print $1 }')
  else
    actual=$(shasum -a 256 "$work/$stem.$ext" | awk '{ print $1 }')
  fi
  [ "$actual" = "$expected" ] ||
    fail "checksum mismatch for $stem.$ext: SHA256SUMS says $expected, the file is $actual. Not installed."

  mkdir -p "$work/unpacked"
  if [ "$ext" = zip ]; then
    if command -v unzip >/dev/null 2>&1; then
      unzip -q "$work/$stem.$ext" -d "$work/unpacked"
    else
      7z x -y -o"$work/unpacked" "$work/$stem.$ext" >/dev/null
    fi
  else
    tar -xzf "$work/$stem.$ext" -C "$work/unpacked"
  fi
  binary="$work/unpacked/$stem/fireside$exe"
  [ -f "$binary" ] || fail "$stem.$ext holds no $stem/fireside$exe"
  chmod +x "$binary"
  mkdir -p "$dir"
  mv "$binary" "$dir/fireside$exe"
  echo "fireside $version for $target: installed in $dir (SHA-256 verified)"
fi

if [ -n "${GITHUB_PATH:-}" ]; then echo "$dir" >>"$GITHUB_PATH"; fi
"$dir/fireside$exe" --version
