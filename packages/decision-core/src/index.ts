export { type FloorQuery, resolveFloor } from './applied-floor.js';
export {
  type AuctionBid,
  type AuctionOptions,
  type AuctionOutcome,
  type AuctionType,
  clearingPriceMicros,
  runAuction,
  SECOND_PRICE_INCREMENT_MICROS,
} from './auction.js';
export { type BlocklistIndex, categoryKeys, compileBlocklists, type RequestBlocks, requestBlocks } from './blocklists.js';
export { budgetKey } from './budget-keys.js';
export { chooseCreative, fitsPlacement, type PlacementFit, placementFit } from './creative-fit.js';
export { decide } from './decide.js';
export * from './decide-types.js';
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
export { type AppliedFloor, compileFloorRules, type FloorTable } from './floor-rules.js';
export { distanceKm } from './geo-distance.js';
export { matchLineItem } from './index-fold.js';
export { type LocalDay, type LocalTime, localDayAt, localTimeAt } from './local-time.js';
export { type CompiledTargeting, compileTargeting, matchTargeting, type TargetingResult } from './match-targeting.js';
export {
  PACING_TOLERANCE_PPM,
  type PacingInput,
  pacingAllows,
  pacingPeriod,
  pacingServeProbability,
  pacingTargetMicros,
} from './pacing.js';
export {
  DEFAULT_CTR_PPM,
  DEFAULT_CVR_PPM,
  ecpmMicros,
  impressionCostMicros,
  type RatePredictor,
  tierOfRank,
  tierRankOf,
} from './ranking.js';
export { type PreparedRequest, prepareContext, prepareRequest, type RequestContext } from './request-context.js';
export { seededRandom } from './seeded-random.js';
