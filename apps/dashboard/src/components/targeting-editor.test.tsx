import { cleanup, fireEvent, render, screen, within } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { afterEach, describe, expect, it } from 'vitest';
import { normalizeTargeting, type Targeting } from '../lib/targeting.js';
import { TargetingEditor } from './targeting-editor.js';

function renderEditor(initial: Targeting = {}, extra: { errors?: Record<string, string> } = {}) {
  const [value, setValue] = createSignal<Targeting>(initial);
  const view = render(() => (
    <TargetingEditor
      value={value()}
      onChange={setValue}
      segments={[{ id: 'seg-1', name: 'Runners' }]}
      placements={[{ id: 'pl-1', name: 'Sidebar' }]}
      {...(extra.errors ? { errors: extra.errors } : {})}
    />
  ));
  return { value: () => normalizeTargeting(value()), view };
}

const add = (label: string, text: string, index = 0) => {
  const input = screen.getAllByLabelText(label)[index] as HTMLInputElement;
  fireEvent.input(input, { target: { value: text } });
  fireEvent.keyDown(input, { key: 'Enter' });
};
const summary = () => Array.from(document.querySelectorAll('.summary li')).map((li) => li.textContent);

afterEach(cleanup);

describe('TargetingEditor', () => {
  it('starts by saying an empty targeting reaches everyone', () => {
    const { value } = renderEditor();
    expect(value()).toEqual({});
    expect(summary()).toEqual(['Everyone, everywhere, at any time']);
  });

  it('picks countries by name or code and stores ISO codes', () => {
    const { value } = renderEditor();
    add('Countries', 'Canada');
    add('Countries', 'de');
    add('Countries', 'Germany (DE)');
    expect(value().geo?.countries).toEqual(['CA', 'DE']);
    expect(screen.getByRole('button', { name: 'Remove Canada (CA)' })).toBeTruthy();
    expect(summary()).toEqual(['In Canada or Germany']);
    fireEvent.click(screen.getByRole('button', { name: 'Remove Canada (CA)' }));
    expect(value().geo?.countries).toEqual(['DE']);
  });

  it('refuses a value in the wrong shape with a message, and keeps the targeting unchanged', () => {
    const { value } = renderEditor();
    add('Countries', 'Atlantis');
    add('Regions', 'California');
    add('Languages', 'english');
    add('Only in content categories', 'sports');
    expect(value()).toEqual({});
    const messages = screen.getAllByRole('alert').map((a) => a.textContent);
    expect(messages).toContain('Use a region code such as US-CA or CA-QC');
    expect(messages).toContain('Use a two-letter language code such as en or es');
    expect(messages.some((m) => m?.includes('No country is called “Atlantis”'))).toBe(true);
  });

  it('covers every dimension in plain words', () => {
    const { value } = renderEditor();
    add('Regions', 'us-ca');
    add('Cities', 'Toronto');
    add('Metro areas (DMA codes)', '501');
    fireEvent.click(screen.getAllByRole('checkbox', { name: 'mobile' })[0]!);
    fireEvent.click(screen.getAllByRole('checkbox', { name: 'ios' })[0]!);
    fireEvent.click(screen.getAllByRole('checkbox', { name: 'safari' })[0]!);
    add('Languages', 'EN');
    add('Keywords: at least one of', 'sports, football');
    add('Keywords: all of', 'shoes');
    add('Keywords: none of', 'betting');
    add('Only on these domains or apps', 'www.News.example');
    add('Never on these domains or apps', 'bad.example');
    add('Only in content categories', 'iab17');
    add('Never in content categories', 'IAB25');
    fireEvent.click(screen.getAllByRole('checkbox', { name: 'Runners' })[0]!);
    fireEvent.click(screen.getAllByRole('checkbox', { name: 'Sidebar' })[0]!);
    const where = screen.getAllByRole('region', { name: 'Where' })[0]!;
    fireEvent.input(within(where).getByLabelText('Latitude'), { target: { value: '40.7' } });
    fireEvent.input(within(where).getByLabelText('Longitude'), { target: { value: '-74' } });
    fireEvent.input(within(where).getByLabelText('km'), { target: { value: '25' } });
    fireEvent.click(within(where).getByRole('button', { name: 'Add area' }));
    const content = screen.getAllByRole('region', { name: 'Content' })[0]!;
    fireEvent.input(within(content).getByLabelText('Key'), { target: { value: 'section' } });
    fireEvent.input(within(content).getByLabelText('Values'), { target: { value: 'sports, news' } });
    fireEvent.click(within(content).getByRole('button', { name: 'Add key' }));
    fireEvent.click(screen.getAllByRole('button', { name: 'Friday 22:00 to 23:00' })[0]!);
    fireEvent.click(screen.getAllByRole('button', { name: 'Friday 23:00 to 24:00' })[0]!);
    expect(value()).toEqual({
      geo: { regions: ['US-CA'], cities: ['Toronto'], metros: ['501'], radius: [{ lat: 40.7, lon: -74, km: 25 }] },
      deviceTypes: ['mobile'],
      os: ['ios'],
      browsers: ['safari'],
      languages: ['en'],
      keywords: { any: ['sports', 'football'], all: ['shoes'], none: ['betting'] },
      domains: { allow: ['news.example'], block: ['bad.example'] },
      categories: { allow: ['IAB17'], block: ['IAB25'] },
      keyValues: { section: ['sports', 'news'] },
      segments: { any: ['seg-1'] },
      placements: ['pl-1'],
      dayParts: [{ days: ['fri'], startHour: 22, endHour: 24 }],
    });
    expect(summary()).toContain('People in Runners');
    expect(summary()).toContain('Fri 22:00–24:00');
    expect(summary()).toContain('Key section is sports or news');
  });

  it('paints day-parts on the grid, merging days with the same hours, and moves with the arrow keys', () => {
    const { value } = renderEditor();
    for (const day of ['Monday', 'Tuesday']) {
      for (const hour of [9, 10]) fireEvent.click(screen.getAllByRole('button', { name: `${day} ${hour}:00 to ${hour + 1}:00` })[0]!);
    }
    expect(value().dayParts).toEqual([{ days: ['mon', 'tue'], startHour: 9, endHour: 11 }]);
    const cell = screen.getAllByRole('button', { name: 'Monday 9:00 to 10:00' })[0]!;
    expect(cell.getAttribute('aria-pressed')).toBe('true');
    expect(cell.tabIndex).toBe(-1);
    expect(screen.getAllByRole('button', { name: 'Tuesday 10:00 to 11:00' })[0]!.tabIndex).toBe(0);
    fireEvent.keyDown(screen.getAllByRole('button', { name: 'Tuesday 10:00 to 11:00' })[0]!, { key: 'ArrowDown' });
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Wednesday 10:00 to 11:00');
    fireEvent.click(screen.getAllByRole('button', { name: 'Toggle all of Sunday' })[0]!);
    expect(value().dayParts).toContainEqual({ days: ['sun'], startHour: 0, endHour: 24 });
    fireEvent.click(screen.getAllByRole('button', { name: 'Clear (any time)' })[0]!);
    expect(value().dayParts).toBeUndefined();
  });

  it('writes exclusions under exclude and says so', () => {
    const { value } = renderEditor();
    add('Countries', 'France', 1);
    fireEvent.click(screen.getAllByRole('checkbox', { name: 'windows' })[1]!);
    expect(value()).toEqual({ exclude: { geo: { countries: ['FR'] }, os: ['windows'] } });
    expect(summary()).toEqual(['Except in France', 'Except operating system windows']);
  });

  it('shows the server’s messages next to the section they name', () => {
    renderEditor(
      {},
      {
        errors: { 'targeting.segments.any[0]': 'is not a segment of this organization', 'targeting.exclude.geo.countries[0]': 'bad code' },
      },
    );
    const audience = screen.getAllByRole('region', { name: 'Audience and placements' })[0]!;
    expect(within(audience).getAllByRole('alert')[0]?.textContent).toBe('is not a segment of this organization');
    expect(screen.getAllByRole('alert').map((a) => a.textContent)).toContain('bad code');
  });
});
