import { describe, expect, it } from 'vitest';
import { parseS3Url } from './parse-s3-url.js';

describe('parseS3Url', () => {
  it('reads s3:// as https with path-style addressing and the us-east-1 default region', () => {
    expect(parseS3Url('s3://AKID:secret@minio.internal:9000/creatives')).toEqual({
      endpoint: 'https://minio.internal:9000',
      region: 'us-east-1',
      bucket: 'creatives',
      accessKeyId: 'AKID',
      secretAccessKey: 'secret',
      forcePathStyle: true,
    });
  });

  it('uses plain http for s3:// with tls=false, and takes the region from the query', () => {
    expect(parseS3Url('s3://AKID:secret@127.0.0.1:9000/creatives?region=eu-west-3&tls=false')).toMatchObject({
      endpoint: 'http://127.0.0.1:9000',
      region: 'eu-west-3',
    });
  });

  it('takes the endpoint scheme from an http(s):// URL', () => {
    expect(parseS3Url('http://AKID:secret@localhost:9000/b').endpoint).toBe('http://localhost:9000');
    expect(parseS3Url('https://AKID:secret@s3.eu-central-003.backblazeb2.com/b').endpoint).toBe(
      'https://s3.eu-central-003.backblazeb2.com',
    );
  });

  it('percent-decodes the credentials, so a secret may hold / + : @', () => {
    const options = parseS3Url('s3://AK%3AID:wJalr%2FK7MDENG%2BbPx%3A%40y@host/b');
    expect(options).toMatchObject({ accessKeyId: 'AK:ID', secretAccessKey: 'wJalr/K7MDENG+bPx:@y' });
  });

  it('reads a path after the bucket as a key prefix ending in a slash', () => {
    expect(parseS3Url('s3://a:b@host/shared/adplatform/assets').prefix).toBe('adplatform/assets/');
    expect(parseS3Url('s3://a:b@host/shared/assets/').prefix).toBe('assets/');
    expect(parseS3Url('s3://a:b@host/shared/')).not.toHaveProperty('prefix');
  });

  it('switches to virtual-hosted addressing with forcePathStyle=false', () => {
    expect(parseS3Url('s3://a:b@s3.amazonaws.com/b?forcePathStyle=false').forcePathStyle).toBe(false);
  });

  it.each([
    ['not a url', /S3_URL is not a URL/],
    ['ftp://a:b@host/b', /S3_URL must start with s3:\/\//],
    ['s3://a:b@host', /S3_URL names no bucket/],
    ['s3://a:b@host/', /S3_URL names no bucket/],
    ['s3://host:9000/b', /S3_URL has no credentials/],
    ['s3://onlykey@host/b', /S3_URL has no credentials/],
    ['s3://:secret@host/b', /S3_URL has no credentials/],
    ['s3://a:b@host/b?tls=no', /S3_URL parameter tls must be true or false/],
    ['https://a:b@host/b?tls=false', /S3_URL takes tls only with s3:\/\//],
    ['s3://a:b@host/b?regoin=x', /S3_URL has an unknown parameter "regoin"/],
    ['s3://a:%E0%A4%A@host/b', /S3_URL has a malformed percent-encoding in its secret/],
  ])('refuses %s, naming S3_URL', (url, message) => {
    expect(() => parseS3Url(url)).toThrow(message);
  });

  it('never repeats the secret in an error', () => {
    expect(() => parseS3Url('s3://key:hunter2-secret@host/b?tls=maybe')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });
});
