// One action at a time, with what went wrong: the state every block that calls the core
// repeats. Buttons are disabled while `busy`; the core's refusal is shown where the user
// acted, and cleared by the next success.
export class Pending {
  busy = $state(false);
  error = $state<string | null>(null);

  /** Runs `action`; returns its result, or `undefined` when it failed (the message is kept). */
  async run<T>(action: () => Promise<T>): Promise<T | undefined> {
    this.busy = true;
    try {
      const out = await action();
      this.error = null;
      return out;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      return undefined;
    } finally {
      this.busy = false;
    }
  }
}
