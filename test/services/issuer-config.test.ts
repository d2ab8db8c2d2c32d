/** SLA_ISSUER_NAME and SLA_ISSUER_REGISTRATION (API.md, "Running"): both, or no issuer; a bad number stops the start. */
import { describe, expect, it } from 'vitest';
import { settingsFromEnv } from '../../src/config';

describe('the credit notice issuer from the environment', () => {
  it('is configured once both are set', () => {
    expect(
      settingsFromEnv({
        SLA_ISSUER_NAME: ' 株式会社ゲンガク通信 ',
        SLA_ISSUER_REGISTRATION: 'T1234567890123',
      }).app.issuer,
    ).toEqual({
      name: '株式会社ゲンガク通信',
      registrationNumber: 'T1234567890123',
    });
  });

  it('is absent while either is missing: the server starts, and approval waits for it', () => {
    expect(settingsFromEnv({}).app.issuer).toBeUndefined();
    expect(
      settingsFromEnv({ SLA_ISSUER_NAME: 'Gengaku' }).app.issuer,
    ).toBeUndefined();
    expect(
      settingsFromEnv({ SLA_ISSUER_REGISTRATION: 'T1234567890123' }).app.issuer,
    ).toBeUndefined();
  });

  it.each([
    '1234567890123',
    'T123456789012',
    'T12345678901234',
    't1234567890123',
    'T123456789012X',
  ])(
    'stops the start with a clear message for the registration number %s',
    (number) => {
      expect(() =>
        settingsFromEnv({
          SLA_ISSUER_NAME: 'Gengaku',
          SLA_ISSUER_REGISTRATION: number,
        }),
      ).toThrow(
        `SLA_ISSUER_REGISTRATION must be the issuer's registration number, T and 13 digits (e.g. T1234567890123), got "${number}"`,
      );
    },
  );
});
