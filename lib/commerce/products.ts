import 'server-only';
import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import {
  documentTypes, formTemplates, orderLines, productPhases, productRequiredForms, productRequiredUploads, products, subscriptions,
  type ProductKind, type ProductStatus, type ProductVisibility,
} from '@/db/schema';
import { assertPermission, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { getBillingSettings } from '@/lib/billing/settings';
import { now } from '@/lib/clock';
import { NotFoundError, RuleError } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';
import { CommerceAuditActions } from './audit-actions';
import type { PhaseInput, ProductInput, UploadRequirementInput } from './product-forms';
import { productImageUrl } from './product-image-rules';
import { deleteProductImageQuietly, readProductImage, storeProductImage } from './product-images';

/**
 * The catalogue's products in the CRM (CRM → Products, `commerce.catalog`): list, create, edit,
 * archive, restore and delete. A product with orders is archived, never deleted, and its kind
 * (one-time or subscription) is fixed once it has orders. Editing a subscription's phases changes
 * what later renewals charge (they read the phases by position when they run); what was already
 * charged stays on its orders. Audit entries carry ids, counts and the names of the fields that
 * changed, never a product's name or description (a product may name a treatment).
 */

type ProductRuleCode = 'kind-locked' | 'has-orders' | 'form-unavailable' | 'type-unavailable' | 'upload-unknown' | 'alt-missing' | 'phases-invalid';

export class ProductRuleError extends RuleError {
  constructor(code: ProductRuleCode, message: string, fieldErrors?: Record<string, string>) {
    super(code, message, fieldErrors);
    this.name = 'ProductRuleError';
  }
}

// ---------------------------------------------------------------------------------------------
// Reads

export interface ProductListRow {
  id: string;
  name: string;
  category: string | null;
  kind: ProductKind;
  unitAmount: number | null;
  visibility: ProductVisibility;
  status: ProductStatus;
  position: number;
  imageUrl: string | null;
  imageAlt: string | null;
  phases: PhaseInput[];
  formCount: number;
  uploadCount: number;
}

const phasesJson = sql<PhaseInput[]>`coalesce((
  select json_agg(json_build_object(
    'position', ph.position, 'unitAmount', ph.unit_amount, 'intervalUnit', ph.interval_unit,
    'intervalCount', ph.interval_count, 'cycles', ph.cycles
  ) order by ph.position)
  from product_phases ph where ph.tenant_id = "products"."tenant_id" and ph.product_id = "products"."id"
), '[]'::json)`;

/** The clinic's active or archived products, in shop order, with what the list shows of each. */
export async function listProducts(db: Executor, ctx: StaffContext, filter: { status: ProductStatus }): Promise<ProductListRow[]> {
  assertPermission(ctx, 'commerce.catalog');
  const rows = await db
    .select({
      id: products.id, name: products.name, category: products.category, kind: products.kind, unitAmount: products.unitAmount,
      visibility: products.visibility, status: products.status, position: products.position, imageKey: products.imageKey, imageAlt: products.imageAlt,
      phases: phasesJson,
      formCount: sql<number>`(select count(*)::int from product_required_forms f where f.tenant_id = "products"."tenant_id" and f.product_id = "products"."id")`,
      uploadCount: sql<number>`(select count(*)::int from product_required_uploads u where u.tenant_id = "products"."tenant_id" and u.product_id = "products"."id")`,
    })
    .from(products)
    .where(and(eq(products.tenantId, ctx.tenant.id), eq(products.status, filter.status)))
    .orderBy(asc(products.position), asc(products.name), asc(products.id));
  return rows.map(({ imageKey, ...row }) => ({ ...row, imageUrl: productImageUrl(imageKey) }));
}

export interface ProductForEdit {
  id: string;
  name: string;
  description: string;
  category: string | null;
  kind: ProductKind;
  unitAmount: number | null;
  visibility: ProductVisibility;
  status: ProductStatus;
  taxable: boolean;
  requiresShipping: boolean;
  position: number;
  imageUrl: string | null;
  imageAlt: string | null;
  phases: PhaseInput[];
  requiredFormIds: string[];
  uploads: { id: string; label: string; documentTypeId: string | null }[];
  /** Orders that name it: its kind is fixed and it can only be archived. */
  orderCount: number;
  /** Active, paused or past-due subscriptions to it: a phase change affects their next renewals. */
  liveSubscriptions: number;
}

/** One product of the clinic with everything its edit page shows; NotFoundError otherwise. */
export async function getProductForEdit(db: Executor, ctx: StaffContext, productId: string): Promise<ProductForEdit> {
  assertPermission(ctx, 'commerce.catalog');
  if (!isUuid(productId)) throw new NotFoundError('product');
  const [row] = await db
    .select({
      id: products.id, name: products.name, description: products.description, category: products.category, kind: products.kind,
      unitAmount: products.unitAmount, visibility: products.visibility, status: products.status, taxable: products.taxable,
      requiresShipping: products.requiresShipping, position: products.position, imageKey: products.imageKey, imageAlt: products.imageAlt,
      phases: phasesJson,
      requiredFormIds: sql<string[]>`coalesce((select json_agg(f.template_id order by f.template_id) from product_required_forms f where f.tenant_id = "products"."tenant_id" and f.product_id = "products"."id"), '[]'::json)`,
      uploads: sql<ProductForEdit['uploads']>`coalesce((
        select json_agg(json_build_object('id', u.id, 'label', u.label, 'documentTypeId', u.document_type_id) order by u.label, u.id)
        from product_required_uploads u where u.tenant_id = "products"."tenant_id" and u.product_id = "products"."id"
      ), '[]'::json)`,
      orderCount: sql<number>`(select count(distinct l.order_id)::int from order_lines l where l.tenant_id = "products"."tenant_id" and l.product_id = "products"."id")`,
      liveSubscriptions: sql<number>`(select count(*)::int from subscriptions s where s.tenant_id = "products"."tenant_id" and s.product_id = "products"."id" and s.status in ('active', 'paused', 'past_due'))`,
    })
    .from(products)
    .where(and(eq(products.tenantId, ctx.tenant.id), eq(products.id, productId)));
  if (!row) throw new NotFoundError('product');
  const { imageKey, ...rest } = row;
  return { ...rest, imageUrl: productImageUrl(imageKey) };
}

export interface FormChoice { id: string; title: string; archived: boolean }
export interface DocumentTypeChoice { id: string; name: string; active: boolean }

/**
 * What the product form offers: the clinic's published forms and its document types (archived
 * or inactive ones too, so a product that already names one shows it; the form offers them only
 * to keep), and the clinic's currency for the prices.
 */
export async function productFormChoices(db: Executor, ctx: StaffContext): Promise<{ forms: FormChoice[]; documentTypes: DocumentTypeChoice[]; currency: string }> {
  assertPermission(ctx, 'commerce.catalog');
  const [forms, types, billing] = await Promise.all([
    db.select({ id: formTemplates.id, title: formTemplates.title, archivedAt: formTemplates.archivedAt })
      .from(formTemplates)
      .where(and(eq(formTemplates.tenantId, ctx.tenant.id), isNotNull(formTemplates.publishedVersion)))
      .orderBy(asc(formTemplates.title), asc(formTemplates.id)),
    db.select({ id: documentTypes.id, name: documentTypes.name, active: documentTypes.active })
      .from(documentTypes)
      .where(eq(documentTypes.tenantId, ctx.tenant.id))
      .orderBy(asc(documentTypes.name)),
    getBillingSettings(db, ctx.tenant.id),
  ]);
  return {
    forms: forms.map(({ archivedAt, ...f }) => ({ ...f, archived: archivedAt !== null })),
    documentTypes: types,
    currency: billing.currency,
  };
}

/** The clinic's products for the coupon form's "chosen products" (archived ones marked). */
export async function listProductChoices(db: Executor, ctx: StaffContext): Promise<{ id: string; name: string; archived: boolean }[]> {
  assertPermission(ctx, 'commerce.catalog');
  const rows = await db
    .select({ id: products.id, name: products.name, status: products.status })
    .from(products)
    .where(eq(products.tenantId, ctx.tenant.id))
    .orderBy(asc(products.status), asc(products.position), asc(products.name), asc(products.id));
  return rows.map((r) => ({ id: r.id, name: r.name, archived: r.status === 'archived' }));
}

// ---------------------------------------------------------------------------------------------
// Writes

export interface ImageChange {
  /** The posted file field (a File, or anything else when none was chosen). */
  file?: unknown;
  /** "Remove the picture" ticked on the edit form. */
  remove?: boolean;
}

const productColumns = (input: ProductInput) => ({
  name: input.name,
  description: input.description,
  category: input.category,
  kind: input.kind,
  unitAmount: input.kind === 'one_time' ? input.unitAmount : null,
  visibility: input.visibility,
  taxable: input.taxable,
  requiresShipping: input.requiresShipping,
  position: input.position,
});

/**
 * A one-time product's price and a subscription's phases, checked again here for callers other
 * than the form (its schema words each problem per row): at least one phase, and only the last
 * may repeat forever.
 */
function assertPhases(input: ProductInput): void {
  if (input.kind === 'one_time') {
    if (input.unitAmount === null || !Number.isSafeInteger(input.unitAmount) || input.unitAmount < 0) {
      throw new ProductRuleError('phases-invalid', 'The product was not saved.', { price: 'Enter the price as an amount such as 120 or 120.50.' });
    }
    return;
  }
  const phases = input.phases;
  const bad = phases.length === 0
    || phases.some((p, i) => (p.cycles === null && i !== phases.length - 1) || p.unitAmount < 0 || p.intervalCount < 1 || (p.cycles !== null && p.cycles < 1));
  if (bad) {
    throw new ProductRuleError('phases-invalid', 'The product was not saved.', {
      phases: 'A subscription needs at least one phase, and only the last phase can repeat until cancelled.',
    });
  }
}

const altMissing = () => new ProductRuleError('alt-missing', 'The product was not saved.', {
  imageAlt: 'Describe the picture in a few words for people who cannot see it, such as “Bottle of 60 capsules”.',
});

/**
 * Adds a product with its phases and requirements; answers its id. A picture is checked from its
 * bytes and stored before the row is written, and deleted again if the row is refused.
 */
export async function createProduct(db: Executor, ctx: StaffContext, input: ProductInput, image: ImageChange = {}): Promise<{ id: string }> {
  assertPermission(ctx, 'commerce.catalog');
  assertPhases(input);
  const upload = await readProductImage(image.file);
  if (upload && !input.imageAlt) throw altMissing();
  const imageKey = upload ? await storeProductImage(ctx.tenant.id, upload) : null;
  try {
    return await db.transaction(async (tx) => {
      await checkRequirements(tx, ctx, null, input);
      const [row] = await tx.insert(products).values({
        tenantId: ctx.tenant.id, ...productColumns(input), imageKey, imageAlt: imageKey ? input.imageAlt : null,
      }).returning({ id: products.id });
      const id = row!.id;
      await writePhases(tx, ctx.tenant.id, id, input.kind === 'subscription' ? input.phases : []);
      await replaceRequiredForms(tx, ctx.tenant.id, id, input.requiredFormIds);
      await replaceUploads(tx, ctx.tenant.id, id, input.uploads);
      await recordAudit(tx, ctx, {
        action: CommerceAuditActions.productCreated,
        target: { type: 'product', id },
        details: { kind: input.kind, visibility: input.visibility, phases: input.kind === 'subscription' ? input.phases.length : 0, forms: input.requiredFormIds.length, uploads: input.uploads.length, image: Boolean(imageKey) },
      });
      return { id };
    });
  } catch (error) {
    await deleteProductImageQuietly(imageKey);
    throw error;
  }
}

/**
 * Saves the edit form. The kind cannot change once the product has orders. Phases are replaced
 * as a whole (renewals read them by position); requirements are made exactly the form's, an
 * upload row keeping its id. A new picture replaces the old one, which is deleted after commit.
 */
export async function updateProduct(db: Executor, ctx: StaffContext, productId: string, input: ProductInput, image: ImageChange = {}): Promise<{ changed: boolean }> {
  assertPermission(ctx, 'commerce.catalog');
  if (!isUuid(productId)) throw new NotFoundError('product');
  assertPhases(input);
  const upload = await readProductImage(image.file);
  const newKey = upload ? await storeProductImage(ctx.tenant.id, upload) : null;
  let oldKey: string | null = null;
  try {
    const result = await db.transaction(async (tx) => {
      const [before] = await tx.select().from(products).where(and(eq(products.tenantId, ctx.tenant.id), eq(products.id, productId))).for('update');
      if (!before) throw new NotFoundError('product');
      const keepsImage = newKey !== null || (before.imageKey !== null && !image.remove);
      if (keepsImage && !input.imageAlt) throw altMissing();
      if (before.kind !== input.kind && (await hasOrders(tx, ctx.tenant.id, productId))) {
        throw new ProductRuleError('kind-locked', 'The product was not saved.', {
          kind: `This product has orders, so it stays a ${before.kind === 'one_time' ? 'one-time purchase' : 'subscription'}. Archive it and add a new product instead.`,
        });
      }
      await checkRequirements(tx, ctx, productId, input);
      const imageKey = newKey ?? (image.remove ? null : before.imageKey);
      const next = { ...productColumns(input), imageKey, imageAlt: imageKey ? input.imageAlt : null };
      const changed: string[] = (Object.keys(next) as (keyof typeof next)[]).filter((k) => before[k] !== next[k]);
      const phases = input.kind === 'subscription' ? input.phases : [];
      if (!samePhases(await readPhases(tx, ctx.tenant.id, productId), phases)) {
        await tx.delete(productPhases).where(and(eq(productPhases.tenantId, ctx.tenant.id), eq(productPhases.productId, productId)));
        await writePhases(tx, ctx.tenant.id, productId, phases);
        changed.push('phases');
      }
      if (await replaceRequiredForms(tx, ctx.tenant.id, productId, input.requiredFormIds)) changed.push('requiredForms');
      if (await replaceUploads(tx, ctx.tenant.id, productId, input.uploads)) changed.push('uploads');
      if (changed.length === 0) return { changed: false };
      await tx.update(products).set({ ...next, updatedAt: now() }).where(and(eq(products.tenantId, ctx.tenant.id), eq(products.id, productId)));
      await recordAudit(tx, ctx, {
        action: CommerceAuditActions.productUpdated,
        target: { type: 'product', id: productId },
        details: { changed, phases: phases.length },
      });
      if (before.imageKey !== imageKey) oldKey = before.imageKey;
      return { changed: true };
    });
    await deleteProductImageQuietly(oldKey);
    return result;
  } catch (error) {
    await deleteProductImageQuietly(newKey);
    throw error;
  }
}

/** Takes the product out of the shop and the staff's choices; its orders and subscriptions keep it. */
export async function archiveProduct(db: Executor, ctx: StaffContext, productId: string): Promise<{ changed: boolean }> {
  return setStatus(db, ctx, productId, 'archived');
}

export async function restoreProduct(db: Executor, ctx: StaffContext, productId: string): Promise<{ changed: boolean }> {
  return setStatus(db, ctx, productId, 'active');
}

async function setStatus(db: Executor, ctx: StaffContext, productId: string, status: ProductStatus): Promise<{ changed: boolean }> {
  assertPermission(ctx, 'commerce.catalog');
  if (!isUuid(productId)) throw new NotFoundError('product');
  return db.transaction(async (tx) => {
    const [before] = await tx.select({ status: products.status }).from(products)
      .where(and(eq(products.tenantId, ctx.tenant.id), eq(products.id, productId))).for('update');
    if (!before) throw new NotFoundError('product');
    if (before.status === status) return { changed: false };
    await tx.update(products).set({ status, updatedAt: now() }).where(and(eq(products.tenantId, ctx.tenant.id), eq(products.id, productId)));
    await recordAudit(tx, ctx, {
      action: status === 'archived' ? CommerceAuditActions.productArchived : CommerceAuditActions.productRestored,
      target: { type: 'product', id: productId },
    });
    return { changed: true };
  });
}

/**
 * Deletes a product nobody ordered (made by mistake). One with orders or subscriptions is
 * refused in words: it can only be archived. Its picture is deleted after commit.
 */
export async function deleteProduct(db: Executor, ctx: StaffContext, productId: string): Promise<void> {
  assertPermission(ctx, 'commerce.catalog');
  if (!isUuid(productId)) throw new NotFoundError('product');
  const imageKey = await db.transaction(async (tx) => {
    const [before] = await tx.select({ imageKey: products.imageKey }).from(products)
      .where(and(eq(products.tenantId, ctx.tenant.id), eq(products.id, productId))).for('update');
    if (!before) throw new NotFoundError('product');
    const [subscription] = await tx.select({ id: subscriptions.id }).from(subscriptions)
      .where(and(eq(subscriptions.tenantId, ctx.tenant.id), eq(subscriptions.productId, productId))).limit(1);
    if (subscription || (await hasOrders(tx, ctx.tenant.id, productId))) {
      throw new ProductRuleError('has-orders', 'This product has orders, so it cannot be deleted: its orders and subscriptions keep it. Archive it instead; it leaves the shop and the lists.');
    }
    await tx.delete(products).where(and(eq(products.tenantId, ctx.tenant.id), eq(products.id, productId)));
    await recordAudit(tx, ctx, { action: CommerceAuditActions.productDeleted, target: { type: 'product', id: productId } });
    return before.imageKey;
  });
  await deleteProductImageQuietly(imageKey);
}

async function hasOrders(tx: Executor, tenantId: string, productId: string): Promise<boolean> {
  const [line] = await tx.select({ id: orderLines.id }).from(orderLines)
    .where(and(eq(orderLines.tenantId, tenantId), eq(orderLines.productId, productId))).limit(1);
  return Boolean(line);
}

async function readPhases(tx: Executor, tenantId: string, productId: string): Promise<PhaseInput[]> {
  return tx.select({
    position: productPhases.position, unitAmount: productPhases.unitAmount, intervalUnit: productPhases.intervalUnit,
    intervalCount: productPhases.intervalCount, cycles: productPhases.cycles,
  }).from(productPhases)
    .where(and(eq(productPhases.tenantId, tenantId), eq(productPhases.productId, productId)))
    .orderBy(asc(productPhases.position));
}

function samePhases(a: readonly PhaseInput[], b: readonly PhaseInput[]): boolean {
  const key = (p: PhaseInput) => `${p.position}|${p.unitAmount}|${p.intervalUnit}|${p.intervalCount}|${p.cycles ?? ''}`;
  return a.length === b.length && a.every((p, i) => key(p) === key(b[i]!));
}

async function writePhases(tx: Executor, tenantId: string, productId: string, phases: readonly PhaseInput[]): Promise<void> {
  if (phases.length === 0) return;
  await tx.insert(productPhases).values(phases.map((p, i) => ({
    tenantId, productId, position: i, unitAmount: p.unitAmount, intervalUnit: p.intervalUnit, intervalCount: p.intervalCount, cycles: p.cycles,
  })));
}

/**
 * The forms and document types the form names must be the clinic's, and usable: a published
 * form that is not archived and an active type, unless the product already names it (an edit
 * that leaves an archived form in place is not refused). Another clinic's id is refused like an
 * unknown one.
 */
async function checkRequirements(tx: Executor, ctx: StaffContext, productId: string | null, input: ProductInput): Promise<void> {
  const tenantId = ctx.tenant.id;
  const kept = productId
    ? await tx.select({ templateId: productRequiredForms.templateId }).from(productRequiredForms)
      .where(and(eq(productRequiredForms.tenantId, tenantId), eq(productRequiredForms.productId, productId)))
    : [];
  const newForms = input.requiredFormIds.filter((id) => !kept.some((k) => k.templateId === id));
  if (newForms.length) {
    const found = await tx.select({ id: formTemplates.id, published: formTemplates.publishedVersion, archivedAt: formTemplates.archivedAt })
      .from(formTemplates)
      .where(and(eq(formTemplates.tenantId, tenantId), inArray(formTemplates.id, newForms)));
    if (found.length !== newForms.length || found.some((f) => f.published === null || f.archivedAt !== null)) {
      throw new ProductRuleError('form-unavailable', 'The product was not saved.', {
        requiredFormIds: 'One of the chosen forms is no longer available (archived or not published). Reload the page and choose again.',
      });
    }
  }
  const current = productId
    ? await tx.select({ id: productRequiredUploads.id, documentTypeId: productRequiredUploads.documentTypeId }).from(productRequiredUploads)
      .where(and(eq(productRequiredUploads.tenantId, tenantId), eq(productRequiredUploads.productId, productId)))
    : [];
  for (const upload of input.uploads) {
    if (upload.id && !current.some((c) => c.id === upload.id)) {
      throw new ProductRuleError('upload-unknown', 'The product was not saved.', { uploads: 'The uploads changed since the page was opened. Reload the page and try again.' });
    }
  }
  const typeIds = [...new Set(input.uploads
    .filter((u) => u.documentTypeId && !current.some((c) => c.id === u.id && c.documentTypeId === u.documentTypeId))
    .map((u) => u.documentTypeId!))];
  if (typeIds.length) {
    const types = await tx.select({ id: documentTypes.id, active: documentTypes.active }).from(documentTypes)
      .where(and(eq(documentTypes.tenantId, tenantId), inArray(documentTypes.id, typeIds)));
    if (types.length !== typeIds.length || types.some((t) => !t.active)) {
      throw new ProductRuleError('type-unavailable', 'The product was not saved.', {
        uploads: 'One of the chosen document types is no longer available. Reload the page and choose again.',
      });
    }
  }
}

/** Makes the product's required forms exactly these; answers whether anything changed. */
async function replaceRequiredForms(tx: Executor, tenantId: string, productId: string, templateIds: readonly string[]): Promise<boolean> {
  const current = (await tx.select({ templateId: productRequiredForms.templateId }).from(productRequiredForms)
    .where(and(eq(productRequiredForms.tenantId, tenantId), eq(productRequiredForms.productId, productId)))).map((r) => r.templateId);
  const removed = current.filter((id) => !templateIds.includes(id));
  const added = templateIds.filter((id) => !current.includes(id));
  if (removed.length) {
    await tx.delete(productRequiredForms).where(and(
      eq(productRequiredForms.tenantId, tenantId), eq(productRequiredForms.productId, productId), inArray(productRequiredForms.templateId, removed),
    ));
  }
  if (added.length) await tx.insert(productRequiredForms).values(added.map((templateId) => ({ tenantId, productId, templateId })));
  return removed.length + added.length > 0;
}

/** Makes the product's required uploads exactly these (kept rows keep their ids); answers whether anything changed. */
async function replaceUploads(tx: Executor, tenantId: string, productId: string, uploads: readonly UploadRequirementInput[]): Promise<boolean> {
  const current = await tx.select({ id: productRequiredUploads.id, label: productRequiredUploads.label, documentTypeId: productRequiredUploads.documentTypeId })
    .from(productRequiredUploads)
    .where(and(eq(productRequiredUploads.tenantId, tenantId), eq(productRequiredUploads.productId, productId)));
  // A row posted without an id that matches a row nobody claimed is that row (a form saved twice
  // without reloading posts its new rows again): saving the same form twice changes nothing.
  const claimed = new Set(uploads.map((u) => u.id).filter((id): id is string => id !== null));
  const rows = uploads.map((u) => {
    if (u.id !== null) return u;
    const same = current.find((c) => !claimed.has(c.id) && c.label === u.label && c.documentTypeId === u.documentTypeId);
    if (!same) return u;
    claimed.add(same.id);
    return { ...u, id: same.id };
  });
  const removed = current.filter((c) => !claimed.has(c.id)).map((c) => c.id);
  let changed = removed.length > 0;
  if (removed.length) {
    await tx.delete(productRequiredUploads).where(and(
      eq(productRequiredUploads.tenantId, tenantId), eq(productRequiredUploads.productId, productId), inArray(productRequiredUploads.id, removed),
    ));
  }
  for (const upload of rows) {
    if (upload.id === null) {
      await tx.insert(productRequiredUploads).values({ tenantId, productId, label: upload.label, documentTypeId: upload.documentTypeId });
      changed = true;
      continue;
    }
    const before = current.find((c) => c.id === upload.id)!;
    if (before.label === upload.label && before.documentTypeId === upload.documentTypeId) continue;
    await tx.update(productRequiredUploads).set({ label: upload.label, documentTypeId: upload.documentTypeId })
      .where(and(eq(productRequiredUploads.tenantId, tenantId), eq(productRequiredUploads.id, upload.id)));
    changed = true;
  }
  return changed;
}
