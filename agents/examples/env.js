// Slow threshold from env
// Helper: env.NAME reads values from the scripting.env configuration (strings).
var threshold = Number(env.SLOW_MS || '10');
if (isNaN(threshold)) throw new Error('SLOW_MS must be a number, got ' + env.SLOW_MS);

function onItemCaptured(data) {
  if (data.elapsedTime > threshold) console.log('slower than', threshold + 'ms:', data.id, data.elapsedTime);
}
