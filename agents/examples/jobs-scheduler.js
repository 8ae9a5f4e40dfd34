// Maintenance window
// Helper: jobs.scheduler.stop()/start()/isRunning() pause and resume every job of the node.
function onHubAction(action) {
  if (action === 'maintenance-start') jobs.scheduler.stop();
  if (action === 'maintenance-end') jobs.scheduler.start();
  console.log(action, '- jobs running:', jobs.scheduler.isRunning());
}
