export interface ConfigIssue {
  /** Dotted key, e.g. `tap.pcap`. */
  key: string;
  message: string;
  /** Where the offending value came from: a file path, an environment variable, `--set`. */
  origin?: string;
}

/** Configuration refused at start; the message names every bad key. */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(
      'Invalid configuration:\n' +
        issues.map((i) => `  - ${i.key || '(root)'}: ${i.message}${i.origin ? ` (from ${i.origin})` : ''}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}
