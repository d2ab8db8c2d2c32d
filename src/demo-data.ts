/**
 * The demo database of `npm run demo`: a believable month: customers and
 * contracts in both regions, incidents of every kind, claims, and one login per role (printed).
 */

import type { AppConfig } from './config';
import type { Store } from './db/client';
import type { Role } from './domain/roles';
import { formatInstant, MS_PER_HOUR } from './domain/time';
import { ContractInput, IncidentInput } from './schemas/api';
import { createClaim } from './services/claims';
import type { ServiceContext } from './services/context';
import { addFeeChange, createContract } from './services/contracts';
import { createCustomer } from './services/customers';
import { createIncident } from './services/incidents';
import { recordUsage } from './services/usage';
import { createUser, ensureFirstAdmin } from './services/users';

export interface DemoLogin {
  role: Role;
  email: string;
  password: string;
  token: string;
}

const HOUR = MS_PER_HOUR;

export async function seedDemo(
  store: Store,
  config: AppConfig,
  now: number,
): Promise<DemoLogin[]> {
  const admin = ensureFirstAdmin(store, now, 'gk_demo_admin');
  if (admin.kind === 'exists')
    throw new Error('the demo database is not fresh');
  const as = (
    userId: string,
    role: Role,
    customerId: string | null = null,
  ): ServiceContext => ({
    store,
    config,
    clock: () => now,
    actor: { userId, role, customerId },
  });
  const root = as(admin.user.id, 'admin');
  const logins: DemoLogin[] = [];

  const aozora = createCustomer(root, {
    name: 'Aozora Logistics K.K.',
    email: 'it@aozora-logistics.example',
    address: '1-2-3 Shibaura, Minato-ku, Tokyo',
  });
  const minato = createCustomer(root, {
    name: 'Minato Dental Clinic',
    email: 'office@minato-dental.example',
    address: '4-5 Umeda, Kita-ku, Osaka',
  });
  const kitakaze = createCustomer(root, {
    name: 'Kitakaze Manufacturing Co., Ltd.',
    email: 'sysadmin@kitakaze.example',
    address: '7-1 Kanazawa, Ishikawa',
  });

  const contract = (input: Record<string, unknown>) =>
    createContract(
      root,
      ContractInput.parse({
        licenses: 500,
        concurrentDevices: 2000,
        servers: 2,
        redundancy: true,
        options: [],
        ...input,
      }),
    );
  const east = contract({
    customerId: aozora.id,
    contractNumber: 'FM-2025-0101',
    region: 'jp-east',
    billingStartDate: '2025-04-01',
    monthlyFee: 180000,
    licenses: 1200,
    concurrentDevices: 5000,
    servers: 4,
  });
  const west = contract({
    customerId: minato.id,
    contractNumber: 'FM-2025-0207',
    region: 'jp-west',
    billingStartDate: '2025-06-15',
    monthlyFee: 45000,
  });
  contract({
    customerId: kitakaze.id,
    contractNumber: 'FM-2025-0330',
    region: 'jp-east',
    billingStartDate: '2025-09-01',
    monthlyFee: 320000,
    licenses: 3000,
    concurrentDevices: 15000,
    servers: 8,
    options: [
      {
        kind: 'multi-region',
        regions: ['jp-west'],
        monthlyFee: 60000,
        billingStartDate: '2025-09-01',
      },
    ],
  });
  const westBranch = contract({
    customerId: aozora.id,
    contractNumber: 'FM-2026-0012',
    region: 'jp-west',
    billingStartDate: '2026-01-05',
    monthlyFee: 90000,
    redundancy: false,
  });
  addFeeChange(root, east.id, {
    effectiveDate: '2026-10-01',
    monthlyFee: 200000,
  });

  // The first admin holds the API token only; this one logs in to the pages.
  const manager = await createUser(root, {
    name: 'Yamada Aya (admin)',
    email: 'manager@gengaku.local',
    role: 'admin',
    password: 'demo-admin-pass',
  });
  const support = await createUser(root, {
    name: 'Sato Haruka (support)',
    email: 'support@gengaku.local',
    role: 'support',
    password: 'demo-support-pass',
  });
  const finance = await createUser(root, {
    name: 'Ito Kenji (finance)',
    email: 'finance@gengaku.local',
    role: 'finance',
    password: 'demo-finance-pass',
  });
  const customer = await createUser(root, {
    name: 'Aozora IT desk',
    email: 'customer@gengaku.local',
    role: 'customer',
    customerId: aozora.id,
    password: 'demo-customer-pass',
  });
  logins.push(
    {
      role: 'admin',
      email: manager.email,
      password: 'demo-admin-pass',
      token: manager.token,
    },
    {
      role: 'support',
      email: support.email,
      password: 'demo-support-pass',
      token: support.token,
    },
    {
      role: 'finance',
      email: finance.email,
      password: 'demo-finance-pass',
      token: finance.token,
    },
    {
      role: 'customer',
      email: customer.email,
      password: 'demo-customer-pass',
      token: customer.token,
    },
  );

  const desk = as(support.id, 'support');
  const at = (hoursAgo: number) => formatInstant(now - hoursAgo * HOUR);
  const incident = (input: Record<string, unknown>) =>
    createIncident(desk, IncidentInput.parse(input));
  // Nearly three months ago and never claimed: its deadline is days away (the portal's banner, finance's list).
  incident({
    title: 'Tokyo core router failure (FM-2025-0101)',
    cause: 'provider',
    severity: 'total',
    scope: { contractIds: [east.id] },
    awareAt: at(83 * 24 - 0.5),
    intervals: [{ start: at(83 * 24), end: at(83 * 24 - 26) }],
  });
  incident({
    title: 'jp-west VPN gateway cluster failure',
    description:
      'Both gateway nodes in the Osaka centre stopped terminating VPN sessions after a faulty firmware push.',
    cause: 'provider',
    severity: 'total',
    scope: { regions: ['jp-west'] },
    awareAt: at(26 * 24 - 0.75),
    intervals: [{ start: at(26 * 24), end: at(26 * 24 - 31) }],
  });
  incident({
    title: 'Upstream carrier fibre cut (Tokyo)',
    cause: 'third_party',
    severity: 'total',
    scope: { regions: ['jp-east'] },
    awareAt: at(19 * 24 - 0.2),
    intervals: [{ start: at(19 * 24), end: at(19 * 24 - 7.5) }],
  });
  incident({
    title: 'Planned maintenance: gateway OS update',
    cause: 'maintenance',
    severity: 'total',
    scope: { regions: ['jp-east', 'jp-west'] },
    awareAt: at(15 * 24),
    intervals: [{ start: at(15 * 24), end: at(15 * 24 - 3) }],
  });
  incident({
    title: 'Authentication latency (device check-ins slow)',
    cause: 'provider',
    severity: 'partial',
    scope: { regions: ['jp-east'] },
    awareAt: at(12 * 24 - 1),
    intervals: [{ start: at(12 * 24), end: at(12 * 24 - 27) }],
  });
  incident({
    title: 'Both regions down: shared certificate expired',
    cause: 'provider',
    severity: 'equivalent',
    scope: { regions: ['jp-east', 'jp-west'] },
    awareAt: at(9 * 24 - 2),
    intervals: [{ start: at(9 * 24), end: at(9 * 24 - 29.5) }],
  });
  incident({
    title: 'Policy server outage for FM-2025-0101',
    cause: 'provider',
    severity: 'total',
    scope: { contractIds: [east.id] },
    awareAt: at(4 * 24 - 1.5),
    intervals: [
      { start: at(4 * 24), end: at(4 * 24 - 5) },
      { start: at(4 * 24 - 5), end: at(4 * 24 - 21) },
    ],
  });
  incident({
    title: 'jp-west gateway storage fault (ongoing)',
    cause: 'provider',
    severity: 'total',
    scope: { contractIds: [west.id] },
    awareAt: at(30),
    intervals: [{ start: at(30.5) }],
  });

  createClaim(
    as(customer.id, 'customer', aozora.id),
    {
      contractId: westBranch.id,
      outageStart: now - 26 * 24 * HOUR,
      note: 'Our Osaka branch lost VPN access for over a day.',
    },
    'demo-claim-1',
  );
  createClaim(
    desk,
    {
      contractId: west.id,
      outageStart: now - 30.5 * HOUR,
      receivedAt: now - 2 * HOUR,
      note: 'Received by phone from the clinic office.',
    },
    undefined,
  );

  recordUsage(desk, east.id, {
    month: formatInstant(now - 40 * 24 * HOUR).slice(0, 7),
    peakConcurrentDevices: 4_650,
  });
  recordUsage(desk, west.id, {
    month: formatInstant(now - 40 * 24 * HOUR).slice(0, 7),
    peakConcurrentDevices: 2_310,
  });
  return logins;
}
