/**
 * The SQLite schema. Instants are INTEGER UTC epoch milliseconds, business dates TEXT `YYYY-MM-DD`,
 * money INTEGER yen. Change it, then `npm run db:generate` writes the migration into `migrations/`.
 */
import {
  blob,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';
import {
  CLAIM_RESOLUTION_CODES,
  CLAIM_STATUSES,
  NOTICE_WITHDRAWAL_CODES,
} from '../domain/claim-plan';
import { NOTICE_STATUSES } from '../domain/credit-notices';
import type { WebhookEventType } from '../domain/webhooks';

const createdAt = () => integer('created_at').notNull();

// Each list's order (src/services/paging.ts) has an index that gives it, named `..._list_idx`.

export const customers = sqliteTable(
  'customers',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    email: text('email'),
    address: text('address'),
    createdAt: createdAt(),
  },
  (table) => [index('customers_list_idx').on(table.name, table.id)],
);

export const contracts = sqliteTable(
  'contracts',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id),
    contractNumber: text('contract_number').notNull(),
    licenses: integer('licenses').notNull(),
    concurrentDevices: integer('concurrent_devices').notNull(),
    servers: integer('servers').notNull(),
    region: text('region').notNull(),
    redundancy: integer('redundancy', { mode: 'boolean' }).notNull(),
    billingStartDate: text('billing_start_date').notNull(),
    /** The basic monthly fee from the billing start; later fees are in contract_fee_changes (Art. 5). */
    monthlyFee: integer('monthly_fee').notNull(),
    cancellationNoticeDate: text('cancellation_notice_date'),
    cancellationRequestedDate: text('cancellation_requested_date'),
    terminationEffectiveDate: text('termination_effective_date'),
    earlyTerminationCharge: integer('early_termination_charge'),
    createdAt: createdAt(),
  },
  (table) => [
    // Also the list's order: the number is unique, so the id never has to break a tie.
    uniqueIndex('contracts_number_unique').on(table.contractNumber),
    index('contracts_customer_list_idx').on(
      table.customerId,
      table.contractNumber,
      table.id,
    ),
    // Counting the contracts in a region (an incident list's affectedContractCount).
    index('contracts_region_idx').on(table.region),
  ],
);

export const contractFeeChanges = sqliteTable(
  'contract_fee_changes',
  {
    id: text('id').primaryKey(),
    contractId: text('contract_id')
      .notNull()
      .references(() => contracts.id),
    effectiveDate: text('effective_date').notNull(),
    monthlyFee: integer('monthly_fee').notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('fee_changes_contract_date_unique').on(
      table.contractId,
      table.effectiveDate,
    ),
  ],
);

export const contractOptions = sqliteTable(
  'contract_options',
  {
    id: text('id').primaryKey(),
    contractId: text('contract_id')
      .notNull()
      .references(() => contracts.id),
    kind: text('kind', { enum: ['multi-region'] }).notNull(),
    /** JSON array of region names. */
    regions: text('regions', { mode: 'json' }).$type<string[]>().notNull(),
    monthlyFee: integer('monthly_fee').notNull(),
    billingStartDate: text('billing_start_date').notNull(),
    endDate: text('end_date'),
    /** Set when the option was cancelled (Art. 6(4)), on its own or with its contract. */
    cancellationNoticeDate: text('cancellation_notice_date'),
    cancellationRequestedDate: text('cancellation_requested_date'),
    earlyTerminationCharge: integer('early_termination_charge'),
    createdAt: createdAt(),
  },
  (table) => [index('options_contract_idx').on(table.contractId)],
);

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    role: text('role', {
      enum: ['admin', 'support', 'finance', 'customer'],
    }).notNull(),
    customerId: text('customer_id').references(() => customers.id),
    /** scrypt, `scrypt$N$r$p$salt$hash` in base64url; null when the user has no password. */
    passwordHash: text('password_hash'),
    /** The first admin's printed password: exchanging it once clears it (API.md, SLA_BOOTSTRAP_TOKEN). */
    passwordSingleUse: integer('password_single_use', { mode: 'boolean' })
      .notNull()
      .default(false),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('users_email_unique').on(table.email),
    index('users_list_idx').on(table.createdAt, table.id),
  ],
);

export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /** SHA-256 of the token, hex: tokens are random 256-bit secrets, so a fast hash is enough. */
    tokenHash: text('token_hash').notNull(),
    createdAt: createdAt(),
    /** Null for a token that does not expire (made by POST /users, the CLI, or SLA_BOOTSTRAP_TOKEN). */
    expiresAt: integer('expires_at'),
    revokedAt: integer('revoked_at'),
  },
  (table) => [
    uniqueIndex('api_tokens_hash_unique').on(table.tokenHash),
    index('api_tokens_user_idx').on(table.userId),
  ],
);

