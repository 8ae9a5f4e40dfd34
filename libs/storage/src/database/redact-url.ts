/** A database URL fit for logs and error messages: the password (in the authority or the query) becomes `***`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass/i.test(key)) parsed.searchParams.set(key, '***');
    }
    return parsed.toString();
  } catch {
    // Not a URL we can parse: still hide anything that looks like user:password@.
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@').replace(/(pass\w*=)[^&\s]*/gi, '$1***');
  }
}
