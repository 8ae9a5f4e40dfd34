// KFL filter
// Helper: kfl.match(query, data) applies the filter language the dashboard uses; kfl.validate(query) throws when invalid.
var QUERY = 'http and (response.status >= 400 or request.path.startsWith("/api"))';
kfl.validate(QUERY);

function onItemCaptured(data) {
  if (kfl.match(QUERY, data)) console.log('matched', data.request.method, data.request.path, data.response.status);
}
