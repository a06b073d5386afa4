bac_need curl
bac_body=$(mktemp) bac_err=$(mktemp)
trap 'rm -f "$bac_body" "$bac_err"' EXIT
# curl never follows a redirect itself (no -L): each hop is one request whose host is resolved and checked
# by bac_guard first, so a redirect to the metadata service is refused before anything connects there.
bac_fmt='http_code=%{http_code}\ntime_namelookup=%{time_namelookup}\ntime_connect=%{time_connect}\ntime_appconnect=%{time_appconnect}\ntime_starttransfer=%{time_starttransfer}\ntime_total=%{time_total}\nsize_download=%{size_download}\nurl_effective=%{url_effective}\nredirect_url=%{redirect_url}\nerrormsg=%{errormsg}\n'
# curl's seconds ("0.001234") as microseconds, into bac_us.
bac_secs_us() { local s=${1:-0} i f; i=${s%%.*}; f=${s#"$i"}; f=${f#.}000000; bac_us=$(( 10#${i:-0} * 1000000 + 10#${f:0:6} )); }
bac_us_secs() { printf '%d.%06d' $(( $1 / 1000000 )) $(( $1 % 1000000 )); }
declare -A bac_w
bac_url="$BAC_URL" bac_method="$BAC_METHOD" bac_send_body="$BAC_HAS_BODY" bac_hop=0 bac_total_us=0 bac_rc=0
# printf, not arithmetic: a value is never evaluated, even as a number.
printf -v bac_deadline_us '%d000000' "$BAC_DEADLINE"; bac_deadline_us=$(( bac_start + bac_deadline_us ))
bac_first_origin=""
# scheme://[userinfo@]host[:port] as curl reads it; [v6]:port or name:port.
bac_url_re='^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)'
bac_v6_re='^\[([0-9A-Fa-f:.]+)\](:([0-9]*))?$'
bac_host_re='^([^]:[]+)(:([0-9]*))?$'
while :; do
  bac_w=() bac_resolve_us=0
  if ! [[ $bac_url =~ $bac_url_re ]]; then bac_rc=3 bac_w[errormsg]="URL rejected: malformed URL"; break; fi
  bac_scheme=${BASH_REMATCH[1],,} bac_authority=${BASH_REMATCH[2]##*@}
  if [ "$bac_scheme" != http ] && [ "$bac_scheme" != https ]; then
    bac_rc=1 bac_w[errormsg]="Protocol \"$bac_scheme\" not supported or disabled in libcurl"; break
  fi
  if [[ $bac_authority =~ $bac_v6_re ]] || [[ $bac_authority =~ $bac_host_re ]]; then
    bac_host=${BASH_REMATCH[1]} bac_port=${BASH_REMATCH[3]}
  else
    bac_rc=3 bac_w[errormsg]="URL rejected: bad host or port"; break
  fi
  if [ -z "$bac_port" ]; then if [ "$bac_scheme" = https ]; then bac_port=443; else bac_port=80; fi; fi
  bac_origin="$bac_scheme://${bac_host,,}:$(( 10#$bac_port ))"
  if [ -z "$bac_first_origin" ]; then bac_first_origin=$bac_origin; fi
  bac_now; bac_t=$BAC_NOW
  if [ $(( bac_deadline_us - BAC_NOW )) -le 0 ]; then bac_rc=28 bac_w[errormsg]="Operation timed out after ${BAC_DEADLINE} s"; break; fi
  bac_guard "$bac_host" any "$(bac_us_secs $(( bac_deadline_us - BAC_NOW )))" "$bac_hop"
  bac_now; bac_resolve_us=$(( BAC_NOW - bac_t ))
  # -g: no URL globbing; --proto: http and https only; -v: the certificate's expiry date.
  bac_args=(-sS -g -v --proto '=http,https' --max-redirs 0 -o "$bac_body" -w "$bac_fmt")
  if [ "$bac_method" = HEAD ]; then bac_args+=(--head); elif [ "$bac_method" != GET ]; then bac_args+=(-X "$bac_method"); fi
  if [ "$BAC_VERIFY" != 1 ]; then bac_args+=(-k); fi
  for bac_h in "${BAC_HEADERS[@]}"; do
    # As curl -L does: credentials are not sent on to another host.
    if [ "$bac_origin" != "$bac_first_origin" ] && [[ ${bac_h,,} =~ ^(authorization|cookie|proxy-authorization): ]]; then continue; fi
    bac_args+=(-H "$bac_h")
  done
  # --data-raw, not --data: a body starting with @ must never name a file on the instance.
  if [ "$bac_send_body" = 1 ]; then bac_args+=(--data-raw "$BAC_BODY"); fi
  bac_total_us=$(( bac_total_us + bac_resolve_us ))
  # --connect-to with an empty host and port pins every connection of the request to one checked address,
  # whatever host curl reads from the URL (--resolve would only cover the name as this script reads it).
  # An address that refuses the connection gives way to the next one, as curl would: nothing was sent.
  for bac_a in "${bac_addrs[@]}"; do
    bac_now; bac_left_us=$(( bac_deadline_us - BAC_NOW ))
    if [ "$bac_left_us" -le 0 ]; then bac_rc=28 bac_w[errormsg]="Operation timed out after ${BAC_DEADLINE} s"; break 2; fi
    if [[ $bac_a == *:* ]]; then bac_a="[$bac_a]"; fi
    bac_out=$(curl "${bac_args[@]}" --max-time "$(bac_us_secs "$bac_left_us")" --connect-to "::$bac_a:" --url "$bac_url" 2>"$bac_err")
    bac_rc=$?
    # Only key=value lines: a curl that printed nothing must not make an empty (invalid) array key.
    while IFS= read -r bac_line; do if [[ $bac_line == [a-z]*=* ]]; then bac_w[${bac_line%%=*}]=${bac_line#*=}; fi; done <<<"$bac_out"
    bac_secs_us "${bac_w[time_total]}"; bac_total_us=$(( bac_total_us + bac_us ))
    if [ "$bac_rc" -ne 7 ]; then break; fi
  done
  if [ "$BAC_FOLLOW" != 1 ] || [ "$bac_rc" -ne 0 ] || ! [[ ${bac_w[http_code]} =~ ^30[12378]$ ]] || [ -z "${bac_w[redirect_url]}" ]; then break; fi
  if [ "$bac_hop" -ge "$BAC_MAX_REDIRECTS" ]; then bac_rc=47 bac_w[errormsg]="Maximum ($BAC_MAX_REDIRECTS) redirects followed"; break; fi
  bac_hop=$(( bac_hop + 1 ))
  # curl gives the Location made absolute against the URL of this hop.
  bac_url=${bac_w[redirect_url]}
  # 301, 302 and 303 go on with GET and no body, as curl -L and browsers do; 307 and 308 repeat the request.
  if [[ ${bac_w[http_code]} =~ ^30[123]$ ]] && [ "$bac_method" != HEAD ]; then bac_method=GET bac_send_body=0; fi
done
# The last hop's phases count from its own start, which includes this script's lookup (curl connected to
# an address and looked nothing up); the total is every hop's, as curl -L reports them.
echo "BAC http_code=${bac_w[http_code]:-000}"
bac_secs_us "${bac_w[time_namelookup]}"; echo "BAC time_namelookup=$(bac_us_secs $(( bac_us + bac_resolve_us )))"
for bac_k in time_connect time_appconnect time_starttransfer; do
  bac_secs_us "${bac_w[$bac_k]}"
  if [ "$bac_us" -gt 0 ]; then bac_us=$(( bac_us + bac_resolve_us )); fi
  echo "BAC $bac_k=$(bac_us_secs "$bac_us")"
done
echo "BAC time_total=$(bac_us_secs "$bac_total_us")"
echo "BAC size_download=${bac_w[size_download]:-0}"
echo "BAC num_redirects=$bac_hop"
echo "BAC url_effective=${bac_w[url_effective]:-$bac_url}"
echo "BAC curl_exit=$bac_rc"
echo "BAC errormsg=${bac_w[errormsg]}"
bac_expire=$(grep -i '^\*  *expire date:' "$bac_err" | tail -n 1 | sed 's/^.*expire date: *//')
if [ -n "$bac_expire" ]; then echo "BAC cert_expire=$bac_expire"; fi
if [ -n "$BAC_CONTAINS" ]; then
  if grep -qF -- "$BAC_CONTAINS" "$bac_body"; then echo "BAC body_contains=1"; else echo "BAC body_contains=0"; fi
fi
if [ -n "$BAC_MUST_NOT_CONTAIN" ]; then
  if grep -qF -- "$BAC_MUST_NOT_CONTAIN" "$bac_body"; then echo "BAC body_must_not_contain=1"; else echo "BAC body_must_not_contain=0"; fi
fi
if [ "$BAC_WANT_BODY" = 1 ]; then echo "BAC body_b64=$(head -c 12000 "$bac_body" | base64 -w0)"; fi
bac_done $bac_rc
