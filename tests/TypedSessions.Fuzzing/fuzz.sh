#!/usr/bin/env bash
# Fuzzes the session envelope decoder or the session id (cookie) parser with AFL++ and SharpFuzz,
# for a bounded time.
#
#   tests/TypedSessions.Fuzzing/fuzz.sh TARGET [SECONDS]     TARGET: envelope | cookie (default 600 s)
#
# Installs what it needs (Debian's afl++ with apt-get when root; the SharpFuzz.CommandLine 2.3.0
# dotnet tool into the output folder), publishes the harness in Release, instruments TypedSessions
# (ids and storage) and MessagePack's reader in place, and runs afl-fuzz under `nice -n 10` from the
# seed corpus in corpus/TARGET with the token dictionary TARGET.dict. Output goes to $FUZZ_OUT
# (default tests/TypedSessions.Fuzzing/out, git-ignored): out/findings-TARGET holds AFL's queue,
# crashes and hangs. At the end it prints the run's executions and replays every crash outside AFL
# to show the exception.
#
# To shrink a run's queue to new corpus files (afl-cmin refuses /tmp and needs dotnet's real path):
#   AFL_SKIP_BIN_CHECK=1 afl-cmin -i out/findings-TARGET/default/queue -o DIR -t 5000 -m none \
#     -- "$(readlink -f "$(command -v dotnet)")" out/bin/TypedSessions.Fuzzing.dll TARGET
#
# A crash is any exception other than SessionDataException from the decoder, any exception from
# the parser, or a broken invariant (see Targets.cs). Once fixed, copy the input into
# corpus/TARGET so the test suite replays it (FuzzCorpusReplayTests).
set -euo pipefail

target=${1:-}
seconds=${2:-600}
case "$target" in envelope|cookie) ;; *) echo "usage: $0 envelope|cookie [SECONDS]" >&2; exit 2 ;; esac

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${FUZZ_OUT:-$here/out}
bin="$out/bin"
tools="$out/tools"
findings="$out/findings-$target"
log() { printf '[fuzz] %s\n' "$*" >&2; }

if ! command -v afl-fuzz >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then log "afl-fuzz is missing: apt-get install afl++ (as root)"; exit 1; fi
  log "installing afl++"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
fi

mkdir -p "$out"
if [ ! -x "$tools/sharpfuzz" ]; then
  log "installing SharpFuzz.CommandLine 2.3.0"
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null
fi

# A fresh publish each run: instrumentation rewrites the assemblies in place and refuses to run twice.
log "publishing the harness"
rm -rf "$bin"
dotnet publish "$here/TypedSessions.Fuzzing.csproj" -c Release -o "$bin" -nologo -v quiet >/dev/null
log "instrumenting"
"$tools/sharpfuzz" "$bin/TypedSessions.dll" TypedSessions.Storage TypedSessions.Ids
"$tools/sharpfuzz" "$bin/MessagePack.dll" MessagePack.MessagePackReader MessagePack.SequenceReader

export AFL_SKIP_BIN_CHECK=1            # the target is `dotnet`, not an AFL-compiled binary
export AFL_NO_AFFINITY=1               # the machine is shared: do not pin a core
export AFL_SKIP_CPUFREQ=1
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_NO_UI=1
export DOTNET_TieredPGO=0 DOTNET_TieredCompilation=0   # stable coverage maps across runs
if [ -d "$findings" ]; then
  mv "$findings" "$findings.$(date +%Y%m%d%H%M%S)"   # afl-fuzz will not start over an old run
fi
log "fuzzing $target for $seconds s (findings in $findings, AFL's log in $out/afl-$target.log)"
set +e
nice -n 10 afl-fuzz -i "$here/corpus/$target" -o "$findings" -x "$here/$target.dict" -V "$seconds" -t 5000 -m none \
  -- dotnet "$bin/TypedSessions.Fuzzing.dll" "$target" >"$out/afl-$target.log" 2>&1
rc=$?
set -e
tail -n 4 "$out/afl-$target.log" >&2

stats="$findings/default/fuzzer_stats"
if [ -f "$stats" ]; then
  grep -E '^(start_time|last_update|run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|bitmap_cvg|stability)' "$stats" >&2 || true
fi
shopt -s nullglob
crashes=("$findings"/default/crashes/id:*)
if [ ${#crashes[@]} -gt 0 ]; then
  log "${#crashes[@]} crashing inputs; replaying them:"
  dotnet "$bin/TypedSessions.Fuzzing.dll" replay "$target" "${crashes[@]}" || true
  exit 1
fi
log "no crashes"
exit "$rc"
