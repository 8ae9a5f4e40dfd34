// Slow requests to the hub
// Helper: hub.action(action, object) sends object to onHubAction on the hub.
var SLOW_MS = 5;

function onItemCaptured(data) {
  if (data.protocol.name === 'http' && data.elapsedTime > SLOW_MS) {
    hub.action('slow-request', { path: data.request.path, ms: data.elapsedTime, node: utils.nodeName() });
  }
}
