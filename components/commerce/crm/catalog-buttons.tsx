'use client';

import { FormMessage, PrimaryButton, SecondaryButton } from '@/components/ui/form-controls';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { couponIdSchema } from '@/lib/commerce/coupon-forms';
import { productIdSchema } from '@/lib/commerce/product-forms';
import { useActionForm } from '@/lib/forms/use-action-form';

// One-button forms of the catalogue: archive and restore a product or a coupon, delete a product
// nobody ordered (behind a disclosure that says what it does). Hidden ids are the form's default
// values too, so the browser's check with the shared schema sees the whole form.

const dangerButton = 'border-red-600 text-red-800 dark:text-red-300';

type Target = { productId: string } | { couponId: string };

function schemaFor(target: Target) {
  return 'productId' in target ? productIdSchema : couponIdSchema;
}

function Hidden({ target }: { target: Target }) {
  return 'productId' in target
    ? <input type="hidden" name="productId" value={target.productId} />
    : <input type="hidden" name="couponId" value={target.couponId} />;
}

/** "Archive" / "Restore" with a sentence on what it does. */
export function StatusButton({ action, target, label, pendingLabel, hint, primary = false }: {
  action: FormAction<ActionState>;
  target: Target;
  label: string;
  pendingLabel: string;
  hint: string;
  primary?: boolean;
}) {
  const { state, pending, formProps } = useActionForm(schemaFor(target), action, { defaultValues: target as never });
  const Button = primary ? PrimaryButton : SecondaryButton;
  return (
    <form {...formProps} className="space-y-2">
      <Hidden target={target} />
      <p className="text-sm text-fg-muted">{hint}</p>
      <Button type="submit" disabled={pending}>{pending ? pendingLabel : label}</Button>
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}

/** "Delete product", behind a disclosure so one click does not remove it. */
export function DeleteProductForm({ action, productId }: { action: FormAction<ActionState>; productId: string }) {
  const { state, pending, formProps } = useActionForm(productIdSchema, action, { defaultValues: { productId } });
  return (
    <details>
      <summary className="inline-flex min-h-11 cursor-pointer items-center rounded-lg border border-line px-3 font-medium hover:bg-surface-muted">Delete product</summary>
      <form {...formProps} className="mt-2 max-w-md space-y-2 rounded-lg border border-line bg-surface p-3">
        <input type="hidden" name="productId" value={productId} />
        <p className="text-sm">Nobody has ordered it, so it can be deleted with its phases, requirements and picture. A product with orders can only be archived.</p>
        <SecondaryButton type="submit" disabled={pending} className={dangerButton}>{pending ? 'Deleting…' : 'Delete this product'}</SecondaryButton>
        <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
      </form>
    </details>
  );
}
