// Requests per period
// Helper: jobs.schedule(tag, cron, fn, limit, ...args) with a 6-field cron (seconds first); jobs.list/run/remove.
var requests = 0;

function onItemCaptured(data) {
  if (data.protocol.name === 'http') requests++;
}

function report(label, unit) {
  console.log(label + ':', requests, unit);
  requests = 0;
}

// Every day at 03:00:00; extra arguments are passed to the function.
jobs.schedule('daily-report', '0 0 3 * * *', report, 0, 'requests since last report', 'requests');
jobs.schedule('temporary', '0 0 4 * * *', function () {});
jobs.remove('temporary');
console.log('jobs:', jobs.list().join(','));
