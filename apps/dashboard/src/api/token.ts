/** The API token pasted on the login page, kept in localStorage and sent as a Bearer token. */
const KEY = 'wirehook.apiToken';

export function storedToken(): string | null {
  try {
    return window.localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string | null): void {
  if (token === null) window.localStorage.removeItem(KEY);
  else window.localStorage.setItem(KEY, token);
}
