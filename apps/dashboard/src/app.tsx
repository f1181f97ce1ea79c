import { A, Route, Router, type RouteSectionProps, useLocation, useNavigate } from '@solidjs/router';
import { QueryClientProvider } from '@tanstack/solid-query';
import { createEffect, createSignal, ErrorBoundary, For, lazy, onMount, Show } from 'solid-js';
import { ErrorBox, Loading } from './components/ui.js';
import { SignInDialog, SignInPage } from './features/sign-in.js';
import { queryClient } from './lib/query.js';
import { can, loadSession, me, type Permission, sessionLost, signOut } from './lib/session.js';

const Overview = lazy(() => import('./features/overview.js'));
const Advertisers = lazy(() => import('./features/advertisers.js'));
const Advertiser = lazy(() => import('./features/advertiser.js'));
const Campaign = lazy(() => import('./features/campaign.js'));
const LineItem = lazy(() => import('./features/line-item.js'));
const Creatives = lazy(() => import('./features/creatives.js'));
const Creative = lazy(() => import('./features/creative.js'));
const Publishers = lazy(() => import('./features/publishers.js'));
const Publisher = lazy(() => import('./features/publisher.js'));
const Site = lazy(() => import('./features/site.js'));
const Placement = lazy(() => import('./features/placement.js'));
const Reports = lazy(() => import('./features/reports.js'));
const Segments = lazy(() => import('./features/segments.js'));
const DemandPartners = lazy(() => import('./features/demand-partners.js'));
const Users = lazy(() => import('./features/users.js'));
const Audit = lazy(() => import('./features/audit.js'));
const Health = lazy(() => import('./features/health.js'));

const NAV: { href: string; label: string; permission?: Permission }[] = [
  { href: '/', label: 'Overview' },
  { href: '/advertisers', label: 'Advertisers', permission: 'advertiserRead' },
  { href: '/creatives', label: 'Creatives', permission: 'advertiserRead' },
  { href: '/publishers', label: 'Publishers', permission: 'publisherRead' },
  { href: '/reports', label: 'Reports', permission: 'reports' },
  { href: '/segments', label: 'Segments', permission: 'segments' },
  { href: '/demand-partners', label: 'Demand partners', permission: 'operationsRead' },
  { href: '/users', label: 'Users & API keys', permission: 'manage' },
  { href: '/audit', label: 'Audit log', permission: 'manage' },
  { href: '/health', label: 'System health' },
];

function Shell(props: RouteSectionProps) {
  const navigate = useNavigate();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = createSignal(false);
  createEffect(() => {
    if (me() === null && location.pathname !== '/sign-in') {
      navigate(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
    }
  });
  createEffect(() => {
    location.pathname;
    setMenuOpen(false);
  });
  return (
    <Show when={me()} fallback={<Loading label="Checking your session…" />}>
      {(who) => (
        <div class="shell">
          <a class="skip" href="#main">
            Skip to content
          </a>
          <header class="topbar">
            <button
              type="button"
              class="menu-button"
              aria-expanded={menuOpen()}
              aria-controls="nav"
              onClick={() => setMenuOpen(!menuOpen())}
            >
              Menu
            </button>
            <A href="/" class="brand">
              AdPlatform
            </A>
            <span class="org">{who().organization.name}</span>
            <span class="who">
              <span class="sr-only">Signed in as </span>
              {who().user?.email ?? 'API key'} · <span class="badge role">{who().role}</span>
            </span>
            <button
              type="button"
              class="secondary"
              onClick={async () => {
                await signOut();
                queryClient.clear();
                navigate('/sign-in');
              }}
            >
              Sign out
            </button>
          </header>
          <nav id="nav" class="nav" classList={{ open: menuOpen() }} aria-label="Main">
            <ul>
              <For each={NAV.filter((item) => !item.permission || can(item.permission))}>
                {(item) => (
                  <li>
                    <A href={item.href} end={item.href === '/'} activeClass="active">
                      {item.label}
                    </A>
                  </li>
                )}
              </For>
            </ul>
          </nav>
          <main id="main" tabIndex={-1}>
            <ErrorBoundary fallback={(error, reset) => <ErrorBox error={error} retry={reset} />}>{props.children}</ErrorBoundary>
          </main>
          <Show when={sessionLost()}>
            <SignInDialog />
          </Show>
        </div>
      )}
    </Show>
  );
}

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        <A href="/">Back to the overview</A>
      </p>
    </section>
  );
}

export function App() {
  const [failed, setFailed] = createSignal<unknown>(null);
  onMount(() => loadSession().catch(setFailed));
  return (
    <QueryClientProvider client={queryClient}>
      <Show when={!failed()} fallback={<ErrorBox error={failed()} retry={() => location.reload()} />}>
        <Router>
          <Route path="/sign-in" component={SignInPage} />
          <Route path="/" component={Shell}>
            <Route path="/" component={Overview} />
            <Route path="/advertisers" component={Advertisers} />
            <Route path="/advertisers/:id" component={Advertiser} />
            <Route path="/campaigns/:id" component={Campaign} />
            <Route path="/line-items/:id" component={LineItem} />
            <Route path="/creatives" component={Creatives} />
            <Route path="/creatives/:id" component={Creative} />
            <Route path="/publishers" component={Publishers} />
            <Route path="/publishers/:id" component={Publisher} />
            <Route path="/sites/:id" component={Site} />
            <Route path="/placements/:id" component={Placement} />
            <Route path="/reports" component={Reports} />
            <Route path="/segments" component={Segments} />
            <Route path="/demand-partners" component={DemandPartners} />
            <Route path="/users" component={Users} />
            <Route path="/audit" component={Audit} />
            <Route path="/health" component={Health} />
            <Route path="*" component={NotFound} />
          </Route>
        </Router>
      </Show>
    </QueryClientProvider>
  );
}
