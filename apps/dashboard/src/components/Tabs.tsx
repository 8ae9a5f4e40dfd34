export interface Tab<K extends string> {
  key: K;
  label: string;
}

export function Tabs<K extends string>({ tabs, value, onChange }: { tabs: Tab<NoInfer<K>>[]; value: K; onChange(key: K): void }) {
  return (
    <div className="tabs" role="tablist">
      {tabs.map((t) => (
        <button key={t.key} role="tab" aria-selected={t.key === value} className={t.key === value ? 'tab active' : 'tab'} onClick={() => onChange(t.key)} data-testid={`tab-${t.key}`}>
          {t.label}
        </button>
      ))}
    </div>
  );
}
