#!/usr/bin/env bash
# Times oslog on a generated log of N actions and M commits, side by side in one run with git's own
# floors and with Taskwarrior on the same items, and prints medians, ratios against each target, and
# peak memory. See BENCHMARKS.md for the method.
#
# Usage: benches/run.sh [--actions N] [--commits M] [--runs R] [--limits]
# Defaults: 10,000 actions, 10,000 commits, 5 runs per command. The generated repository is cached
# under target/bench/ and rebuilt whenever the generator or its inputs change. With --limits, only the
# block at the end runs: files at each documented limit.
set -euo pipefail

ACTIONS=10000
COMMITS=10000
RUNS=5
LIMITS_ONLY=
while [ $# -gt 0 ]; do
    case "$1" in
        --actions) ACTIONS=$2; shift 2 ;;
        --commits) COMMITS=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --limits) LIMITS_ONLY=1; shift ;;
        *) echo "usage: benches/run.sh [--actions N] [--commits M] [--runs R] [--limits]" >&2; exit 2 ;;
    esac
done

cd "$(dirname "$0")/.."
ROOT=$PWD

# Tools: Taskwarrior and GNU time are installed when missing (Debian), hyperfine where apt has it.
apt_ready=
install() {
    command -v apt-get >/dev/null || return 1
    [ "$(id -u)" = 0 ] || return 1
    if [ -z "$apt_ready" ]; then apt-get update -qq >/dev/null 2>&1 || true; apt_ready=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
}
command -v task >/dev/null || install taskwarrior || echo "note: Taskwarrior is not installed; its columns are left out"
[ -x /usr/bin/time ] || install time || echo "note: GNU time is not installed; peak memory is left out"
command -v hyperfine >/dev/null || install hyperfine || true

echo "building the release binary and the generator..."
cargo build --release --quiet --bin oslog --example gen
OSLOG=$ROOT/target/release/oslog
GEN=$ROOT/target/release/examples/gen
BENCH=$ROOT/target/bench
mkdir -p "$BENCH"

# ---- Files at each documented limit (SECURITY.md) ----------------------------------------------
# One log per shape, each holding one file at a limit: the size (1 MiB), the values, the nesting, the
# updates, comments, unknown keys and line length. Each command's cost must be linear in the file;
# tests/hostile/growth.rs checks the growth, and these rows give the time. `validate` runs in the
# human format, as the pre-commit hook does.
limits() {
    local dir=$BENCH/limits head='id: 2\ntitle: Many.\ntheme: governance\nraised: 2018-10\nstatus: ongoing\n'
    rm -rf "$dir"
    # limit_log NAME: a log whose actions/002.yaml is standard input.
    limit_log() {
        mkdir -p "$dir/$1/actions" "$dir/$1/timeline"
        printf 'themes:\n  - key: governance\n    name: Governance\n    colour: "#9467bd"\n' >"$dir/$1/themes.yaml"
        printf 'id: 1\ntitle: A title.\ntheme: governance\nraised: 2018-10\nstatus: ongoing\n' >"$dir/$1/actions/001.yaml"
        cat >"$dir/$1/actions/002.yaml"
    }
    { printf "${head}updates:\n"; awk 'BEGIN { for (i = 0; i < 40000; i++) printf "  - text: Update %d\n", i }'; } | limit_log updates
    awk 'BEGIN { for (i = 0; i < 200000; i++) print "- {}" }' | limit_log values
    { printf "${head}links: ["; awk 'BEGIN { for (i = 0; i < 200000; i++) printf (i ? ", {}" : "{}"); print "]" }'; } | limit_log flow
    { printf "${head}links: "; awk 'BEGIN { for (i = 0; i < 100000; i++) printf "["; for (i = 0; i < 100000; i++) printf "]"; print "" }'; } | limit_log nesting
    { printf "$head"; awk 'BEGIN { for (i = 0; i < 100000; i++) printf "# %d\n", i }'; } | limit_log comments
    { printf "$head"; awk 'BEGIN { for (i = 0; i < 60000; i++) printf "key%d: v\n", i }'; } | limit_log unknown_keys
    local word
    word=$(head -c 1000000 /dev/zero | tr '\0' x)
    printf 'id: 2\ntitle: %s\ntheme: governance\nraised: 2018-10\nstatus: ongoing\n' "$word" | limit_log long_title
    printf 'id: 2019-07-long\ndate: 2019-07\nkind: workshop\ntitle: %s\nstatus: planned\n' "$word" \
        >"$dir/long_title/timeline/2019-07-long.yaml"
    echo
    echo "files at each limit: median of $RUNS runs, and the size of the file at the limit"
    local row shape args
    for row in updates:validate values:validate flow:validate nesting:validate comments:validate \
        unknown_keys:validate long_title:validate long_title:list long_title:status long_title:timeline; do
        shape=${row%%:*} args=${row#*:}
        local times=() t0 t1 rc
        for _ in $(seq "$RUNS"); do
            t0=$(date +%s%N)
            rc=0
            OSLOG_TODAY=2019-07-01 "$OSLOG" -C "$dir/$shape" $args >/dev/null 2>&1 || rc=$?
            t1=$(date +%s%N)
            if [ "$rc" -gt 1 ]; then echo "$shape $args failed (exit $rc)" >&2; exit 2; fi
            times+=("$(( t1 - t0 ))")
        done
        printf '  %-26s %9.3f s   %s bytes\n' "$shape: $args" \
            "$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.6f", a[int((NR+1)/2)]/1e9}')" \
            "$(wc -c <"$dir/$shape/actions/002.yaml")"
    done
}
if [ -n "$LIMITS_ONLY" ]; then limits; exit 0; fi

