# waybill's shell driver: runs inside a session's box as `bash -c` (or `sh -c` where the
# shell has `read -N`), one shell per (image, bash) session, so variables, functions and
# the working directory persist from cell to cell. It speaks raw frames on the stdin and
# stdout it started with: a request is a decimal length, a newline and that many bytes
# of code; a reply is "STATUS OUT ERR\n" followed by OUT bytes of stdout and ERR bytes
# of stderr. Cells see neither: their stdin is /dev/null and their output is captured.
exec 3<&0 4>&1 </dev/null
out=/tmp/.waybill-$$.out
err=/tmp/.waybill-$$.err
while LC_ALL=C IFS= read -r len <&3; do
  code=
  [ "$len" -gt 0 ] && LC_ALL=C IFS= read -r -d '' -N "$len" code <&3
  { eval "$code"; } > "$out" 2> "$err"
  status=$?
  printf '%d %d %d\n' "$status" "$(wc -c < "$out")" "$(wc -c < "$err")" >&4
  cat "$out" "$err" >&4
done
rm -f "$out" "$err"
