import { createSignal } from 'solid-js';
import { ApiError } from './api.js';
import { queryClient } from './query.js';

/**
 * A form's submit: runs the call, and on a problem+json answer keeps the
 * field messages (`errors()['pricing.bidMicros']`) and the overall error.
 * Local checks can add field messages with `fail` before any call is made.
 */
export function createSubmit<T>(run: () => Promise<T>, options: { invalidate?: string[]; onDone?: (result: T) => void } = {}) {
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [error, setError] = createSignal<unknown>(null);
  const [busy, setBusy] = createSignal(false);
  const submit = async (event?: Event) => {
    event?.preventDefault();
    if (busy()) return;
    setBusy(true);
    setError(null);
    setErrors({});
    try {
      const result = await run();
      for (const key of options.invalidate ?? []) await queryClient.invalidateQueries({ queryKey: [key] });
      options.onDone?.(result);
    } catch (caught) {
      setError(caught);
      if (caught instanceof ApiError) setErrors(caught.fields);
    } finally {
      setBusy(false);
    }
  };
  return { errors, error, busy, submit, setErrors };
}

/** Thrown by local checks: shown like the server's field messages. */
export function fieldError(fields: Record<string, string>): ApiError {
  return new ApiError(
    400,
    'VALIDATION_FAILED',
    'Please fix the fields marked below.',
    Object.entries(fields).map(([path, message]) => ({ path, message })),
  );
}

/** The first message at or under a field path (`frequencyCaps` finds `frequencyCaps[0].count`). */
export function errorUnder(errors: Record<string, string>, prefix: string): string | undefined {
  for (const [path, message] of Object.entries(errors)) {
    if (path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`)) return message;
  }
  return undefined;
}
