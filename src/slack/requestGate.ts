import type { AckFn, App, Receiver, ReceiverEvent } from '@slack/bolt';
import { currentLogFields, newRequestId, withLogFields, type Logger } from '../logger';
import type { InFlight } from './inFlight';

export interface RequestGateOptions {
  inFlight: InFlight;
  logger: Logger;
  /**
   * Wraps a request's ack as it arrives (Socket Mode refuses to acknowledge over a connection
   * other than the one the request came on).
   */
  guardAck?: (ack: AckFn<unknown>) => AckFn<unknown>;
}

/**
 * Stands between Bolt's receiver and the app, through Bolt's `Receiver` interface: the receiver
 * hands every request to the gate, which hands it to the app. Each request is handled with a
 * request id on every line logged while it runs, is tracked until its handler is done, and has its
 * ack watched, so that a stop can wait for the acks and then for the handlers. Once `refuseNew` is
 * called, requests are turned away before anything answers them.
 */
export class RequestGate implements Receiver {
  private refusing = false;
  private readonly awaitingAck = new Set<Promise<void>>();

  constructor(
    private readonly inner: Receiver,
    private readonly options: RequestGateOptions,
  ) {}

  init(app: App): void {
    // The receiver only ever calls processEvent on the app it is given.
    this.inner.init({ processEvent: (event: ReceiverEvent) => this.process(app, event) } as unknown as App);
  }

  start(...args: unknown[]): Promise<unknown> {
    return this.inner.start(...args);
  }

  stop(...args: unknown[]): Promise<unknown> {
    return this.inner.stop(...args);
  }

  /**
   * Requests arriving from now on are not handled and not acknowledged: in Socket Mode, Slack
   * then sends them again, to another connection.
   */
  refuseNew(): void {
    this.refusing = true;
  }

  /** Resolves once every request taken so far has been acknowledged (or its handler gave up). */
  async acknowledged(): Promise<void> {
    while (this.awaitingAck.size > 0) await Promise.allSettled([...this.awaitingAck]);
  }

  private process(app: App, event: ReceiverEvent): Promise<void> {
    const what = describeRequest(event.body);
    const fields = { requestId: currentLogFields().requestId ?? newRequestId(), ...event.customProperties };
    return withLogFields(fields, () => {
      if (this.refusing) {
        this.options.logger.info(`left ${what} unacknowledged: stopping`);
        return Promise.resolve();
      }
      let acked!: () => void;
      const ackSettled = new Promise<void>((resolve) => (acked = resolve));
      this.awaitingAck.add(ackSettled);
      void ackSettled.then(() => this.awaitingAck.delete(ackSettled));
      const ack = this.options.guardAck ? this.options.guardAck(event.ack) : event.ack;
      const started = performance.now();
      const handling = app.processEvent({ ...event, ack: (response?: unknown) => ack(response).finally(acked) }).finally(() => {
        acked();
        this.options.logger.info(`handled ${what}`, { ms: Math.round(performance.now() - started) });
      });
      return this.options.inFlight.add(handling, what);
    });
  }
}

/** A request in a few words, for logs and for what a stop cut: `/whoowns`, `button whoowns:share`. */
export function describeRequest(body: Record<string, unknown>): string {
  if (typeof body.command === 'string') return body.command;
  const type = typeof body.type === 'string' ? body.type : 'request';
  if (type === 'block_actions') {
    const actionId = (body.actions as Array<{ action_id?: string }> | undefined)?.[0]?.action_id ?? '';
    return `button ${actionId.split(':').slice(0, 2).join(':')}`;
  }
  if (type === 'view_submission') return `form ${(body.view as { callback_id?: string } | undefined)?.callback_id ?? ''}`.trimEnd();
  if (type === 'block_suggestion') return `suggestions ${String(body.action_id ?? '')}`.trimEnd();
  if (type === 'event_callback') return `event ${(body.event as { type?: string } | undefined)?.type ?? ''}`.trimEnd();
  return type;
}
