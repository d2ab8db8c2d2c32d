/**
 * The demo database of `npm run demo`: a believable month: customers and contracts in both regions,
 * incidents of every kind, claims, credit notices in every state (pending; pending with one of two
 * approvals, or none of two; approved, rejected, void with its correcting notice), and one login per role
 * (printed), with a second finance user for dual approvals.
 */

import type { AppConfig } from './config';
import type { Store } from './db/client';
import type { NoticeRenderer } from './documents/notice-renderer';
import type { Role } from './domain/roles';
import { addMs, formatInstant, type Instant, MS_PER_HOUR } from './domain/time';
import {
  ContractInput,
  FeeChangeInput,
  IncidentInput,
  IncidentPatch,
  type UserInput,
} from './schemas/api';
import { createClaim } from './services/claims';
import type { ServiceContext } from './services/context';
import { addFeeChange, createContract } from './services/contracts';
import {
  approveCreditNotice,
  rejectCreditNotice,
  voidCreditNotice,
} from './services/credit-notices';
import { createCustomer } from './services/customers';
import { createIncident, patchIncident } from './services/incidents';
import { recordUsage } from './services/usage';
import { createUser, ensureFirstAdmin } from './services/users';

export interface DemoLogin {
  role: Role;
  email: string;
  password: string;
  token: string;
}

const HOUR = MS_PER_HOUR;

/** The issuer the demo sets when the environment does not (API.md: the demo sets both). */
export const DEMO_ISSUER = {
  SLA_ISSUER_NAME: '株式会社ゲンガク通信（デモ）',
  SLA_ISSUER_REGISTRATION: 'T1234567890123',
} as const;

