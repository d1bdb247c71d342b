import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, platformAuditLog } from '@/db/schema';
import { AuditActions, isKnownAuditAction } from '@/lib/audit/actions';
import { recordAudit } from '@/lib/audit/record-audit';

function pgCode(error: unknown): string | undefined {
  const e = error as { code?: string; cause?: { code?: string } };
  return e.cause?.code ?? e.code;
}

describe('recordAudit', () => {
  it('writes every field of the entry', async () => {
    const tenantId = randomUUID();
    const staffId = randomUUID();
    const patientId = randomUUID();
    await recordAudit(getDb(), {
      tenantId,
      actor: { kind: 'staff', id: staffId, label: 'dr.kim@sunrise.test' },
      action: AuditActions.patientUpdated,
      patientId,
      target: { type: 'patient', id: patientId },
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0',
      details: { changed: { phone: { before: '+15555550101', after: '+15555550199' } } },
    });
    const rows = await getDb().select().from(auditLog).where(eq(auditLog.tenantId, tenantId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      tenantId,
      actorKind: 'staff',
      actorId: staffId,
      actorLabel: 'dr.kim@sunrise.test',
      action: 'patient.updated',
      outcome: 'success',
      patientId,
      targetType: 'patient',
      targetId: patientId,
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0',
      details: { changed: { phone: { before: '+15555550101', after: '+15555550199' } } },
    });
    expect(rows[0]!.occurredAt).toBeInstanceOf(Date);
  });

  it('records an anonymous failure with the optional fields left empty', async () => {
    const tenantId = randomUUID();
    await recordAudit(getDb(), {
      tenantId,
      actor: { kind: 'anonymous' },
      action: AuditActions.signInFailed,
      outcome: 'failure',
    });
    const [row] = await getDb().select().from(auditLog).where(eq(auditLog.tenantId, tenantId));
    expect(row).toMatchObject({
      actorKind: 'anonymous', actorId: null, actorLabel: null, action: 'auth.sign_in_failed', outcome: 'failure',
      patientId: null, targetType: null, targetId: null, ip: null, userAgent: null, details: null,
    });
  });

  it('records platform events (no clinic) in the platform log, and actions not yet in the list', async () => {
    const operatorId = randomUUID();
    await recordAudit(getDb(), { tenantId: null, actor: { kind: 'operator', id: operatorId }, action: 'tenant.created' });
    const [row] = await getDb().select().from(platformAuditLog).where(eq(platformAuditLog.actorId, operatorId));
    expect(row).toMatchObject({ actorKind: 'operator', action: 'tenant.created', outcome: 'success' });
    expect(await getDb().select().from(auditLog).where(eq(auditLog.actorId, operatorId))).toEqual([]);
    expect(isKnownAuditAction('tenant.created')).toBe(false);
    expect(isKnownAuditAction(AuditActions.signIn)).toBe(true);
  });

  it('disappears with a rolled-back transaction, so no entry claims a change that did not happen', async () => {
    const tenantId = randomUUID();
    await getDb().transaction(async (tx) => {
      await recordAudit(tx, { tenantId, actor: { kind: 'system' }, action: AuditActions.staffDeactivated });
      tx.rollback();
    }).catch(() => {});
    expect(await getDb().select().from(auditLog).where(eq(auditLog.tenantId, tenantId))).toEqual([]);
  });
});

describe('the audit log is append-only in the database', () => {
  async function someEntry(): Promise<string> {
    const tenantId = randomUUID();
    await recordAudit(getDb(), { tenantId, actor: { kind: 'system' }, action: AuditActions.signIn });
    return tenantId;
  }

  it.each([
    ['update', (tenantId: string) => sql`update audit_log set action = 'x' where tenant_id = ${tenantId}`],
    ['delete', (tenantId: string) => sql`delete from audit_log where tenant_id = ${tenantId}`],
    ['truncate', () => sql`truncate audit_log`],
  ])('refuses %s with SQLSTATE 42501', async (_name, statement) => {
    const tenantId = await someEntry();
    const attempt = getDb().execute(statement(tenantId));
    await expect(attempt).rejects.toSatisfy((error) => pgCode(error) === '42501');
    const [row] = await getDb().select().from(auditLog).where(eq(auditLog.tenantId, tenantId));
    expect(row).toMatchObject({ action: 'auth.sign_in' });
  });
});