# The generated repository, cached by size and by the generator's source.
key=$(cat examples/gen.rs themes.yaml | sha256sum | cut -c1-12)
REPO=$BENCH/repo-$ACTIONS-$COMMITS-$key
TASKJSON=$BENCH/tasks-$ACTIONS-$key.json
if [ ! -d "$REPO/.git" ]; then
    echo "generating $ACTIONS actions and $COMMITS commits in $REPO..."
    rm -rf "$BENCH"/repo-"$ACTIONS"-"$COMMITS"-*
    mkdir -p "$BENCH"
    "$GEN" "$REPO.tmp" --actions "$ACTIONS" --commits "$COMMITS" --taskwarrior "$TASKJSON"
    mv "$REPO.tmp" "$REPO"
fi
# `add` writes a file; it runs in a copy of the log's files, without git, and the file is removed
# before each run.
ADDDIR=$BENCH/add-$ACTIONS-$key
if [ ! -d "$ADDDIR" ]; then
    mkdir -p "$ADDDIR"
    cp -r "$REPO/themes.yaml" "$REPO/actions" "$ADDDIR/"
fi
NEXT=$((ACTIONS + 1))
NEWFILE=$ADDDIR/actions/$(printf '%03d' "$NEXT").yaml

# Taskwarrior's data, imported once per generated log.
have_task=
if command -v task >/dev/null; then
    export TASKDATA=$BENCH/task-$ACTIONS-$key TASKRC=$BENCH/taskrc-$ACTIONS-$key
    if [ ! -f "$TASKDATA/.imported" ]; then
        rm -rf "$TASKDATA"; mkdir -p "$TASKDATA"
        printf 'data.location=%s\nconfirmation=off\nverbose=nothing\nhooks=off\nnews.version=99\n' "$TASKDATA" >"$TASKRC"
        echo "importing $ACTIONS tasks into Taskwarrior..."
        task rc.gc=on import "$TASKJSON" >/dev/null 2>&1
        touch "$TASKDATA/.imported"
    fi
    have_task=1
fi

