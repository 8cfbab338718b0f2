#!/usr/bin/env bash
# The eksdoctor GitHub Action's step (action.yml): one `eksdoctor auth` run that
#   - annotates the run: `--output github` on stdout (workflow commands);
#   - writes the job summary: eksdoctor appends its Markdown report to $GITHUB_STEP_SUMMARY itself;
#   - archives: the JSON report becomes the step output `report` (multiline syntax, random delimiter);
#   - gates: the exit code is eksdoctor's, per `fail-on` (`never`: findings do not fail the step).
# Inputs come as INPUT_* environment variables (action.yml maps them), never spliced into shell code.
set -uo pipefail

: "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set: this script runs as a GitHub Actions step}"
eksdoctor=${EKSDOCTOR:-eksdoctor}

fail_on=${INPUT_FAIL_ON:-error}
case "$fail_on" in
  error | warning) gate=$fail_on ;;
  never) gate=error ;;
  *)
    echo "::error title=eksdoctor::fail-on must be error, warning or never (got \"$fail_on\")"
    exit 2
    ;;
esac

work=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/eksdoctor.XXXXXX") || exit 3
report="$work/report.json"

args=(auth --output github --output "json=$report" --fail-on "$gate")
[ -n "${INPUT_CONTEXT:-}" ] && args+=(--context "$INPUT_CONTEXT")
[ -n "${INPUT_CLUSTER:-}" ] && args+=(--cluster "$INPUT_CLUSTER")
[ -n "${INPUT_REGION:-}" ] && args+=(--region "$INPUT_REGION")
[ -n "${INPUT_PRINCIPAL:-}" ] && args+=(--principal "$INPUT_PRINCIPAL")
# `args`: more options, split on whitespace (newlines too) with no quoting, globbing or expansion.
extra=()
read -r -d '' -a extra <<<"${INPUT_ARGS:-}" || true

"$eksdoctor" "${args[@]}" "${extra[@]}"
code=$?

# docs.github.com "Workflow commands", multiline strings: {name}<<{delimiter}, the lines, {delimiter};
# the delimiter is random so that no line of the value can end the value early.
new_delimiter() { printf 'EKSDOCTOR_%s' "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"; }
{
  if [ -s "$report" ]; then
    delimiter=$(new_delimiter)
    while grep -qF -- "$delimiter" "$report"; do delimiter=$(new_delimiter); done
    printf 'report<<%s\n' "$delimiter"
    cat "$report"
    [ -z "$(tail -c 1 "$report")" ] || echo
    printf '%s\n' "$delimiter"
    verdict=$(node -e 'process.stdout.write(String(JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")).verdict ?? ""))' "$report" 2>/dev/null) || verdict=
    printf 'verdict=%s\n' "$verdict"
  else
    printf 'report=\nverdict=\n'
  fi
  printf 'exit-code=%s\n' "$code"
} >>"$GITHUB_OUTPUT"
[ -s "$report" ] || echo "::warning title=eksdoctor::no JSON report was written (exit code $code): the step output report is empty"
rm -rf "$work"

# fail-on never: a finding (or an incomplete diagnosis, 1) passes; a usage (2) or internal (3) error still fails.
if [ "$fail_on" = never ] && [ "$code" -eq 1 ]; then exit 0; fi
exit "$code"
