import type { ReactNode } from 'react';
import { AgentsPage } from '../pages/agents/AgentsPage';
import { ConsolePage } from '../pages/ConsolePage';
import { FlowsPage } from '../pages/flows/FlowsPage';
import { JobsPage } from '../pages/JobsPage';
import { LivePage } from '../pages/LivePage';
import { LoginPage } from '../pages/LoginPage';
import { PluginsPage } from '../pages/PluginsPage';
import type { Route } from '../logic/routes';
import { Link, RouterProvider, useRouter } from './router';
import { SessionProvider, useSession } from './session';

export function App() {
  return (
    <SessionProvider>
      <RouterProvider>
        <Shell />
      </RouterProvider>
    </SessionProvider>
  );
}

const NAV: Array<{ to: Route; label: string; page: Route['page'] }> = [
  { to: { page: 'agents' }, label: 'Agents', page: 'agents' },
  { to: { page: 'flows' }, label: 'Flows', page: 'flows' },
  { to: { page: 'live' }, label: 'Live', page: 'live' },
  { to: { page: 'console' }, label: 'Console', page: 'console' },
  { to: { page: 'jobs' }, label: 'Jobs', page: 'jobs' },
  { to: { page: 'plugins' }, label: 'Plugins', page: 'plugins' },
];

function Shell() {
  const { me, checking, signOut } = useSession();
  const { route } = useRouter();
  if (checking) return <div className="splash">Connecting to the hub…</div>;
  if (!me) return <LoginPage />;
  return (
    <div className="shell">
      <nav className="sidebar">
        <div className="brand">
          <span className="brand-dot" /> Wirehook
        </div>
        {NAV.map((item) => (
          <Link key={item.page} to={item.to} className={route.page === item.page ? 'nav-link active' : 'nav-link'} testId={`nav-${item.page}`}>
            {item.label}
          </Link>
        ))}
        <div className="sidebar-footer">
          <div className="who" title={`role: ${me.role}`}>
            {me.name} <span className="role">{me.role}</span>
          </div>
          <button className="link-button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </nav>
      <main className="content">{page(route)}</main>
    </div>
  );
}

function page(route: Route): ReactNode {
  switch (route.page) {
    case 'agents':
      return <AgentsPage agentId={route.agentId} />;
    case 'flows':
      return <FlowsPage flowId={route.flowId} />;
    case 'plugins':
      return <PluginsPage />;
    case 'live':
      return <LivePage />;
    case 'console':
      return <ConsolePage />;
    case 'jobs':
      return <JobsPage />;
    case 'login':
      return <AgentsPage />;
  }
}
