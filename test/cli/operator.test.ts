import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { importIncidents } from '../../src/cli/import-incidents';
import { openStore } from '../../src/db/client';
import { incidents } from '../../src/db/schema';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { parseInstant } from '../../src/domain/time';
import { systemClock } from '../../src/services/context';
import { actorForToken, ensureFirstAdmin } from '../../src/services/users';
import { makeTestApp, seedContract, type TestApp } from '../support/app';
import { cliIn } from '../support/cli';

const config = { policy: DEFAULT_POLICY, regions: ['jp-east', 'jp-west'] };
const dir = mkdtempSync(join(tmpdir(), 'gengaku-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = cliIn(dir);

describe('user create and backup (as processes)', () => {
  it('creates a user whose printed token authenticates, refuses a duplicate, and backs up online', () => {
    const database = join(dir, 'ops.db');
    const created = cli(
      'user',
      'create',
      '--name',
      'Sato',
      '--email',
      'sato@example.jp',
      '--role',
      'support',
      '--database',
      database,
    );
    expect(created.status, created.stderr).toBe(0);
    const user = JSON.parse(created.stdout);
    expect(user).toMatchObject({ email: 'sato@example.jp', role: 'support' });

    const again = cli(
      'user',
      'create',
      '--name',
      'Sato',
      '--email',
      'sato@example.jp',
      '--role',
      'support',
      '--database',
      database,
    );
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('already exists');

    const badRole = cli(
      'user',
      'create',
      '--name',
      'X',
      '--email',
      'x@example.jp',
      '--role',
      'root',
      '--database',
      database,
    );
    expect(badRole.status).toBe(2);

    const backupPath = join(dir, 'backup.db');
    const backup = cli('backup', backupPath, '--database', database);
    expect(backup.status, backup.stderr).toBe(0);
    const copy = new Database(backupPath, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(
      copy.prepare('select email from users where id = ?').get(user.id),
    ).toEqual({ email: 'sato@example.jp' });
    copy.close();

    const missing = cli(
      'backup',
      join(dir, 'never.db'),
      '--database',
      join(dir, 'typo.db'),
    );
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot open the database');
    expect(existsSync(join(dir, 'typo.db'))).toBe(false);

    const store = openStore(database);
    expect(actorForToken(store, user.token, systemClock())).toEqual({
      userId: user.id,
      role: 'support',
      customerId: null,
    });
    expect(actorForToken(store, `${user.token}x`, systemClock())).toBeNull();
    store.close();
  }, 30_000);
});

describe('token rotate (as a process)', () => {
  it('rotates the bootstrap token: the old one stops working, the printed one works, audited', () => {
    const database = join(dir, 'rotate.db');
    const store = openStore(database);
    ensureFirstAdmin(store, systemClock(), 'gk_bootstrap_to_rotate');
    store.close();

    const rotated = cli(
      'token',
      'rotate',
      '--email',
      'admin@gengaku.local',
      '--database',
      database,
    );
    expect(rotated.status, rotated.stderr).toBe(0);
    const printed = JSON.parse(rotated.stdout);
    expect(printed).toMatchObject({ revokedTokens: 1 });
    expect(printed.token).toMatch(/^gk_/);

    const after = openStore(database);
    expect(
      actorForToken(after, 'gk_bootstrap_to_rotate', systemClock()),
    ).toBeNull();
    expect(actorForToken(after, printed.token, systemClock())).toMatchObject({
      userId: printed.userId,
      role: 'admin',
    });
    const audit = after.sqlite
      .prepare(
        "select actor_id from audit_log where action = 'user.tokens-rotated'",
      )
      .all();
    expect(audit).toEqual([{ actor_id: 'operator:cli' }]);
    after.close();

    const unknown = cli(
      'token',
      'rotate',
      '--email',
      'nobody@example.jp',
      '--database',
      database,
    );
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no user has the email');
  }, 30_000);
});

describe('import-incidents', () => {
  let t: TestApp;
  afterEach(() => t?.close());

  const header =
    'ref,title,cause,severity,awareAt,start,end,regions,contractNumbers,excludeContractNumbers,description';

  it('imports every incident of a valid file, grouping rows by ref into intervals', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    const { contractId } = await seedContract(t, { contractNumber: 'FM-1' });
    const csv = [
      header,
      'A,Gateway down,provider,total,2026-01-10T10:30:00+09:00,2026-01-10T10:00:00+09:00,2026-01-10T20:30:00+09:00,,FM-1,,',
      'A,,,,,2026-01-10T20:30:00+09:00,2026-01-12T15:00:00+09:00,,,,',
      'B,East fibre cut,third_party,total,2026-01-20T01:00:00+09:00,2026-01-20T00:00:00+09:00,2026-01-20T05:00:00+09:00,jp-east,,,carrier',
    ].join('\n');
    const result = importIncidents(
      t.store,
      config,
      t.now,
      csv,
      'support@test.local',
    );
    expect(result.incidentIds).toHaveLength(2);
    const outages = await t
      .as('support')
      .get(`/contracts/${contractId}/outages`)
      .expect(200);
    const qualifying = outages.body.outages.filter(
      (outage: { qualifies: boolean }) => outage.qualifies,
    );
    expect(qualifying).toHaveLength(1);
    expect(qualifying[0]).toMatchObject({
      start: '2026-01-10T01:00:00.000Z',
      end: '2026-01-12T06:00:00.000Z',
      clockStart: '2026-01-10T01:30:00.000Z',
    });
  });

  it('imports nothing when any line is wrong, and names the lines', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    await seedContract(t, { contractNumber: 'FM-1' });
    const csv = [
      header,
      'A,Fine,provider,total,2026-01-10T10:30:00+09:00,2026-01-10T10:00:00+09:00,2026-01-10T20:30:00+09:00,,FM-1,,',
      'B,Backwards,provider,total,2026-01-11T10:30:00+09:00,2026-01-11T10:00:00+09:00,2026-01-11T09:00:00+09:00,,FM-1,,',
      'C,Unknown contract,provider,total,2026-01-12T10:30:00+09:00,2026-01-12T10:00:00+09:00,,,FM-404,,',
      'D,No offset,provider,total,2026-01-13T10:30:00,2026-01-13T10:00:00+09:00,,,FM-1,,',
    ].join('\n');
    let message = '';
    try {
      importIncidents(t.store, config, t.now, csv, 'support@test.local');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('line 3: end: must be after start');
    expect(message).toContain(
      'line 4: contractNumbers: no contract numbered FM-404',
    );
    expect(message).toContain('line 5: awareAt');
    expect(message).not.toContain('line 2');
    expect(t.store.db.select().from(incidents).all()).toHaveLength(0);
  });

  it('refuses a later row of a ref that contradicts the first', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    await seedContract(t, { contractNumber: 'FM-1' });
    const csv = [
      header,
      'A,Gateway down,provider,total,2026-01-10T10:30:00+09:00,2026-01-10T10:00:00+09:00,2026-01-10T20:30:00+09:00,,FM-1,,',
      'A,,customer,,,2026-01-10T20:30:00+09:00,2026-01-12T15:00:00+09:00,,,,',
    ].join('\n');
    expect(() =>
      importIncidents(t.store, config, t.now, csv, 'support@test.local'),
    ).toThrow('line 3: cause: differs from line 2 of the same ref');
    expect(t.store.db.select().from(incidents).all()).toHaveLength(0);
  });

  it('rolls back the incidents already written when a later one is refused by the store', async () => {
    t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
    await seedContract(t, { contractNumber: 'FM-1' });
    const csv = [
      header,
      'A,Fine,provider,total,2026-01-10T10:30:00+09:00,2026-01-10T10:00:00+09:00,2026-01-10T20:30:00+09:00,,FM-1,,',
      'B,In the future,provider,total,2026-03-01T10:30:00+09:00,2026-03-01T10:00:00+09:00,,,FM-1,,',
    ].join('\n');
    expect(() =>
      importIncidents(
        t.store,
        config,
        () => parseInstant('2026-02-01T00:00:00+09:00'),
        csv,
        'support@test.local',
      ),
    ).toThrow(/line 3: .*future/);
    expect(t.store.db.select().from(incidents).all()).toHaveLength(0);
  });

  it('refuses an importer who is not support or admin', async () => {
    t = makeTestApp();
    expect(() =>
      importIncidents(
        t.store,
        config,
        t.now,
        `${header}\n`,
        'finance@test.local',
      ),
    ).toThrow(/no support or admin user/);
  });
});
