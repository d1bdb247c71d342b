import type { Metadata } from 'next';
import Link from 'next/link';
import { ProductForm } from '@/components/commerce/crm/product-form';
import { Page } from '@/components/ui/page';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { productFormChoices } from '@/lib/commerce/products';
import { createProductAction } from '../actions';

export const metadata: Metadata = { title: 'New product' };

/** /crm/products/new (commerce.catalog). */
export default async function NewProductPage() {
  const ctx = await requireStaff('crm', 'commerce.catalog');
  const { currency, ...choices } = await productFormChoices(getDb(), ctx);
  const back = (
    <nav aria-label="Breadcrumb" className="mb-2 text-sm">
      <Link href="/crm/products" className="link">Products</Link>
    </nav>
  );
  return (
    <Page title="New product" above={back} description={`Prices are in the clinic’s currency (${currency}). A product is active as soon as it is saved: in the portal’s shop when it is for patients and the shop is open.`}>
      <ProductForm action={createProductAction} target={{ mode: 'create' }} currency={currency} choices={choices} submitLabel="Add product" />
    </Page>
  );
}
