import { sql } from 'drizzle-orm';
import { check, pgTable, text, boolean } from 'drizzle-orm/pg-core';
import { clinicKey, createdAt, rowId } from './columns';
import { ownerTenantId } from './tenants';

export const locations = pgTable(
  'locations',
  {
    tenantId: ownerTenantId(),
    id: rowId(),
    name: text('name').notNull(),
    addressLine1: text('address_line1').notNull(),
    addressLine2: text('address_line2'),
    city: text('city').notNull(),
    region: text('region'),
    postalCode: text('postal_code'),
    country: text('country').notNull().default('US'),
    timeZone: text('time_zone').notNull(),
    phone: text('phone'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    clinicKey(t),
    check('locations_phone_e164', sql`${t.phone} is null or ${t.phone} ~ '^\\+[1-9][0-9]{6,14}$'`),
  ],
);
export type Location = typeof locations.$inferSelect;
