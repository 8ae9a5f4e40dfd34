// Redact credentials
// Hook: onItemQueried(data) runs on the hub when an item is read; the returned object replaces what the reader sees.
var SECRET_HEADERS = ['authorization', 'cookie', 'set-cookie', 'x-api-key'];

function redact(headers) {
  var changed = false;
  for (var name in headers) {
    if (SECRET_HEADERS.indexOf(name.toLowerCase()) !== -1) {
      headers[name] = '[redacted]';
      changed = true;
    }
  }
  return changed;
}

function onItemQueried(data) {
  if (data.protocol.name !== 'http') return;
  var changed = redact(data.request.headers);
  if (data.response && redact(data.response.headers)) changed = true;
  if (changed) return data;
}
