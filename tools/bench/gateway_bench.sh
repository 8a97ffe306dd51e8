#!/usr/bin/env bash
# gateway_bench.sh: wrk against the gateway's GET of the July 2020 case stats
# and, in the same run, against nginx serving the same JSON bytes as a static
# file on loopback. Prints both throughputs, p99 latencies and the ratio.
#   tools/bench/gateway_bench.sh [connections=256] [seconds=10] [rounds=3]
# The gateway answers from its cache (the services' data versions pushed to
# it); the first request of the run is the one that computes the answer.
# Goal (issue 7): the gateway at >= 50% of nginx's throughput. The gateway
# runs with its rate limit on and Redis, as deployed (a limit high enough
# that nothing is refused; ZWFW_RATE_LIMIT=0 turns it off).
#   tools/bench/gateway_bench.sh --live 2500 64 8 3
# --live RATE: while every round runs, tools/bench/write_load sends RATE
# unary UpsertCase calls a second into July 2020 (the month being read), so
# the gateway and nginx are measured under the same write load; each write
# moves intake's data version, so the gateway's answers turn over. write_load
# also probes the gateway every 10 ms and reports how stale its answers were
# (acknowledged writes not yet visible, in ms), over the whole run. Goals
# (issue 19): under 2,500 writes/s the gateway >= 0.5 of nginx's throughput
# and p99 <= 2x nginx's; with no writes >= 0.6 of nginx.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build="${ZWFW_BUILD_DIR:-$root/build}"
live=0
if [ "${1:-}" = "--live" ]; then live="$2"; shift 2; fi
connections="${1:-256}"
seconds="${2:-10}"
rounds="${3:-3}"
work=$(mktemp -d /tmp/zwfw-gateway-bench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
zwfw() { "$build/tools/zwfw/zwfw" "$@"; }

admin=$(zwfw tokens add --token_file="$work/tokens.txt" admin 2>/dev/null)
viewer=$(zwfw tokens add --token_file="$work/tokens.txt" viewer 2>/dev/null)
zwfw tokens add --token_file="$work/tokens.txt" service >"$work/service.token" 2>/dev/null
intake_port=$(free_port); gateway_port=$(free_port); nginx_port=$(free_port)
"$build/services/intake/intake_server" --listen=127.0.0.1:$intake_port \
  --data_dir="$work/data" --token_file="$work/tokens.txt" \
  --calendar_dir="$root/deploy/calendar" 2>"$work/intake.log" &
pids+=($!)
# A private Redis, as deployed: the gateway's rate limit (on, as in every
# deployment; ZWFW_RATE_LIMIT=0 turns it off for comparison) counts there.
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
  --dir "$work" --loglevel warning >"$work/redis.log" 2>&1 &
pids+=($!)
"$build/gateway/gateway_server" --listen=127.0.0.1:$gateway_port \
  --intake=127.0.0.1:$intake_port --redis=127.0.0.1:$redis_port \
  --rate_limit_per_minute="${ZWFW_RATE_LIMIT:-1000000000}" \
  --http_threads="${ZWFW_HTTP_THREADS:-2}" ${ZWFW_GATEWAY_FLAGS:-} \
  --token_file="$work/tokens.txt" --service_token_file="$work/service.token" \
  2>"$work/gateway.log" &
pids+=($!)
sleep 1
export ZWFW_TOKEN=$admin
zwfw --intake=127.0.0.1:$intake_port directory import \
  "$root/deploy/demo/qijiang-directory.json" >/dev/null
"$build/tools/seedgen/seedgen" --directory="$root/deploy/demo/qijiang-directory.json" \
  >"$work/cases.jsonl"
zwfw --intake=127.0.0.1:$intake_port cases import "$work/cases.jsonl" >/dev/null

url="http://127.0.0.1:$gateway_port/v1/periods/2020-07/case-stats"
mkdir -p "$work/www"
curl -sf -H "Authorization: Bearer $viewer" "$url" >"$work/www/case-stats.json" || {
  echo "gateway_bench: the gateway did not answer $url" >&2
  tail -n 20 "$work/gateway.log" "$work/intake.log" >&2
  exit 1
}
cat >"$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { root $work/www; default_type application/json; }
  }
}
NGINX
nginx -c "$work/nginx.conf" -g 'daemon off;' &
pids+=($!)
sleep 0.5

