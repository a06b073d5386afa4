bac_need curl
bac_body=$(mktemp) bac_err=$(mktemp)
trap 'rm -f "$bac_body" "$bac_err"' EXIT
bac_fmt='BAC http_code=%{http_code}\nBAC time_namelookup=%{time_namelookup}\nBAC time_connect=%{time_connect}\nBAC time_appconnect=%{time_appconnect}\nBAC time_starttransfer=%{time_starttransfer}\nBAC time_total=%{time_total}\nBAC size_download=%{size_download}\nBAC num_redirects=%{num_redirects}\nBAC url_effective=%{url_effective}\nBAC curl_exit=%{exitcode}\nBAC errormsg=%{errormsg}\n'
# -g: no URL globbing; --proto: http and https only, also after a redirect; -v: the certificate's expiry date.
bac_args=(-sS -g -v --proto '=http,https' --proto-redir '=http,https' -o "$bac_body" --max-time "$BAC_DEADLINE" -w "$bac_fmt")
if [ "$BAC_METHOD" = HEAD ]; then bac_args+=(--head); elif [ "$BAC_METHOD" != GET ]; then bac_args+=(-X "$BAC_METHOD"); fi
if [ "$BAC_FOLLOW" = 1 ]; then bac_args+=(-L --max-redirs "$BAC_MAX_REDIRECTS"); fi
if [ "$BAC_VERIFY" != 1 ]; then bac_args+=(-k); fi
for bac_h in "${BAC_HEADERS[@]}"; do bac_args+=(-H "$bac_h"); done
# --data-raw, not --data: a body starting with @ must never name a file on the instance.
if [ "$BAC_HAS_BODY" = 1 ]; then bac_args+=(--data-raw "$BAC_BODY"); fi
curl "${bac_args[@]}" --url "$BAC_URL" 2>"$bac_err"
bac_rc=$?
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
