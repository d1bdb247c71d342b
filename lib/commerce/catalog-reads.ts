import 'server-only';
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { products, type IntervalUnit, type ProductKind, type ProductStatus, type ProductVisibility } from '@/db/schema';
import { NotFoundError } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';
import { productImageUrl } from './product-image-rules';

export { describePhases } from './phase-text';

/**
 * The catalogue as the shop and checkout read it (the portal's /portal/shop, the order code).
 * No permission check: the shop is the clinic's public catalogue; callers decide who may see it
 * (the shop switched on, open to visitors or not). One statement per call: the phases and the
 * requirements come as JSON beside each product. Names and descriptions may name a treatment:
 * they are for the page, never for logs, notices or a payment provider.
 */

export interface ShopPhase {
  position: number;
  unitAmount: number;
  intervalUnit: IntervalUnit;
  intervalCount: number;
  /** Null: repeats until cancelled (only the last phase). */
  cycles: number | null;
}

export interface ShopProduct {
  id: string;
  name: string;
  description: string;
  category: string | null;
  kind: ProductKind;
  /** A one-time product's price (minor units); null for a subscription (see phases). */
  unitAmount: number | null;
  imageUrl: string | null;
  imageAlt: string | null;
  taxable: boolean;
  requiresShipping: boolean;
  /** A subscription's phases in order; empty for a one-time product. */
  phases: ShopPhase[];
  /**
   * What the patient does after paying. Forms are the clinic's published, not archived ones
   * (a form archived since the product was saved is no longer asked for).
   */
  requirements: {
    forms: { templateId: string; title: string }[];
    uploads: { id: string; label: string; documentTypeId: string | null }[];
  };
}

export type OrderProduct = ShopProduct & { visibility: ProductVisibility; status: ProductStatus };

const phasesJson = sql<ShopPhase[]>`coalesce((
  select json_agg(json_build_object(
    'position', ph.position, 'unitAmount', ph.unit_amount, 'intervalUnit', ph.interval_unit,
    'intervalCount', ph.interval_count, 'cycles', ph.cycles
  ) order by ph.position)
  from product_phases ph
  where ph.tenant_id = "products"."tenant_id" and ph.product_id = "products"."id"
), '[]'::json)`;

const formsJson = sql<{ templateId: string; title: string }[]>`coalesce((
  select json_agg(json_build_object('templateId', ft.id, 'title', ft.title) order by ft.title, ft.id)
  from product_required_forms rf
  join form_templates ft on ft.tenant_id = rf.tenant_id and ft.id = rf.template_id
  where rf.tenant_id = "products"."tenant_id" and rf.product_id = "products"."id"
    and ft.published_version is not null and ft.archived_at is null
), '[]'::json)`;

const uploadsJson = sql<{ id: string; label: string; documentTypeId: string | null }[]>`coalesce((
  select json_agg(json_build_object('id', u.id, 'label', u.label, 'documentTypeId', u.document_type_id) order by u.label, u.id)
  from product_required_uploads u
  where u.tenant_id = "products"."tenant_id" and u.product_id = "products"."id"
), '[]'::json)`;

const columns = {
  id: products.id,
  name: products.name,
  description: products.description,
  category: products.category,
  kind: products.kind,
  unitAmount: products.unitAmount,
  imageKey: products.imageKey,
  imageAlt: products.imageAlt,
  taxable: products.taxable,
  requiresShipping: products.requiresShipping,
  visibility: products.visibility,
  status: products.status,
  phases: phasesJson,
  forms: formsJson,
  uploads: uploadsJson,
};

async function readProducts(db: Executor, where: SQL | undefined) {
  return db
    .select(columns)
    .from(products)
    .where(where)
    .orderBy(asc(products.position), asc(products.name), asc(products.id));
}
type Row = Awaited<ReturnType<typeof readProducts>>[number];

function toOrderProduct(row: Row): OrderProduct {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    category: row.category,
    kind: row.kind,
    unitAmount: row.unitAmount,
    imageUrl: productImageUrl(row.imageKey),
    imageAlt: row.imageAlt,
    taxable: row.taxable,
    requiresShipping: row.requiresShipping,
    phases: row.kind === 'subscription' ? row.phases : [],
    requirements: { forms: row.forms, uploads: row.uploads },
    visibility: row.visibility,
    status: row.status,
  };
}

function toShopProduct(row: Row): ShopProduct {
  const { visibility: _v, status: _s, ...product } = toOrderProduct(row);
  return product;
}

const onSale = (tenantId: string) => and(eq(products.tenantId, tenantId), eq(products.status, 'active'), eq(products.visibility, 'portal'));

/** The shop's products: active and visible in the portal, by position then name. */
export async function listShopProducts(db: Executor, tenantId: string): Promise<ShopProduct[]> {
  return (await readProducts(db, onSale(tenantId))).map(toShopProduct);
}

/** One product of the shop; NotFoundError when it is not the clinic's, archived, or staff-only. */
export async function getShopProduct(db: Executor, tenantId: string, productId: string): Promise<ShopProduct> {
  if (!isUuid(productId)) throw new NotFoundError('product');
  const [row] = await readProducts(db, and(onSale(tenantId), eq(products.id, productId)));
  if (!row) throw new NotFoundError('product');
  return toShopProduct(row);
}

/**
 * The clinic's products with these ids, whatever their status and visibility (the caller
 * decides: checkout sells only active portal products, staff may order staff-only ones, a
 * renewal charges an archived one). Ids that are not the clinic's are simply absent.
 */
export async function getProductsForOrder(db: Executor, tenantId: string, productIds: readonly string[]): Promise<Map<string, OrderProduct>> {
  const ids = [...new Set(productIds.filter(isUuid).map((id) => id.toLowerCase()))];
  if (ids.length === 0) return new Map();
  const rows = await readProducts(db, and(eq(products.tenantId, tenantId), inArray(products.id, ids)));
  return new Map(rows.map((row) => [row.id, toOrderProduct(row)]));
}
