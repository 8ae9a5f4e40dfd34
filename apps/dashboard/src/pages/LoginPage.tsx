import { useState, type FormEvent } from 'react';
import { ApiError, get } from '../api/client';
import type { TokenInfo } from '../api/types';
import { useRouter } from '../app/router';
import { useSession } from '../app/session';

/** Paste an API token (`wirehook start` prints the admin token; admins create more under /api/tokens). */
export function LoginPage() {
  const { signIn } = useSession();
  const { route, navigate } = useRouter();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const secret = token.trim();
    if (!secret) return;
    setBusy(true);
    setError(undefined);
    try {
      const me = await get<TokenInfo>('/api/tokens/me', { token: secret });
      signIn(secret, me);
      if (route.page === 'login') navigate({ page: 'agents' }, { replace: true });
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? 'The hub does not know this token (or it was revoked).' : (e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login">
      <form className="login-card" onSubmit={submit}>
        <h1>
          <span className="brand-dot" /> Wirehook
        </h1>
        <p className="muted">Paste an API token. The hub prints the admin token when it starts; it is kept in this browser only.</p>
        <input
          type="password"
          autoFocus
          placeholder="whk_…"
          value={token}
          data-testid="token-input"
          onChange={(e) => setToken(e.target.value)}
          aria-label="API token"
        />
        {error && <div className="error-text">{error}</div>}
        <button type="submit" className="primary" disabled={busy || !token.trim()} data-testid="sign-in">
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
