import { SocketModeReceiver, type AckFn, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../logger';

export interface SocketModeOptions {
  /** The app-level token (`xapp-…`, scope connections:write). */
  appToken: string;
  /** SLACK_API_URL: apps.connections.open is a Web API method like any other. */
  apiUrl: string | undefined;
  boltLogger: BoltLogger;
  logger: Logger;
  /**
   * How long a pong may take before the connection counts as dead, and the step of the reconnect
   * backoff, in ms (@slack/socket-mode's default is 5000; tests shorten it).
   */
  pingTimeoutMs?: number;
}

export interface SocketModeConnection {
  receiver: SocketModeReceiver;
  /**
   * Lets an ack go out only over the connection its request came on. After a reconnect the
   * client would send it over the new one, where Slack may not take it, and the answer would be
   * lost with nobody knowing; refused, the listener answers through response_url instead.
   */
  guardAck(ack: AckFn<unknown>): AckFn<unknown>;
  /** Whether a connection is open now (not while one is being opened, at start or after a disconnect). */
  isOpen(): boolean;
  /** Closes the connection with a closing handshake and resolves once it is closed. */
  disconnect(): Promise<void>;
}

/** The ack's connection closed (or was replaced) before the ack could go out. */
export class ConnectionClosedError extends Error {
  constructor() {
    super('the Socket Mode connection this request came on has closed');
  }
}

/**
 * Bolt's SocketModeReceiver, with SLACK_API_URL honoured for apps.connections.open and the
 * envelope id of each request in its context (and so on its log lines). Bolt's client reconnects
 * by itself: on Slack's `disconnect` message (a refresh every few hours), and when pongs stop.
 */
export function socketModeConnection(options: SocketModeOptions): SocketModeConnection {
  const receiver = new SocketModeReceiver({
    appToken: options.appToken,
    logger: options.boltLogger,
    ...(options.pingTimeoutMs !== undefined && { clientPingTimeout: options.pingTimeoutMs }),
    installerOptions: { clientOptions: { ...(options.apiUrl && { slackApiUrl: options.apiUrl }) } },
    customPropertiesExtractor: (args: { envelope_id?: string }) => ({ envelopeId: args.envelope_id }),
  });
  // Counts connections that said hello; an ack belongs to the one its request came on.
  let connection = 0;
  let open = false;
  const { client } = receiver;
  client.on('connected', () => {
    connection += 1;
    open = true;
    options.logger.info(`Slack Socket Mode connection ${connection} open`);
  });
  // Emitted by the client's WebSocket when it has closed, whichever side closed it.
  client.on('close', () => {
    if (open) options.logger.info(`Slack Socket Mode connection ${connection} closed`);
    open = false;
  });
  client.on('reconnecting', () => options.logger.info('opening another Slack Socket Mode connection'));
  return {
    receiver,
    guardAck: (ack) => {
      const arrivedOn = connection;
      return async (response) => {
        if (!open || connection !== arrivedOn) throw new ConnectionClosedError();
        await ack(response);
      };
    },
    isOpen: () => open,
    disconnect: async () => {
      open = false;
      await client.disconnect();
    },
  };
}
