import { cleanup, fireEvent, render, screen, within } from '@solidjs/testing-library';
import { QueryClient, QueryClientProvider } from '@tanstack/solid-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadSession } from '../lib/session.js';
import { describeLimit } from './access-limit.js';
import UsersPage from './users.js';

const ADVERTISERS = [
  { id: 'a1', name: 'Acme Shoes' },
  { id: 'a2', name: 'Brightside Bank' },
];
const PUBLISHERS = [{ id: 'p1', name: 'Daily News' }];

/** An analyst limited to Brightside Bank, as GET /api/v1/users lists it. */
const LIMITED_ANALYST = {
  id: 'u1',
  email: 'cy@example.com',
  name: null,
  role: 'analyst',
  status: 'active',
  lastLoginAt: null,
  advertiserIds: ['a2'],
  publisherIds: [],
  isPlatformAdmin: false,
};

async function show() {
  const posts: { url: string; body: unknown; method?: string }[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    if (init.method === 'PATCH') {
      posts.push({ url, body: JSON.parse(String(init.body)), method: 'PATCH' });
      return Response.json({ ...LIMITED_ANALYST, ...JSON.parse(String(init.body)) });
    }
    if (init.method === 'POST') {
      posts.push({ url, body: JSON.parse(String(init.body)) });
      return Response.json(url === '/api/v1/api-keys' ? { key: 'adp_secret' } : { user: {} }, { status: 201 });
    }
    if (url === '/api/v1/me')
      return Response.json({ kind: 'user', role: 'owner', isPlatformAdmin: false, organization: { id: 'o', name: 'O', timezone: 'UTC' } });
    const page = (items: unknown[]) => Response.json({ items, nextCursor: null });
    if (url.startsWith('/api/v1/advertisers?')) return page(ADVERTISERS);
    if (url.startsWith('/api/v1/publishers?')) return page(PUBLISHERS);
    if (url.startsWith('/api/v1/users?')) return page([LIMITED_ANALYST]);
    return page([]);
  });
  await loadSession();
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(() => (
    <QueryClientProvider client={client}>
      <UsersPage />
    </QueryClientProvider>
  ));
  return posts;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('access limits on the users page', () => {
  it('invites an advertiser-role user limited to the advertisers ticked', async () => {
    const posts = await show();
    const form = within(screen.getByRole('form', { name: 'Invite a user' }));
    fireEvent.input(form.getByLabelText('E-mail'), { target: { value: 'ann@example.com' } });
    fireEvent.change(form.getByLabelText('Role'), { target: { value: 'advertiser' } });
    fireEvent.click(await form.findByRole('checkbox', { name: 'Brightside Bank' }));
    fireEvent.click(form.getByRole('button', { name: 'Invite user' }));
    await vi.waitFor(() => expect(posts).toHaveLength(1));
    expect(posts[0]).toEqual({ url: '/api/v1/users', body: { email: 'ann@example.com', role: 'advertiser', advertiserIds: ['a2'] } });
  });

  it('lets an analyst key be limited to publishers, dropping advertisers ticked before the switch', async () => {
    const posts = await show();
    const form = within(screen.getByRole('form', { name: 'New API key' }));
    fireEvent.input(form.getByLabelText('Key name'), { target: { value: 'news reports' } });
    fireEvent.click(await form.findByRole('checkbox', { name: 'Acme Shoes' }));
    fireEvent.change(form.getByLabelText('Limit to'), { target: { value: 'publishers' } });
    fireEvent.click(await form.findByRole('checkbox', { name: 'Daily News' }));
    fireEvent.click(form.getByRole('button', { name: 'Create API key' }));
    await vi.waitFor(() => expect(posts).toHaveLength(1));
    expect(posts[0]).toEqual({ url: '/api/v1/api-keys', body: { name: 'news reports', role: 'analyst', publisherIds: ['p1'] } });
  });

  it('offers no limit for owners and admins, and sends none when nothing is ticked', async () => {
    const posts = await show();
    const form = within(screen.getByRole('form', { name: 'Invite a user' }));
    fireEvent.change(form.getByLabelText('Role'), { target: { value: 'admin' } });
    expect(form.queryByRole('checkbox')).toBeNull();
    expect(form.queryByLabelText('Limit to')).toBeNull();
    fireEvent.input(form.getByLabelText('E-mail'), { target: { value: 'bo@example.com' } });
    fireEvent.click(form.getByRole('button', { name: 'Invite user' }));
    await vi.waitFor(() => expect(posts).toHaveLength(1));
    expect(posts[0]?.body).toEqual({ email: 'bo@example.com', role: 'admin' });
  });

  it('names the advertisers a user is limited to in the list', async () => {
    await show();
    const row = (await screen.findByText('cy@example.com')).closest('tr') as HTMLElement;
    await vi.waitFor(() => expect(within(row).getByText(/Brightside Bank/)).toBeTruthy());
    expect(within(row).queryByText(/1 advertiser/)).toBeNull();
  });

  it('changes a user’s limit in place: the ticks start from it, and moving an analyst to publishers lifts the advertisers', async () => {
    const posts = await show();
    fireEvent.click(await screen.findByRole('button', { name: 'Change the limit of cy@example.com' }));
    const form = within(screen.getByRole('form', { name: 'Limit of cy@example.com' }));
    expect(((await form.findByRole('checkbox', { name: 'Brightside Bank' })) as HTMLInputElement).checked).toBe(true);
    fireEvent.click(form.getByRole('checkbox', { name: 'Acme Shoes' }));
    fireEvent.click(form.getByRole('button', { name: 'Save limit' }));
    await vi.waitFor(() => expect(posts).toHaveLength(1));
    expect(posts[0]).toEqual({ url: '/api/v1/users/u1', method: 'PATCH', body: { advertiserIds: ['a2', 'a1'], publisherIds: [] } });
    await vi.waitFor(() => expect(screen.queryByRole('form', { name: 'Limit of cy@example.com' })).toBeNull());

    fireEvent.click(screen.getByRole('button', { name: 'Change the limit of cy@example.com' }));
    const again = within(screen.getByRole('form', { name: 'Limit of cy@example.com' }));
    fireEvent.change(again.getByLabelText('Limit to'), { target: { value: 'publishers' } });
    fireEvent.click(await again.findByRole('checkbox', { name: 'Daily News' }));
    fireEvent.click(again.getByRole('button', { name: 'Save limit' }));
    await vi.waitFor(() => expect(posts).toHaveLength(2));
    expect(posts[1]?.body).toEqual({ advertiserIds: [], publisherIds: ['p1'] });
  });

  it('reads a limit in a list as a count of one side while names are unknown', () => {
    expect(describeLimit({ advertiserIds: ['a1'] })).toBe('1 advertiser');
    expect(describeLimit({ advertiserIds: [], publisherIds: ['p1', 'p2'] })).toBe('2 publishers');
    expect(describeLimit({ advertiserIds: [], publisherIds: [] })).toBe('no limit');
  });

  it('reads a limit in a list by names once they are known: three, then how many more', () => {
    const names: Record<string, string> = { a1: 'Acme', a2: 'Globex', a3: 'Initech', a4: 'Umbrella', a5: 'Hooli', p1: 'Daily News' };
    const nameOf = (id: string) => names[id];
    expect(describeLimit({ advertiserIds: ['a2', 'a1'] }, nameOf)).toBe('Globex, Acme');
    expect(describeLimit({ advertiserIds: ['a1', 'a2', 'a3', 'a4', 'a5'] }, nameOf)).toBe('Acme, Globex, Initech and 2 more');
    expect(describeLimit({ advertiserIds: [], publisherIds: ['p1'] }, nameOf)).toBe('Daily News');
    // One id without a name (archived beyond the first 200, or still loading): the count, never a partial list.
    expect(describeLimit({ advertiserIds: ['a1', 'gone'] }, nameOf)).toBe('2 advertisers');
  });
});
