import { cleanup, fireEvent, render, screen } from '@solidjs/testing-library';
import fc from 'fast-check';
import { createSignal } from 'solid-js';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_MICROS, microsToInput } from '../lib/money.js';
import { MoneyInput, type MoneyValue, moneyValue } from './money-input.js';

function renderMoney(props: { optional?: boolean; error?: string; initial?: number } = {}) {
  const [value, setValue] = createSignal<MoneyValue>(moneyValue(props.initial ?? null));
  render(() => (
    <MoneyInput
      label="Daily budget"
      currency="EUR"
      value={value()}
      onChange={setValue}
      optional={props.optional ?? false}
      error={props.error}
    />
  ));
  return { value, input: screen.getByLabelText('Daily budget (EUR)') as HTMLInputElement };
}

afterEach(cleanup);

describe('MoneyInput', () => {
  it('hands the form exact micros for an amount typed in currency units', () => {
    const { value, input } = renderMoney();
    fireEvent.input(input, { target: { value: '1,234.56' } });
    expect(value()).toEqual({ micros: 1_234_560_000n, error: null });
    fireEvent.input(input, { target: { value: '0.000001' } });
    expect(value()).toEqual({ micros: 1n, error: null });
  });

  it('shows the initial amount in units and keeps what is typed as typed', () => {
    const { input } = renderMoney({ initial: 12_500_000 });
    expect(input.value).toBe('12.5');
    fireEvent.input(input, { target: { value: '12.50' } });
    expect(input.value).toBe('12.50');
  });

  it('explains a bad amount next to the field once the user leaves it, and marks it invalid', () => {
    const { value, input } = renderMoney();
    fireEvent.input(input, { target: { value: '12.3456789' } });
    expect(value().micros).toBeNull();
    expect(value().error).toBe('Use at most 6 decimal places');
    expect(screen.queryByRole('alert')).toBeNull();
    fireEvent.blur(input);
    expect(screen.getByRole('alert').textContent).toBe('Use at most 6 decimal places');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toBe(screen.getByRole('alert').id);
  });

  it('lets an optional amount be empty (no limit) but requires a required one', () => {
    const optional = renderMoney({ optional: true });
    fireEvent.input(optional.input, { target: { value: '5' } });
    fireEvent.input(optional.input, { target: { value: '' } });
    expect(optional.value()).toEqual({ micros: null, error: null });
    cleanup();
    const required = renderMoney();
    fireEvent.input(required.input, { target: { value: ' ' } });
    expect(required.value()).toEqual({ micros: null, error: 'Enter an amount' });
  });

  it('shows the message the server sent for the field', () => {
    renderMoney({ error: 'must be >= 1' });
    expect(screen.getByRole('alert').textContent).toBe('must be >= 1');
  });

  it('turns whatever amount it displays back into the same micros', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_MICROS }), (micros) => {
        const { value, input } = renderMoney();
        fireEvent.input(input, { target: { value: microsToInput(micros) } });
        const result = value();
        cleanup();
        expect(result).toEqual({ micros, error: null });
      }),
      { numRuns: 50 },
    );
  });
});
