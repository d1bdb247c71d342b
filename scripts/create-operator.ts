import { parseArgs } from 'node:util';
import { createOperatorWithEnrolment, OperatorEnrolmentError } from '@/lib/platform/operator-enrolment';
import { checkEnvironmentOrExit } from './check-environment';
import { enrolmentLink } from './operator-link';
import { openScriptDatabase } from './db-handle';

/**
 * `npm run platform:create-operator -- --email ops@example.com --name "Ada Lovelace" [--origin https://console.example.com]`
 * Creates a platform operator (or a fresh link for one who has not enrolled) and prints the
 * single-use enrolment link. The link is the credential: hand it over as you would a password.
 */
const { values } = parseArgs({
  options: { email: { type: 'string' }, name: { type: 'string' }, origin: { type: 'string' } },
  strict: true,
});
if (!values.email || !values.name) {
  console.error('Usage: npm run platform:create-operator -- --email you@example.com --name "Your Name" [--origin https://example.com]');
  process.exit(2);
}

checkEnvironmentOrExit(['database', 'platform']);
const handle = openScriptDatabase();
try {
  const issued = await createOperatorWithEnrolment(handle.db, { email: values.email, fullName: values.name });
  console.log(issued.created ? `Operator ${issued.email} created.` : `Operator ${issued.email} has not enrolled yet: new link issued (earlier links no longer work).`);
  console.log(`Enrolment link (single use, valid until ${issued.expiresAt.toISOString()}):`);
  console.log(`  ${enrolmentLink(issued.token, values.origin)}`);
} catch (error) {
  if (error instanceof OperatorEnrolmentError) {
    console.error(error.userMessage);
    process.exitCode = 1;
  } else {
    throw error;
  }
} finally {
  await handle.close();
}
