/** Contracts with their Art. 3 parameters, effective-dated fees (Art. 5), options (Art. 6) and cancellation. */
import { and, count, eq, type SQL, sql } from 'drizzle-orm';
import { inTransaction } from '../db/client';
import {
  type ContractRecord,
  type ContractRow,
  loadContractRecords,
  type OptionRow,
  termsOf,
} from '../db/contracts';
import { inList } from '../db/in-list';
import {
  contractFeeChanges,
  contractOptions,
  contracts,
  customers,
} from '../db/schema';
import { basicFeeOn } from '../domain/contract';
import { yen } from '../domain/money';
import {
  cancellationEffectiveDate,
  cancelContract as contractCancellation,
  minimumPeriodEnd,
  optionEndingOn,
} from '../domain/terms';
import {
  type BusinessDate,
  businessDateOf,
  formatInstant,
  storedBusinessDate,
  storedInstant,
} from '../domain/time';
import { invalid, notFound, ServiceError } from '../errors';
import type {
  Cancellation,
  CancellationInput,
  Contract,
  ContractInput,
  FeeChangeInput,
  OptionCancellation,
} from '../schemas/api';
import {
  newId,
  recordAudit,
  requireRole,
  type ServiceContext,
} from './context';
import { findVisibleContract } from './contract-access';
import { refreshClaims } from './contract-outages';
import { type Page, type PageRequest, TableOrder } from './paging';

function optionCancellationOf(option: OptionRow): OptionCancellation | null {
  if (option.cancellationNoticeDate === null || option.endDate === null)
    return null;
  return {
    optionId: option.id,
    noticeReceivedDate: option.cancellationNoticeDate,
    requestedDate: option.cancellationRequestedDate,
    effectiveDate: option.endDate,
    minimumPeriodEnd: minimumPeriodEnd(
      storedBusinessDate(option.billingStartDate),
    ),
    earlyTerminationCharge: option.earlyTerminationCharge ?? 0,
  };
}

function cancellationOf({ row, options }: ContractRecord): Cancellation | null {
  if (
    row.cancellationNoticeDate === null ||
    row.terminationEffectiveDate === null
  )
    return null;
  const endedWithContract = options
    .filter(
      (option) =>
        option.cancellationNoticeDate === row.cancellationNoticeDate &&
        option.endDate === row.terminationEffectiveDate,
    )
    .map((option) => optionCancellationOf(option)!);
  const earlyTerminationCharge = row.earlyTerminationCharge ?? 0;
  return {
    noticeReceivedDate: row.cancellationNoticeDate,
    requestedDate: row.cancellationRequestedDate,
    effectiveDate: row.terminationEffectiveDate,
    minimumPeriodEnd: minimumPeriodEnd(
      storedBusinessDate(row.billingStartDate),
    ),
    earlyTerminationCharge,
    options: endedWithContract,
    totalEarlyTerminationCharge: endedWithContract.reduce(
      (sum, option) => sum + option.earlyTerminationCharge,
      earlyTerminationCharge,
    ),
  };
}

function contractOf(record: ContractRecord, today: BusinessDate): Contract {
  const { row } = record;
  const terms = termsOf(record);
  return {
    id: row.id,
    customerId: row.customerId,
    contractNumber: row.contractNumber,
    licenses: row.licenses,
    concurrentDevices: row.concurrentDevices,
    servers: row.servers,
    region: row.region,
    redundancy: row.redundancy,
    billingStartDate: row.billingStartDate,
    monthlyFee: row.monthlyFee,
    currentMonthlyFee: basicFeeOn(terms, today),
    feeChanges: record.feeChanges.map((change) => ({
      effectiveDate: change.effectiveDate,
      monthlyFee: change.monthlyFee,
    })),
    options: record.options.map((option) => ({
      id: option.id,
      kind: option.kind,
      regions: option.regions,
      monthlyFee: option.monthlyFee,
      billingStartDate: option.billingStartDate,
      endDate: option.endDate,
      minimumPeriodEnd: minimumPeriodEnd(
        storedBusinessDate(option.billingStartDate),
      ),
      cancellation: optionCancellationOf(option),
    })),
    minimumPeriodEnd: minimumPeriodEnd(terms.billingStartDate),
    terminationEffectiveDate: row.terminationEffectiveDate,
    cancellation: cancellationOf(record),
    createdAt: formatInstant(storedInstant(row.createdAt)),
  };
}

