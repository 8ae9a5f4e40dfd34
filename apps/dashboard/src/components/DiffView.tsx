import { parsePatch } from '../logic/patch';

/** A unified diff, coloured, with old and new line numbers. */
export function DiffView({ patch }: { patch: string }) {
  const lines = parsePatch(patch);
  if (lines.every((l) => l.kind === 'header')) return <div className="muted">No differences.</div>;
  return (
    <pre className="diff" data-testid="diff">
      {lines.map((line, i) => (
        <div key={i} className={`diff-line diff-${line.kind}`}>
          <span className="diff-no">{line.oldLine ?? ''}</span>
          <span className="diff-no">{line.newLine ?? ''}</span>
          <span className="diff-sign">{line.kind === 'added' ? '+' : line.kind === 'removed' ? '−' : ' '}</span>
          <span className="diff-text">{line.text}</span>
        </div>
      ))}
    </pre>
  );
}
