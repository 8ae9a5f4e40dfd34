// Slow request board
// Hook: onHubAction(action, object) runs on the hub when any node calls hub.action(action, object).
var slowest = [];

function onHubAction(action, object) {
  if (action !== 'slow-request') return;
  slowest.push(object);
  slowest.sort(function (a, b) { return b.ms - a.ms; });
  if (slowest.length > 3) slowest.length = 3;
  console.log('slowest:', slowest.map(function (s) { return s.path + ' ' + s.ms + 'ms (' + s.node + ')'; }).join(', '));
}
