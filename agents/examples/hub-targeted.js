// Targeted pods
// Helper: hub.targeted() returns the pods being captured as {targets: [...], excluded: [...]}.
var pods = hub.targeted();
console.log('capturing', pods.targets.length, 'pod(s):', pods.targets.map(function (p) { return p.namespace + '/' + p.name; }).join(', '));
console.log('excluded', pods.excluded.length, 'pod(s)');
