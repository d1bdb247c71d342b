import { randomBytes } from 'node:crypto';
import { getDb } from '@/db/client';
import { patients, portalAccountPatients, portalAccounts, type Patient, type PortalAccount } from '@/db/schema';
import { hashPassword } from '@/lib/identity/password-hash';
import { nationalIdLookupHash, protectNationalId } from '@/lib/patients/national-id';
import { SmsDeliveryError, type SmsMessage, type SmsSender } from '@/lib/sms/types';

let counter = 0;

export interface PortalAccountFixture {
  account: PortalAccount;
  patient: Patient;
  /** The password in clear, as the patient would type it. */
  password: string;
}

/**
 * A portal account that has finished activation (password chosen, phone verified), linked
 * 'self' to a new patient of `tenant`. The names are distinctive so a test can assert that
 * they never leak into an SMS.
 */
export async function createPortalAccount(
  tenant: { id: string },
  options: { email?: string; nationalId?: string; phone: string; password: string; status?: PortalAccount['status'] },
): Promise<PortalAccountFixture> {
  if (!options.email && !options.nationalId) throw new Error('createPortalAccount needs an email or a national ID');
  const db = getDb();
  const n = ++counter;
  const firstName = 'Philippa';
  const lastName = `Quennell${n}`;
  const email = options.email?.trim().toLowerCase() ?? null;

  const [patient] = await db
    .insert(patients)
    .values({
      tenantId: tenant.id,
      recordNumber: `MRN-${process.pid}-${n}-${randomBytes(3).toString('hex')}`,
      firstName,
      lastName,
      dateOfBirth: '1984-07-19',
      email,
      phone: options.phone,
      ...(options.nationalId ? protectNationalId(options.nationalId) : {}),
    })
    .returning();
  const [account] = await db
    .insert(portalAccounts)
    .values({
      tenantId: tenant.id,
      fullName: `${firstName} ${lastName}`,
      email,
      nationalIdHash: options.nationalId ? nationalIdLookupHash(options.nationalId) : null,
      phone: options.phone,
      phoneVerifiedAt: new Date(),
      passwordHash: await hashPassword(options.password),
      status: options.status ?? 'active',
    })
    .returning();
  await db.insert(portalAccountPatients).values({
    tenantId: tenant.id, accountId: account!.id, patientId: patient!.id, relationship: 'self',
  });
  return { account: account!, patient: patient!, password: options.password };
}

/**
 * An SMS provider stand-in: records every message it accepts. `failing = true` makes each
 * send throw SmsDeliveryError (as the SNS adapter does on an outage) and records nothing.
 */
export class FakeSms implements SmsSender {
  readonly name = 'outbox' as const;
  readonly sent: SmsMessage[] = [];
  failing = false;
  /** Sends attempted while failing, so a test can tell "not attempted" from "failed". */
  failedAttempts = 0;

  async send(message: SmsMessage): Promise<{ providerMessageId: string }> {
    if (this.failing) {
      this.failedAttempts++;
      throw new SmsDeliveryError('fake provider unavailable', { retryable: true });
    }
    this.sent.push(message);
    return { providerMessageId: `fake-${this.sent.length}` };
  }

  last(): SmsMessage {
    const message = this.sent.at(-1);
    if (!message) throw new Error('no SMS was sent');
    return message;
  }

  lastCode(): string {
    return codeFrom(this.last());
  }
}

/** The 6-digit code in an SMS. Throws when there is not exactly one. */
export function codeFrom(message: SmsMessage | string): string {
  const body = typeof message === 'string' ? message : message.body;
  const codes = body.match(/\b\d{6}\b/g) ?? [];
  if (codes.length !== 1) throw new Error(`expected one 6-digit code in the SMS, found ${codes.length}`);
  return codes[0]!;
}