export async function seedDemo(
  store: Store,
  config: AppConfig,
  now: Instant,
  html: NoticeRenderer,
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
  const kitakazeContract = contract({
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
  const hokuriku = createCustomer(root, {
    name: '北陸レールシステムズ株式会社',
    email: 'joho@hokuriku-rail.example',
    address: '石川県金沢市広岡3-1-1',
  });
  const rail = contract({
    customerId: hokuriku.id,
    contractNumber: 'FM-2024-0999',
    region: 'jp-east',
    billingStartDate: '2024-10-01',
    monthlyFee: 9_600_000,
    licenses: 65000,
    concurrentDevices: 15000,
    servers: 10,
  });
  const westBranch = contract({
    customerId: aozora.id,
    contractNumber: 'FM-2026-0012',
    region: 'jp-west',
    billingStartDate: '2026-01-05',
    monthlyFee: 90000,
    redundancy: false,
  });
  addFeeChange(
    root,
    east.id,
    FeeChangeInput.parse({ effectiveDate: '2026-10-01', monthlyFee: 200000 }),
  );

  /** A user who logs in with a password, and the login the demo prints for them. */
  const demoUser = async (input: UserInput & { password: string }) => {
    const user = await createUser(root, input);
    const login: DemoLogin = {
      role: input.role,
      email: user.email,
      password: input.password,
      token: user.token,
    };
    return { ...user, login };
  };

  // The first admin holds the API token only; this one logs in to the pages.
  const manager = await demoUser({
    name: 'Yamada Aya (admin)',
    email: 'manager@gengaku.local',
    role: 'admin',
    password: 'demo-admin-pass',
  });
  const support = await demoUser({
    name: 'Sato Haruka (support)',
    email: 'support@gengaku.local',
    role: 'support',
    password: 'demo-support-pass',
  });
  const finance = await demoUser({
    name: 'Ito Kenji (finance)',
    email: 'finance@gengaku.local',
    role: 'finance',
    password: 'demo-finance-pass',
  });
  const secondFinance = await demoUser({
    name: 'Tanaka Yui (finance)',
    email: 'finance2@gengaku.local',
    role: 'finance',
    password: 'demo-finance2-pass',
  });
  const customer = await demoUser({
    name: 'Aozora IT desk',
    email: 'customer@gengaku.local',
    role: 'customer',
    customerId: aozora.id,
    password: 'demo-customer-pass',
  });
  const logins = [manager, support, finance, customer, secondFinance].map(
    (user) => user.login,
  );

  const desk = as(support.id, 'support');
  const ago = (ms: number) => addMs(now, -ms);
  const at = (hoursAgo: number) => formatInstant(ago(hoursAgo * HOUR));
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
      outageStart: ago(26 * 24 * HOUR),
      note: 'Our Osaka branch lost VPN access for over a day.',
    },
    'demo-claim-1',
  );
  createClaim(
    desk,
    {
      contractId: west.id,
      outageStart: ago(30.5 * HOUR),
      receivedAt: ago(2 * HOUR),
      note: 'Received by phone from the clinic office.',
    },
    undefined,
  );

  // Credit notices in every state. Claims for ended outages get theirs at once, pending approval.
  const aozoraDesk = as(customer.id, 'customer', aozora.id);
  const claim = (
    by: ServiceContext,
    contractId: string,
    outageStart: Instant,
    note: string,
  ) =>
    createClaim(
      by,
      {
        contractId,
        outageStart,
        ...(by.actor.role === 'customer' ? {} : { receivedAt: ago(HOUR) }),
        note,
      },
      undefined,
    ).claim;
  const ito = as(finance.id, 'finance');
  const tanaka = as(secondFinance.id, 'finance');
  const certificateStart = ago(9 * 24 * HOUR);
  // Approved: Aozora's head office, one day of the certificate outage.
  const approved = claim(
    aozoraDesk,
    east.id,
    certificateStart,
    'Head office lost all VPN access while the certificate was expired.',
  );
  approveCreditNotice(ito, approved.creditNoticeId!, html);
  // Rejected: the clinic said on the phone it was already compensated under a separate agreement.
  const rejected = claim(
    desk,
    west.id,
    certificateStart,
    'Clinic office called about the certificate outage.',
  );
  rejectCreditNotice(
    ito,
    rejected.creditNoticeId!,
    'settled separately: the clinic received a one-off discount on its renewal for this outage',
  );
  // Void, with its correcting notice: approved for 2 days, then the outage turned out to have lasted 3.
  const gateway = incident({
    title: 'Kitakaze dedicated gateway failure',
    cause: 'provider',
    severity: 'total',
    scope: { contractIds: [kitakazeContract.id] },
    awareAt: at(6 * 24),
    intervals: [{ start: at(6 * 24), end: at(6 * 24 - 50) }],
  });
  const kitakazeClaim = claim(
    desk,
    kitakazeContract.id,
    ago(6 * 24 * HOUR),
    'Received by email from the Kanazawa plant.',
  );
  const voided = approveCreditNotice(ito, kitakazeClaim.creditNoticeId!, html);
  patchIncident(
    desk,
    gateway.id,
    IncidentPatch.parse({
      reason:
        'the gateway logs show the service came back 25 h later than first logged',
      intervals: [{ start: at(6 * 24), end: at(6 * 24 - 75) }],
    }),
  );
  voidCreditNotice(
    ito,
    voided.id,
    'the outage lasted 75 h, not 50 h: 3 credit days, not 2 (see the correction of the incident)',
  );
  // Pending, with one of two approvals: ¥1,056,000 including tax is over dualApprovalFromYen.
  incident({
    title: 'Hokuriku Rail: core switch failure at the Kanazawa data centre',
    cause: 'provider',
    severity: 'total',
    scope: { contractIds: [rail.id] },
    awareAt: at(14 * 24 - 0.5),
    intervals: [{ start: at(14 * 24), end: at(14 * 24 - 80) }],
  });
  const railClaim = claim(
    desk,
    rail.id,
    ago(14 * 24 * HOUR),
    'Formal claim letter from the railway operator.',
  );
  approveCreditNotice(tanaka, railClaim.creditNoticeId!, html);
  // Pending, with no approval yet and two needed: 4 days of ¥9.6M a month is ¥1,408,000 including tax.
  incident({
    title: 'Hokuriku Rail: fibre ring cut between Kanazawa and Toyama',
    cause: 'provider',
    severity: 'total',
    scope: { contractIds: [rail.id] },
    awareAt: at(22 * 24),
    intervals: [{ start: at(22 * 24), end: at(22 * 24 - 100) }],
  });
  claim(
    desk,
    rail.id,
    ago(22 * 24 * HOUR),
    'Second claim letter from the railway operator (fibre ring).',
  );

  recordUsage(desk, east.id, {
    month: formatInstant(ago(40 * 24 * HOUR)).slice(0, 7),
    peakConcurrentDevices: 4_650,
  });
  recordUsage(desk, west.id, {
    month: formatInstant(ago(40 * 24 * HOUR)).slice(0, 7),
    peakConcurrentDevices: 2_310,
  });
  return logins;
}
