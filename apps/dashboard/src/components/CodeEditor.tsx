import { javascript } from '@codemirror/lang-javascript';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState, Compartment } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';
import type { Es5Diagnostic } from '../api/types';
import { diagnosticRange, diagnosticText } from '../logic/diagnostics';

export interface CodeEditorProps {
  value: string;
  onChange?(value: string): void;
  /** ES5 diagnostics of `value` (from the hub's validation), shown inline and in the gutter. */
  diagnostics?: Es5Diagnostic[];
  readOnly?: boolean;
  /** CSS height, e.g. "60vh"; default fills the parent. */
  height?: string;
  testId?: string;
}

const theme = EditorView.theme({
  '&': { fontSize: '13px', height: '100%' },
  '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' },
});

/** CodeMirror 6 for ES5 agent sources (or read-only generated code). */
export function CodeEditor({ value, onChange, diagnostics, readOnly = false, height, testId }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const readOnlyCompartment = useRef(new Compartment());

  useEffect(() => {
    if (!host.current) return;
    const created = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          javascript(),
          lintGutter(),
          theme,
          readOnlyCompartment.current.of([EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)]),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChangeRef.current?.(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = created;
    return () => {
      created.destroy();
      view.current = null;
    };
    // The view is made once; value/readOnly changes are applied by the effects below.
  }, []);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const current = v.state.doc.toString();
    if (current !== value) v.dispatch({ changes: { from: 0, to: current.length, insert: value } });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({
      effects: readOnlyCompartment.current.reconfigure([EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)]),
    });
  }, [readOnly]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const text = v.state.doc.toString();
    const marks: Diagnostic[] = (diagnostics ?? []).map((d) => {
      const range = diagnosticRange(text, d);
      return { from: range.from, to: range.to, severity: 'error', message: diagnosticText(d.message), source: 'ES5' };
    });
    v.dispatch(setDiagnostics(v.state, marks));
  }, [diagnostics, value]);

  return <div className="code-editor" ref={host} style={height ? { height } : undefined} data-testid={testId} />;
}
