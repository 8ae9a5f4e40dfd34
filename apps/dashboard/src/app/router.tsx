import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { parseRoute, routePath, type Route } from '../logic/routes';

interface RouterValue {
  route: Route;
  navigate(route: Route, options?: { replace?: boolean }): void;
}

const RouterContext = createContext<RouterValue | undefined>(undefined);

/** History-API routing over the few pages there are (no router library needed). */
export function RouterProvider({ children }: { children: ReactNode }) {
  const [route, setRoute] = useState<Route>(() => parseRoute(window.location.pathname));
  useEffect(() => {
    const onPop = () => setRoute(parseRoute(window.location.pathname));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback((next: Route, options: { replace?: boolean } = {}) => {
    const path = routePath(next);
    if (path !== window.location.pathname) {
      if (options.replace) window.history.replaceState(null, '', path);
      else window.history.pushState(null, '', path);
    }
    setRoute(next);
  }, []);
  return <RouterContext.Provider value={{ route, navigate }}>{children}</RouterContext.Provider>;
}

export function useRouter(): RouterValue {
  const value = useContext(RouterContext);
  if (!value) throw new Error('useRouter outside RouterProvider');
  return value;
}

/** A link that changes the page without reloading. */
export function Link({ to, children, className, testId }: { to: Route; children: ReactNode; className?: string; testId?: string }) {
  const { navigate } = useRouter();
  return (
    <a
      href={routePath(to)}
      className={className}
      data-testid={testId}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}
