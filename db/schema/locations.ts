import { sql } from 'drizzle-orm';
import { check, text, boolean, jsonb } from 'drizzle-orm/pg-core';
import { clinicTable } from './clinic-table';
import { createdAt } from './columns';

export const locations = clinicTable(
  'locations',
  {
    name: text('name').notNull(),
    addressLine1: text('address_line1').notNull(),
    addressLine2: text('address_line2'),
    city: text('city').notNull(),
    region: text('region'),
    postalCode: text('postal_code'),
    country: text('country').notNull().default('US'),
    timeZone: text('time_zone').notNull(),
    phone: text('phone'),
    // What patients should know before coming (parking, entrance), shown in the portal (issue 20).
    notes: text('notes'),
    // Name and notes in other portal languages: { es: { name, notes } }.
    translations: jsonb('translations').$type<Partial<Record<string, Partial<Record<'name' | 'notes', string>>>>>().notNull().default({}),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    check('locations_phone_e164', sql`${t.phone} is null or ${t.phone} ~ '^\\+[1-9][0-9]{6,14}$'`),
  ],
);
export type Location = typeof locations.$inferSelect;
