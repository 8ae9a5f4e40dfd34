// DNS answers as YAML
// Helper: utils.json2Yaml(jsonText) turns JSON text into YAML text.
function onItemCaptured(data) {
  if (data.protocol.name !== 'dns' || !data.response || data.response.answers.length === 0) return;
  var answers = data.response.answers.map(function (a) { return { name: a.name, type: a.type, ip: a.ip }; });
  console.log(utils.json2Yaml(JSON.stringify(answers)));
}
