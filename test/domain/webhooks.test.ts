import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  nextAttemptDelayMs,
  WEBHOOK_RETRY,
  webhookSignature,
} from '../../src/domain/webhooks';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

describe('the signature (Gengaku-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">)', () => {
  // Expected values computed outside Node, from the documented formula:
  //   printf '%s' '<t>.<body>' | openssl dgst -sha256 -hmac '<secret>' -hex
  it('matches a vector computed with openssl', () => {
    const body =
      '{"id":"evt-1","type":"credit-notice.approved","createdAt":"2026-01-01T00:00:00.000Z","data":{"amount":6666}}';
    expect(
      webhookSignature('whsec_test_0123456789abcdef', 1767225600, body),
    ).toBe(
      't=1767225600,v1=c0011cadd4fc4c20ac62ea68223667f3cc6efce7c1761eaef0740f776ee51ff1',
    );
  });

  it('signs the UTF-8 bytes of a Japanese secret and body', () => {
    expect(
      webhookSignature(
        'シークレット0123456789abcdef',
        1767225600,
        '{"note":"減額"}',
      ),
    ).toBe(
      't=1767225600,v1=f70aa1a80def4787dbda19bdbe7047e86a59c35f63543d04ac3bdca9bcc7907f',
    );
  });

  it('changes with the time, the body and the secret', () => {
    const base = webhookSignature('s'.repeat(16), 100, '{}');
    expect(webhookSignature('s'.repeat(16), 101, '{}')).not.toBe(base);
    expect(webhookSignature('s'.repeat(16), 100, '{ }')).not.toBe(base);
    expect(webhookSignature('t'.repeat(16), 100, '{}')).not.toBe(base);
  });
});

describe('the retry schedule', () => {
  it('waits 30 s, 1 min, 2 min, … doubling, capped at 4 h (no jitter at the middle draw)', () => {
    const delays = Array.from(
      { length: WEBHOOK_RETRY.maxAttempts - 1 },
      (_, i) => nextAttemptDelayMs(i + 1, 0.5),
    );
    expect(delays.slice(0, 9)).toEqual([
      30 * SECOND,
      1 * MINUTE,
      2 * MINUTE,
      4 * MINUTE,
      8 * MINUTE,
      16 * MINUTE,
      32 * MINUTE,
      64 * MINUTE,
      128 * MINUTE,
    ]);
    expect(delays.slice(9)).toEqual([
      4 * HOUR,
      4 * HOUR,
      4 * HOUR,
      4 * HOUR,
      4 * HOUR,
    ]);
  });

  it('gives up after the last attempt: 15 in all, over about a day', () => {
    expect(WEBHOOK_RETRY.maxAttempts).toBe(15);
    expect(nextAttemptDelayMs(15, 0.5)).toBeNull();
    expect(nextAttemptDelayMs(16, 0.5)).toBeNull();
    let total = 0;
    for (let failed = 1; failed < 15; failed++)
      total += nextAttemptDelayMs(failed, 0.5)!;
    expect(total).toBeGreaterThan(20 * HOUR);
    expect(total).toBeLessThan(30 * HOUR);
  });

  it('spreads each delay by at most ±10 %, never below the previous attempt’s at the same draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: WEBHOOK_RETRY.maxAttempts - 1 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (failed, random) => {
          const delay = nextAttemptDelayMs(failed, random)!;
          const plain = Math.min(30 * SECOND * 2 ** (failed - 1), 4 * HOUR);
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(plain * 0.9));
          expect(delay).toBeLessThanOrEqual(Math.ceil(plain * 1.1));
          if (failed > 1)
            expect(delay).toBeGreaterThanOrEqual(
              nextAttemptDelayMs(failed - 1, random)!,
            );
        },
      ),
    );
  });

  it('draws the jitter from the random number it is given', () => {
    expect(nextAttemptDelayMs(1, 0)).toBe(27 * SECOND);
    expect(nextAttemptDelayMs(1, 0.75)).toBe(31.5 * SECOND);
  });
});
