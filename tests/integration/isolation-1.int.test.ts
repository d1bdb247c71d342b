import { vi } from 'vitest';
import { isolationSuite } from './isolation.suite';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

// The isolation suite (issue 6 and 21 point 6), half of the actions and route handlers here (the
// other half in isolation-2.int.test.ts): tests/integration/isolation.suite.ts.
isolationSuite(1, 2);
