// Job outcomes
// Hooks: onJobPassed(tag, cron, limit) and onJobFailed(tag, cron, limit, error) follow every scheduled job run.
var runs = 0;

jobs.schedule('flaky-check', '* * * * * *', function () {
  runs++;
  if (runs % 2 === 0) throw new Error('check ' + runs + ' failed');
}, 2);

function onJobPassed(tag, cron, limit) {
  console.log('passed', tag, '(' + cron + ', limit ' + limit + ')');
}

function onJobFailed(tag, cron, limit, error) {
  console.error('failed', tag, '(' + cron + ', limit ' + limit + '):', error);
}
