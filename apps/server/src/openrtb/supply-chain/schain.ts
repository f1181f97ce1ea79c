/**
 * The SupplyChain object (IAB "SupplyChain Object" 1.0) passed on with our
 * node appended. OpenRTB 2.6 carries it in `source.schain`; 2.5 in
 * `source.ext.schain`. Pure: returns a new request, the input is not touched.
 */
export interface SchainNode {
  /** Canonical domain of the advertising system (ours: the configured seller domain). */
  asi: string;
  /** Seller id in that system's sellers.json (ours: the publisher id). */
  sid: string;
  /** 1: this node is paid for the inventory (always, for an exchange that resells). */
  hp: 1;
  /** The request id this node issued. */
  rid?: string;
}

export interface SupplyChain {
  complete: 0 | 1;
  ver: string;
  nodes: Array<Record<string, unknown>>;
  ext?: unknown;
}

export interface AppendOptions {
  /**
   * `both` (default): the chain ends up in `source.schain` and `source.ext.schain`, so
   * 2.5 and 2.6 bidders both read it; `2.6`: `source.schain` only.
   */
  locations?: 'both' | '2.6';
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The request with our node at the end of its chain. An existing chain (2.6
 * location first, else 2.5's) keeps its `complete`, `ver` and nodes; without
 * one, a chain is created with our node as the only one and `complete: 1`
 * (the publisher sells to us directly). Appending twice adds our node once.
 */
export function appendSchainNode<T extends Json>(request: T, node: SchainNode, options: AppendOptions = {}): T & { source: Json } {
  const source = isObject(request.source) ? request.source : {};
  const sourceExt = isObject(source.ext) ? source.ext : undefined;
  const existing = readChain(source.schain) ?? readChain(sourceExt?.schain);
  const ours: Json = { asi: node.asi, sid: node.sid, hp: 1, ...(node.rid === undefined ? {} : { rid: node.rid }) };
  const nodes = existing ? [...existing.nodes] : [];
  const last = nodes.at(-1);
  if (!(last && last.asi === node.asi && last.sid === node.sid)) nodes.push(ours);
  const chain: SupplyChain = existing ? { ...existing, nodes } : { complete: 1, ver: '1.0', nodes };
  const writeExt = (options.locations ?? 'both') === 'both' || sourceExt?.schain !== undefined;
  const nextSource: Json = { ...source, schain: chain };
  if (writeExt) nextSource.ext = { ...sourceExt, schain: chain };
  return { ...request, source: nextSource };
}

function readChain(value: unknown): SupplyChain | undefined {
  if (!isObject(value)) return undefined;
  const nodes = Array.isArray(value.nodes) ? value.nodes.filter(isObject) : [];
  return {
    ...value,
    complete: value.complete === 1 ? 1 : 0,
    ver: typeof value.ver === 'string' ? value.ver : '1.0',
    nodes,
  };
}