THEME=data-sharing
# Cold runs start without oslog's caches (history cache and index); warm runs find those the check
# run left.
BLOOM=$BENCH/bloom-$ACTIONS-$COMMITS-$key
NOCACHE="rm -rf $REPO/.git/oslog $BLOOM/.git/oslog"
declare -A CMD PREP
CMD[validate]="$OSLOG -C $REPO validate"
CMD[validate_noidx]="$OSLOG -C $REPO --no-cache validate"
CMD[show]="$OSLOG -C $REPO show 42"
CMD[show_noidx]="$OSLOG -C $REPO --no-cache show 42"
CMD[list]="$OSLOG -C $REPO list --theme $THEME"
CMD[list_noidx]="$OSLOG -C $REPO --no-cache list --theme $THEME"
CMD[status]="$OSLOG -C $REPO status"
CMD[status_noidx]="$OSLOG -C $REPO --no-cache status"
CMD[update]="$OSLOG -C $REPO update 42 Benchmark --date 2019-07-01"
PREP[update]="git -C $REPO checkout -q -- actions/042.yaml"
CMD[add]="$OSLOG -C $ADDDIR add --title Benchmark --theme $THEME --raised 2019-07"
PREP[add]="rm -f $NEWFILE"
CMD[report_html]="$OSLOG -C $REPO report actions --format html"
CMD[history]="$OSLOG -C $REPO history 42"
PREP[history]=$NOCACHE
CMD[log]="$OSLOG -C $REPO log --field status"
PREP[log]=$NOCACHE
CMD[history_warm]=${CMD[history]}
CMD[log_warm]=${CMD[log]}
CMD[history_bloom]="$OSLOG -C $BLOOM history 42"
PREP[history_bloom]=$NOCACHE
CMD[git_file]="git -C $REPO log --format=%H -- actions/042.yaml"
CMD[git_raw]="git -C $REPO log --raw --format=%H -- actions/"
CMD[git_file_bloom]="git -C $BLOOM log --format=%H -- actions/042.yaml"
# The floor of any answer that must know no file changed: git comparing the 10,000 files' facts
# with its own index.
CMD[git_stat]="git -C $REPO ls-files --modified"
if [ -n "$have_task" ]; then
    CMD[task_export]="task rc.gc=off export"
    CMD[task_info]="task rc.gc=off 42 info"
    CMD[task_list]="task rc.gc=off project:$THEME list"
    CMD[task_summary]="task rc.gc=off summary"
    CMD[task_annotate]="task rc.gc=off 42 annotate Benchmark"
fi
ORDER="validate validate_noidx show show_noidx list list_noidx status status_noidx update add report_html
    history history_warm log log_warm history_bloom git_file git_raw git_file_bloom git_stat
    task_export task_info task_list task_summary task_annotate"

# git's commit-graph with changed-path Bloom filters, on a clone of the same repository.
if [ ! -f "$BLOOM/.git/objects/info/commit-graph" ]; then
    rm -rf "$BENCH"/bloom-"$ACTIONS"-"$COMMITS"-*
    git clone -q --local "$REPO" "$BLOOM.tmp"
    git -C "$BLOOM.tmp" commit-graph write --reachable --changed-paths
    mv "$BLOOM.tmp" "$BLOOM"
fi
# A file changed less than two seconds before a run is never kept in the index (the racy rule):
# the first run after the files were written waits that out, then writes the index.
sleep 3
"$OSLOG" -C "$REPO" status >/dev/null

# Median wall time in seconds of RUNS runs, after one run that checks the command works.
declare -A MEDIAN
measure() {
    local name=$1 cmd=${CMD[$1]} prep=${PREP[$1]:-true}
    eval "$prep"
    local rc=0
    eval "$cmd" >/dev/null 2>"$BENCH/$name.err" || rc=$?
    # oslog exits 1 when it has findings; that is a result, not a failure to run.
    if [ "$rc" -gt 1 ]; then echo "$name failed (exit $rc): $cmd" >&2; cat "$BENCH/$name.err" >&2; exit 2; fi
    if command -v hyperfine >/dev/null; then
        hyperfine --style none --runs "$RUNS" --ignore-failure --prepare "$prep" \
            --export-json "$BENCH/$name.json" "$cmd" >/dev/null 2>&1
        MEDIAN[$name]=$(grep -o '"median": *[0-9.eE+-]*' "$BENCH/$name.json" | head -1 | sed 's/.*: *//')
    else
        local times=() t0 t1
        for _ in $(seq "$RUNS"); do
            eval "$prep"
            t0=$(date +%s%N)
            eval "$cmd" >/dev/null 2>&1 || true
            t1=$(date +%s%N)
            times+=("$(( t1 - t0 ))")
        done
        MEDIAN[$name]=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.6f", a[int((NR+1)/2)]/1e9}')
    fi
    printf '  %-15s %9.3f s   %s\n' "$name" "${MEDIAN[$name]}" "$cmd"
}

