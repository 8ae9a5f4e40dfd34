#!/usr/bin/env bash
# Records tshark's view of the shared captures as golden JSON files, once. The tests compare
# our items with these files field by field and never run tshark themselves.
#
#   libs/dissectors/test/golden/record.sh        (needs tshark ≥ 4.0 and node)
#
# Captures come from ../shared/data/pcap beside the repository (as libs/testing's sharedPcap).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../../.." && pwd)"
pcaps="${PCAP_DIR:-$repo/../shared/data/pcap}"
command -v tshark >/dev/null || { echo "tshark not found (Debian package tshark)" >&2; exit 1; }
version="$(tshark --version | head -1 | sed -E 's/^TShark \(Wireshark\) ([^ ]+).*/\1/')"
convert="node $here/pdml-to-golden.js"
# Fixed preferences so a user's Wireshark profile cannot change the answers.
prefs=(-o tcp.desegment_tcp_streams:TRUE -o http.desegment_headers:TRUE -o http.desegment_body:TRUE
       -o http.dechunk_body:TRUE -o http.decompress_body:TRUE -o tcp.check_checksum:FALSE)

tshark_pdml() { tshark -n -r "$pcaps/$1" "${prefs[@]}" "${@:2}" -T pdml 2>/dev/null; }

for capture in http-mixed http-wrk; do
  echo "recording $capture (http)" >&2
  tshark_pdml "$capture.pcap" -Y http | $convert http "$capture.pcap" "$version" > "$here/$capture.http.json"
done

echo "recording dns" >&2
tshark_pdml dns.pcap -d udp.port==15353,dns -d tcp.port==15353,dns -Y dns | $convert dns dns.pcap "$version" > "$here/dns.dns.json"

echo "recording redis" >&2
tshark_pdml redis.pcap -d tcp.port==16379,resp -Y resp | $convert redis redis.pcap "$version" > "$here/redis.redis.json"

# PostgreSQL: no dissector of ours; record that tshark sees only pgsql there, and how many TCP streams.
echo "recording postgres" >&2
{
  printf '{\n "capture": "postgres.pcap",\n "tshark": "%s",\n' "$version"
  printf ' "tcpStreams": %s,\n' "$(tshark -n -r "$pcaps/postgres.pcap" -T fields -e tcp.stream 2>/dev/null | sort -u | wc -l)"
  printf ' "pgsqlFrames": %s,\n' "$(tshark -n -r "$pcaps/postgres.pcap" -Y pgsql 2>/dev/null | wc -l)"
  printf ' "httpDnsRespFrames": %s\n}\n' "$(tshark -n -r "$pcaps/postgres.pcap" -Y 'http || dns' 2>/dev/null | wc -l)"
} > "$here/postgres.json"

ls -l "$here"/*.json >&2
