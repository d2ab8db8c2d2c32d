/**
 * GET /reports/credits?month=: the notices approved in a JST month, as JSON and as CSV read back the way
 * Excel reads it (a UTF-8 byte order mark, CRLF, RFC 4180 quoting).
 */
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import {
  asBytes,
  expectProblem,
  makeTestApp,
  type TestApp,
} from '../support/app';

let t: TestApp;
afterEach(() => t?.close());

const START = '2026-01-10T10:00:00+09:00';
const START_UTC = '2026-01-10T01:00:00.000Z';

/** A customer named `name` whose one outage (48 h by default) is claimed; returns its notice and incident. */
async function noticeFor(name: string, contractNumber: string, hours = 48) {
  const customer = await t.as('admin').post('/customers', { name }).expect(201);
  const contract = await t
    .as('admin')
    .post('/contracts', {
      customerId: customer.body.id,
      contractNumber,
      licenses: 100,
      concurrentDevices: 2000,
      servers: 1,
      region: 'jp-east',
      redundancy: false,
      billingStartDate: '2025-04-01',
      monthlyFee: 100_000,
    })
    .expect(201);
  const incident = await t
    .as('support')
    .post('/incidents', {
      title: 'Down',
      cause: 'provider',
      severity: 'total',
      scope: { contractIds: [contract.body.id] },
      awareAt: START,
      intervals: [
        {
          start: START,
          end: new Date(Date.parse(START) + hours * 3_600_000).toISOString(),
        },
      ],
    })
    .expect(201);
  const claim = await t
    .as('support')
    .post('/claims', { contractId: contract.body.id, outageStart: START_UTC })
    .expect(201);
  return {
    noticeId: claim.body.creditNoticeId as string,
    incidentId: incident.body.id as string,
  };
}

const approve = (id: string) =>
  t.as('finance').post(`/credit-notices/${id}/approve`).expect(200);

describe('the credit report', () => {
  it('lists the notices approved in the JST month, voids marked and out of the totals', async () => {
    t = makeTestApp();
    const a = await noticeFor('Aozora K.K.', 'A-1');
    const b = await noticeFor('Minato Clinic', 'B-1', 72);
    const late = await noticeFor('Kitakaze', 'C-1');
    await noticeFor('Pending K.K.', 'D-1'); // never approved: in no report
    t.setNow('2026-02-01T00:00:00+09:00'); // 31 January in UTC, February in Japan
    await approve(a.noticeId);
    await approve(b.noticeId);
    await t
      .as('support')
      .patch(`/incidents/${b.incidentId}`, {
        reason: 'it was shorter',
        intervals: [{ start: START, end: '2026-01-12T10:00:00+09:00' }],
      })
      .expect(200);
    await t
      .as('finance')
      .post(`/credit-notices/${b.noticeId}/void`, { reason: '2 days, not 3' })
      .expect(200);
    t.setNow('2026-03-01T00:00:00+09:00');
    await approve(late.noticeId);

    const report = await t
      .as('finance')
      .get('/reports/credits?month=2026-02')
      .expect(200);
    expect(report.headers['content-type']).toMatch(/^application\/json/);
    expect(report.body.month).toBe('2026-02');
    expect(
      report.body.notices.map((row: { number: string; status: string }) => [
        row.number,
        row.status,
      ]),
    ).toEqual([
      ['CN-2026-000001', 'approved'],
      ['CN-2026-000002', 'void'],
    ]);
    expect(report.body.notices[0]).toMatchObject({
      noticeDate: '2026-02-01',
      approvedAt: '2026-01-31T15:00:00.000Z',
      customerName: 'Aozora K.K.',
      contractNumber: 'A-1',
      billingMonth: '2026-01',
      creditDays: 2,
      amount: 6666,
      taxRate: 0.1,
      taxAmount: 666,
      totalAmount: 7332,
      correctsNumber: null,
      voidedAt: null,
    });
    expect(report.body.notices[1]).toMatchObject({
      amount: 10_000,
      voidReason: '2 days, not 3',
      voidedAt: '2026-01-31T15:00:00.000Z',
    });
    expect(report.body.totals).toEqual({
      count: 1,
      amount: 6666,
      taxAmount: 666,
      totalAmount: 7332,
      voidCount: 1,
    });
    // The correcting notice was approved in March: it is March's, and names the notice it corrects.
    const march = await t
      .as('admin')
      .get('/reports/credits?month=2026-03')
      .expect(200);
    expect(
      march.body.notices.map((row: { number: string }) => row.number),
    ).toEqual(['CN-2026-000003']);
    const correcting = (
      await t.as('finance').get('/credit-notices?status=pending-approval')
    ).body.find(
      (notice: { correctsNoticeId: string | null }) =>
        notice.correctsNoticeId === b.noticeId,
    );
    await approve(correcting.id);
    const again = await t
      .as('finance')
      .get('/reports/credits?month=2026-03')
      .expect(200);
    expect(again.body.notices[1]).toMatchObject({
      number: 'CN-2026-000004',
      correctsNumber: 'CN-2026-000002',
      amount: 6666,
    });
    expectProblem(
      await t.as('finance').get('/reports/credits?month=2026-13'),
      422,
      'validation-failed',
    );
  });

  it('answers CSV for Excel: BOM, CRLF, one row a notice, quoted commas, quotes, line breaks and Japanese', async () => {
    t = makeTestApp();
    const names = [
      'Kitakaze Manufacturing Co., Ltd.',
      'The "Best" Dental',
      '北陸レールシステムズ株式会社\n情報システム部',
      '=HYPERLINK("http://evil.example")',
    ];
    for (const [i, name] of names.entries())
      await approve((await noticeFor(name, `N-${i}`)).noticeId);
    const res = await t
      .as('finance')
      .get('/reports/credits?month=2026-02')
      .set('Accept', 'text/csv')
      .buffer(true)
      .parse(asBytes)
      .expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="credits-2026-02.csv"',
    );
    const bytes = res.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    // Every record ends in CRLF; the line break inside the quoted name stays as it was.
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')).toHaveLength(names.length + 2);

    // As Excel reads it: the BOM tells UTF-8, quoted fields keep their commas, quotes and line breaks.
    const rows = parse(bytes, {
      bom: true,
      columns: true,
      record_delimiter: '\r\n',
    }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([
      'number',
      'status',
      'noticeDate',
      'customerName',
      'contractNumber',
      'billingMonth',
      'creditDays',
      'monthlyFeeBase',
      'amount',
      'taxRate',
      'taxAmount',
      'totalAmount',
      'correctsNumber',
      'voidedAt',
      'voidReason',
    ]);
    expect(rows.map((row) => row.customerName)).toEqual([
      ...names.slice(0, 3),
      // A formula is kept from running: Excel shows the text.
      `'${names[3]}`,
    ]);
    expect(rows[0]).toMatchObject({
      number: 'CN-2026-000001',
      status: 'approved',
      noticeDate: '2026-02-01',
      amount: '6666',
      taxRate: '0.1',
      taxAmount: '666',
      totalAmount: '7332',
      correctsNumber: '',
      voidReason: '',
    });
    expect(text).toContain('"The ""Best"" Dental"');
  });
});
