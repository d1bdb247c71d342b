import 'server-only';
import { patients, type RecordField } from '@/db/schema';

/** Where each record field an answer can feed lives on the patient row. */
export const RECORD_COLUMNS = {
  email: patients.email,
  phone: patients.phone,
  address_line1: patients.addressLine1,
  address_line2: patients.addressLine2,
  city: patients.city,
  region: patients.region,
  postal_code: patients.postalCode,
  country: patients.country,
  date_of_birth: patients.dateOfBirth,
} as const satisfies Record<RecordField, unknown>;