/** Browser sign-ins (the web pages): the cookie holds a random id, the table only its SHA-256. */
export const sessions = sqliteTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    expiresAt: integer('expires_at').notNull(),
    /** Set at logout (or when an admin ends the session); a revoked session never comes back. */
    revokedAt: integer('revoked_at'),
  },
  (table) => [index('sessions_user_idx').on(table.userId)],
);

export const incidents = sqliteTable(
  'incidents',
  {
    id: text('id').primaryKey(),
    title: text('title').notNull(),
    description: text('description'),
    cause: text('cause', {
      enum: [
        'provider',
        'customer',
        'third_party',
        'force_majeure',
        'maintenance',
      ],
    }).notNull(),
    severity: text('severity', {
      enum: ['total', 'equivalent', 'partial'],
    }).notNull(),
    awareAt: integer('aware_at').notNull(),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    updatedAt: integer('updated_at').notNull(),
    /** Bumped on every correction. */
    version: integer('version').notNull().default(1),
  },
  (table) => [index('incidents_list_idx').on(table.awareAt, table.id)],
);

export const incidentIntervals = sqliteTable(
  'incident_intervals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    incidentId: text('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    start: integer('start').notNull(),
    /** Null while still down. */
    end: integer('end'),
  },
  (table) => [
    // Holds every column a read of an incident's intervals needs: a contract's reads check overlap and load
    // the intervals from the index alone.
    index('intervals_incident_idx').on(
      table.incidentId,
      table.position,
      table.start,
      table.end,
    ),
  ],
);

