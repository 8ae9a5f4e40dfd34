import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { get, setUnauthorizedHandler } from '../api/client';
import { storedToken, storeToken } from '../api/token';
import type { TokenInfo } from '../api/types';

interface SessionValue {
  /** Who the stored token is; undefined while checking or when there is none. */
  me: TokenInfo | undefined;
  checking: boolean;
  signIn(token: string, me: TokenInfo): void;
  signOut(): void;
  canEdit: boolean;
  isAdmin: boolean;
}

const SessionContext = createContext<SessionValue | undefined>(undefined);

/** The API token: checked with `GET /api/tokens/me` at start; a 401 anywhere signs out. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<TokenInfo>();
  const [checking, setChecking] = useState(() => storedToken() !== null);

  const signOut = useCallback(() => {
    storeToken(null);
    setMe(undefined);
    setChecking(false);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(signOut);
    if (storedToken() === null) return;
    get<TokenInfo>('/api/tokens/me')
      .then((info) => setMe(info))
      .catch(() => undefined)
      .finally(() => setChecking(false));
    return () => setUnauthorizedHandler(undefined);
  }, [signOut]);

  const signIn = useCallback((token: string, info: TokenInfo) => {
    storeToken(token);
    setMe(info);
  }, []);

  const canEdit = me?.role === 'editor' || me?.role === 'admin';
  return (
    <SessionContext.Provider value={{ me, checking, signIn, signOut, canEdit, isAdmin: me?.role === 'admin' }}>{children}</SessionContext.Provider>
  );
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
