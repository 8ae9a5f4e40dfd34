/** Lines of generated code with two-space indentation. */
export class CodeWriter {
  private readonly lines: string[] = [];
  private depth = 0;

  line(text = ''): this {
    this.lines.push(text === '' ? '' : '  '.repeat(this.depth) + text);
    return this;
  }

  /** Text whose lines are kept exactly as they are (a user's snippet: indenting could change a string). */
  verbatim(text: string): this {
    for (const line of text.split(/\r\n|\r|\n/)) this.lines.push(line);
    return this;
  }

  /** `head {`, the body one level in, `}` (with `tail`, e.g. `} else {`). */
  block(head: string, body: () => void, tail = '}'): this {
    this.line(`${head} {`);
    this.depth++;
    body();
    this.depth--;
    this.line(tail);
    return this;
  }

  indent(body: () => void): this {
    this.depth++;
    body();
    this.depth--;
    return this;
  }

  get isEmpty(): boolean {
    return this.lines.length === 0;
  }

  toString(): string {
    return this.lines.join('\n');
  }
}
