import { AppError, type FieldIssue, invalidField } from '@adplatform/domain';
import type { BudgetAndFlight, DeliveryStatus, FrequencyCap } from './delivery.schemas.js';

/**
 * Who may go where. `archived` is terminal; `completed` may reopen (to active
 * or paused) only once its flight has been extended past now.
 */
export const STATUS_TRANSITIONS: Readonly<Record<DeliveryStatus, readonly DeliveryStatus[]>> = {
  draft: ['active', 'archived'],
  active: ['paused', 'completed', 'archived'],
  paused: ['active', 'completed', 'archived'],
  completed: ['active', 'paused', 'archived'],
  archived: [],
};

/** A refusal that depends on the resource's current state: 409, naming the field. */
export const conflictAt = (path: string, message: string): AppError =>
  new AppError('CONFLICT', `${path} ${message}`, { issues: [{ path, message }] });

export function checkTransition(from: DeliveryStatus, to: DeliveryStatus): void {
  if (from === to) return;
  if (!STATUS_TRANSITIONS[from].includes(to)) {
    const allowed = STATUS_TRANSITIONS[from];
    throw conflictAt('body.status', `cannot change from ${from} to ${to} (allowed: ${allowed.length ? allowed.join(', ') : 'none'})`);
  }
}

/** Going live (active or paused) needs a flight that has not ended. */
export function checkNotEnded(to: DeliveryStatus, endsAt: string | null, now: Date): void {
  if ((to === 'active' || to === 'paused') && endsAt !== null && Date.parse(endsAt) <= now.getTime()) {
    throw conflictAt('body.status', `cannot be ${to}: the flight ended at ${endsAt}; move endsAt first`);
  }
}

/**
 * Dates ordered, daily budget within the total. `changed` holds the fields the
 * request sent, so the error names the field the caller touched.
 */
export function checkBudgetAndFlight(value: BudgetAndFlight, changed: ReadonlySet<string>): void {
  if (value.startsAt !== null && value.endsAt !== null && Date.parse(value.endsAt) <= Date.parse(value.startsAt)) {
    const path = changed.has('endsAt') || !changed.has('startsAt') ? 'body.endsAt' : 'body.startsAt';
    throw invalidField(path, path === 'body.endsAt' ? 'must be after startsAt' : 'must be before endsAt');
  }
  if (value.totalBudgetMicros !== null && value.dailyBudgetMicros !== null && value.dailyBudgetMicros > value.totalBudgetMicros) {
    const path =
      changed.has('dailyBudgetMicros') || !changed.has('totalBudgetMicros') ? 'body.dailyBudgetMicros' : 'body.totalBudgetMicros';
    throw invalidField(
      path,
      path === 'body.dailyBudgetMicros' ? 'cannot exceed totalBudgetMicros' : 'cannot be less than dailyBudgetMicros',
    );
  }
}

/** A lifetime cap has no window size. */
export function checkFrequencyCaps(caps: readonly FrequencyCap[] | undefined): void {
  const issues: FieldIssue[] = (caps ?? []).flatMap((cap, i) =>
    cap.window.unit === 'lifetime' && cap.window.size !== undefined
      ? [{ path: `body.frequencyCaps[${i}].window.size`, message: 'is not allowed with a lifetime window' }]
      : [],
  );
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', issues.map((i) => `${i.path} ${i.message}`).join('; '), { issues });
}

/** ISO strings in UTC, whatever offset the caller used; null stays null. */
export const toUtc = (instant: string | null | undefined): string | null =>
  instant === null || instant === undefined ? null : new Date(instant).toISOString();
