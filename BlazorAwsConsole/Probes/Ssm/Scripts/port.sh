# Runs in a child bash under `timeout`; every value comes from the environment, not from code text.
bac_talk() {
  bac_now; local t0=$BAC_NOW
  exec 3<>"/dev/tcp/$bac_addr/$BAC_PORT" || exit 111
  bac_now; echo "BAC connect_ms=$(bac_ms "$t0" "$BAC_NOW")"
  # With TLS the exchange happens over openssl below; without anything to say or hear, connecting is all.
  if [ "$BAC_TLS" = 1 ] || { [ -z "$BAC_SEND" ] && [ -z "$BAC_EXPECT" ]; }; then exit 0; fi
  if [ -n "$BAC_SEND" ]; then printf '%s' "$BAC_SEND" >&3; fi
  local reply="" c wait="$BAC_READ_WAIT"
  while [ ${#reply} -lt 256 ]; do
    if IFS= read -r -d '' -n 1 -t "$wait" c <&3; then reply+="$c"; else reply+="$c"; break; fi
    if [ -n "$BAC_EXPECT" ] && [[ "$reply" == *"$BAC_EXPECT"* ]]; then break; fi
    wait=0.5
  done
  echo "BAC banner_b64=$(printf '%s' "$reply" | base64 -w0)"
}
bac_guard "$BAC_HOST" any "$BAC_DEADLINE"
export bac_addr BAC_PORT BAC_SEND BAC_EXPECT BAC_TLS BAC_READ_WAIT
timeout "$BAC_DEADLINE" bash -c "$(declare -f bac_now bac_ms bac_talk); bac_talk" 2>&1
bac_rc=$?
if [ $bac_rc -ne 0 ] || [ "$BAC_TLS" != 1 ]; then bac_done $bac_rc; fi
bac_need openssl
# The checked address; the name still goes as SNI.
bac_hostport="$bac_addr:$BAC_PORT"
if [[ "$bac_addr" == *:* ]]; then bac_hostport="[$bac_addr]:$BAC_PORT"; fi
bac_sni=()
if [ -n "$BAC_SNI" ]; then bac_sni=(-servername "$BAC_SNI"); fi
bac_now; bac_t=$BAC_NOW
bac_tls=$(timeout "$BAC_DEADLINE" openssl s_client -brief -connect "$bac_hostport" "${bac_sni[@]}" </dev/null 2>&1)
bac_now
if printf '%s\n' "$bac_tls" | grep -q '^CONNECTION ESTABLISHED'; then
  # Includes openssl's own start-up: an upper bound of the handshake.
  echo "BAC tls_ms=$(bac_ms "$bac_t" "$BAC_NOW")"
else
  printf '%s\n' "$bac_tls" | head -n 5 | sed 's/^/BAC tls_error=/'
  bac_done 112
fi
if [ -n "$BAC_SEND" ] || [ -n "$BAC_EXPECT" ]; then
  # Holds stdin open while the reply arrives; s_client closes when its input ends.
  bac_reply=$( { printf '%s' "$BAC_SEND"; sleep "$BAC_READ_WAIT"; } | timeout "$BAC_DEADLINE" openssl s_client -quiet -connect "$bac_hostport" "${bac_sni[@]}" 2>/dev/null | head -c 256 | base64 -w0)
  echo "BAC banner_b64=$bac_reply"
fi
bac_done 0
