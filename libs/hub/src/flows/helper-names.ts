/** Helper names a source calls as `vendor.name(` or `vendor.a.b(`, so a dry run offers them even when no installed plugin does. */
export function vendorCallsIn(source: string): string[] {
  const names = new Set<string>();
  for (const match of source.matchAll(/\bvendor((?:\s*\.\s*[A-Za-z_$][\w$]*)+)\s*\(/g)) {
    names.add(match[1].replace(/\s+/g, '').slice(1));
  }
  return [...names].sort();
}
