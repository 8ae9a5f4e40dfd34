/** NATS subject validity and wildcard matching, shared by the in-process transport. */

export function isValidSubject(subject: string, allowWildcards: boolean): boolean {
  if (subject.length === 0) return false;
  const tokens = subject.split('.');
  return tokens.every((token, i) => {
    if (token.length === 0 || /\s/.test(token)) return false;
    if (token === '*' || token === '>') return allowWildcards && (token === '*' || i === tokens.length - 1);
    return !token.includes('*') && !token.includes('>');
  });
}

/** A compiled subscription pattern; matching is a token walk with no allocation per token. */
export class SubjectPattern {
  private readonly tokens: string[];
  readonly literal: boolean;

  constructor(readonly pattern: string) {
    this.tokens = pattern.split('.');
    this.literal = !this.tokens.some((t) => t === '*' || t === '>');
  }

  matches(subject: string): boolean {
    if (this.literal) return subject === this.pattern;
    const parts = subject.split('.');
    const tokens = this.tokens;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i];
      if (token === '>') return parts.length > i;
      if (i >= parts.length) return false;
      if (token !== '*' && token !== parts[i]) return false;
    }
    return parts.length === tokens.length;
  }
}
