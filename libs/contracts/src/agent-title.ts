/**
 * The agent's title (shared/docs/agent-api.md): the text of its first comment line
 * (`// Slack on 5xx` → "Slack on 5xx"), else the file name without `.js`. Here so that every
 * layer (runtime, ConfigMap mirror, CLI) applies the one rule.
 */
export function agentTitle(source: string, fileName: string): string {
  const fallback = fileName.replace(/^.*[\\/]/, '').replace(/\.js$/i, '');
  const text = source.replace(/^\uFEFF/, '').trimStart();
  let title = '';
  if (text.startsWith('//')) {
    title = text.slice(2).split(/\r?\n/, 1)[0];
  } else if (text.startsWith('/*')) {
    const end = text.indexOf('*/');
    const block = text.slice(2, end === -1 ? undefined : end);
    title =
      block
        .split(/\r?\n/)
        .map((line) => line.replace(/^\s*\*+/, '').trim())
        .find((line) => line.length > 0) ?? '';
  }
  title = title.replace(/^\/+/, '').trim();
  return title.length > 0 ? title : fallback;
}
