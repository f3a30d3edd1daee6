#!/bin/sh
# Sample SpaceONE collector plugin (POSIX sh; runs in busybox:1.36 or as a local process).
# The example Jobs embed this file verbatim as their plugin's `sh -c` script; ExamplesTest keeps them equal.
#
# Plugin contract: read $SPACEONE_TASK_FILE (task.json), list the files of $SPACEONE_SECRET_DIR (names only,
# never their contents), write one result object to $SPACEONE_RESULT_FILE, exit 0.
#
# It collects nothing: each count is an integer read from task.json, from the task's "task_options" first,
# then the plugin "options", else 0:
#   created, updated, deleted, disconnected -> created_count, updated_count, deleted_count, disconnected_count
#   succeeded, failed                       -> success_count, failure_count (failed > 0 also adds one error)
#   total_count is the sum of those six.
set -eu

task=$(tr -d '\n' < "$SPACEONE_TASK_FILE")

# object KEY: the members of the flat JSON object at "KEY" in task.json, or nothing.
object() {
  printf '%s' "$task" | sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*{\([^{}]*\)}.*/\1/p"
}
task_options=$(object task_options)
options=$(object options)

# count NAME: the integer NAME of task_options, else of options, else 0.
count() {
  for members in "$task_options" "$options"; do
    n=$(printf '%s' "$members" | sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\([0-9][0-9]*\).*/\1/p")
    if [ -n "$n" ]; then
      echo "$n"
      return
    fi
  done
  echo 0
}

created=$(count created)
updated=$(count updated)
deleted=$(count deleted)
disconnected=$(count disconnected)
succeeded=$(count succeeded)
failed=$(count failed)
total=$((created + updated + deleted + disconnected + succeeded + failed))

echo "task ${SPACEONE_JOB_TASK_ID:-?} of job ${SPACEONE_JOB_ID:-?}"
if [ -n "${SPACEONE_SECRET_DIR:-}" ]; then
  echo "secret files:" $(ls "$SPACEONE_SECRET_DIR")
else
  echo "no secret"
fi

errors='[]'
if [ "$failed" -gt 0 ]; then
  errors="[{\"error_code\": \"ERROR_SAMPLE_FAILURE\", \"message\": \"$failed items failed, as task.json asked\"}]"
fi

result="{\"created_count\": $created, \"updated_count\": $updated, \"deleted_count\": $deleted, \
\"disconnected_count\": $disconnected, \"failure_count\": $failed, \"success_count\": $succeeded, \
\"total_count\": $total, \"errors\": $errors}"
printf '%s\n' "$result" > "$SPACEONE_RESULT_FILE"
echo "result: $result"