/** One row per region named, contract named, or contract excluded: lets SQL find the incidents of a contract. */
export const incidentScope = sqliteTable(
  'incident_scope',
  {
    incidentId: text('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['region', 'contract', 'exclude'] }).notNull(),
    value: text('value').notNull(),
  },
  (table) => [
    uniqueIndex('incident_scope_unique').on(
      table.incidentId,
      table.kind,
      table.value,
    ),
    // The incidents naming a contract or a region, found from the index alone.
    index('incident_scope_value_idx').on(
      table.kind,
      table.value,
      table.incidentId,
    ),
  ],
);

export const claims = sqliteTable(
  'claims',
  {
    id: text('id').primaryKey(),
    contractId: text('contract_id')
      .notNull()
      .references(() => contracts.id),
    /** The start of the claimed outage, moved with it when a correction moves it (rule 11). */
    outageStart: integer('outage_start').notNull(),
    receivedAt: integer('received_at').notNull(),
    recordedBy: text('recorded_by')
      .notNull()
      .references(() => users.id),
    note: text('note'),
    status: text('status', {
      enum: CLAIM_STATUSES,
    }).notNull(),
    /** The Outage (API shape) as computed at the last change. */
    outage: text('outage', { mode: 'json' }),
    // The facts of the outage the claim follows (rule 11), as computed at the last change; `outage_start`
    // above is its start. While it goes on, the running figures are those of `outage_known_up_to`. The
    // defaults only let SQLite add the columns to stored rows, which a migration then fills from `outage`;
    // every write sets them all.
    /** Null while the outage goes on. */
    outageEnd: integer('outage_end'),
    /** The instant the outage was computed at: an ongoing one is known only up to then. */
    outageKnownUpTo: integer('outage_known_up_to').notNull().default(0),
    outageClockStart: integer('outage_clock_start'),
    outageQualifies: integer('outage_qualifies', { mode: 'boolean' })
      .notNull()
      .default(false),
    outageUnavailableMs: integer('outage_unavailable_ms').notNull().default(0),
    outageCreditDays: integer('outage_credit_days').notNull().default(0),
    outageMonthlyFeeBase: integer('outage_monthly_fee_base')
      .notNull()
      .default(0),
    outageCreditAmount: integer('outage_credit_amount').notNull().default(0),
    /** Business dates (rules 8–9); null until the outage qualifies and, by default, until it ends. */
    outageClaimableFrom: text('outage_claimable_from'),
    outageClaimDeadline: text('outage_claim_deadline'),
    /** JSON array of the ids of the incidents that made the outage. */
    outageIncidentIds: text('outage_incident_ids', { mode: 'json' })
      .$type<string[]>()
      .notNull()
      .default([]),
    creditNoticeId: text('credit_notice_id'),
    /** Why a correction rejected the claim (its words are rendered from it); null otherwise. */
    resolutionCode: text('resolution_code', { enum: CLAIM_RESOLUTION_CODES }),
    /** The code's parameters, a JSON object (`merged`: `{ intoClaimId }`). */
    resolutionParams: text('resolution_params', { mode: 'json' }),
    /** A person's words when a person (finance) rejected the claim; null otherwise. */
    resolution: text('resolution'),
    /** Who rejected it; null when a correction did (then `resolution_code` says why). */
    resolvedBy: text('resolved_by'),
    idempotencyKey: text('idempotency_key'),
    createdAt: createdAt(),
    updatedAt: integer('updated_at').notNull(),
  },
  (table) => [
    // Not unique: an outage's start moves with corrections; "one claim per outage" is checked by the use case.
    index('claims_contract_outage_idx').on(table.contractId, table.outageStart),
    uniqueIndex('claims_idempotency_unique').on(
      table.recordedBy,
      table.idempotencyKey,
    ),
    index('claims_list_idx').on(table.createdAt, table.id),
    index('claims_contract_list_idx').on(
      table.contractId,
      table.createdAt,
      table.id,
    ),
    index('claims_status_list_idx').on(table.status, table.createdAt, table.id),
  ],
);

/** Annex 1: a contract's observed monthly peak of concurrent devices. */
export const usageObservations = sqliteTable(
  'usage_observations',
  {
    id: text('id').primaryKey(),
    contractId: text('contract_id')
      .notNull()
      .references(() => contracts.id),
    month: text('month').notNull(),
    peakConcurrentDevices: integer('peak_concurrent_devices').notNull(),
    /** The contracted number when recorded, so the flag stays explainable after a change. */
    contractedConcurrentDevices: integer(
      'contracted_concurrent_devices',
    ).notNull(),
    recordedBy: text('recorded_by')
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (table) => [
    // Also a contract's list: one row per month, so the id never has to break a tie.
    uniqueIndex('usage_contract_month_unique').on(
      table.contractId,
      table.month,
    ),
    index('usage_list_idx').on(table.month, table.id),
  ],
);

/** Append-only: the application never updates or deletes a row, and triggers refuse it. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    before: text('before', { mode: 'json' }),
    after: text('after', { mode: 'json' }),
    reason: text('reason'),
  },
  // Newest first is the id (the rowid) backwards; an index also holds the rowid, so the entity index
  // gives that order too.
  (table) => [
    index('audit_entity_idx').on(table.entityType, table.entityId),
    index('audit_at_idx').on(table.at),
  ],
);

/** A receiver of events (API.md, webhooks). */
export const webhooks = sqliteTable(
  'webhooks',
  {
    id: text('id').primaryKey(),
    url: text('url').notNull(),
    events: text('events', { mode: 'json' })
      .$type<WebhookEventType[]>()
      .notNull(),
    /** Kept as given: every delivery is signed with it (an HMAC needs the secret itself, not a hash of it). */
    secret: text('secret').notNull(),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (table) => [index('webhooks_list_idx').on(table.createdAt, table.id)],
);

/**
 * The outbox: one row per event and subscribed webhook, written in the transaction of the change, so a
 * delivery exists exactly when the change committed. The worker's state lives here, so it survives restarts.
 */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    webhookId: text('webhook_id')
      .notNull()
      .references(() => webhooks.id),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').$type<WebhookEventType>().notNull(),
    /** The exact JSON body every attempt sends and signs. */
    payload: text('payload').notNull(),
    status: text('status', {
      enum: ['pending', 'delivered', 'failed'],
    }).notNull(),
    attemptCount: integer('attempt_count').notNull().default(0),
    /**
     * When a worker may take it next; null once delivered or failed. While an attempt runs it is the end
     * of that attempt's lease: a worker that died mid-attempt leaves the row to be taken again then.
     */
    nextAttemptAt: integer('next_attempt_at'),
    deliveredAt: integer('delivered_at'),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('webhook_deliveries_event_unique').on(
      table.webhookId,
      table.eventId,
    ),
    index('webhook_deliveries_due_idx').on(table.status, table.nextAttemptAt),
    index('webhook_deliveries_webhook_idx').on(
      table.webhookId,
      table.createdAt,
      table.id,
    ),
  ],
);

/** Every attempt at a delivery, kept: what was answered, or why nothing was. */
export const webhookAttempts = sqliteTable(
  'webhook_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id),
    /** 1 for the first attempt of the delivery. */
    number: integer('number').notNull(),
    startedAt: integer('started_at').notNull(),
    /** Null while the attempt runs (or when the worker stopped during it). */
    durationMs: integer('duration_ms'),
    /** The receiver's HTTP status; null when none came (network error, timeout). */
    responseStatus: integer('response_status'),
    error: text('error'),
    /** The start of the receiver's answer, bounded (WEBHOOK_SNIPPET_BYTES). */
    responseSnippet: text('response_snippet'),
  },
  (table) => [
    uniqueIndex('webhook_attempts_number_unique').on(
      table.deliveryId,
      table.number,
    ),
  ],
);

