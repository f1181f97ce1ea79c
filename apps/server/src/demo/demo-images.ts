import sharp from 'sharp';

/** What a generated demo banner says and how it looks. */
export interface BannerDesign {
  brand: string;
  headline: string;
  cta: string;
  colors: { from: string; to: string; accent: string };
}

const FONT = "DejaVu Sans, 'Helvetica Neue', Arial, sans-serif";

const escapeXml = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

interface Layout {
  /** Brand line, headline and button: x, y (baseline) and font size. */
  brand: { x: number; y: number; size: number; anchor: string };
  headline: { x: number; y: number; size: number; anchor: string };
  button: { x: number; y: number; width: number; height: number; size: number };
}

/** Stacked for boxes (300×250), one row for strips (728×90, 320×50). */
function layoutFor(width: number, height: number, cta: string): Layout {
  const ratio = width / height;
  if (ratio < 2) {
    const buttonWidth = Math.min(width - 40, 24 + cta.length * 10);
    return {
      brand: { x: width / 2, y: height * 0.3, size: Math.round(height * 0.1), anchor: 'middle' },
      headline: { x: width / 2, y: height * 0.5, size: Math.round(height * 0.072), anchor: 'middle' },
      button: {
        x: (width - buttonWidth) / 2,
        y: height * 0.66,
        width: buttonWidth,
        height: height * 0.14,
        size: Math.round(height * 0.06),
      },
    };
  }
  const buttonHeight = Math.round(height * 0.5);
  const size = Math.round(height * 0.2);
  const buttonWidth = Math.round(cta.length * size * 0.7 + height * 0.5);
  return {
    brand: { x: height * 0.3, y: height * 0.42, size: Math.round(height * 0.24), anchor: 'start' },
    headline: { x: height * 0.3, y: height * 0.8, size: Math.round(height * 0.2), anchor: 'start' },
    button: { x: width - buttonWidth - height * 0.3, y: (height - buttonHeight) / 2, width: buttonWidth, height: buttonHeight, size },
  };
}

/** An SVG of the banner: gradient, brand, headline, a call-to-action button and a "DEMO" badge. */
export function bannerSvg(width: number, height: number, design: BannerDesign): string {
  const { brand, headline, button } = layoutFor(width, height, design.cta);
  const text = (t: { x: number; y: number; size: number; anchor: string }, value: string, extra = '') =>
    `<text x="${t.x}" y="${t.y}" font-family="${FONT}" font-size="${t.size}" text-anchor="${t.anchor}" fill="#fff" ${extra}>${escapeXml(value)}</text>`;
  const badge = Math.min(12, Math.max(8, Math.round(height * 0.14)));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    '<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">',
    `<stop offset="0" stop-color="${design.colors.from}"/><stop offset="1" stop-color="${design.colors.to}"/>`,
    '</linearGradient></defs>',
    '<rect width="100%" height="100%" fill="url(#bg)"/>',
    text(brand, design.brand, 'font-weight="bold"'),
    text(headline, design.headline),
    `<rect x="${button.x}" y="${button.y}" width="${button.width}" height="${button.height}" rx="${Math.round(button.height / 4)}" fill="${design.colors.accent}"/>`,
    `<text x="${button.x + button.width / 2}" y="${button.y + button.height / 2 + button.size * 0.35}" font-family="${FONT}" font-size="${button.size}" font-weight="bold" text-anchor="middle" fill="#1b1b1b">${escapeXml(design.cta)}</text>`,
    `<text x="${width - 4}" y="${badge + 1}" font-family="${FONT}" font-size="${badge}" text-anchor="end" fill="#fff" fill-opacity="0.75">DEMO</text>`,
    '</svg>',
  ].join('');
}

/** A PNG of exactly `width`×`height` pixels (text needs a system font; without one the shapes still render). */
export function renderBanner(width: number, height: number, design: BannerDesign): Promise<Buffer> {
  return sharp(Buffer.from(bannerSvg(width, height, design)), { density: 72 })
    .resize(width, height, { fit: 'fill' })
    .png()
    .toBuffer();
}
