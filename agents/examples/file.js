// HTTP error log file
// Helper: file.write/append/read/move/copy/delete/mkdir/mkdirTemp/temp/tar, confined to this agent's own folder.
file.mkdir('logs');
file.write('logs/http-errors.log', '');

function onItemCaptured(data) {
  if (data.protocol.name === 'http' && data.response && data.response.status >= 400) {
    file.append('logs/http-errors.log', data.response.status + ' ' + data.request.method + ' ' + data.request.path + '\n');
  }
}

function onHubAction(action) {
  if (action !== 'archive-errors') return;
  file.copy('logs/http-errors.log', 'logs/http-errors.previous.log');
  console.log('archived', file.tar('logs').length > 0, 'lines:', file.read('logs/http-errors.log').split('\n').length - 1);
}
