#!/usr/bin/env bash
# Runs BenchmarkAddSymptomAck RUNS times, each run a fresh test process
# with every placement and program once, and prints for each placement
# untangle's p99 over minimal-click's in the same run: the median and every
# run's ratio. With -count instead, each case repeats in a row in one
# process, so the two programs compare at different times, and later cases
# run in a process the earlier ones have grown. Not part of the tests.
#   RUNS=8 bench/ack-ratio.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-8}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/bot.test" ./bot
cd bot # the test binary reads its testdata from the package directory
for run in $(seq "$RUNS"); do
	"$tmp/bot.test" -test.run '^$' -test.bench 'AddSymptomAck/(apart|shared)/(minimal-click|untangle)' -test.benchtime=1x |
		awk -v run="$run" '/^BenchmarkAddSymptomAck/ {for (i = 2; i <= NF; i++) if ($i == "p99-ms") print run, $1, $(i-1)}'
done >"$tmp/p99"

# Each line: run, case (Benchmark…/placement/program-N), p99 in ms.
awk '
	{ split($2, p, "/"); sub(/-[0-9]+$/, "", p[3]); v[p[2] "/" p[3] "/" $1] = $3; runs[$1] = 1; cases[p[2] "/" p[3]] = 1 }
	END {
		for (c in cases) {
			split(c, pc, "/")
			if (pc[2] == "minimal-click") continue
			n = 0; list = ""
			for (r in runs) { x[++n] = v[c "/" r] / v[pc[1] "/minimal-click/" r]; list = list sprintf(" %.2f", x[n]) }
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
			med = (n % 2) ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
			printf "%-22s p99 ratio to minimal-click: median %.2f; runs:%s\n", c, med, list
		}
	}' "$tmp/p99" | sort
