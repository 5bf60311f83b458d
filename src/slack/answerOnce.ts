import type { Logger } from '../logger';
import type { AnswerClaims } from './PgEventReceiptStore';

/** One delivery's part in answering a request. */
export interface AnswerTurn {
  /** False when another delivery of the request answered it or is answering it: ack empty, do nothing. */
  readonly answers: boolean;
  /** The answer went out inside the ack: should Slack deliver the request again, that ack never reached it. */
  answeredInAck(): Promise<void>;
  /** Nothing reached the user (the ack could not be sent): the next delivery answers instead. */
  release(): Promise<void>;
  /** The ack's fate is known: another delivery of the request on this replica may now decide. */
  settle(): void;
}

/** How long a second delivery waits for this replica's first one to settle its ack (Slack waits 3 s for an ack). */
const SETTLE_WAIT_MS = 2500;

const EVERY_DELIVERY_ANSWERS: AnswerTurn = { answers: true, answeredInAck: async () => undefined, release: async () => undefined, settle: () => undefined };
const ANSWERED_ELSEWHERE: AnswerTurn = { ...EVERY_DELIVERY_ANSWERS, answers: false };

/**
 * One answer per request when Socket Mode delivers it more than once: Slack sends an envelope
 * again when it did not get its ack, because a `disconnect` closed the connection first, or the
 * ack was lost or late.
 *
 * The delivery that came first answers. When its ack cannot be sent it still answers, through
 * response_url (a form, which has none, gives its answer up to the next delivery instead), so the
 * answer does not wait for a reconnect and does not depend on Slack sending the request again.
 * A later delivery is acknowledged empty, unless the first answer went inside an ack: Slack
 * sending the request again then means that ack never reached it, and the later one answers.
 */
export class AnswerOnce {
  private readonly settling = new Map<string, Promise<void>>();

  constructor(
    private readonly claims: AnswerClaims,
    private readonly logger: Logger,
  ) {}

  async claim(key: string | undefined): Promise<AnswerTurn> {
    if (key === undefined) return EVERY_DELIVERY_ANSWERS;
    const earlier = this.settling.get(key);
    if (earlier) await Promise.race([earlier, new Promise((resolve) => setTimeout(resolve, SETTLE_WAIT_MS).unref())]);
    let claimed: 'first' | 'again' | 'taken';
    try {
      claimed = await this.claims.claimAnswer(key);
    } catch (error) {
      // Better a rare second answer than none; with the database down, the answer says so.
      this.logger.warn('could not record who answers this request; answering it', { error });
      claimed = 'first';
    }
    if (claimed === 'taken') {
      this.logger.info('this request was delivered again and is answered already: acknowledging it empty');
      return ANSWERED_ELSEWHERE;
    }
    if (claimed === 'again') this.logger.info('this request was delivered again after the ack that answered it was lost: answering it again');
    let settled!: () => void;
    const settling = new Promise<void>((resolve) => (settled = resolve));
    this.settling.set(key, settling);
    const warn = (what: string) => (error: unknown) => this.logger.warn(`could not record that ${what}; a second delivery of it may answer again`, { error });
    return {
      answers: true,
      answeredInAck: () => this.claims.answeredInAck(key).catch(warn('this request was answered in its ack')),
      release: () => this.claims.releaseAnswer(key).catch(warn('this request was not answered')),
      settle: () => {
        if (this.settling.get(key) === settling) this.settling.delete(key);
        settled();
      },
    };
  }
}

/**
 * The request a Socket Mode delivery carries, named by its trigger_id (every command and
 * interaction has a fresh one), or undefined over HTTP, where Slack does not deliver a request
 * twice (Events API retries have their event ids).
 */
export function requestKey(body: { command?: unknown; type?: unknown; trigger_id?: unknown }, context: Readonly<Record<string, unknown>>): string | undefined {
  if (typeof context.envelopeId !== 'string') return undefined;
  const kind = typeof body.command === 'string' ? 'command' : String(body.type ?? 'request');
  const trigger = typeof body.trigger_id === 'string' && body.trigger_id !== '' ? body.trigger_id : context.envelopeId;
  return `${kind}:${trigger}`;
}
