/**
 * Generated bodies on every write endpoint of the endpoint table: a valid call's body with fields of
 * the wrong type, missing, added (at any depth, `__proto__` and `constructor` among them), nested,
 * huge or in any script; random JSON and random text. Never a 5xx; a refusal is a problem document and
 * changes no row of any table.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '../../src/http/routes';
import {
  type Call,
  digest,
  freshToken,
  isWrite,
  makeWorld,
  pathOf,
  SAMPLES,
  send,
  servedRole,
  type World,
} from './support/world';

let w: World;
beforeAll(async () => {
  w = await makeWorld();
});
afterAll(() => w.t.close());

const RUNS = 60;
const SPECIAL_KEYS = ['__proto__', 'constructor', 'prototype', 'toString'];

type Path = (string | number)[];

/** Every place in a JSON value: the value itself, and each field and element at any depth. */
function pathsOf(value: unknown, path: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [path];
  const children = Object.entries(value).flatMap(([key, child]) =>
    pathsOf(child, [...path, Array.isArray(value) ? Number(key) : key]),
  );
  return [path, ...children];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Sets an own property even for `__proto__`, which plain assignment would take as the prototype. */
function setOwn(target: object, key: string | number, value: unknown) {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function at(root: unknown, path: Path): unknown {
  return path.reduce<unknown>(
    (value, key) => (value as Record<string | number, unknown>)[key],
    root,
  );
}

type Mutation =
  | { kind: 'replace' | 'nest' | 'delete'; place: number; value: unknown }
  | { kind: 'add'; place: number; key: string; value: unknown };

/** The base body with the mutations applied, each at a place chosen among those it still has. */
function mutate(base: object, mutations: Mutation[]): unknown {
  let body: unknown = structuredClone(base);
  for (const mutation of mutations) {
    const places = pathsOf(body);
    if (mutation.kind === 'add') {
      const objects = places.filter((path) => isObject(at(body, path)));
      if (objects.length === 0) continue;
      const target = at(body, objects[mutation.place % objects.length]!);
      setOwn(target as object, mutation.key, mutation.value);
      continue;
    }
    const path = places[mutation.place % places.length]!;
    if (path.length === 0) {
      body = mutation.kind === 'nest' ? [body] : mutation.value;
      continue;
    }
    const parent = at(body, path.slice(0, -1)) as Record<
      string | number,
      unknown
    >;
    const key = path[path.length - 1]!;
    if (mutation.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else if (mutation.kind === 'nest') {
      setOwn(parent, key, { value: parent[key] });
    } else {
      setOwn(parent, key, mutation.value);
    }
  }
  return body;
}

const hugeString = fc.constantFrom(
  'x'.repeat(100_000),
  '𠮷'.repeat(20_000),
  '\u0000\uFEFF\u202E'.repeat(10_000),
);
const weird: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, -0, 1e308, 2 ** 53 + 1, '', [], {}),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  hugeString,
  fc.jsonValue({ maxDepth: 3 }),
);
const keyName = fc.oneof(
  fc.constantFrom(...SPECIAL_KEYS, 'hasOwnProperty', 'valueOf', ''),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('replace', 'nest', 'delete'),
    place: fc.nat(),
    value: weird,
  }),
  fc.record({
    kind: fc.constant('add'),
    place: fc.nat(),
    key: keyName,
    value: weird,
  }),
);

function bodies(base: object): fc.Arbitrary<object | { raw: string }> {
  const raw = (text: string) => ({ raw: text });
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .array(mutation, { minLength: 1, maxLength: 3 })
        .map((mutations) => raw(JSON.stringify(mutate(base, mutations)))),
    },
    {
      weight: 1,
      arbitrary: fc.jsonValue().map((value) => raw(JSON.stringify(value))),
    },
    {
      weight: 1,
      arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }).map(raw),
    },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.tuple(keyName, weird), { maxLength: 6 })
        .map((entries) => {
          const object = {};
          for (const [key, value] of entries) setOwn(object, key, value);
          return raw(JSON.stringify(object));
        }),
    },
  );
}

