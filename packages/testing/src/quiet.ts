import { setTimeout as sleep } from "node:timers/promises";

/**
 * Waits until a count has moved and then stayed still for `quietMs` (say, the reports delivered
 * while a reader holds a run back: the targets in flight finish, no more start), and returns
 * it. Gives up with an error after `timeoutMs`, so a count that never settles fails the test
 * with a reason instead of running into the test's own timeout.
 */
export async function untilQuiet(
  count: () => number,
  options: { quietMs?: number; stepMs?: number; timeoutMs?: number } = {},
): Promise<number> {
  const { quietMs = 1_000, stepMs = 200, timeoutMs = 60_000 } = options;
  const giveUp = Date.now() + timeoutMs;
  let seen = count();
  let stillSince = Date.now();
  while (Date.now() < giveUp) {
    await sleep(stepMs);
    const now = count();
    if (now !== seen || now === 0) {
      seen = now;
      stillSince = Date.now();
    } else if (Date.now() - stillSince >= quietMs) {
      return now;
    }
  }
  throw new Error(`the count never settled within ${timeoutMs} ms (last seen: ${count()})`);
}
