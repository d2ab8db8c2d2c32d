/**
 * The credit-notice and webhook lists page in an order an index holds: SQLite walks the index from the
 * cursor instead of sorting every row of the table for each page (no temporary B-tree for the ORDER BY).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/db/client';

let store: Store;
beforeEach(() => {
  store = openStore(':memory:');
});
afterEach(() => store.close());

/** The plan SQLite chooses for `query`, one line a step. */
const planOf = (query: string): string =>
  (
    store.sqlite.prepare(`explain query plan ${query}`).all() as {
      detail: string;
    }[]
  )
    .map((step) => step.detail)
    .join('\n');

const PAGES: [string, string, string][] = [
  [
    'every credit notice, oldest first',
    `select * from credit_notices where (created_at, id) > (1, 'x') order by created_at, id limit 21`,
    'credit_notices_list_idx',
  ],
  [
    "finance's approval queue (one status), oldest first",
    `select * from credit_notices where status = 'pending-approval' and (created_at, id) > (1, 'x') order by created_at, id limit 21`,
    'credit_notices_status_idx',
  ],
  [
    "a customer's issued notices, oldest first",
    `select * from credit_notices where customer_id = 'c' and status in ('approved', 'void') and (created_at, id) > (1, 'x') order by created_at, id limit 21`,
    'credit_notices_customer_idx',
  ],
  [
    'webhooks, oldest first',
    `select * from webhooks where (created_at, id) > (1, 'x') order by created_at, id limit 21`,
    'webhooks_list_idx',
  ],
  [
    "a webhook's deliveries, newest first",
    `select * from webhook_deliveries where webhook_id = 'w' and (created_at, id) < (1, 'x') order by created_at desc, id desc limit 21`,
    'webhook_deliveries_webhook_idx',
  ],
];

describe('the orders of the notice and webhook lists', () => {
  it.each(PAGES)(
    '%s: read along an index, never sorted',
    (_name, query, index) => {
      const plan = planOf(query);
      expect(plan).toContain(`INDEX ${index}`);
      expect(plan).not.toContain('TEMP B-TREE');
    },
  );
});
