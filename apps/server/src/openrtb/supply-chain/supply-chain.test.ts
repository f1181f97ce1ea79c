import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adsTxtLines } from './ads-txt.js';
import { appendSchainNode } from './schain.js';
import { buildSellersJson } from './sellers-json.js';

const ours = { asi: 'ads.example.com', sid: 'pub-1', hp: 1 as const };

describe('appendSchainNode', () => {
  it('creates a complete chain with our node when the request has none, in both locations', () => {
    const out = appendSchainNode({ id: 'r1', imp: [] }, { ...ours, rid: 'r1' });
    const chain = { complete: 1, ver: '1.0', nodes: [{ asi: 'ads.example.com', sid: 'pub-1', hp: 1, rid: 'r1' }] };
    expect(out.source).toEqual({ schain: chain, ext: { schain: chain } });
  });

  it('appends to a 2.6 chain, keeping its completeness, version and earlier nodes', () => {
    const request = {
      id: 'r1',
      source: { tid: 't', schain: { complete: 0, ver: '1.0', nodes: [{ asi: 'ssp.example', sid: '9', hp: 1 }] } },
    };
    const out = appendSchainNode(request, ours, { locations: '2.6' });
    expect(out.source).toEqual({
      tid: 't',
      schain: {
        complete: 0,
        ver: '1.0',
        nodes: [
          { asi: 'ssp.example', sid: '9', hp: 1 },
          { asi: 'ads.example.com', sid: 'pub-1', hp: 1 },
        ],
      },
    });
    expect(request.source.schain.nodes).toHaveLength(1); // input untouched
  });

  it('reads a 2.5 chain from source.ext.schain and writes it back there too', () => {
    const request = { id: 'r', source: { ext: { schain: { complete: 1, ver: '1.0', nodes: [{ asi: 'pub.example', sid: '1', hp: 1 }] } } } };
    const out = appendSchainNode(request, ours, { locations: '2.6' });
    const source = out.source as unknown as { schain: { nodes: unknown[] }; ext: { schain: { nodes: unknown[] } } };
    expect(source.schain.nodes).toHaveLength(2);
    expect(source.ext.schain).toEqual(source.schain);
  });

  it('adds our node exactly once, whatever chain came in and however often it is applied', () => {
    const node = fc.record({ asi: fc.domain(), sid: fc.string({ minLength: 1, maxLength: 8 }), hp: fc.constant(1) });
    fc.assert(
      fc.property(fc.array(node, { maxLength: 5 }), fc.constantFrom(0, 1), (nodes, complete) => {
        const request = { id: 'r', source: { schain: { complete, ver: '1.0', nodes } } };
        const once = appendSchainNode(request, ours);
        const twice = appendSchainNode(once, ours);
        const chain = (twice.source as unknown as { schain: { nodes: Array<{ asi: string; sid: string }>; complete: number } }).schain;
        expect(chain.nodes.slice(0, nodes.length)).toEqual(nodes);
        expect(chain.nodes.at(-1)).toMatchObject({ asi: ours.asi, sid: ours.sid, hp: 1 });
        const last = nodes.at(-1);
        const expectedLength = last && last.asi === ours.asi && last.sid === ours.sid ? nodes.length : nodes.length + 1;
        expect(chain.nodes).toHaveLength(expectedLength);
        expect(chain.complete).toBe(complete);
      }),
    );
  });
});

describe('sellers.json and ads.txt', () => {
  const publishers = [
    { id: 'p2', name: 'Daily News', status: 'active', data: { sellerType: 'PUBLISHER' as const, domain: 'news.example' } },
    { id: 'p1', name: 'Network', status: 'paused', data: { sellerType: 'INTERMEDIARY' as const } },
    { id: 'p3', name: 'Gone', status: 'archived', data: {} },
  ];

  it('lists every publisher that is not archived, by id, with its seller type and domain', () => {
    expect(buildSellersJson(publishers, { contactEmail: 'ops@ads.example.com' })).toEqual({
      contact_email: 'ops@ads.example.com',
      version: '1.0',
      sellers: [
        { seller_id: 'p1', seller_type: 'INTERMEDIARY', name: 'Network' },
        { seller_id: 'p2', seller_type: 'PUBLISHER', name: 'Daily News', domain: 'news.example' },
      ],
    });
  });

  it('writes DIRECT lines for owners (with OWNERDOMAIN) and RESELLER lines for intermediaries', () => {
    const platform = { sellerDomain: 'ads.example.com', certificationAuthorityId: 'f08c47fec0942fa0' };
    expect(adsTxtLines({ id: 'p2', name: 'Daily News', sellerType: 'PUBLISHER', domain: 'news.example' }, platform).split('\n')).toEqual([
      '# Daily News: lines for the /ads.txt of each of your sites, to let ads.example.com sell your inventory',
      'ads.example.com, p2, DIRECT, f08c47fec0942fa0',
      'OWNERDOMAIN=news.example',
      '',
    ]);
    const reseller = adsTxtLines({ id: 'p1', name: 'Net\nwork', sellerType: 'INTERMEDIARY' }, { sellerDomain: 'ads.example.com' });
    expect(reseller).toBe(
      '# Net work: lines for the /ads.txt of each of your sites, to let ads.example.com sell your inventory\nads.example.com, p1, RESELLER\n',
    );
  });
});
