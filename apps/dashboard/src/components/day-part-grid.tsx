import { createSignal, For, Index } from 'solid-js';
import { type DayPart, dayPartsToGrid, gridToDayParts, WEEKDAY_NAMES, WEEKDAYS } from '../lib/targeting.js';

/**
 * Seven days × 24 hours: each cell says whether ads may show in that hour (in
 * the campaign's time zone). One tab stop; arrow keys move, Space or Enter
 * toggles; the day and hour headers toggle a whole row or column.
 */
export function DayPartGrid(props: {
  value: readonly DayPart[] | undefined;
  onChange: (parts: DayPart[]) => void;
  error?: string | undefined;
}) {
  const grid = () => dayPartsToGrid(props.value);
  const [focus, setFocus] = createSignal(0);
  let table: HTMLTableElement | undefined;
  const write = (mutate: (g: boolean[][]) => void) => {
    const next = grid().map((row) => [...row]);
    mutate(next);
    props.onChange(gridToDayParts(next));
  };
  const toggle = (d: number, h: number) =>
    write((g) => {
      const row = g[d];
      if (row) row[h] = !row[h];
    });
  const move = (event: KeyboardEvent, d: number, h: number) => {
    const moves: Record<string, [number, number]> = { ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowDown: [1, 0], ArrowUp: [-1, 0] };
    const delta = moves[event.key];
    if (!delta) return;
    event.preventDefault();
    const nd = Math.max(0, Math.min(6, d + delta[0]));
    const nh = Math.max(0, Math.min(23, h + delta[1]));
    setFocus(nd * 24 + nh);
    table?.querySelector<HTMLButtonElement>(`[data-cell="${nd * 24 + nh}"]`)?.focus();
  };
  const summary = () => {
    const parts = props.value ?? [];
    return parts.length === 0 ? 'Any time (no hours chosen means no restriction)' : `${parts.length} time window(s) chosen`;
  };
  return (
    <fieldset class="dayparts" classList={{ invalid: Boolean(props.error) }}>
      <legend>Days and hours</legend>
      <p class="hint">{summary()}</p>
      <div class="scroll-x">
        <table ref={table} class="grid">
          <thead>
            <tr>
              <th scope="col">
                <span class="sr-only">Day</span>
              </th>
              <Index each={Array.from({ length: 24 })}>
                {(_, h) => (
                  <th scope="col">
                    <button
                      type="button"
                      class="hour-head"
                      tabIndex={-1}
                      aria-label={`Toggle ${h}:00 on every day`}
                      onClick={() =>
                        write((g) => {
                          const on = !g.every((row) => row[h]);
                          for (const row of g) row[h] = on;
                        })
                      }
                    >
                      {h}
                    </button>
                  </th>
                )}
              </Index>
            </tr>
          </thead>
          <tbody>
            <For each={WEEKDAYS}>
              {(day, d) => (
                <tr>
                  <th scope="row">
                    <button
                      type="button"
                      class="day-head"
                      tabIndex={-1}
                      aria-label={`Toggle all of ${WEEKDAY_NAMES[day]}`}
                      onClick={() =>
                        write((g) => {
                          const row = g[d()] ?? [];
                          const on = !row.every(Boolean);
                          row.fill(on);
                        })
                      }
                    >
                      {WEEKDAY_NAMES[day].slice(0, 3)}
                    </button>
                  </th>
                  <Index each={Array.from({ length: 24 })}>
                    {(_, h) => {
                      const index = () => d() * 24 + h;
                      return (
                        <td>
                          <button
                            type="button"
                            class="cell"
                            data-cell={index()}
                            tabIndex={focus() === index() ? 0 : -1}
                            aria-pressed={grid()[d()]?.[h] ? 'true' : 'false'}
                            aria-label={`${WEEKDAY_NAMES[day]} ${h}:00 to ${h + 1}:00`}
                            onClick={() => {
                              setFocus(index());
                              toggle(d(), h);
                            }}
                            onKeyDown={(event) => move(event, d(), h)}
                          />
                        </td>
                      );
                    }}
                  </Index>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
      <div class="inline">
        <button
          type="button"
          class="link"
          onClick={() => props.onChange([{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], startHour: 9, endHour: 17 }])}
        >
          Weekdays 9–17
        </button>
        <button type="button" class="link" onClick={() => props.onChange([])}>
          Clear (any time)
        </button>
      </div>
      {props.error ? (
        <small class="error" role="alert">
          {props.error}
        </small>
      ) : null}
    </fieldset>
  );
}
