import { cleanup, fireEvent, render, screen } from '@solidjs/testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { acceptDomain } from '../lib/accept.js';
import { TagListForm } from './tag-list-form.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function show(canWrite: boolean, answer: Response = Response.json({})) {
  const calls: { method: string; url: string; body: unknown }[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ method: init.method ?? 'GET', url, body: init.body ? JSON.parse(String(init.body)) : undefined });
    return answer;
  });
  render(() => (
    <TagListForm
      title="Domains"
      label="Domains"
      hint="Sent as adomain."
      path="/api/v1/advertisers/a1"
      field="domains"
      values={['brand.example']}
      accept={acceptDomain}
      placeholder="brand.example"
      invalidate={[]}
      canWrite={canWrite}
    />
  ));
  return calls;
}

describe('TagListForm', () => {
  it('adds a typed value in its accepted form and saves the whole list with PATCH', async () => {
    const calls = show(true);
    const input = screen.getByRole('textbox', { name: 'Domains' });
    fireEvent.input(input, { target: { value: 'WWW.Shop.Example' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    fireEvent.click(screen.getByRole('button', { name: 'Save domains' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(calls).toEqual([{ method: 'PATCH', url: '/api/v1/advertisers/a1', body: { domains: ['brand.example', 'shop.example'] } }]);
  });

  it('saves an empty list when every value is removed', async () => {
    const calls = show(true);
    fireEvent.click(screen.getByRole('button', { name: 'Remove brand.example' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save domains' }));
    await screen.findByText('Saved.');
    expect(calls[0]?.body).toEqual({ domains: [] });
  });

  it("shows the API's message for one of the values next to the list", async () => {
    const problem = { code: 'VALIDATION_FAILED', detail: 'Invalid', errors: [{ path: 'body.domains[0]', message: 'is not a host name' }] };
    show(true, Response.json(problem, { status: 400 }));
    fireEvent.click(screen.getByRole('button', { name: 'Save domains' }));
    expect(await screen.findByText('is not a host name')).toBeTruthy();
    expect(screen.queryByText('Saved.')).toBeNull();
  });

  it('only lists the values, with nothing to edit, for a role that may not write', () => {
    show(false);
    expect(screen.getByText('brand.example')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Save domains' })).toBeNull();
    expect(screen.queryByRole('textbox')).toBeNull();
  });
});
