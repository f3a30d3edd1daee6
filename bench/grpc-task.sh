#!/usr/bin/env bash
# Per-task overhead of the grpc task shape as local processes (what the sandbox's kubelet does for a task pod):
# start the plugin (the inventory example on spaceone-core), wait for its port (the sidecar's startup probe),
# run the runner (the shaded jar, `collect`), stop the plugin. Times from the plugin's start; RUNS runs (5).
# Ends with one BENCH line of medians. On a loaded machine wall times inflate; runner_cpu_ms (user + sys of the
# runner's JVM) and the load average printed with them tell how much. The runner runs with the JVM options of
# its default command (C1 only, serial GC); RUNNER_JAVA_OPTS= (empty) measures a plain `java -jar`.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-5}"
venv=$(bash examples/plugin/python/setup-venv.sh | tail -1)
mvn -B -q -pl plugin-runner -am package -DskipTests
jar="$PWD/plugin-runner/target/spaceone-plugin-runner.jar"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo '{"job_id":"bench","job_task_id":"bench-0","service":"inventory","domain_id":"d","options":{},"task_options":{}}' \
  > "$work/task.json"
mkdir "$work/secret" && echo -n "bench" > "$work/secret/token"

ms() { echo $(( ($2 - $1) / 1000000 )); }
ready=() runner=() total=() cpu=() pcpu=()
ticks=$(getconf CLK_TCK)
TIMEFORMAT='%U %S'
for i in $(seq "$runs"); do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  start=$(date +%s%N)
  SPACEONE_PORT=$port "$venv/bin/spaceone-example-plugin" inventory > "$work/plugin.log" 2>&1 &
  plugin=$!
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.02; done
  listening=$(date +%s%N)
  { time SPACEONE_TASK_FILE="$work/task.json" SPACEONE_SECRET_DIR="$work/secret" \
    SPACEONE_RESULT_FILE="$work/result.json" SPACEONE_PLUGIN_ENDPOINT="127.0.0.1:$port" \
    java ${RUNNER_JAVA_OPTS--XX:TieredStopAtLevel=1 -XX:+UseSerialGC} -jar "$jar" collect > /dev/null 2> "$work/runner.log"; } 2> "$work/time"
  done_at=$(date +%s%N)
  # The plugin's CPU time so far (start-up and serving the task): utime + stime from /proc.
  pcpu+=("$(awk -v t="$ticks" '{printf "%d", ($14 + $15) * 1000 / t}' "/proc/$plugin/stat")")
  kill "$plugin" && wait "$plugin" 2>/dev/null || true
  grep -q '"created_count":6' "$work/result.json" || { echo "unexpected result: $(cat "$work/result.json")" >&2; exit 1; }
  ready+=("$(ms "$start" "$listening")") runner+=("$(ms "$listening" "$done_at")") total+=("$(ms "$start" "$done_at")")
  cpu+=("$(awk '{printf "%d", ($1 + $2) * 1000}' "$work/time")")
  echo "run $i: plugin_ready_ms=${ready[-1]} runner_ms=${runner[-1]} total_ms=${total[-1]} runner_cpu_ms=${cpu[-1]}" \
    "plugin_cpu_ms=${pcpu[-1]} load=$(cut -d' ' -f1 /proc/loadavg)"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "BENCH grpc_task runs=$runs plugin_ready_ms=$(median "${ready[@]}") runner_ms=$(median "${runner[@]}") total_ms=$(median "${total[@]}") runner_cpu_ms=$(median "${cpu[@]}") plugin_cpu_ms=$(median "${pcpu[@]}")"
