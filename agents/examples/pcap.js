// Keep pcaps of server errors
// Helper: pcap.path(stream), pcap.snapshot(streams?), pcap.nameResolutionHistory() give recorded traffic (workers).
function onItemCaptured(data) {
  if (data.protocol.name === 'http' && data.response && data.response.status >= 500) {
    var path = pcap.path(data.stream);
    console.log('stream', data.stream, 'saved as', path.split('/').pop());
  }
}
