/**
 * The ads.txt lines (IAB Tech Lab ads.txt 1.1) a publisher puts in the
 * `/ads.txt` of each of its sites to authorize this platform to sell its
 * inventory: `<our domain>, <its seller id>, DIRECT|RESELLER[, <cert. authority id>]`.
 * DIRECT when it is the owner of the inventory (seller type PUBLISHER or BOTH),
 * RESELLER when it is an intermediary. The seller id is the publisher id, the
 * one our sellers.json lists and our schain node carries, so a buyer can walk
 * ads.txt → sellers.json → schain and find the same seller. With a business
 * domain set, an `OWNERDOMAIN=` line (ads.txt 1.1) is suggested too.
 */
export interface AdsTxtPublisher {
  id: string;
  name: string;
  sellerType?: 'PUBLISHER' | 'INTERMEDIARY' | 'BOTH' | undefined;
  domain?: string | undefined;
}

export interface AdsTxtPlatform {
  /** The platform's advertising-system domain (the `asi` of our schain node). */
  sellerDomain: string;
  /** TAG-ID or other certification authority id of the platform, when it has one. */
  certificationAuthorityId?: string | undefined;
}

export function adsTxtLines(publisher: AdsTxtPublisher, platform: AdsTxtPlatform): string {
  const relationship = publisher.sellerType === 'INTERMEDIARY' ? 'RESELLER' : 'DIRECT';
  const fields = [platform.sellerDomain, publisher.id, relationship];
  if (platform.certificationAuthorityId) fields.push(platform.certificationAuthorityId);
  // Comments must stay on one line: names are the publisher's own text.
  const name = publisher.name.replace(/[\r\n]+/g, ' ');
  const lines = [`# ${name}: lines for the /ads.txt of each of your sites, to let ${platform.sellerDomain} sell your inventory`];
  lines.push(fields.join(', '));
  if (publisher.domain && relationship === 'DIRECT') lines.push(`OWNERDOMAIN=${publisher.domain}`);
  return `${lines.join('\n')}\n`;
}
