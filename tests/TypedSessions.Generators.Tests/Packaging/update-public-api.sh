#!/usr/bin/env bash
# Brings every shipped project's PublicAPI.Unshipped.txt up to date with its public API (docs/releasing.md).
#
#   bash tests/TypedSessions.Generators.Tests/Packaging/update-public-api.sh [src/X/X.csproj ...]
#
# Builds the projects (all of src/ by default), with the analyzers' RS0016/RS0017 reported as warnings so
# every project compiles, then adds each RS0016 entry ("not part of the declared public API") to that project's
# PublicAPI.Unshipped.txt and removes each RS0017 entry ("part of the declared API, but ... could not be found")
# from it. The entries are the analyzer's own text (with the nullable annotations), sorted. A removed API that
# is listed in PublicAPI.Shipped.txt is a breaking change: it is only reported, never edited away.
# Review the diff: it is the API change.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."

projects=("$@")
if [ ${#projects[@]} -eq 0 ]; then
  projects=(src/*/*.csproj)
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The PublicAPI files are inputs of the compile: touching them makes each project compile (and report) once.
for project in "${projects[@]}"; do
  touch "$(dirname "$project")"/PublicAPI.*.txt 2>/dev/null || true
done
for project in "${projects[@]}"; do
  dotnet build "$project" -nodeReuse:false -p:TreatWarningsAsErrors=false -p:WarningsAsErrors= \
    -clp:NoSummary >>"$log" 2>&1 || true
done

status=0
for project in "${projects[@]}"; do
  dir=$(cd "$(dirname "$project")" && pwd)
  unshipped="$dir/PublicAPI.Unshipped.txt"
  shipped="$dir/PublicAPI.Shipped.txt"
  [ -f "$unshipped" ] || printf '#nullable enable\n' >"$unshipped"
  [ -f "$shipped" ] || printf '#nullable enable\n' >"$shipped"

  added=$(grep -F "[$dir/" "$log" | grep -E ': (warning|error) RS0016: ' \
    | sed -E "s/^.* RS0016: Symbol '(.*)' is not part of the declared public API.*$/\1/" | sort -u || true)
  removed=$(grep -F "[$dir/" "$log" | grep -E ': (warning|error) RS0017: ' \
    | sed -E "s/^.* RS0017: Symbol '(.*)' is part of the declared API, but is either not public or could not be found.*$/\1/" | sort -u || true)

  body=$(tail -n +2 "$unshipped" | grep -v '^$' || true)
  if [ -n "$removed" ]; then
    while IFS= read -r entry; do
      if grep -qxF -- "$entry" "$shipped"; then
        echo "BREAKING: '$entry' is in $shipped but no longer public: mark it *REMOVED* by hand (docs/releasing.md)." >&2
        status=1
      fi
    done <<<"$removed"
    body=$(grep -vxF -- "$removed" <<<"$body" || true)
  fi
  { echo '#nullable enable'; printf '%s\n%s\n' "$body" "$added" | grep -v '^$' | LC_ALL=C sort -u; } >"$unshipped.tmp"
  mv "$unshipped.tmp" "$unshipped"
  echo "$(basename "$project"): +$(grep -c . <<<"$added" || true) -$(grep -c . <<<"$removed" || true) entries"
done

# Anything else that failed the build is not ours to fix here: show it.
if grep -E ': error ' "$log" | grep -vE ' RS001[67]: ' | sort -u | grep . >&2; then
  status=1
fi
exit $status