const writesWithBodies = endpoints.filter(
  (endpoint) => isWrite(endpoint) && endpoint.body !== undefined,
);
/** Approving a notice, ending a token: writes whose request is the path alone. */
const writesWithoutBodies = endpoints.filter(
  (endpoint) => isWrite(endpoint) && endpoint.body === undefined,
);

describe('generated bodies on every write endpoint', () => {
  it('has a sample call for every write endpoint that takes a body', () => {
    const missing = writesWithBodies
      .map((endpoint) => endpoint.operationId)
      .filter((operationId) => SAMPLES[operationId] === undefined);
    expect(missing, 'add them to SAMPLES in support/world.ts').toEqual([]);
  });

  for (const endpoint of writesWithBodies) {
    const name = `${endpoint.method.toUpperCase()} ${endpoint.path}`;

    it(`${name}: never a 5xx, and a refusal changes no row`, async () => {
      const sample: Call = await SAMPLES[endpoint.operationId]!(w);
      const path = pathOf(endpoint, w, sample.params);
      const role = servedRole(endpoint);
      const token = role ? freshToken(w, role) : undefined;
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(bodies(sample.body ?? {}), async (body) => {
          const before = digest(w);
          const res = await send(w, endpoint, path, token, body);
          const shown = `${name} ${JSON.stringify(body).slice(0, 300)} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
          expect(res.status, shown).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.headers['content-type'], shown).toMatch(
              /^application\/problem\+json/,
            );
            expect(digest(w), shown).toEqual(before);
          } else accepted++;
        }),
        { numRuns: RUNS },
      );
      // Most generated bodies are wrong: a run that accepted nearly all would test nothing.
      expect(accepted).toBeLessThan(RUNS / 2);
    });

    it(`${name}: an unknown field at any depth, __proto__ and constructor among them, is refused by name`, async () => {
      const sample: Call = await SAMPLES[endpoint.operationId]!(w);
      const path = pathOf(endpoint, w, sample.params);
      const role = servedRole(endpoint);
      const token = role ? freshToken(w, role) : undefined;
      await fc.assert(
        fc.asyncProperty(
          fc.nat(),
          fc.constantFrom(...SPECIAL_KEYS, 'unknownField'),
          weird,
          async (place, key, value) => {
            const before = digest(w);
            const body = mutate(sample.body ?? {}, [
              { kind: 'add', place, key, value },
            ]);
            const res = await send(w, endpoint, path, token, {
              raw: JSON.stringify(body),
            });
            const shown = `${name} ${JSON.stringify(body).slice(0, 300)} → ${JSON.stringify(res.body).slice(0, 300)}`;
            expect(res.status, shown).toBe(422);
            expect(
              res.body.errors.some(
                (error: { path: string; message: string }) =>
                  error.message === 'is not a known field' &&
                  (error.path === key || error.path.endsWith(`.${key}`)),
              ),
              shown,
            ).toBe(true);
            expect(digest(w), shown).toEqual(before);
          },
        ),
        { numRuns: 20 },
      );
    });
  }
});

describe('generated bodies on the write endpoints that take none', () => {
  it('there are some (approving a credit notice among them)', () => {
    expect(
      writesWithoutBodies.map((endpoint) => endpoint.operationId),
    ).toContain('approveCreditNotice');
  });

  for (const endpoint of writesWithoutBodies) {
    const name = `${endpoint.method.toUpperCase()} ${endpoint.path}`;

    it(`${name}: a body is not read: never a 5xx, and the call does what it does without one`, async () => {
      const role = servedRole(endpoint);
      await fc.assert(
        fc.asyncProperty(bodies({}), async (body) => {
          // A fresh target and token for each run: each call can succeed (a notice is approved once).
          const sample: Call = (await SAMPLES[endpoint.operationId]?.(w)) ?? {};
          const token = role ? freshToken(w, role) : undefined;
          const res = await send(
            w,
            endpoint,
            pathOf(endpoint, w, sample.params),
            token,
            body,
          );
          const shown = `${name} ${JSON.stringify(body).slice(0, 300)} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
          expect(res.status, shown).toBeGreaterThanOrEqual(200);
          expect(res.status, shown).toBeLessThan(300);
        }),
        { numRuns: 25 },
      );
    });
  }
});
