/** The state each innovation had at the last weekly digest, so the next one names those that changed. */
import type { Db } from './db.js';
import type { InnovationState } from '../domain/innovation-state.js';

export class ReportStateStore {
  constructor(private readonly db: Db) {}

  all(): Map<string, InnovationState> {
    const rows = this.db.prepare('SELECT key, state FROM innovation_states').all() as { key: string; state: InnovationState }[];
    return new Map(rows.map((r) => [r.key, r.state]));
  }

  save(states: ReadonlyMap<string, InnovationState>, at: number): void {
    const put = this.db.prepare('INSERT INTO innovation_states (key, state, at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET state = excluded.state, at = excluded.at');
    this.db.transaction(() => {
      for (const [key, state] of states) put.run(key, state, at);
    })();
  }
}
