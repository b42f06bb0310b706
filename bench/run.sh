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
go test -p 1 -run '^$' -bench . -skip '^BenchmarkRing' -benchtime "$benchtime" -count "$count" . ./bench ./msg | tee "$out/go.txt" >&2
echo "benchmarks: C baseline (cgo, tag cbench)" >&2
go test -tags cbench -run '^$' -bench . -benchtime "$benchtime" -count "$count" ./bench/cshm | tee "$out/cshm.txt" >&2
echo "benchmarks: GOARCH=386, one short run to show they work there (figures not kept)" >&2
GOARCH=386 go test -run '^$' -bench . -skip '^BenchmarkRing' -benchtime 1x -count 1 . ./bench ./msg >"$out/386.txt" 2>&1 ||
	{ tail -20 "$out/386.txt" >&2; exit 1; }

go run "$benchstat" "$out/go.txt" >"$out/benchstat.txt"
go run "$benchstat" "$out/cshm.txt" >>"$out/benchstat.txt"
go run ./bench/report -count "$count" -cmd "bash bench/run.sh" "$out/go.txt" "$out/cshm.txt" >BENCHMARKS.md

# The ring benchmarks alternate their variants in rounds within one run (RING_ROUNDS,
# default 7, medians reported), so they run once, not COUNT times.
echo "benchmarks: ring against pipe, Unix socket, shm+sem and the one-copy limit, interleaved" >&2
rm -f "$out/ring.md"
RING_REPORT="$PWD/$out/ring.md" go test -run '^$' -bench '^BenchmarkRing' -benchtime 1x ./bench | tee "$out/ring.txt" >&2
{
	echo
	echo "## 6. ring: streaming and round trips, variants interleaved"
	echo
	echo "Every variant of a table ran in the same process, in ${RING_ROUNDS:-7} rounds that"
	echo "alternate them (the order rotating each round); each figure is the median. A streaming"
	echo "round lasts tens of milliseconds for every variant: the ring and the copy move 128 MiB of"
	echo "64-byte messages (1 GiB of larger ones) a round, the others 16 MiB (256 MiB). The pipe is a"
	echo "blocking pipe(2) with a 1 MiB buffer (F_SETPIPE_SZ) used with plain read and write, the Unix"
	echo "socket a blocking socketpair with 4 MiB buffers, shm+sem the slot ring of section 3, and"
	echo "\"one copy\" copies each message once into a 4 MiB buffer in one process: the memory limit."
	echo "The ring is 4 MiB; the last two columns are a ring of 1 MiB, which fits in one CPU's"
	echo "L2 cache (2 MiB here). Raw output: bench/out/ring.txt."
	echo
	sed -n '1,/^| case/{/^| case/!p}' "$out/ring.md"
	echo
	sed -n '/^| case/,/^| [iW]/{/^| [iW]/!p}' "$out/ring.md"
	echo
	echo "| measure | result | target |"
	echo "| --- | --- | --- |"
	grep -E '^\| (idle|writer killed)' "$out/ring.md"
	echo
	echo "Control path, one thread (median per operation; thread CPU time is what other processes do not inflate):"
	echo
	echo "| operation | wall | thread CPU |"
	echo "| --- | ---: | ---: |"
	grep -E '^\| (Writer \+ Close|Create \+ Remove)' "$out/ring.md"
} >>BENCHMARKS.md
# Measurements made by hand, each with its command (bench/notes.md).
{ echo; sed '1,/-->/d' bench/notes.md; } >>BENCHMARKS.md
echo "wrote BENCHMARKS.md (raw results and benchstat summary in $out/)" >&2
