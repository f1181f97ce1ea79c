import Type from 'typebox';
import { TRACKING_EVENT_TYPES } from './tracking-events.js';

// Tokens are ~250 characters; the cap only bounds the work a hostile one costs.
const Token = Type.String({ minLength: 1, maxLength: 512, description: 'The signed tracking token of the ad.' });

// Query strings allow unknown parameters: publishers and ad tags append cache-busters (`&cb=…`).
export const ImpressionQuery = Type.Object({
  t: Token,
  r: Type.Optional(Type.Literal('204', { description: '`204` answers No Content instead of the 1×1 GIF.' })),
  cp: Type.Optional(
    Type.String({
      maxLength: 64,
      description:
        'The clearing price (CPM, a plain decimal) an exchange substituted for its AUCTION_PRICE macro in our bid’s billing notice: a CPM impression then costs that share of its signed price, never more. Anything else (an encrypted price, the macro itself) is counted at the signed price.',
    }),
  ),
});

export const ClickQuery = Type.Object({ t: Token });

export const EventQuery = Type.Object({
  t: Token,
  type: Type.Enum([...TRACKING_EVENT_TYPES], { description: 'What happened.' }),
  valueMicros: Type.Optional(
    Type.String({
      pattern: '^[0-9]{1,15}$',
      description: 'A conversion’s value in integer micros of the advertiser’s currency (conversions only).',
    }),
  ),
});

export const ConversionQuery = Type.Object({
  click_id: { ...Token, description: 'The `{CLICK_ID}` the landing URL received.' },
  value: Type.Optional(
    Type.String({ pattern: '^[0-9]{1,15}$', description: 'The conversion’s value in integer micros of the advertiser’s currency.' }),
  ),
});