echo
echo "log: $ACTIONS actions, $COMMITS commits; $RUNS runs each; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); timer: $(command -v hyperfine >/dev/null && echo hyperfine || echo shell loop)"
echo "medians (index warm unless noidx, which runs with --no-cache; cold means without oslog's caches):"
for name in $ORDER; do
    [ -n "${CMD[$name]:-}" ] && measure "$name"
done
eval "${PREP[add]}"
eval "${PREP[update]}"

# One line per target: ratio, limit, and whether it is met.
ratio() {
    local what=$1 ours=$2 theirs=$3 limit=$4
    if [ -z "${MEDIAN[$theirs]:-}" ]; then
        printf '  %-44s %s\n' "$what" "not measured (${CMD[$theirs]:-$theirs} unavailable)"
        return
    fi
    # A limit of - marks a figure given for reference, with no target.
    awk -v w="$what" -v a="${MEDIAN[$ours]}" -v b="${MEDIAN[$theirs]}" -v l="$limit" 'BEGIN {
        r = a / b
        if (l == "-") printf "  %-44s %6.3fx\n", w, r
        else printf "  %-44s %6.3fx  (target <= %sx)  %s\n", w, r, l, (r <= l ? "met" : "NOT MET") }'
}
limit() {
    awk -v w="$1" -v a="${MEDIAN[$2]}" -v l="$3" 'BEGIN {
        printf "  %-44s %6.3f s  (target <= %s s)  %s\n", w, a, l, (a <= l ? "met" : "NOT MET") }'
}
echo
echo "ratios against the targets:"
ratio "validate vs task export" validate task_export 0.5
ratio "show 42 vs task 42 info" show task_info 0.05
ratio "list --theme vs task list" list task_list 0.1
ratio "status vs task summary" status task_summary 0.1
ratio "update 42 vs task 42 annotate" update task_annotate 0.1
ratio "history 42 vs git log -- file, cold" history git_file 0.5
ratio "history 42 vs git log -- file, Bloom, cold" history_bloom git_file_bloom 1.0
ratio "log --field status vs git log --raw, cold" log git_raw 0.2
ratio "history 42 vs git log -- file, warm" history_warm git_file 0.1
ratio "log --field status vs git log --raw, warm" log_warm git_raw 0.05
ratio "add vs validate (must not parse all)" add validate_noidx 0.5
limit "report actions --format html" report_html 0.3
echo
echo "for reference: without the index (--no-cache), and git's own check that no file changed:"
ratio "validate --no-cache vs task export" validate_noidx task_export -
ratio "show 42 --no-cache vs task 42 info" show_noidx task_info -
ratio "list --no-cache vs task list" list_noidx task_list -
ratio "status --no-cache vs task summary" status_noidx task_summary -
ratio "git ls-files --modified vs task summary" git_stat task_summary -

if [ -x /usr/bin/time ]; then
    echo
    echo "peak memory (maximum resident set size; target <= 64 MiB):"
    # The cold runs above removed the index and the history cache; the warm figures need them back.
    "$OSLOG" -C "$REPO" status >/dev/null
    "$OSLOG" -C "$REPO" log >/dev/null
    for name in validate validate_noidx status show list update report_html history log history_bloom; do
        eval "${PREP[$name]:-true}"
        /usr/bin/time -v -o "$BENCH/$name.time" ${CMD[$name]} >/dev/null 2>&1 || true
        kb=$(awk -F': ' '/Maximum resident/ {print $2}' "$BENCH/$name.time")
        awk -v n="$name" -v k="$kb" 'BEGIN { m = k / 1024;
            printf "  %-15s %8.1f MiB  %s\n", n, m, (m <= 64 ? "met" : "NOT MET") }'
    done
    eval "${PREP[update]}"
    # The cold runs above removed the index; the next run writes it again.
    "$OSLOG" -C "$REPO" status >/dev/null
fi
limits
