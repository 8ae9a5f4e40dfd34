// HTTP response metrics
// Helper: prometheus.metric(name, help, type, value, labels): type 1 counter (add), 2 gauge (set), 3 untyped.
function onItemCaptured(data) {
  if (data.protocol.name !== 'http' || !data.response) return;
  prometheus.metric('example_http_responses_total', 'HTTP responses by status class', 1, 1, {
    method: data.request.method,
    class: Math.floor(data.response.status / 100) + 'xx'
  });
  prometheus.metric('example_http_last_elapsed_ms', 'Elapsed time of the last HTTP exchange', 2, data.elapsedTime);
}
