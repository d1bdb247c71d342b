import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '@/db/client';
import { migrateDatabase } from '@/db/migrate';
import { adminQuery, testServerUrl, withDatabaseName } from '../support/test-database';

/** Migrates one template database per run; each test file clones it (fast) and drops its clone. */
export default async function setup(project: TestProject) {
  const serverUrl = testServerUrl();
  if (!serverUrl) return;
  const template = `cb_template_${randomBytes(4).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${template}`);
  const handle = openDatabase({ url: withDatabaseName(serverUrl, template), maxConnections: 1 });
  try {
    await migrateDatabase(handle);
  } finally {
    await handle.close();
  }
  project.provide('templateDatabase', template);
  return async () => {
    await adminQuery(serverUrl, `drop database if exists ${template} with (force)`);
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}
