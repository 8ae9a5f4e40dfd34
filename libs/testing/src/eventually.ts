/**
 * Retries `check` until it stops throwing or `timeoutMs` passes, then throws its last error.
 * For state that settles asynchronously (heartbeats, reloads), without fixed sleeps.
 */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
