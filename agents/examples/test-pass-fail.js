// Mark server errors
// Helper: test.pass(data) / test.fail(data) set data.passed / data.failed and return data.
function onItemQueried(data) {
  if (data.protocol.name !== 'http' || !data.response) return;
  return data.response.status >= 500 ? test.fail(data) : test.pass(data);
}
