import { createMemoryHistory, MemoryRouter, Route } from '@solidjs/router';
import { cleanup, fireEvent, render, screen } from '@solidjs/testing-library';
import { QueryClient, QueryClientProvider } from '@tanstack/solid-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadSession, type Role } from '../lib/session.js';
import { ChildResources, ResourceDetail } from './resource-detail.js';

interface Thing {
  id: string;
  name: string;
  status: string;
  parentId: string;
}
const THING: Thing = { id: 't1', name: 'Acme Shoes', status: 'paused', parentId: 'p1' };

/** The API as these pages see it: /me with `role`, one thing, and an empty child collection. */
function stubApi(role: Role, thing: Response = Response.json(THING)) {
  vi.stubGlobal('fetch', async (url: string) => {
    if (url === '/api/v1/me')
      return Response.json({ kind: 'user', role, isPlatformAdmin: false, organization: { id: 'o', name: 'O', timezone: 'UTC' } });
    if (url === '/api/v1/things/t1') return thing;
    if (url.startsWith('/api/v1/children?')) return Response.json({ items: [], nextCursor: null });
    return new Response(null, { status: 404 });
  });
}

function Page() {
  return (
    <ResourceDetail<Thing>
      path="/api/v1/things"
      id="t1"
      crumbs={(t) => [{ href: `/parents/${t.parentId}`, label: 'Parent' }]}
      statusWrite="advertiserWrite"
    >
      {(t) => (
        <ChildResources<Thing>
          heading="Children"
          newLabel="New child"
          createLabel="Create a child"
          canCreate={t().status !== 'archived'}
          form={<form aria-label="New child form" />}
          path="/api/v1/children"
          label="Children"
          filters={() => ({ parentId: t().id })}
          columns={[{ label: 'Name', render: (c) => c.name }]}
          empty={<strong>No children yet</strong>}
        />
      )}
    </ResourceDetail>
  );
}

async function show(role: Role, thing?: Response) {
  stubApi(role, thing);
  await loadSession();
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const history = createMemoryHistory();
  history.set({ value: '/things/t1' });
  render(() => (
    <QueryClientProvider client={client}>
      <MemoryRouter history={history}>
        <Route path="*" component={Page} />
      </MemoryRouter>
    </QueryClientProvider>
  ));
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('ResourceDetail', () => {
  it('heads the page with the name, its breadcrumbs, its status and the status changes a writer may make', async () => {
    await show('advertiser');
    expect(await screen.findByRole('heading', { level: 1, name: 'Acme Shoes' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Parent' }).getAttribute('href')).toBe('/parents/p1');
    expect(screen.getByText('paused')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Resume' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Archive' })).toBeTruthy();
  });

  it('shows the status but no status change to a role without the write permission', async () => {
    await show('analyst');
    await screen.findByRole('heading', { level: 1, name: 'Acme Shoes' });
    expect(screen.getByText('paused')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Resume' })).toBeNull();
  });

  it("shows the API's error instead of the page when the resource cannot be read", async () => {
    await show('owner', Response.json({ code: 'NOT_FOUND', detail: 'thing t1 not found' }, { status: 404 }));
    expect((await screen.findByRole('alert')).textContent).toBe('thing t1 not found');
    expect(screen.queryByRole('heading', { level: 1 })).toBeNull();
  });
});

describe('ChildResources', () => {
  it('says what is missing, and both its buttons open the creation form', async () => {
    await show('advertiser');
    expect(await screen.findByText('No children yet')).toBeTruthy();
    const toggle = screen.getByRole('button', { name: 'New child' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByRole('form', { name: 'New child form' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Create a child' }));
    expect(screen.getByRole('form', { name: 'New child form' })).toBeTruthy();
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(toggle);
    expect(screen.queryByRole('form', { name: 'New child form' })).toBeNull();
  });

  it('offers no creation when canCreate is false', async () => {
    await show('advertiser', Response.json({ ...THING, status: 'archived' }));
    expect(await screen.findByText('No children yet')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'New child' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Create a child' })).toBeNull();
  });
});