run() {  # name url [header]
  local out
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency ${3:+-H "$3"} "$2")
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  echo "$1 $rps $p99"
}
median() { tr ' ' '\n' | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

if [ "$live" -gt 0 ]; then
  # The whole measurement, nginx's rounds included, under the write load.
  ZWFW_TOKEN=$admin ZWFW_PROBE_TOKEN=$viewer "$build/tools/bench/write_load" \
    --address=127.0.0.1:$intake_port --rate="$live" --probe_url="$url" \
    --seconds=$(( rounds * 2 * (seconds + 1) + 2 )) >"$work/write_load.log" 2>&1 &
  writer=$!
  pids+=($writer)
  sleep 1
  echo "gateway_bench: under $live UpsertCase/s into 2020-07"
fi
echo "gateway_bench: GET July 2020 case stats ($(wc -c <"$work/www/case-stats.json") bytes), $connections connections, ${seconds}s each, $rounds rounds"
nginx_all=(); gw_all=(); ratios=(); p99_ratios=()
# wrk prints latencies as 850.00us, 7.50ms or 1.20s.
to_ms() { python3 -c "import re,sys; v,u=re.match(r'([0-9.]+)([a-z]+)', sys.argv[1]).groups(); print(float(v)*{'us':1e-3,'ms':1,'s':1e3,'m':6e4}[u])" "$1"; }
cache_counts() {  # "hits misses shared" of the gateway's response cache so far
  curl -sf -H "Authorization: Bearer $admin" "http://127.0.0.1:$gateway_port/metrics" |
    awk '/^zwfw_gateway_cache_total/ { if ($1 ~ /hit/) h+=$2; else if ($1 ~ /miss/) m+=$2; else if ($1 ~ /shared/) s+=$2 } END {printf "%d %d %d\n", h, m, s}'
}
for round in $(seq 1 "$rounds"); do
  # Side by side: nginx, then the gateway, in every round.
  read -r _ nginx_rps nginx_p99 < <(run nginx "http://127.0.0.1:$nginx_port/case-stats.json")
  read -r hits0 misses0 shared0 < <(cache_counts)
  read -r _ gw_rps gw_p99 < <(run gateway "$url" "Authorization: Bearer $viewer")
  read -r hits1 misses1 shared1 < <(cache_counts)
  ratio=$(python3 -c "print('%.2f' % ($gw_rps / $nginx_rps))")
  p99_ratio=$(python3 -c "print('%.2f' % ($(to_ms "$gw_p99") / $(to_ms "$nginx_p99")))")
  printf 'round %d: nginx %s req/s (p99 %s), gateway %s req/s (p99 %s), ratio %s, p99 %sx; cache %d hits, %d misses (%d shared)\n' \
    "$round" "$nginx_rps" "$nginx_p99" "$gw_rps" "$gw_p99" "$ratio" "$p99_ratio" \
    $((hits1 - hits0)) $((misses1 - misses0)) $((shared1 - shared0))
  nginx_all+=("$nginx_rps"); gw_all+=("$gw_rps"); ratios+=("$ratio"); p99_ratios+=("$p99_ratio")
done
printf 'nginx static file: median %s req/s\n' "$(echo "${nginx_all[*]}" | median)"
printf 'gateway:           median %s req/s\n' "$(echo "${gw_all[*]}" | median)"
if [ "$live" -gt 0 ]; then goal="0.50, p99 <= 2x"; else goal="0.60"; fi
printf 'ratio gateway/nginx: median %s, p99 median %sx (goal >= %s)\n' \
  "$(echo "${ratios[*]}" | median)" "$(echo "${p99_ratios[*]}" | median)" "$goal"
curl -sf -H "Authorization: Bearer $admin" "http://127.0.0.1:$gateway_port/metrics" | grep '^zwfw_gateway_cache_total' || true
if [ "$live" -gt 0 ]; then
  wait "$writer" || true
  cat "$work/write_load.log"
fi