const today = (ctx: ServiceContext) => businessDateOf(ctx.clock());

function checkRegion(ctx: ServiceContext, region: string, path: string) {
  if (!ctx.config.regions.includes(region))
    throw invalid(
      path,
      `must be one of the configured regions: ${ctx.config.regions.join(', ')}`,
    );
}

export function createContract(
  ctx: ServiceContext,
  input: ContractInput,
): Contract {
  requireRole(ctx, 'admin');
  checkRegion(ctx, input.region, 'region');
  input.options.forEach((option, index) => {
    option.regions.forEach((region, r) => {
      checkRegion(ctx, region, `options[${index}].regions[${r}]`);
      // Art. 6 (2)(1): the option is for a region other than the one the contract names.
      if (region === input.region)
        throw invalid(
          `options[${index}].regions[${r}]`,
          "must differ from the contract's own region",
        );
    });
    if (option.billingStartDate < input.billingStartDate)
      throw invalid(
        `options[${index}].billingStartDate`,
        "must not be before the contract's billingStartDate",
      );
  });
  return inTransaction(ctx.store, () => {
    const db = ctx.store.db;
    if (
      !db
        .select({ id: customers.id })
        .from(customers)
        .where(eq(customers.id, input.customerId))
        .get()
    ) {
      throw invalid(
        'customerId',
        `customer ${input.customerId} does not exist`,
      );
    }
    if (
      db
        .select({ id: contracts.id })
        .from(contracts)
        .where(eq(contracts.contractNumber, input.contractNumber))
        .get()
    ) {
      throw new ServiceError(
        'conflict',
        `contract number ${input.contractNumber} is already in use`,
        [{ path: 'contractNumber', message: 'already in use' }],
      );
    }
    const now = ctx.clock();
    const row: ContractRow = {
      id: newId(),
      customerId: input.customerId,
      contractNumber: input.contractNumber,
      licenses: input.licenses,
      concurrentDevices: input.concurrentDevices,
      servers: input.servers,
      region: input.region,
      redundancy: input.redundancy,
      billingStartDate: input.billingStartDate,
      monthlyFee: input.monthlyFee,
      cancellationNoticeDate: null,
      cancellationRequestedDate: null,
      terminationEffectiveDate: null,
      earlyTerminationCharge: null,
      createdAt: now,
    };
    db.insert(contracts).values(row).run();
    for (const option of input.options) {
      db.insert(contractOptions)
        .values({
          id: newId(),
          contractId: row.id,
          kind: option.kind,
          regions: option.regions,
          monthlyFee: option.monthlyFee,
          billingStartDate: option.billingStartDate,
          endDate: option.endDate ?? null,
          createdAt: now,
        })
        .run();
    }
    const contract = contractOf(
      loadContractRecords(ctx.store.db, [row])[0]!,
      today(ctx),
    );
    recordAudit(ctx, {
      action: 'contract.created',
      entityType: 'contract',
      entityId: row.id,
      after: contract,
    });
    return contract;
  });
}

const CONTRACTS_BY_NUMBER = new TableOrder(
  contracts,
  'contracts',
  [contracts.contractNumber, contracts.id],
  'asc',
);

