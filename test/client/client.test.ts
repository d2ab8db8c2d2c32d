/**
 * A client generated from the served OpenAPI document, as a real client would make one: openapi-typescript
 * writes the types, tsc checks a small program against them (claim-program.ts), and the program then runs
 * against a live server: it logs an incident and files a claim with it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, seedContract, type TestApp } from '../support/app';

const here = fileURLToPath(new URL('.', import.meta.url));
const generated = `${here}generated`;
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

let t: TestApp;
let baseUrl: string;
let close: () => void;
beforeAll(async () => {
  t = makeTestApp({ now: '2026-02-01T00:00:00+09:00' });
  const server = t.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => {
  close();
  t.close();
  rmSync(generated, { recursive: true, force: true });
});

describe('a TypeScript client generated from the served document', () => {
  it('type-checks a program that logs an incident and files a claim, and rejects one that misnames a field', async () => {
    const document = (await (
      await fetch(`${baseUrl}/api/v1/openapi.json`)
    ).json()) as OpenAPI3;
    rmSync(generated, { recursive: true, force: true });
    mkdirSync(generated);
    writeFileSync(
      `${generated}/gengaku-api.d.ts`,
      // Fields with a default (an incident's scope lists) may be left out of a request; openapi-typescript
      // would otherwise make them required (its `--default-non-nullable`, on by default).
      astToString(await openapiTS(document, { defaultNonNullable: false })),
    );
    // A control: the same program with one field misspelt must not type-check, or the types check nothing.
    const program = readFileSync(`${here}claim-program.ts`, 'utf8');
    expect(program).toContain('outageStart: outage.start');
    writeFileSync(
      `${generated}/misspelt-program.ts`,
      program
        .replace('outageStart: outage.start', 'outageStrat: outage.start')
        .replace("'./generated/gengaku-api'", "'./gengaku-api'"),
    );

    const check = spawnSync(
      process.execPath,
      [tsc, '-p', `${here}tsconfig.json`, '--pretty', 'false'],
      { encoding: 'utf8' },
    );
    const errors = check.stdout
      .split('\n')
      .filter((line) => line.includes('error TS'));
    expect(
      errors.filter((line) => !line.includes('misspelt-program.ts')),
    ).toEqual([]);
    expect(errors).toEqual([
      expect.stringMatching(
        /misspelt-program\.ts.*'outageStrat' does not exist/,
      ),
    ]);
  }, 60_000);

  it('runs against a live server: the claim is filed for the 30-hour outage', async () => {
    const { contractId } = await seedContract(t, { monthlyFee: 100_000 });
    const programPath = `${here}claim-program.ts`;
    const { logIncidentAndFileClaim } = await import(programPath);
    const { incidentId, claim } = await logIncidentAndFileClaim({
      baseUrl,
      token: t.tokens.support,
      contractId,
    });
    expect(claim).toMatchObject({
      contractId,
      status: 'pending-approval',
      outageStart: '2026-01-10T01:00:00.000Z',
      outage: { qualifies: true, incidentIds: [incidentId] },
    });
    const stored = await t.as('finance').get(`/claims/${claim.id}`).expect(200);
    expect(stored.body.id).toBe(claim.id);
  });
});
