import { parseRoute, routePath, type Route } from './routes';

describe('routes', () => {
  it('round-trips every page through its path', () => {
    const routes: Route[] = [
      { page: 'agents' },
      { page: 'agents', agentId: '0b9e-…' },
      { page: 'flows' },
      { page: 'flows', flowId: 'new' },
      { page: 'plugins' },
      { page: 'live' },
      { page: 'console' },
      { page: 'jobs' },
      { page: 'login' },
    ];
    for (const route of routes) expect(parseRoute(routePath(route))).toEqual(route);
  });

  it('sends unknown paths to the agents page', () => {
    expect(parseRoute('/')).toEqual({ page: 'agents' });
    expect(parseRoute('/nothing/here')).toEqual({ page: 'agents' });
  });
});
