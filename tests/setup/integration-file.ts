import { afterAll, inject } from 'vitest';
import { setDatabaseHandle } from '@/db/client';
import { createTestDatabase } from '../support/test-database';

// Every integration test file runs on its own database.
const testDatabase = await createTestDatabase(inject('templateDatabase'));
setDatabaseHandle(testDatabase.handle);

afterAll(async () => {
  setDatabaseHandle(undefined);
  await testDatabase.dispose();
});
