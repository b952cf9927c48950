#!/usr/bin/env bash
# Interleaved A/B of two images-mock builds on one benchmark, with the C baseline alongside.
#
#   Benchmarks/ab.sh OLD_BINARY NEW_BINARY [generations|edits|rules]
#
# Each round runs wrk against OLD, then NEW, then the reference (the C baseline; for `rules`, both
# builds with and without 1,000 non-matching rules) for AB_SECONDS seconds each, and prints every
# server's CPU per request (utime + stime from /proc over the run, divided by the requests wrk
# counted; user time alone in brackets) and the new build's CPU relative to the old one, then the
# means over all rounds. On a
# shared machine whose speed changes within minutes, rounds that alternate within seconds compare
# two builds far better than two separate runs of run.sh; the order of the servers is reversed
# every other round. Knobs: AB_ROUNDS (6), AB_SECONDS (3).
#
# Needs what run.sh builds first: Benchmarks/.build/tools/mhd_baseline, results/*.body and
# *.headers (captured by benchmarks 2 and 5), and .build/data/ (uploads and the rules file).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
results="$here/results"
data="$here/.build/data"
baseline="$here/.build/tools/mhd_baseline"
old=${1:?usage: ab.sh OLD_BINARY NEW_BINARY [generations|edits|rules]}
new=${2:?usage: ab.sh OLD_BINARY NEW_BINARY [generations|edits|rules]}
mode=${3:-generations}
rounds=${AB_ROUNDS:-6}
seconds=${AB_SECONDS:-3}

case $mode in
    generations)
        path=/v1/images/generations body="$results/generations.request" type=application/json connections=64
        reference=("$baseline" --body "$results/generations.body" --headers "$results/generations.headers") ;;
    edits)
        path=/v1/images/edits body="$data/edits-1200.multipart" type=$(cat "$data/edits-1200.content-type") connections=8
        reference=("$baseline" --path /v1/images/edits --body "$results/edits.body" --headers "$results/edits.headers") ;;
    rules)
        path=/v1/images/generations body="$results/generations.request" type=application/json connections=64 ;;
    *) echo "ab.sh: unknown benchmark '$mode' (generations, edits or rules)" >&2; exit 2 ;;
esac

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

# start NAME PORT COMMAND...: a server in the background on PORT.
start() {
    local port=$2
    shift 2
    "$@" --port "$port" >/dev/null 2>&1 &
    pids+=($!)
}

ticks=$(getconf CLK_TCK)

# measure PORT PID [SECONDS] -> "TOTAL USER": the server's CPU (user + system) and user CPU per
# request, in nanoseconds
measure() {
    local port=$1 pid=$2 duration=${3:-$seconds}
    local user0 system0 user1 system1 output requests
    read -r user0 system0 < <(awk '{print $14, $15}' "/proc/$pid/stat")
    output=$(BENCH_BODY_FILE=$body BENCH_CONTENT_TYPE=$type wrk -t2 -c"$connections" -d"${duration}s" \
        -s "$here/drivers/post.lua" "http://127.0.0.1:$port$path" 2>/dev/null | grep '^BENCH')
    read -r user1 system1 < <(awk '{print $14, $15}' "/proc/$pid/stat")
    requests=$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$output")
    echo "$(( (user1 + system1 - user0 - system0) * 1000000000 / ticks / requests )) $(( (user1 - user0) * 1000000000 / ticks / requests ))"
}

# Below the ephemeral range (32768 and up): a port wrk's connections hold in TIME_WAIT cannot be bound.
base=$((20000 + RANDOM % 12000))
if [[ $mode == rules ]]; then
    rules_file="$data/rules-1000.yaml"
    [[ -f $rules_file ]] || python3 "$here/drivers/make_rules.py" --count 1000 --out "$rules_file"
    start old "$base" "$old" serve --seed 1
    start old+rules "$((base + 1))" "$old" serve --seed 1 --scenario "$rules_file"
    start new "$((base + 2))" "$new" serve --seed 1
    start new+rules "$((base + 3))" "$new" serve --seed 1 --scenario "$rules_file"
    names=(old old+rules new new+rules)
else
    start old "$base" "$old" serve --seed 1
    start new "$((base + 1))" "$new" serve --seed 1
    start reference "$((base + 2))" "${reference[@]}"
    names=(old new C)
fi
sleep 1
for index in "${!names[@]}"; do measure "$((base + index))" "${pids[$index]}" 1 >/dev/null; done

printf '%-6s' round
for name in "${names[@]}"; do printf '%25s' "$name µs/req (user)"; done
[[ $mode == rules ]] && printf '   rules ÷ none: old, new (user: old, new)\n' || printf '   new ÷ old: all, user\n'
log=$(mktemp)
for round in $(seq "$rounds"); do
    cpu=() user=()
    printf '%-6s' "$round"
    # Every other round runs the servers in reverse order: the slot a server runs in moved its
    # figure by ~6 % on edits (the first slot measured cheaper), which alternating cancels out.
    order=("${!names[@]}")
    if (( round % 2 == 0 )); then
        order=()
        for (( index = ${#names[@]} - 1; index >= 0; index-- )); do order+=("$index"); done
    fi
    for index in "${order[@]}"; do
        read -r nanos user_nanos < <(measure "$((base + index))" "${pids[$index]}")
        cpu[index]=$nanos
        user[index]=$user_nanos
    done
    for index in "${!names[@]}"; do
        printf '%17.1f (%5.1f)' "$(awk -v n="${cpu[index]}" 'BEGIN { print n / 1000 }')" "$(awk -v n="${user[index]}" 'BEGIN { print n / 1000 }')"
    done
    echo "${cpu[*]} ${user[*]}" >>"$log"
    if [[ $mode == rules ]]; then
        awk -v a="${cpu[1]}" -v b="${cpu[0]}" -v c="${cpu[3]}" -v d="${cpu[2]}" \
            -v e="${user[1]}" -v f="${user[0]}" -v g="${user[3]}" -v h="${user[2]}" \
            'BEGIN { printf "   %.3f, %.3f (%.3f, %.3f)\n", a / b, c / d, (f > 0 ? e / f : 0), (h > 0 ? g / h : 0) }'
    else
        awk -v a="${cpu[1]}" -v b="${cpu[0]}" -v c="${user[1]}" -v d="${user[0]}" 'BEGIN { printf "   %.3f, %.3f\n", a / b, (d > 0 ? c / d : 0) }'
    fi
done
# Means over the rounds. User time alone is the finer measure of a change to the mock's own
# code: the system time (the kernel's copies and TCP work) moves with the machine from one round
# to the next by more than most such changes.
if [[ $mode != rules ]]; then
    awk '{ old += $1; new += $2; ref += $3; oldUser += $4; newUser += $5; if ($2 < $1) lower++; if ($5 < $4) lowerUser++ }
        END { printf "mean  old %.1f (%.1f), new %.1f (%.1f), C %.1f µs/req; new ÷ old %.3f (user %.3f); new lower in %d (user %d) of %d rounds\n",
              old / NR / 1000, oldUser / NR / 1000, new / NR / 1000, newUser / NR / 1000, ref / NR / 1000,
              new / old, (oldUser > 0 ? newUser / oldUser : 0), lower, lowerUser, NR }' "$log"
fi
rm -f "$log"
