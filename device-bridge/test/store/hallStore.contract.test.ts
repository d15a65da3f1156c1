// The one HallStore contract (hallStore.contract.ts, with its many-halls part hallStoreHalls.contract.ts and its
// visit steps visitSteps.contract.ts), held against both backends: SQLite on a real temp file and PostgreSQL on the
// real local server, each test in a fresh schema of its own, dropped after.
import { describeHallStoreContract } from './hallStore.contract.ts';
import { describeManyHallsContract } from './hallStoreHalls.contract.ts';
import { describeVisitStepsContract } from './visitSteps.contract.ts';
import { STORE_BACKENDS } from './backends.ts';

for (const backend of STORE_BACKENDS) {
  describeHallStoreContract(backend);
  describeManyHallsContract(backend);
  describeVisitStepsContract(backend);
}
