import { cleanup, fireEvent, render, screen } from '@solidjs/testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FloorRule } from '../lib/types.js';
import { describeFloorRule, FloorRulesEditor } from './floor-rules-editor.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function show(rules: FloorRule[], canWrite = true, answer: () => Response = () => Response.json({})) {
  const patches: unknown[] = [];
  vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
    patches.push(JSON.parse(String(init.body)));
    return answer();
  });
  render(() => <FloorRulesEditor path="/api/v1/placements/p1" rules={rules} hint="Floors." invalidate={[]} canWrite={canWrite} />);
  return patches;
}

const type = (label: string, value: string) => {
  const input = screen.getByLabelText(label);
  fireEvent.input(input, { target: { value } });
  fireEvent.keyDown(input, { key: 'Enter' });
};

describe('FloorRulesEditor', () => {
  it('saves a new rule with its conditions and its floor in integer micros', async () => {
    const patches = show([]);
    fireEvent.click(screen.getByRole('button', { name: 'Add a rule' }));
    type('Countries (any when empty)', 'Germany');
    fireEvent.click(screen.getByRole('checkbox', { name: 'desktop' }));
    type('Ad sizes (any when empty)', '300 x 250');
    fireEvent.input(screen.getByLabelText('Floor per 1,000 impressions (CPM)'), { target: { value: '2.01' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save floor rules' }));
    await screen.findByText('Saved.');
    expect(patches).toEqual([{ floorRules: [{ country: ['DE'], deviceType: ['desktop'], size: ['300x250'], floorMicros: 2_010_000 }] }]);
  });

  it('keeps the other rules as they were when one is removed, and sends no condition left empty', async () => {
    const patches = show([
      { country: ['US'], floorMicros: 500_000 },
      { size: ['728x90'], floorMicros: 1_000_000 },
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Remove rule 1' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save floor rules' }));
    await screen.findByText('Saved.');
    expect(patches).toEqual([{ floorRules: [{ size: ['728x90'], floorMicros: 1_000_000 }] }]);
  });

  it('asks for a missing floor before sending anything', async () => {
    const patches = show([]);
    fireEvent.click(screen.getByRole('button', { name: 'Add a rule' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save floor rules' }));
    expect(await screen.findByText('Enter the floor of this rule')).toBeTruthy();
    expect(patches).toEqual([]);
  });

  it("shows the API's message next to the condition it names", async () => {
    const problem = {
      code: 'VALIDATION_FAILED',
      detail: 'Invalid',
      errors: [{ path: 'body.floorRules[0].size[0]', message: 'must be at most 10000x10000' }],
    };
    show([{ size: ['20000x50'], floorMicros: 1 }], true, () => Response.json(problem, { status: 400 }));
    fireEvent.click(screen.getByRole('button', { name: 'Save floor rules' }));
    expect(await screen.findByText('must be at most 10000x10000')).toBeTruthy();
  });

  it('lists the rules in words, with nothing to edit, for a role that may not write', () => {
    show([{ country: ['DE', 'AT'], deviceType: ['mobile'], floorMicros: 1_500_000 }, { floorMicros: 250_000 }], false);
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      describeFloorRule({ country: ['DE', 'AT'], deviceType: ['mobile'], floorMicros: 1_500_000 }),
      'Any request: 0.25 CPM',
    ]);
    expect(screen.getByText(/, mobile: 1\.50 CPM$/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Save floor rules' })).toBeNull();
  });
});
