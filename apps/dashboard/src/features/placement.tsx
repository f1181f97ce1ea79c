import { useParams } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { FloorRulesEditor } from '../components/floor-rules-editor.js';
import { ResourceDetail } from '../components/resource-detail.js';
import { CopyButton } from '../components/ui.js';
import { formatMoney } from '../lib/money.js';
import { can } from '../lib/session.js';
import type { Placement } from '../lib/types.js';

export function adTagSnippet(origin: string, placementId: string): string {
  return `<div data-placement="${placementId}"></div>\n<script async src="${origin}/v1/ad.js"></script>`;
}

export default function PlacementPage() {
  const params = useParams();
  const [previewKey, setPreviewKey] = createSignal(0);
  const [showPreview, setShowPreview] = createSignal(false);
  const origin = location.origin;
  return (
    <ResourceDetail<Placement>
      path="/api/v1/placements"
      id={params.id ?? ''}
      crumbs={(p) => [
        { href: '/publishers', label: 'Publishers' },
        { href: `/sites/${p.siteId}`, label: 'Site' },
      ]}
      statusWrite="publisherWrite"
    >
      {(p) => {
        const size = () => p().sizes[0] ?? { width: 300, height: 250 };
        const iframe = () =>
          `<iframe src="${origin}/v1/ad/${p().id}" width="${size().width}" height="${size().height}" style="border:0" scrolling="no" title="Advertisement"></iframe>`;
        return (
          <>
            <p class="muted">
              Formats {p().formats.join(', ')} · sizes{' '}
              {p()
                .sizes.map((z) => `${z.width}×${z.height}`)
                .join(', ') || 'any'}{' '}
              · floor {formatMoney(p().floorMicros)} CPM
            </p>
            <FloorRulesEditor
              path={`/api/v1/placements/${p().id}`}
              rules={p().floorRules}
              hint="Floors by country, device type and ad size. Of the rules that match a request and an ad, the one with the most conditions wins (ties: the first listed); the floor is the highest of the placement's floor, the request's own and that rule's. These come before the publisher's rules."
              invalidate={['/api/v1/placements']}
              canWrite={can('publisherWrite')}
            />
            <section class="card stack" aria-label="Ad tag">
              <h2>Ad tag</h2>
              <p>Put this where the ad should appear (the script once per page):</p>
              <pre class="code">
                <code>{adTagSnippet(origin, p().id)}</code>
              </pre>
              <div>
                <CopyButton text={adTagSnippet(origin, p().id)} label="Copy ad tag" />
              </div>
              <p>Or, where scripts cannot run, an iframe:</p>
              <pre class="code">
                <code>{iframe()}</code>
              </pre>
              <div>
                <CopyButton text={iframe()} label="Copy iframe tag" />
              </div>
            </section>
            <section class="card stack" aria-label="Live preview">
              <h2>Live preview</h2>
              <p class="muted">
                What this placement would serve right now, from the live delivery index. A preview is a real ad request: its impression is
                counted.
              </p>
              <div class="inline">
                <button
                  type="button"
                  onClick={() => {
                    setShowPreview(true);
                    setPreviewKey(previewKey() + 1);
                  }}
                >
                  {showPreview() ? 'Reload preview' : 'Show preview'}
                </button>
              </div>
              <Show when={showPreview()}>
                <Show when={previewKey()} keyed>
                  {(key) => (
                    <iframe
                      class="preview real-size"
                      title="Live preview of the placement"
                      data-load={key}
                      src={`/v1/ad/${p().id}`}
                      width={size().width}
                      height={size().height}
                    />
                  )}
                </Show>
              </Show>
            </section>
          </>
        );
      }}
    </ResourceDetail>
  );
}
