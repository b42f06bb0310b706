#!/usr/bin/env bash
# Runs every benchmark on this machine and rewrites BENCHMARKS.md: bash bench/run.sh
# COUNT (default 6) sets the runs of each benchmark; BENCHTIME (default 200ms) each run's time.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${COUNT:-6}
benchtime=${BENCHTIME:-200ms}
out=bench/out
mkdir -p "$out"
benchstat="golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da"

echo "benchmarks: root package, ./bench and ./msg (count $count, benchtime $benchtime)" >&2
go test -p 1 -run '^$' -bench . -benchtime "$benchtime" -count "$count" . ./bench ./msg | tee "$out/go.txt" >&2
echo "benchmarks: C baseline (cgo, tag cbench)" >&2
go test -tags cbench -run '^$' -bench . -benchtime "$benchtime" -count "$count" ./bench/cshm | tee "$out/cshm.txt" >&2
echo "benchmarks: GOARCH=386, one short run to show they work there (figures not kept)" >&2
GOARCH=386 go test -run '^$' -bench . -benchtime 1x -count 1 . ./bench ./msg >"$out/386.txt" 2>&1 ||
	{ tail -20 "$out/386.txt" >&2; exit 1; }

go run "$benchstat" "$out/go.txt" >"$out/benchstat.txt"
go run "$benchstat" "$out/cshm.txt" >>"$out/benchstat.txt"
go run ./bench/report -count "$count" -cmd "bash bench/run.sh" "$out/go.txt" "$out/cshm.txt" >BENCHMARKS.md
echo "wrote BENCHMARKS.md (raw results and benchstat summary in $out/)" >&2
