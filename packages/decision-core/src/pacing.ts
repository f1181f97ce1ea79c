import type { DeliveryBudget, DeliveryFlight } from './delivery-types.js';
import { localDayAt } from './local-time.js';

/**
 * Even pacing: spend follows a straight line from 0 at the start of the period to the budget at its
 * end. A daily budget's period is the local day in the item's zone (cut to the flight when the flight
 * starts or ends that day); a total budget's is the flight, so an open-ended flight cannot pace its
 * total evenly and only its daily budgets pace. When spend is at or behind the line the item serves;
 * ahead of it, it serves with a probability falling linearly from 1 to 0 over the tolerance
 * (`PACING_TOLERANCE_PPM` of the period's budget), so spend stays within the tolerance of the line
 * (plus one impression's cost) and reaches the budget at the end of the period. `asap` always serves.
 */
export const PACING_TOLERANCE_PPM = 20_000n;

export interface PacingInput {
  readonly pacing: 'even' | 'asap' | undefined;
  readonly budgets: readonly DeliveryBudget[] | undefined;
  /** Spend so far on a budget, micros (the caller maps the budget to its counter key, `budgetKey`). */
  spent(budget: DeliveryBudget): bigint;
  readonly flight: DeliveryFlight | undefined;
  readonly nowMs: number;
  /** The line item's IANA zone; `UTC` when absent. */
  readonly timezone: string | undefined;
}

/** The span a budget paces over at `nowMs`, or undefined when it cannot pace evenly (open-ended total, outside the flight). */
export function pacingPeriod(input: Omit<PacingInput, 'spent' | 'budgets' | 'pacing'>, budget: DeliveryBudget) {
  const { flight, nowMs } = input;
  let startMs = flight?.startMs ?? Number.NEGATIVE_INFINITY;
  let endMs = flight?.endMs ?? Number.POSITIVE_INFINITY;
  if (budget.period === 'daily') {
    const day = localDayAt(nowMs, input.timezone ?? 'UTC');
    startMs = Math.max(startMs, day.startMs);
    endMs = Math.min(endMs, day.endMs);
  }
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || nowMs < startMs || nowMs >= endMs) return undefined;
  return { startMs, endMs };
}

/** The target spend of a budget at `nowMs`: the budget × the elapsed share of its period, rounded down. */
export function pacingTargetMicros(limitMicros: bigint, period: { startMs: number; endMs: number }, nowMs: number): bigint {
  return (limitMicros * BigInt(Math.trunc(nowMs - period.startMs))) / BigInt(Math.trunc(period.endMs - period.startMs));
}

/** The probability (0..1) of serving now; the lowest over the item's budgets. Not money: a throttle. */
export function pacingServeProbability(input: PacingInput): number {
  if (input.pacing !== 'even' || input.budgets === undefined) return 1;
  let probability = 1;
  for (const budget of input.budgets) {
    const period = pacingPeriod(input, budget);
    if (period === undefined) continue;
    const ahead = input.spent(budget) - pacingTargetMicros(budget.limitMicros, period, input.nowMs);
    if (ahead <= 0n) continue;
    const toleranceMicros = (budget.limitMicros * PACING_TOLERANCE_PPM) / 1_000_000n;
    if (ahead >= toleranceMicros) return 0;
    probability = Math.min(probability, 1 - Number(ahead) / Number(toleranceMicros));
  }
  return probability;
}

/** Even pacing's throttle as a yes/no: draws from `random` only when the answer is not certain. */
export function pacingAllows(input: PacingInput, random: () => number): boolean {
  const probability = pacingServeProbability(input);
  return probability >= 1 || (probability > 0 && random() < probability);
}
