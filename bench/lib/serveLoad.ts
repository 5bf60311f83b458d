import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { signSlackRequest, slashCommandBody } from '../../test/support/slackSigning';

/**
 * The requests a Slack workspace and an orchestrator send `serve` while it refreshes: GET /healthz
 * one after another every 10 ms (a probe that notices a stall as soon as it starts), and signed
 * `/whoowns` slash commands at a steady rate whether or not earlier ones were answered, as Slack
 * sends them. Each request's latency is from just before it is written to its whole answer.
 */
export interface Timed {
  /** Milliseconds since the load started, when the request was sent. */
  at: number;
  ms: number;
  status: number;
  /** The answer carried a Block Kit card (commands only). */
  card?: boolean;
}

interface Answer {
  status: number;
  text: string;
}

function send(agent: http.Agent, url: string, options: { method: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: options.method, headers: options.headers, agent }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

export async function get(url: string): Promise<Answer> {
  const agent = new http.Agent({ keepAlive: false });
  return send(agent, url, { method: 'GET' });
}

export interface LoadOptions {
  base: string;
  secret: string;
  responseUrlBase: string;
  healthEveryMs: number;
  commandsPerSecond: number;
  /** What the commands ask, in turn. */
  texts: string[];
}

export function startLoad(options: LoadOptions): { stop(): Promise<{ health: Timed[]; commands: Timed[]; failures: string[] }> } {
  const started = performance.now();
  const failures: string[] = [];
  const health: Timed[] = [];
  const commands: Timed[] = [];
  const fail = (what: string, error: unknown) => {
    if (failures.length < 20) failures.push(`${what}: ${(error as Error).message}`);
  };
  let stopping = false;

  const probeAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const probing = (async () => {
    while (!stopping) {
      const at = performance.now();
      try {
        const answer = await send(probeAgent, `${options.base}/healthz`, { method: 'GET' });
        health.push({ at: at - started, ms: performance.now() - at, status: answer.status });
      } catch (error) {
        health.push({ at: at - started, ms: performance.now() - at, status: 0 });
        fail('GET /healthz', error);
      }
      const wait = options.healthEveryMs - (performance.now() - at);
      if (wait > 0) await sleep(wait);
    }
  })();

  const commandAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  const sendCommand = () => {
    const index = sent++;
    // Signing is Slack's work, before sending: outside the timed window.
    const body = slashCommandBody({ text: options.texts[index % options.texts.length]!, response_url: `${options.responseUrlBase}${index}` });
    const headers = signSlackRequest(options.secret, body);
    const at = performance.now();
    const request = send(commandAgent, `${options.base}/slack/events`, { method: 'POST', headers, body }).then(
      (answer) => void commands.push({ at: at - started, ms: performance.now() - at, status: answer.status, card: answer.text.includes('"blocks"') }),
      (error: unknown) => {
        commands.push({ at: at - started, ms: performance.now() - at, status: 0 });
        fail('POST /slack/events', error);
      },
    );
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request));
  };
  const timer = setInterval(sendCommand, 1000 / options.commandsPerSecond);

  return {
    stop: async () => {
      stopping = true;
      clearInterval(timer);
      await probing;
      await Promise.all(inFlight);
      probeAgent.destroy();
      commandAgent.destroy();
      return { health, commands, failures };
    },
  };
}