/**
 * Credit notices (SPEC.md, "The credit notice"). Figures in integer yen, the tax rate in whole percent.
 * Once approved, triggers (migrations, `credit_notices_immutable`) keep every column as it is, except
 * that the notice may be voided, with its reason, and its discrepancy set or cleared.
 */
export const creditNotices = sqliteTable(
  'credit_notices',
  {
    id: text('id').primaryKey(),
    claimId: text('claim_id')
      .notNull()
      .references(() => claims.id),
    contractId: text('contract_id')
      .notNull()
      .references(() => contracts.id),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id),
    status: text('status', { enum: NOTICE_STATUSES }).notNull(),
    /** `CN-2026-000001`, given at approval. */
    number: text('number'),
    creditDays: integer('credit_days').notNull(),
    monthlyFeeBase: integer('monthly_fee_base').notNull(),
    /** Tax-exclusive. */
    amount: integer('amount').notNull(),
    taxRatePercent: integer('tax_rate_percent').notNull(),
    taxAmount: integer('tax_amount').notNull(),
    totalAmount: integer('total_amount').notNull(),
    /** `YYYY-MM`: the JST month of the clock start. */
    billingMonth: text('billing_month').notNull(),
    outageStart: integer('outage_start').notNull(),
    outageEnd: integer('outage_end').notNull(),
    outageClockStart: integer('outage_clock_start').notNull(),
    outageUnavailableMs: integer('outage_unavailable_ms').notNull(),
    outageIncidentIds: text('outage_incident_ids', { mode: 'json' })
      .$type<string[]>()
      .notNull(),
    /** `{ outage, policy }`: the Outage (API shape) and the policy it was computed with. */
    computation: text('computation', { mode: 'json' }).notNull(),
    /** The voided notice this one corrects (消費税法 Art. 57-4(4)). */
    correctsNoticeId: text('corrects_notice_id'),
    approvedAt: integer('approved_at'),
    /** A person's rejection: who, when, why. */
    rejectedBy: text('rejected_by').references(() => users.id),
    rejectedAt: integer('rejected_at'),
    rejectReason: text('reject_reason'),
    /** Why a correction withdrew it (then `rejected`, with no person); null otherwise. */
    withdrawalCode: text('withdrawal_code', { enum: NOTICE_WITHDRAWAL_CODES }),
    voidedBy: text('voided_by').references(() => users.id),
    voidedAt: integer('voided_at'),
    voidReason: text('void_reason'),
    /** `{ before, after }` once a later correction changed an approved notice's outage; null otherwise. */
    discrepancy: text('discrepancy', { mode: 'json' }),
    createdAt: createdAt(),
    updatedAt: integer('updated_at').notNull(),
  },
  (table) => [
    uniqueIndex('credit_notices_number_unique').on(table.number),
    index('credit_notices_list_idx').on(table.createdAt, table.id),
    index('credit_notices_claim_idx').on(table.claimId),
    index('credit_notices_status_idx').on(
      table.status,
      table.createdAt,
      table.id,
    ),
    index('credit_notices_customer_idx').on(
      table.customerId,
      table.createdAt,
      table.id,
    ),
    index('credit_notices_approved_idx').on(table.approvedAt),
    index('credit_notices_corrects_idx').on(table.correctsNoticeId),
  ],
);

/** Finance's approvals of a notice: one, or two different users from `dualApprovalFromYen`. */
export const creditNoticeApprovals = sqliteTable(
  'credit_notice_approvals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    noticeId: text('notice_id')
      .notNull()
      .references(() => creditNotices.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    at: integer('at').notNull(),
  },
  (table) => [
    uniqueIndex('credit_notice_approvals_user_unique').on(
      table.noticeId,
      table.userId,
    ),
  ],
);

/** The documents frozen at approval, exactly as served, with their SHA-256 (hex). Write-once. */
export const creditNoticeDocuments = sqliteTable(
  'credit_notice_documents',
  {
    noticeId: text('notice_id')
      .notNull()
      .references(() => creditNotices.id),
    lang: text('lang', { enum: ['ja', 'en'] }).notNull(),
    format: text('format', { enum: ['html', 'pdf'] }).notNull(),
    bytes: blob('bytes', { mode: 'buffer' }).notNull(),
    sha256: text('sha256').notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.noticeId, table.lang, table.format] }),
  ],
);

/** The last number given in each year (JST): taken in the approval's transaction, so no gap and no repeat. */
export const creditNoticeNumberSequences = sqliteTable(
  'credit_notice_number_sequences',
  {
    year: integer('year').primaryKey(),
    lastNumber: integer('last_number').notNull(),
  },
);
