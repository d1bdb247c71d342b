import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { RequirementUploadForm } from '@/components/commerce/shop/requirement-upload-form';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { openUploadRequirement } from '@/lib/commerce/requirements';
import { orderLabel } from '@/lib/commerce/settings';
import { formatBytes } from '@/lib/documents/file-rules';
import { patientUploadLimit } from '@/lib/documents/patient-uploads';
import { translator } from '@/lib/i18n/core';
import { shop } from '@/lib/i18n/messages/shop';
import { uploads } from '@/lib/i18n/messages/uploads';
import { getPortalI18n } from '@/lib/i18n/portal';
import { uploadRequirementAction } from '../../../actions';
import { requireShop, textLink } from '../../../checkout-page';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(shop);
  return { title: t('uploadSubmit') };
}

/**
 * /portal/shop/checkout/[orderId]/uploads/[requirementId]: the file an order asks for (a photo
 * ID), sent through the portal's upload checks and recorded on the request. One already sent, or
 * anyone else's, is not offered.
 */
export default async function RequirementUploadPage({ params }: { params: Promise<{ orderId: string; requirementId: string }> }) {
  const portal = await requirePortalPatient('orders');
  await requireShop(portal);
  const { t, locale } = await getPortalI18n(shop);
  const { orderId, requirementId } = await params;
  const db = getDb();
  const requirement = await openUploadRequirement(db, portal, requirementId).catch(() => null);
  if (!requirement || requirement.orderId !== orderId) {
    // Done already, or not this patient's: the order's page says what is left (or 404s).
    redirect(`/portal/shop/checkout/${encodeURIComponent(orderId)}`);
  }
  const maxBytes = await patientUploadLimit(db, portal);
  const tu = translator(uploads, locale);
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <p><Link href={`/portal/shop/checkout/${requirement.orderId}`} className={textLink}>{t('backToOrder')}</Link></p>
      <h1 className="text-2xl font-semibold">{t('uploadTitle', { label: requirement.label })}</h1>
      <p>{t('uploadIntro', { number: orderLabel(requirement.number) })}</p>
      <RequirementUploadForm
        action={uploadRequirementAction}
        requirementId={requirement.id}
        maxBytes={maxBytes}
        messages={{
          file: t('fileLabel'), hint: t('fileHint', { size: formatBytes(maxBytes) }), submit: t('uploadSubmit'), working: t('uploading'),
          wrongType: tu('errWrongType'), tooLarge: t('fileHint', { size: formatBytes(maxBytes) }),
        }}
      />
    </div>
  );
}