/** `text` as a LIKE pattern matching any text that contains it: `%`, `_` and `\` stand for themselves. */
const containing = (text: string) =>
  `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/** The contracts an actor sees: a customer its own, others those of `customerId` or every one. */
function visibleContracts(
  ctx: ServiceContext,
  customerId: string | undefined,
): SQL | undefined {
  const customer =
    ctx.actor.role === 'customer' ? ctx.actor.customerId! : customerId;
  return customer === undefined
    ? undefined
    : eq(contracts.customerId, customer);
}

/**
 * One page of contracts by number. `search` keeps those whose number or customer's name contains it
 * (letters compared without case for ASCII only, as SQLite's LIKE does).
 */
export function listContracts(
  ctx: ServiceContext,
  filter: { customerId?: string; search?: string } & PageRequest,
): Page<Contract> {
  const date = today(ctx);
  const pattern =
    filter.search === undefined ? undefined : containing(filter.search);
  return CONTRACTS_BY_NUMBER.pageOf(
    ctx.store.db,
    filter,
    and(
      visibleContracts(ctx, filter.customerId),
      pattern === undefined
        ? undefined
        : sql`(${contracts.contractNumber} like ${pattern} escape '\\' or ${contracts.customerId} in (select ${customers.id} from ${customers} where ${customers.name} like ${pattern} escape '\\'))`,
    ),
    (rows) =>
      loadContractRecords(ctx.store.db, rows).map((record) =>
        contractOf(record, date),
      ),
  );
}

/** How many contracts the actor sees (a customer: its own): one count, for a page's figures. */
export function countContracts(ctx: ServiceContext): number {
  const row = ctx.store.db
    .select({ n: count() })
    .from(contracts)
    .where(visibleContracts(ctx, undefined))
    .get();
  return row?.n ?? 0;
}

/**
 * The numbers of the given contracts, by id: how a page names the contracts of the rows it shows without
 * loading every contract. Contracts the actor may not see, or that do not exist, are left out.
 */
export function contractNumbersOf(
  ctx: ServiceContext,
  ids: readonly string[],
): Map<string, string> {
  if (ids.length === 0) return new Map();
  const rows = ctx.store.db
    .select({ id: contracts.id, contractNumber: contracts.contractNumber })
    .from(contracts)
    .where(and(visibleContracts(ctx, undefined), inList(contracts.id, ids)))
    .all();
  return new Map(rows.map((row) => [row.id, row.contractNumber]));
}

/** The ids of the contracts with the given numbers (as people type them), by number; unknown ones are left out. */
export function contractIdsByNumber(
  ctx: ServiceContext,
  numbers: readonly string[],
): Map<string, string> {
  if (numbers.length === 0) return new Map();
  const rows = ctx.store.db
    .select({ id: contracts.id, contractNumber: contracts.contractNumber })
    .from(contracts)
    .where(
      and(
        visibleContracts(ctx, undefined),
        inList(contracts.contractNumber, numbers),
      ),
    )
    .all();
  return new Map(rows.map((row) => [row.contractNumber, row.id]));
}

export function getContract(ctx: ServiceContext, id: string): Contract {
  return contractOf(findVisibleContract(ctx, id), today(ctx));
}

/** Art. 5: a new basic fee from a business date on; past outages keep the fees then in effect. */
export function addFeeChange(
  ctx: ServiceContext,
  id: string,
  input: FeeChangeInput,
): Contract {
  requireRole(ctx, 'admin');
  return inTransaction(ctx.store, () => {
    const record = findVisibleContract(ctx, id);
    if (input.effectiveDate <= record.row.billingStartDate)
      throw invalid(
        'effectiveDate',
        `must be after the billing start date ${record.row.billingStartDate}`,
      );
    if (
      record.feeChanges.some(
        (change) => change.effectiveDate === input.effectiveDate,
      )
    ) {
      throw new ServiceError(
        'conflict',
        `a fee change effective ${input.effectiveDate} already exists`,
        [{ path: 'effectiveDate', message: 'already has a fee change' }],
      );
    }
    const before = contractOf(record, today(ctx));
    ctx.store.db
      .insert(contractFeeChanges)
      .values({
        id: newId(),
        contractId: id,
        effectiveDate: input.effectiveDate,
        monthlyFee: input.monthlyFee,
        createdAt: ctx.clock(),
      })
      .run();
    const after = contractOf(findVisibleContract(ctx, id), today(ctx));
    recordAudit(ctx, {
      action: 'contract.fee-changed',
      entityType: 'contract',
      entityId: id,
      before,
      after,
    });
    // A back-dated fee changes the fee base of past outages: open claims follow (rule 11).
    refreshClaims(ctx, [id]);
    return after;
  });
}

/** Art. 8 effective date, Art. 1 minimum period and Art. 10 / Annex 2 early-termination charge. */
export function cancelContract(
  ctx: ServiceContext,
  id: string,
  input: CancellationInput,
): Cancellation {
  requireRole(ctx, 'admin', 'support');
  return inTransaction(ctx.store, () => {
    const record = findVisibleContract(ctx, id);
    if (record.row.terminationEffectiveDate !== null) {
      throw new ServiceError(
        'conflict',
        `contract ${record.row.contractNumber} is already cancelled, effective ${record.row.terminationEffectiveDate}`,
      );
    }
    const outcome = contractCancellation(
      termsOf(record),
      {
        noticeReceivedDate: input.noticeReceivedDate,
        requestedDate: input.requestedDate ?? null,
      },
      ctx.config.policy,
    );
    // A notice may arrive before the billing start (that is the only way Annex 2's charge can arise: 30 days
    // from a notice on or after it always reach the minimum period's end), but the contract cannot end
    // before it begins.
    if (outcome.effectiveDate < record.row.billingStartDate) {
      throw invalid(
        input.requestedDate === undefined
          ? 'noticeReceivedDate'
          : 'requestedDate',
        `the cancellation would take effect ${outcome.effectiveDate}, before the billing start date ${record.row.billingStartDate}`,
      );
    }
    const before = contractOf(record, today(ctx));
    ctx.store.db
      .update(contracts)
      .set({
        cancellationNoticeDate: input.noticeReceivedDate,
        cancellationRequestedDate: input.requestedDate ?? null,
        terminationEffectiveDate: outcome.effectiveDate,
        earlyTerminationCharge: outcome.earlyTerminationCharge,
      })
      .where(eq(contracts.id, id))
      .run();
    // Options still running end with the contract, each charged for the rest of its own minimum period.
    record.options.forEach((option, index) => {
      const ending = outcome.options[index];
      if (!ending) return;
      ctx.store.db
        .update(contractOptions)
        .set({
          endDate: ending.effectiveDate,
          cancellationNoticeDate: input.noticeReceivedDate,
          cancellationRequestedDate: input.requestedDate ?? null,
          earlyTerminationCharge: ending.earlyTerminationCharge,
        })
        .where(eq(contractOptions.id, option.id))
        .run();
    });
    const after = contractOf(findVisibleContract(ctx, id), today(ctx));
    recordAudit(ctx, {
      action: 'contract.cancelled',
      entityType: 'contract',
      entityId: id,
      before,
      after,
    });
    // The active period now ends: claims on this contract follow the recomputed outages (rule 11).
    refreshClaims(ctx, [id]);
    return after.cancellation!;
  });
}

/** Art. 6(4): an option alone ends by the Art. 8 rule; within its minimum period it is charged the rest (Art. 10(2)). */
export function cancelOption(
  ctx: ServiceContext,
  contractId: string,
  optionId: string,
  input: CancellationInput,
): OptionCancellation {
  requireRole(ctx, 'admin', 'support');
  return inTransaction(ctx.store, () => {
    const record = findVisibleContract(ctx, contractId);
    const option = record.options.find(
      (candidate) => candidate.id === optionId,
    );
    if (!option) throw notFound('option', optionId);
    if (option.cancellationNoticeDate !== null)
      throw new ServiceError(
        'conflict',
        `option ${optionId} is already cancelled, effective ${option.endDate}`,
      );
    const effectiveDate = cancellationEffectiveDate(
      input.noticeReceivedDate,
      input.requestedDate ?? null,
    );
    const field =
      input.requestedDate === undefined
        ? 'noticeReceivedDate'
        : 'requestedDate';
    if (effectiveDate < option.billingStartDate)
      throw invalid(
        field,
        `the cancellation would take effect ${effectiveDate}, before the option's billing start date ${option.billingStartDate}`,
      );
    if (option.endDate !== null && option.endDate <= effectiveDate)
      throw new ServiceError(
        'conflict',
        `option ${optionId} already ends ${option.endDate}`,
      );
    const ending = optionEndingOn(
      {
        billingStartDate: storedBusinessDate(option.billingStartDate),
        monthlyFee: yen(option.monthlyFee),
      },
      effectiveDate,
      ctx.config.policy,
    );
    const before = contractOf(record, today(ctx));
    ctx.store.db
      .update(contractOptions)
      .set({
        endDate: effectiveDate,
        cancellationNoticeDate: input.noticeReceivedDate,
        cancellationRequestedDate: input.requestedDate ?? null,
        earlyTerminationCharge: ending.earlyTerminationCharge,
      })
      .where(eq(contractOptions.id, optionId))
      .run();
    const after = contractOf(findVisibleContract(ctx, contractId), today(ctx));
    recordAudit(ctx, {
      action: 'contract.option-cancelled',
      entityType: 'contract',
      entityId: contractId,
      before,
      after,
    });
    // Without the option's region the contract may now count as down sooner (rule 2): claims follow.
    refreshClaims(ctx, [contractId]);
    return after.options.find((candidate) => candidate.id === optionId)!
      .cancellation!;
  });
}
