/**
 * Waits until `condition` holds, checking every 20 ms: for answers that arrive after the ack, through
 * response_url or the Web API. Fails naming what it waited for once `timeoutMs` has passed.
 */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
