# waybill's shell driver: runs inside a session's box as `bash -c` (or `sh -c` where the
# shell has `read -N`), one shell per (image, bash) session, so variables, functions and
# the working directory persist from cell to cell. It speaks raw frames on the stdin and
# stdout it started with: a request is a decimal length, a newline and that many bytes
# of code; a reply is a frame of the same kind holding "STATUS OUT ERR\n", then OUT bytes
# of stdout and ERR bytes of stderr. Cells see neither: their stdin is /dev/null and
# their output is captured. The driver's variables have names no cell is likely to use.
exec 3<&0 4>&1 </dev/null
__wb_out=/tmp/.waybill-$$.out
__wb_err=/tmp/.waybill-$$.err
while LC_ALL=C IFS= read -r __wb_len <&3; do
  __wb_code=
  [ "$__wb_len" -gt 0 ] && LC_ALL=C IFS= read -r -d '' -N "$__wb_len" __wb_code <&3
  { eval "$__wb_code"; } > "$__wb_out" 2> "$__wb_err"
  __wb_status=$?
  __wb_outsize=$(( $(wc -c < "$__wb_out") )) __wb_errsize=$(( $(wc -c < "$__wb_err") ))
  __wb_header="$__wb_status $__wb_outsize $__wb_errsize"
  printf '%d\n%s\n' "$(( ${#__wb_header} + 1 + __wb_outsize + __wb_errsize ))" "$__wb_header" >&4
  cat "$__wb_out" "$__wb_err" >&4
done
rm -f "$__wb_out" "$__wb_err"
