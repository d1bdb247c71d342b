import { vi } from 'vitest';
import { badInputActionsSuite } from './bad-input-actions.suite';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

// Issue 7's bad-input suite over every server action, half of them here (the other half in
// bad-input-actions-2.int.test.ts): tests/integration/bad-input-actions.suite.ts.
badInputActionsSuite(1, 2);
