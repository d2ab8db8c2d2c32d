/** Signing in to the pages as a browser would: a cookie jar, the CSRF token read from each form. */
import request from 'supertest';
import { expect } from 'vitest';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import type { Role } from '../../src/domain/roles';
import { DEFAULT_REGIONS } from '../../src/domain/terms';
import { createUser } from '../../src/services/users';
import type { TestApp } from '../support/app';

export const PASSWORD = 'correct horse battery staple';

/** A user with a password for the pages. */
export async function userWithPassword(
  t: TestApp,
  role: Role,
  customerId?: string,
): Promise<{ email: string }> {
  const email = `${role}-${Math.random().toString(36).slice(2, 8)}@web.test`;
  await createUser(
    {
      store: t.store,
      clock: t.now,
      config: { policy: DEFAULT_POLICY, regions: [...DEFAULT_REGIONS] },
      actor: { userId: '', role: 'admin', customerId: null },
    },
    { name: `${role} person`, email, role, customerId, password: PASSWORD },
  );
  return { email };
}

/** The `_csrf` value of the first form on a page. */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  expect(match, 'the page has a form with a CSRF token').not.toBeNull();
  return match![1]!;
}

export type Browser = ReturnType<typeof request.agent>;

/** A fresh cookie jar. */
export const browser = (t: TestApp): Browser => request.agent(t.app);

/** GETs `path` for its form's token, then posts the form. */
export async function submit(
  agent: Browser,
  formPage: string,
  action: string,
  fields: Record<string, string | string[]>,
) {
  const page = await agent.get(formPage).set('Accept', 'text/html');
  return agent
    .post(action)
    .type('form')
    .send({ _csrf: csrfOf(page.text), ...fields });
}

export async function logIn(agent: Browser, email: string) {
  const res = await submit(agent, '/login', '/login', {
    email,
    password: PASSWORD,
  });
  expect(res.status, res.text).toBe(303);
  return res;
}

export const htmlLang = (html: string) => /<html lang="(\w+)"/.exec(html)?.[1];
