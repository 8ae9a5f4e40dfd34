// Packet counter: packets and kilobytes per reporting interval
// Counts every captured packet cheaply in onPacketCaptured and reports from a job, so the
// per-packet work stays tiny. The interval is a 6-field cron (with seconds); the demo
// configuration (wirehook.yaml) sets PACKET_REPORT_CRON to every 5 seconds.

var packetCount = 0;
var totalKB = 0;

function onPacketCaptured(info) {
  packetCount++;
  totalKB += info.length / 1024;
}

function reportPacketCount() {
  // The job runs on every node; nodes that capture nothing (the hub) stay quiet.
  if (packetCount === 0) return;
  console.log(
    "Captured packets: " + packetCount + ", KB: " + totalKB.toFixed(1) + " on " + utils.nodeName()
  );
  packetCount = 0;
  totalKB = 0;
}

jobs.schedule("report-packet-count", env.PACKET_REPORT_CRON || "0 */1 * * * *", reportPacketCount);
