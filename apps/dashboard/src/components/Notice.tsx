import type { ReactNode } from 'react';

export type NoticeTone = 'info' | 'error' | 'warn' | 'ok';

/** A message above a form: what happened, and buttons to act on it. */
export function Notice({ tone, children, testId, onClose }: { tone: NoticeTone; children: ReactNode; testId?: string; onClose?(): void }) {
  return (
    <div className={`notice notice-${tone}`} data-testid={testId} role={tone === 'error' ? 'alert' : 'status'}>
      <div className="notice-body">{children}</div>
      {onClose && (
        <button className="notice-close" onClick={onClose} aria-label="Close">
          ×
        </button>
      )}
    </div>
  );
}
