/**
 * A backup taken under write load restores and serves: clients keep creating customers, and two finance
 * users keep approving credit notices (one needing both) and voiding them (each void brings a correcting
 * notice to approve next), while `cli backup` runs. The backup is restored (not over the live database:
 * that is refused), passes `integrity_check`, and a server started on it serves it, holding every write
 * acknowledged before the backup began; its notices are a consistent whole: numbers consecutive, documents
 * frozen, every approval audited.
 */
import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  contractWithOutage,
  expectIntactWithAudit,
  inspect,
  type Server,
  scratch,
  userOf,
} from '../support/server';
import {
  type AcknowledgedApproval,
  expectNoticesIntact,
} from './support/notices';

const space = scratch('backup');
afterAll(() => space.cleanUp());

/** A monthly fee whose two credit days (¥1,000,000, ¥1,100,000 with tax) reach dualApprovalFromYen. */
const DUAL_APPROVAL_FEE = 15_000_000;

interface Acknowledged<T> {
  write: T;
  /** When the answer came (performance.now()). */
  at: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a backup taken while clients write', () => {
  it('restores to a database that passes integrity_check and is served, with every write acknowledged before it began', async () => {
    const livePath = space.path('live.db');
    const live = await space.start(livePath);
    const customer = await live.call('POST', '/customers', {
      name: 'Backup K.K.',
    });
    const finance = [
      await userOf(live, 'finance', 'finance-a@backup.test'),
      await userOf(live, 'finance', 'finance-b@backup.test'),
    ];

    let writing = true;
    const customers: Acknowledged<string>[] = [];
    const approvals: Acknowledged<AcknowledgedApproval>[] = [];
    const voids: Acknowledged<string>[] = [];

    const customerWriter = async (client: number) => {
      for (let n = 0; writing; n++) {
        const reply = await live.call('POST', '/customers', {
          name: `Load ${client}-${n} K.K.`,
        });
        expect(reply.status).toBe(201);
        customers.push({ write: reply.body.id, at: performance.now() });
      }
    };

    /**
     * One claim's notices, approved (by both users when its total needs two) and voided in turn: the void
     * brings the correcting notice, which is approved next. A stream of approvals that never runs out.
     */
    const approvalWriter = async (server: Server, monthlyFee: number) => {
      const { contractId, outageStart } = await contractWithOutage(
        server,
        customer.body.id,
        `BACKUP-${monthlyFee}`,
        monthlyFee,
      );
      const claim = await server.call('POST', '/claims', {
        contractId,
        outageStart,
      });
      expect(claim.status, JSON.stringify(claim.body)).toBe(201);
      let noticeId: string = claim.body.creditNoticeId;
      while (writing) {
        let number: string | null = null;
        for (const user of finance) {
          const reply = await server.call(
            'POST',
            `/credit-notices/${noticeId}/approve`,
            undefined,
            { token: user.token },
          );
          expect(reply.status, JSON.stringify(reply.body)).toBe(200);
          number = reply.body.status === 'approved' ? reply.body.number : null;
          approvals.push({
            write: { noticeId, userId: user.id, number },
            at: performance.now(),
          });
          if (number !== null) break;
        }
        const voided = await server.call(
          'POST',
          `/credit-notices/${noticeId}/void`,
          { reason: 'issued on the wrong invoice' },
          { token: finance[0]!.token },
        );
        expect(voided.status, JSON.stringify(voided.body)).toBe(200);
        voids.push({ write: noticeId, at: performance.now() });
        noticeId = voided.body.correctedByNoticeId;
        expect(noticeId, 'the correcting notice').toEqual(expect.any(String));
      }
    };

    const writers = [
      ...[1, 2, 3].map(customerWriter),
      approvalWriter(live, 30_000),
      approvalWriter(live, DUAL_APPROVAL_FEE),
    ];
    while (customers.length < 40 || voids.length < 4) await sleep(20);

    const backupStarted = performance.now();
    const backups = space.path('backups');
    const backup = await space.cli(
      'backup',
      backups,
      '--keep',
      '3',
      '--database',
      livePath,
    );
    const backupEnded = performance.now();
    const afterBackup = { customers: customers.length, voids: voids.length };
    // Let the clients write on a little after it, then stop them.
    while (
      customers.length < afterBackup.customers + 20 ||
      voids.length < afterBackup.voids + 2
    )
      await sleep(20);
    writing = false;
    await Promise.all(writers);
    expect(backup.code, backup.output).toBe(0);
    const [file] = readdirSync(backups);
    const backupPath = `${backups}/${file!}`;

    // The live database is held by its server: restoring over it is refused, and says why.
    const overLive = await space.cli(
      'restore',
      backupPath,
      '--database',
      livePath,
    );
    expect(overLive.code).toBe(2);
    expect(overLive.output).toContain('a Gengaku server holds it');
    expect(overLive.output).toContain(`pid ${live.child.pid}`);
    expect(await live.stop()).toBe(0);

    const restoredPath = space.path('restored/gengaku.db');
    const restore = await space.cli(
      'restore',
      backupPath,
      '--database',
      restoredPath,
    );
    expect(restore.code, restore.output).toBe(0);
    expect(restore.output).toContain('integrity_check ok; all');

    const acknowledgedBefore = <T>(writes: Acknowledged<T>[]) =>
      writes.filter((write) => write.at < backupStarted).map((w) => w.write);
    const during = <T>(writes: Acknowledged<T>[]) =>
      writes.filter((w) => w.at >= backupStarted && w.at <= backupEnded).length;
    expect(acknowledgedBefore(customers).length).toBeGreaterThanOrEqual(40);
    // The premise: clients were still being answered, approvals too, while the backup ran.
    expect(during(customers)).toBeGreaterThan(0);
    expect(during(approvals)).toBeGreaterThan(0);

    const restored = await space.start(restoredPath);
    const ready = await fetch(`${restored.url}/readyz`);
    expect(ready.status).toBe(200);
    for (const id of acknowledgedBefore(customers)) {
      const found = await restored.call('GET', `/customers/${id}`);
      expect(
        found.status,
        `customer ${id} acknowledged before the backup`,
      ).toBe(200);
    }
    for (const id of acknowledgedBefore(voids)) {
      const notice = await restored.call('GET', `/credit-notices/${id}`);
      expect(notice.body.status, `notice ${id} voided before the backup`).toBe(
        'void',
      );
    }
    expect(await restored.stop()).toBe(0);

    // Intact, and nothing half-written: every customer came with its audit entry; the notices are whole.
    expectIntactWithAudit(restoredPath, 'customers', 'customer.created');
    inspect(restoredPath, (db) =>
      expectNoticesIntact(db, acknowledgedBefore(approvals)),
    );
  }, 180_000);
});
