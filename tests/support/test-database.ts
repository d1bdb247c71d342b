import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type DatabaseHandle } from '@/db/client';
import { migrateDatabase } from '@/db/migrate';

/** The server to make test databases on, or undefined for PGlite. */
export function testServerUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
}

export function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function adminQuery(serverUrl: string, statement: string): Promise<void> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(statement);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

export interface TestDatabase {
  handle: DatabaseHandle;
  dispose: () => Promise<void>;
}

/** A fresh, migrated database for one test file. */
export async function createTestDatabase(templateName?: string): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  if (!serverUrl) {
    const handle = openDatabase({ dataDir: 'memory://' });
    await migrateDatabase(handle);
    return { handle, dispose: () => handle.close() };
  }
  if (!templateName) throw new Error('integration global setup did not create a template database');
  const name = `cb_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${name} template ${templateName}`);
  const handle = openDatabase({ url: withDatabaseName(serverUrl, name), maxConnections: 20 });
  return {
    handle,
    dispose: async () => {
      await handle.close();
      await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}
