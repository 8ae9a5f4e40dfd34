// Where am I
// Helper: utils.nodeName() is "hub" on the hub and the node name on a worker.
var node = utils.nodeName();
console.log(node === 'hub' ? 'running on the hub' : 'running on worker ' + node);
