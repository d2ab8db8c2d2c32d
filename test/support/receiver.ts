/**
 * A real webhook receiver on 127.0.0.1 (node:http, port 0) that answers as scripted and keeps every request;
 * and the signature check a receiver would make, written from the documented formula alone.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An answer: a status and body, or `hang` (never answer, as a receiver that times out). */
export type Answer = { status: number; body?: string } | 'hang';

export interface Receiver {
  url: string;
  received: ReceivedRequest[];
  /** Answers to give, in order; once used up, every request gets 200. */
  script(...answers: Answer[]): void;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 on a free port, and gives the port. */
export async function listenLocally(server: Server): Promise<number> {
  await new Promise<void>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  return (server.address() as AddressInfo).port;
}

export async function startReceiver(): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  let answers: Answer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const answer = answers.shift() ?? { status: 200, body: 'ok' };
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'content-type': 'text/plain' });
      res.end(answer.body ?? '');
    });
  });
  const port = await listenLocally(server);
  return {
    url: `http://127.0.0.1:${port}/hooks/gengaku`,
    received,
    script: (...next) => {
      answers = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What a receiver does: recompute HMAC-SHA256 of "t.body" with its secret, compare in constant time. */
export function verifySignature(
  header: string,
  body: string,
  secret: string,
): { valid: boolean; t: number } {
  const parts = Object.fromEntries(
    header.split(',').map((part) => {
      const [key, ...value] = part.split('=');
      return [key, value.join('=')];
    }),
  );
  const t = Number(parts.t);
  const expected = createHmac('sha256', secret)
    .update(`${parts.t}.${body}`, 'utf8')
    .digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  return {
    valid: given.length === expected.length && timingSafeEqual(given, expected),
    t,
  };
}
