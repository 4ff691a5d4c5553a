#!/usr/bin/env bash
# Compares tree/render's PNG path with native Graphviz (dot -Tpng) on the
# same DOT: median wall time over RUNS runs and peak RSS (/usr/bin/time -v).
# Installs Debian's graphviz (and time) when missing. Not part of the tests.
#   NODES=150 RUNS=10 bench/render-vs-dot.sh
set -euo pipefail
cd "$(dirname "$0")/.."
NODES=${NODES:-150}
RUNS=${RUNS:-10}

if ! command -v dot >/dev/null || [ ! -x /usr/bin/time ]; then
	apt-get update -qq
	apt-get install -y -qq graphviz time >/dev/null
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/renderbench" ./bench/renderbench
"$tmp/renderbench" -nodes "$NODES" -dot "$tmp/tree.dot"

# measure LABEL CMD...: runs CMD RUNS times; prints "LABEL median_s median_rss_kb".
measure() {
	local label=$1
	shift
	: >"$tmp/m"
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -v "$@" 2>"$tmp/t" >/dev/null
		local wall rss
		wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$tmp/t")
		rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/t")
		echo "$wall $rss" >>"$tmp/m"
	done
	local mw mr
	mw=$(cut -d' ' -f1 "$tmp/m" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	mr=$(cut -d' ' -f2 "$tmp/m" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	echo "$label $mw $mr"
}

native=$(measure native dot -Tpng "$tmp/tree.dot" -o "$tmp/native.png")
# The same width cap as ours (4000 px = 55.55 in at 72 dpi), for a like-for-like picture.
capped=$(measure capped dot -Tpng -Gdpi=72 -Gsize=55.55,1000 "$tmp/tree.dot" -o "$tmp/capped.png")
ours=$(measure ours "$tmp/renderbench" -nodes "$NODES" -png "$tmp/ours.png")
steady=$("$tmp/renderbench" -nodes "$NODES" -png "$tmp/ours.png" -runs "$RUNS")

read -r _ nw nr <<<"$native"
read -r _ cw cr <<<"$capped"
read -r _ ow or <<<"$ours"
echo "nodes=$NODES runs=$RUNS (medians)"
printf '%-34s %8s s %8s KB\n' "native dot -Tpng (per process)" "$nw" "$nr"
printf '%-34s %8s s %8s KB\n' "native dot -Tpng, 4000 px cap" "$cw" "$cr"
printf '%-34s %8s s %8s KB\n' "tree/render PNG (per process)" "$ow" "$or"
printf '%-34s %8s s\n' "tree/render PNG (warm, in-process)" "$steady"
awk -v a="$ow" -v b="$nw" -v c="$or" -v d="$nr" -v s="$steady" -v e="$cw" -v f="$cr" 'BEGIN {
	printf "time ratio ours/native: %.2f per process, %.2f warm; vs capped native: %.2f, %.2f\n", a/b, s/b, a/e, s/e
	printf "peak RSS ratio ours/native: %.2f; vs capped native: %.2f\n", c/d, c/f
}'
file "$tmp/native.png" "$tmp/capped.png" "$tmp/ours.png" 2>/dev/null || true
