// Redis errors
// Helper: console.log/error/clear. Arguments are joined by spaces, objects printed as JSON.
var commands = 0;
console.clear();

function onItemCaptured(data) {
  if (data.protocol.name !== 'redis') return;
  commands++;
  if (data.response && data.response.type === 'error') {
    console.error('redis error for', data.request.command, data.request.args, '->', data.response.value);
  }
  if (commands % 2000 === 0) console.log({ redisCommands: commands });
}
