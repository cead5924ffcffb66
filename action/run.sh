#!/usr/bin/env bash
# Runs `fireside build` or `fireside check` for the GitHub Action (action.yml).
#
# Environment: FIRESIDE_COMMAND (build or check), FIRESIDE_SITE (the site
# folder, default .), FIRESIDE_BASE_URL (build only), FIRESIDE_ARGS (more
# arguments, split on whitespace). GITHUB_ACTIONS=true makes fireside print
# every diagnostic as a workflow command too, which GitHub shows as an
# annotation on the file and line.
set -euo pipefail

command="${FIRESIDE_COMMAND:-build}"
site="${FIRESIDE_SITE:-.}"
base_url="${FIRESIDE_BASE_URL:-}"
read -r -a extra <<<"${FIRESIDE_ARGS:-}"

args=("$command" "$site")
case "$command" in
  build)
    if [ -n "$base_url" ]; then args+=(--base-url "$base_url"); fi
    ;;
  check)
    if [ -n "$base_url" ]; then
      echo "fireside action: base-url applies to 'build' only; remove it for 'check'" >&2
      exit 2
    fi
    ;;
  *)
    echo "fireside action: command must be 'build' or 'check', not '$command'" >&2
    exit 2
    ;;
esac

export GITHUB_ACTIONS=true
# ${extra[@]+...}: an empty array is "unbound" to macOS's bash 3.2 under set -u.
echo "fireside ${args[*]} ${extra[*]+${extra[*]}}"
exec fireside "${args[@]}" ${extra[@]+"${extra[@]}"}
