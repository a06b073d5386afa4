bac_need ping
bac_guard "$BAC_TARGET" 4 "$BAC_DEADLINE"
# Exactly BAC_COUNT echoes (no -w: with a deadline ping keeps sending until COUNT replies); the outer
# timeout sends SIGINT, on which ping still prints its statistics.
bac_args=(-n -c "$BAC_COUNT" -i "$BAC_INTERVAL" -s "$BAC_SIZE" -t "$BAC_TTL" -W "$BAC_WAIT")
if [ "$BAC_DONT_FRAGMENT" = 1 ]; then bac_args+=(-M do); fi
timeout -s INT "$BAC_DEADLINE" ping "${bac_args[@]}" -- "$bac_addr" 2>&1
bac_done $?
