# --- fixed logic from here on: it reads the BAC_ values above and never evaluates them as code ---
export LC_ALL=C
# Microseconds now, into BAC_NOW: bash 5's EPOCHREALTIME needs no fork; date is the fallback.
bac_now() { if [ -n "${EPOCHREALTIME:-}" ]; then BAC_NOW=${EPOCHREALTIME/[.,]/}; else BAC_NOW=$(( $(date +%s%N) / 1000 )); fi; }
# Milliseconds (with microseconds) between two bac_now stamps.
bac_ms() { local us=$(( $2 - $1 )); printf '%d.%03d' $(( us / 1000 )) $(( us % 1000 )); }
bac_now; bac_start=$BAC_NOW
# The script itself always ends with 0 so SSM reports Success; the tool's own code travels in "BAC exit=".
bac_done() { bac_now; echo "BAC exit=$1"; echo "BAC elapsed_ms=$(bac_ms "$bac_start" "$BAC_NOW")"; exit 0; }
bac_need() { command -v "$1" >/dev/null 2>&1 || { echo "BAC missing=$1"; bac_done 127; }; }
