/** The dashboard's pages, addressed by the URL path (the hub serves index.html for every one of them). */
export type Route =
  | { page: 'login' }
  | { page: 'agents'; agentId?: string }
  | { page: 'flows'; flowId?: string }
  | { page: 'plugins' }
  | { page: 'live' }
  | { page: 'console' }
  | { page: 'jobs' };

export const NEW_FLOW = 'new';

export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter((p) => p.length > 0).map(decodeURIComponent);
  switch (parts[0]) {
    case 'login':
      return { page: 'login' };
    case 'agents':
      return parts[1] ? { page: 'agents', agentId: parts[1] } : { page: 'agents' };
    case 'flows':
      return parts[1] ? { page: 'flows', flowId: parts[1] } : { page: 'flows' };
    case 'plugins':
      return { page: 'plugins' };
    case 'live':
      return { page: 'live' };
    case 'console':
      return { page: 'console' };
    case 'jobs':
      return { page: 'jobs' };
    default:
      return { page: 'agents' };
  }
}

export function routePath(route: Route): string {
  switch (route.page) {
    case 'agents':
      return route.agentId ? `/agents/${encodeURIComponent(route.agentId)}` : '/agents';
    case 'flows':
      return route.flowId ? `/flows/${encodeURIComponent(route.flowId)}` : '/flows';
    default:
      return `/${route.page}`;
  }
}
