// Large packets
// Hook: onPacketCaptured(info) runs on workers for every captured packet.
var LARGE = 1000;
var large = 0;

function onPacketCaptured(info) {
  if (info.length < LARGE) return;
  large++;
  console.log('large', info.transport, 'packet', info.src.ip + ':' + info.src.port, '->', info.dst.ip + ':' + info.dst.port, info.length, 'bytes', '#' + large);
}
