export {
  type CompileIndexOptions,
  candidates,
  compileIndex,
  type DeliveryIndex,
  explain,
  indexBitsetBytes,
  type TargetingExplanation,
} from './delivery-index.js';
export * from './delivery-types.js';
export { distanceKm } from './geo-distance.js';
export { matchLineItem } from './index-fold.js';
export { type LocalTime, localTimeAt } from './local-time.js';
export { type CompiledTargeting, compileTargeting, matchTargeting, type TargetingResult } from './match-targeting.js';
export {
  DEFAULT_CTR_PPM,
  DEFAULT_CVR_PPM,
  ecpmMicros,
  impressionCostMicros,
  type RatePredictor,
  tierOfRank,
  tierRankOf,
} from './ranking.js';
export { type PreparedRequest, prepareRequest, type RequestContext } from './request-context.js';
