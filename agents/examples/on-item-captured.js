// HTTP errors
// Hook: onItemCaptured(data) runs on workers for every dissected request/response pair.
function onItemCaptured(data) {
  if (data.protocol.name !== 'http' || !data.response) return;
  if (data.response.status >= 400) {
    console.log(data.request.method, data.request.path, '->', data.response.status, data.response.statusText);
  }
}
