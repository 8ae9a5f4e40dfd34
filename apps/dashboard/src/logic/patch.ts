/** A unified diff (as `GET /api/agents/:id/revisions/diff` returns it) as lines to colour. */
export type PatchLineKind = 'header' | 'hunk' | 'added' | 'removed' | 'context';

export interface PatchLine {
  kind: PatchLineKind;
  text: string;
  /** Line number in the old source (removed and context lines). */
  oldLine?: number;
  /** Line number in the new source (added and context lines). */
  newLine?: number;
}

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

export function parsePatch(patch: string): PatchLine[] {
  const out: PatchLine[] = [];
  let oldLine = 0;
  let newLine = 0;
  let inHunk = false;
  for (const text of patch.split('\n')) {
    const hunk = HUNK.exec(text);
    if (hunk) {
      oldLine = Number(hunk[1]);
      newLine = Number(hunk[2]);
      inHunk = true;
      out.push({ kind: 'hunk', text });
      continue;
    }
    if (!inHunk) {
      if (text.length > 0) out.push({ kind: 'header', text });
      continue;
    }
    if (text.startsWith('+')) out.push({ kind: 'added', text: text.slice(1), newLine: newLine++ });
    else if (text.startsWith('-')) out.push({ kind: 'removed', text: text.slice(1), oldLine: oldLine++ });
    else if (text.startsWith('\\')) out.push({ kind: 'header', text });
    else if (text.startsWith(' ')) out.push({ kind: 'context', text: text.slice(1), oldLine: oldLine++, newLine: newLine++ });
  }
  return out;
}

/** Added and removed line counts, for the revision list. */
export function patchStats(lines: PatchLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of lines) {
    if (line.kind === 'added') added++;
    else if (line.kind === 'removed') removed++;
  }
  return { added, removed };
}
