// Pod restarts
// Hook: onPodEvent(event, pod, change) runs on the hub and workers for Kubernetes pod watch events.
// Kubeshark-style Go field names (pod.ObjectMeta.Name, pod.Status.Phase) read the same as pod.metadata.name.
function onPodEvent(event, pod, change) {
  var name = pod.ObjectMeta.Namespace + '/' + pod.ObjectMeta.Name;
  if (change.kind === 'restarted' || change.kind === 'crashed' || change.kind === 'oom-killed') {
    console.error(name, change.kind, 'container', change.container, 'restarts', change.restartCount, change.reason || '');
  } else if (event === 'DELETED') {
    console.log(name, 'deleted in phase', pod.Status.Phase);
  }
}
