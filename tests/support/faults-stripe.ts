import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { stripeClient } from '@/lib/billing/gateway/stripe-gateway';

/**
 * A stand-in for api.stripe.com that charges and then fails to answer, for the payment fault
 * suite (tests/integration/faults-payments.int.test.ts). The real SDK makes the requests. A
 * PaymentIntent create is idempotent per Idempotency-Key as Stripe's is: the first request with a
 * key makes the PaymentIntent (the money moves: a "charge"), every later one with that key gets
 * the first answer back and charges nothing. How the answer travels is the next entry of `plan`
 * (then `fallback`):
 * - 'ok': answered at once;
 * - 'hang': never answered (the client's deadline ends it; the connection is dropped later);
 * - 'late': answered after `lateMs`, past the client's deadline.
 * `onCharge` runs after a charge is made and before its answer is sent (a test cuts the database
 * there: the process "dies" after the provider charged, before it could record the answer).
 */

export type StripeFault = 'ok' | 'hang' | 'late';

export interface StripeRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  account: string | undefined;
  form: Record<string, string>;
}

export interface Charge {
  intentId: string;
  idempotencyKey: string;
  /** The Carebridge payment the PaymentIntent's metadata names. */
  paymentId: string;
  amount: number;
  account: string;
}

export class FaultyStripe {
  readonly requests: StripeRequest[] = [];
  readonly charges: Charge[] = [];
  plan: StripeFault[] = [];
  fallback: StripeFault = 'ok';
  lateMs = 1_500;
  hangMs = 3_000;
  onCharge: ((charge: Charge) => Promise<void> | void) | null = null;
  private readonly intents = new Map<string, Record<string, unknown>>();
  private readonly byKey = new Map<string, string>();
  private readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => void this.handle(req, body, res));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Requests that carried this idempotency key (the SDK's retries, the app's repeats). */
  requestsWith(key: string): StripeRequest[] {
    return this.requests.filter((r) => r.idempotencyKey === key);
  }

  /** PaymentIntents made per Carebridge payment: more than one is a double charge. */
  chargesPerPayment(): Map<string, number> {
    const out = new Map<string, number>();
    for (const c of this.charges) out.set(c.paymentId, (out.get(c.paymentId) ?? 0) + 1);
    return out;
  }

  /** As if no request had reached Stripe: it holds no PaymentIntent (a test of what was never made). */
  forgetCharges(): void {
    this.intents.clear();
    this.byKey.clear();
    this.charges.length = 0;
  }

  intent(id: string): Record<string, unknown> {
    const found = this.intents.get(id);
    if (!found) throw new Error(`no PaymentIntent ${id}`);
    return found;
  }

  /** The signed webhook Stripe sends when a charge's PaymentIntent succeeded (Connect: the account named). */
  succeededEvent(charge: Charge, id = `evt_${charge.intentId}`): { payload: string; event: Record<string, unknown> } {
    const event = {
      id, object: 'event', api_version: '2026-11-18.endive', created: Math.floor(Date.now() / 1000), livemode: false, pending_webhooks: 1,
      request: { id: null, idempotency_key: charge.idempotencyKey }, account: charge.account, type: 'payment_intent.succeeded',
      data: { object: this.intent(charge.intentId) },
    };
    return { payload: JSON.stringify(event), event };
  }

  private async handle(req: IncomingMessage, body: string, res: ServerResponse): Promise<void> {
    res.shouldKeepAlive = false;
    const path = (req.url ?? '/').split('?')[0]!;
    const request: StripeRequest = {
      method: req.method ?? '', path, idempotencyKey: req.headers['idempotency-key'] as string | undefined,
      account: req.headers['stripe-account'] as string | undefined, form: Object.fromEntries(new URLSearchParams(body)),
    };
    this.requests.push(request);
    if (request.method === 'POST' && path === '/v1/payment_intents') {
      const fault = this.plan.shift() ?? this.fallback;
      const intent = await this.createOnce(request);
      return this.send(res, 200, intent, fault);
    }
    if (request.method === 'GET' && path === '/v1/payment_intents/search') {
      // Stripe's search language, as the app writes it: one exact metadata match.
      const query = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
      const match = /^metadata\['carebridge_payment_id'\]:'([0-9a-f-]{36})'$/.exec(query);
      if (!match) return this.send(res, 400, { error: { type: 'invalid_request_error', message: `unexpected query ${query}` } }, 'ok');
      const data = [...this.intents.values()].filter((i) => (i.metadata as Record<string, string>).carebridge_payment_id === match[1]);
      return this.send(res, 200, { object: 'search_result', data, has_more: false, next_page: null, url: '/v1/payment_intents/search' }, 'ok');
    }
    const retrieve = /^\/v1\/payment_intents\/([^/]+)$/.exec(path);
    if (request.method === 'GET' && retrieve && this.intents.has(retrieve[1]!)) return this.send(res, 200, this.intents.get(retrieve[1]!)!, 'ok');
    return this.send(res, 404, { error: { type: 'invalid_request_error', message: `unexpected ${request.method} ${path}` } }, 'ok');
  }

  /** Stripe's idempotency: one PaymentIntent per key, the first one's answer for every repeat. */
  private async createOnce(request: StripeRequest): Promise<Record<string, unknown>> {
    const key = request.idempotencyKey;
    const known = key ? this.byKey.get(key) : undefined;
    if (known) return this.intents.get(known)!;
    const id = `pi_fault_${this.intents.size + 1}_${Math.random().toString(36).slice(2, 8)}`;
    const amount = Number(request.form.amount);
    const intent = {
      id, object: 'payment_intent', amount, currency: request.form.currency, status: 'succeeded', client_secret: `${id}_secret_x`,
      metadata: { carebridge_payment_id: request.form['metadata[carebridge_payment_id]'] }, last_payment_error: null, next_action: null,
      payment_method: request.form.payment_method ?? null, customer: request.form.customer ?? null,
      latest_charge: {
        id: `ch_${id}`, object: 'charge', amount, status: 'succeeded',
        payment_method_details: { type: 'card', card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2030 } },
      },
    };
    this.intents.set(id, intent);
    if (key) this.byKey.set(key, id);
    const charge: Charge = { intentId: id, idempotencyKey: key ?? '', paymentId: String(intent.metadata.carebridge_payment_id), amount, account: request.account ?? '' };
    this.charges.push(charge);
    await this.onCharge?.(charge);
    return intent;
  }

  private send(res: ServerResponse, status: number, body: unknown, fault: StripeFault): void {
    const write = () => {
      if (res.destroyed || res.writableEnded) return;
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${this.requests.length}` });
      res.end(JSON.stringify(body));
    };
    if (fault === 'ok') return write();
    if (fault === 'late') {
      setTimeout(write, this.lateMs).unref();
      return;
    }
    // 'hang': no answer; the connection is dropped a while after the client gave up.
    setTimeout(() => res.socket?.destroy(), this.hangMs).unref();
  }
}

/**
 * The app's own Stripe client (lib/billing/gateway/stripe-gateway.ts, cached per process), with a
 * short deadline so a test waits `ms` per attempt instead of 20 s. The SDK still makes its
 * retries (maxNetworkRetries), with the same idempotency key.
 */
export function shortenStripeDeadline(ms: number): void {
  (stripeClient() as unknown as { _setApiField(key: string, value: unknown): void })._setApiField('timeout', ms);
}

/** A Stripe-Signature header for `payload` with the endpoint's secret, made by the SDK's own helper. */
export function stripeSignature(payload: string, secret: string): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret });
}
