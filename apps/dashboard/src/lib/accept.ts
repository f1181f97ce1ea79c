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
