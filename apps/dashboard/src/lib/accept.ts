import { knownCountries } from './targeting.js';

/** Checks for one typed value of a TagInput: the value to keep, or why it is refused. */
export type Accept = (text: string) => { value: string } | { error: string };

export const pattern =
  (re: RegExp, transform: (s: string) => string, message: string): Accept =>
  (text) => {
    const value = transform(text);
    return re.test(value) ? { value } : { error: message };
  };

/** An IAB content category (Content Taxonomy 1.0, OpenRTB `cat`), as the API's pattern allows it. */
export const acceptCategory = pattern(
  /^IAB[0-9]{1,2}(-[0-9]{1,2})?$/,
  (s) => s.toUpperCase(),
  'Use an IAB category such as IAB25 or IAB1-2',
);

/** A host name in lower case, without a leading www. */
export const acceptDomain = pattern(
  /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i,
  (s) => s.toLowerCase().replace(/^www\./, ''),
  'Use a domain such as news.example',
);

let countryList: { code: string; name: string }[] | undefined;
const allCountries = () => {
  countryList ??= knownCountries();
  return countryList;
};

/** A country by its name or ISO 3166-1 alpha-2 code (or a suggestion's "Name (CC)"), kept as the code. */
export const acceptCountry: Accept = (text) => {
  const countries = allCountries();
  const code = /\(([A-Za-z]{2})\)$/.exec(text)?.[1] ?? text;
  const found = countries.find((c) => c.code === code.toUpperCase() || c.name.toLowerCase() === text.toLowerCase());
  return found ? { value: found.code } : { error: `No country is called “${text}”: pick one from the list or type its two-letter code` };
};

/** Every country as a TagInput suggestion. */
export const countrySuggestions = () => allCountries().map((c) => ({ value: c.code, label: `${c.name} (${c.code})` }));

/** An ad size as width x height, kept as `300x250`. */
export const acceptSize: Accept = (text) => {
  const m = /^(\d{1,5})\s*[x×]\s*(\d{1,5})$/i.exec(text);
  return m ? { value: `${Number(m[1])}x${Number(m[2])}` } : { error: 'Write a size as width x height, e.g. 300x250' };
};
