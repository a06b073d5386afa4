bac_need openssl
bac_guard "$BAC_HOST" any "$BAC_DEADLINE"
# The checked address; the name still goes as SNI and is what the certificate is checked against.
bac_hostport="$bac_addr:$BAC_PORT"
if [[ "$bac_addr" == *:* ]]; then bac_hostport="[$bac_addr]:$BAC_PORT"; fi
bac_sni=()
if [ -n "$BAC_SNI" ]; then bac_sni=(-servername "$BAC_SNI"); fi
bac_now; bac_t=$BAC_NOW
# No -verify_return_error: the handshake goes on past an untrusted chain so the certificate is still read.
bac_out=$(timeout "$BAC_DEADLINE" openssl s_client -connect "$bac_hostport" "${bac_sni[@]}" </dev/null 2>&1)
bac_rc=$?
bac_now
echo "BAC tls_ms=$(bac_ms "$bac_t" "$BAC_NOW")"
# Only the lines that say what happened: SSM returns at most 24,000 characters, certificates are long.
printf '%s\n' "$bac_out" | grep -E '^(CONNECTED|New, |Verify return code:|Verification error:|connect:|[0-9A-F]+:error:)|errno=' | head -n 20
bac_pem=$(printf '%s\n' "$bac_out" | sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p' | sed '/-----END CERTIFICATE-----/q')
if [ -n "$bac_pem" ]; then
  bac_check=(-checkhost "$BAC_CHECK_NAME")
  if [ "$BAC_CHECK_IP" = 1 ]; then bac_check=(-checkip "$BAC_CHECK_NAME"); fi
  printf '%s\n' "$bac_pem" | openssl x509 -noout -nameopt RFC2253 -subject -issuer -startdate -enddate -ext subjectAltName "${bac_check[@]}" 2>&1
fi
bac_done $bac_rc
