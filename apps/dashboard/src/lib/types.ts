import type { Targeting } from './targeting.js';

interface Resource {
  id: string;
  name: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}
export type FlightStatus = 'draft' | 'active' | 'paused' | 'completed' | 'archived';
export const FLIGHT_STATUSES: FlightStatus[] = ['draft', 'active', 'paused', 'completed', 'archived'];
export const ACCOUNT_STATUSES = ['active', 'paused', 'archived'] as const;

export interface Advertiser extends Resource {
  status: 'active' | 'paused' | 'archived';
  currency: string;
  contact: { name?: string; email?: string; phone?: string };
  /** Lower-case host names, sent as OpenRTB `adomain`. */
  domains?: string[];
}
export interface FrequencyCap {
  count: number;
  window: { unit: 'minute' | 'hour' | 'day' | 'week' | 'month' | 'lifetime'; size?: number };
}
export interface Campaign extends Resource {
  status: FlightStatus;
  advertiserId: string;
  startsAt: string;
  endsAt: string | null;
  totalBudgetMicros: number | null;
  dailyBudgetMicros: number | null;
  pacing: 'even' | 'asap';
  frequencyCaps: FrequencyCap[];
  timezone: string;
  targeting: Targeting;
}
export interface LineItem extends Resource {
  status: FlightStatus;
  campaignId: string;
  advertiserId: string;
  priority: 'sponsorship' | 'standard' | 'price' | 'house';
  pricing: { model: 'cpm' | 'cpc' | 'cpa'; bidMicros: number };
  startsAt: string | null;
  endsAt: string | null;
  totalBudgetMicros: number | null;
  dailyBudgetMicros: number | null;
  pacing: 'even' | 'asap';
  frequencyCaps: FrequencyCap[];
  targeting: Targeting;
  creatives: { creativeId: string; weight: number; experimentId?: string }[];
}
export interface Asset {
  url: string;
  contentType: string;
  bytes: number;
  width: number;
  height: number;
}
export interface Creative extends Resource {
  status: 'pending' | 'approved' | 'rejected' | 'archived';
  advertiserId: string;
  format: 'image' | 'html' | 'native' | 'video';
  width?: number;
  height?: number;
  clickUrl: string;
  rejectionReason?: string;
  assets?: { original: Asset; webp: Asset };
  html?: string;
  native?: { title: string; imageUrl: string; sponsor: string; callToAction?: string };
  video?: { durationSeconds: number; vastTagUrl?: string };
  /** IAB content categories, sent as OpenRTB `cat`. */
  categories?: string[];
  lineItemIds?: string[];
}
export interface Publisher extends Resource {
  status: 'active' | 'paused' | 'archived';
  domain?: string;
  sellerType?: string;
  contact: { name?: string; email?: string };
  floorRules?: FloorRule[];
}
export interface Site extends Resource {
  status: 'active' | 'paused' | 'archived';
  publisherId: string;
  type: 'site' | 'app';
  domain?: string;
  bundleId?: string;
  categories: string[];
}
export interface Placement extends Resource {
  status: 'active' | 'paused' | 'archived';
  siteId: string;
  publisherId: string;
  formats: ('image' | 'html' | 'native' | 'video')[];
  sizes: { width: number; height: number }[];
  floorMicros: number;
  fallback: { type: 'none' | 'house' | 'passback' };
  floorRules?: FloorRule[];
}
/** A floor where a request and an ad match every condition given (sizes as `300x250`). */
export interface FloorRule {
  country?: string[];
  deviceType?: string[];
  size?: string[];
  floorMicros: number;
}
export interface Segment extends Resource {
  status: 'active' | 'archived';
  memberCount: number;
  membersUpdatedAt: string | null;
}
