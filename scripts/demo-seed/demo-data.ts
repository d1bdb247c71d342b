import type { BuiltinLevelKey } from '@/lib/access/permissions';
import type { IdentificationMode, RelationshipKind, Sex, Theme } from '@/db/schema';
import type { ClinicTranslations } from '@/lib/i18n/clinic-text';
import type { DemoBilling } from './billing';
import type { DemoCommerce } from './commerce';
import type { DemoDocument } from './documents';
import type { DemoForms } from './forms';
import type { DemoNotes } from './notes';
import type { DemoSchedule } from './scheduling';

/** The demo clinics every fresh install starts with (README lists the accounts). */

export const DEMO_PASSWORD = 'Carebridge-demo1';
/** Every demo staff member and the operator have TOTP enrolled with this secret (README). */
export const DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXP';
export const DEMO_OPERATOR = { email: 'operator@carebridge.test', fullName: 'Pat Operator' };

export interface DemoStaff {
  email: string;
  fullName: string;
  title?: string;
  level: BuiltinLevelKey;
  isProvider?: boolean;
  phone?: string;
}

export interface DemoPatient {
  recordNumber: string;
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  sex: Sex;
  email?: string;
  phone?: string;
  nationalId?: string;
  city?: string;
  addressLine1?: string;
  postalCode?: string;
  region?: string;
  preferredLanguage?: string;
}

export interface DemoClinic {
  slug: string;
  name: string;
  customDomains: string[];
  branding: { primaryColor: string; theme: Theme; logoUrl: string; faviconUrl: string };
  identificationMode: IdentificationMode;
  accessMode: 'manual' | 'automatic';
  /** Issue 19's sign-in and registration choices, where the demo shows them. */
  portalAccess?: { passkeysAllowed?: boolean; totpAllowed?: boolean; selfRegistration?: 'off' | 'open' | 'approval' };
  /** `notes`: what patients should know before coming; `translations`: name and notes in the portal's other languages (issue 20). */
  locations: { name: string; addressLine1: string; city: string; region: string; postalCode: string; timeZone: string; phone: string; notes?: string; translations?: ClinicTranslations<'name' | 'notes'> }[];
  /** Names of built-in document types in the portal's other languages. */
  documentTypeTranslations?: { name: string; translations: ClinicTranslations<'name'> }[];
  staff: DemoStaff[];
  patients: DemoPatient[];
  contacts: { patient: string; contact: string; relationship: RelationshipKind }[];
  portalAccounts: {
    fullName: string;
    email?: string;
    nationalId?: string;
    phone: string;
    links: { patient: string; relationship: 'self' | 'parent' | 'guardian' | 'caregiver' | 'spouse' | 'other' }[];
  }[];
  /** Patients given a printed portal ID (seed 001), not yet activated. */
  printedActivations: { patient: string; portalCode: string }[];
  schedule: DemoSchedule;
  documents: DemoDocument[];
  forms?: DemoForms;
  notes?: DemoNotes;
  billing?: DemoBilling;
  commerce?: DemoCommerce;
}

const WEEKDAYS = [1, 2, 3, 4, 5];

const FIRST = ['Olivia', 'Noah', 'Emma', 'Liam', 'Ava', 'Ethan', 'Sofia', 'Mason', 'Isabella', 'Lucas', 'Mia', 'Elijah', 'Amelia', 'James', 'Harper', 'Benjamin', 'Evelyn', 'Henry', 'Abigail', 'Samuel', 'Chloe', 'Daniel', 'Grace', 'Matteo'];
const LAST = ['Nguyen', 'Johnson', 'Okafor', 'Kowalski', 'Haddad', 'Schmidt', 'Rossi', 'Tanaka', 'Brown', 'Singh', 'Andersen', 'Dubois', 'Moreau', 'Silva', 'Cohen', 'Ivanova', 'Park', 'Murphy'];

/** Deterministic filler patients so lists and searches have something to show. */
function fillerPatients(prefix: string, count: number, city: string, region: string, areaCode: string): DemoPatient[] {
  return Array.from({ length: count }, (_, i) => {
    const first = FIRST[(i * 7) % FIRST.length]!;
    const last = LAST[(i * 5 + 3) % LAST.length]!;
    const year = 1948 + ((i * 13) % 70);
    const month = String(1 + ((i * 5) % 12)).padStart(2, '0');
    const day = String(1 + ((i * 11) % 28)).padStart(2, '0');
    return {
      recordNumber: `${prefix}-${String(20001 + i)}`,
      firstName: first,
      lastName: last,
      dateOfBirth: `${year}-${month}-${day}`,
      sex: i % 2 === 0 ? 'female' : 'male',
      email: `${first}.${last}.${i}@example.test`.toLowerCase(),
      phone: `+1${areaCode}555${String(1000 + i).padStart(4, '0')}`,
      city,
      region,
      addressLine1: `${100 + i * 3} ${['Oak', 'Maple', 'Cedar', 'Pine', 'Elm'][i % 5]} Street`,
    } satisfies DemoPatient;
  });
}

/**
 * A date of birth, computed when the demo is seeded, for someone who turns `age` `days` from now:
 * Maria's daughter turns 12 thirty days after seeding, so the family age rules (issue 19) can be tried
 * by moving the clock or waiting.
 */
function bornToTurn(age: number, days: number, from: Date = new Date()): string {
  const birthday = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate() + days));
  birthday.setUTCFullYear(birthday.getUTCFullYear() - age);
  return birthday.toISOString().slice(0, 10);
}

export const DEMO_CLINICS: DemoClinic[] = [
  {
    slug: 'sunrise',
    name: 'Sunrise Family Clinic',
    customDomains: [],
    branding: { primaryColor: '#0f766e', theme: 'light', logoUrl: '/brand/sunrise-logo.svg', faviconUrl: '/brand/sunrise-favicon.svg' },
    identificationMode: 'email',
    accessMode: 'manual',
    // "SMS code or a passkey", and the authenticator app for the SMS that never arrives.
    portalAccess: { passkeysAllowed: true, totpAllowed: true },
    locations: [
      {
        name: 'Downtown', addressLine1: '120 Main Street', city: 'Springfield', region: 'IL', postalCode: '62701', timeZone: 'America/Chicago', phone: '+12175550100',
        notes: 'Free parking behind the building. The entrance is on Main Street, next to the pharmacy.',
        translations: { es: { name: 'Centro de la ciudad', notes: 'Estacionamiento gratuito detrás del edificio. La entrada está en Main Street, junto a la farmacia.' } },
      },
      { name: 'Riverside', addressLine1: '48 River Road', city: 'Springfield', region: 'IL', postalCode: '62704', timeZone: 'America/Chicago', phone: '+12175550140' },
    ],
    staff: [
      { email: 'admin@sunrise.test', fullName: 'Alex Morgan', title: 'Practice manager', level: 'admin', phone: '+15555550111' },
      { email: 'dr.kim@sunrise.test', fullName: 'Dr. Daniel Kim', title: 'Family physician', level: 'physician', isProvider: true, phone: '+15555550112' },
      { email: 'dr.patel@sunrise.test', fullName: 'Dr. Priya Patel', title: 'Pediatrician', level: 'physician', isProvider: true },
      { email: 'ops@sunrise.test', fullName: 'Jordan Lee', title: 'Front desk', level: 'operations' },
      { email: 'support@sunrise.test', fullName: 'Sam Rivera', title: 'Patient support', level: 'support', phone: '+15555550113' },
      { email: 'marketing@sunrise.test', fullName: 'Casey Brooks', title: 'Marketing lead', level: 'marketing' },
    ],
    patients: [
      { recordNumber: 'SUN-10001', firstName: 'Maria', lastName: 'Lopez', dateOfBirth: '1986-04-12', sex: 'female', email: 'maria.lopez@sunrise.test', phone: '+15555550101', addressLine1: '12 Sunset Avenue', city: 'Springfield', region: 'IL', postalCode: '62702', preferredLanguage: 'es' },
      { recordNumber: 'SUN-10002', firstName: 'Leo', lastName: 'Lopez', dateOfBirth: '2016-09-03', sex: 'male', addressLine1: '12 Sunset Avenue', city: 'Springfield', region: 'IL', postalCode: '62702' },
      { recordNumber: 'SUN-10004', firstName: 'Ana', lastName: 'Lopez', dateOfBirth: bornToTurn(12, 30), sex: 'female', addressLine1: '12 Sunset Avenue', city: 'Springfield', region: 'IL', postalCode: '62702' },
      { recordNumber: 'SUN-10003', firstName: 'Robert', lastName: 'Chen', dateOfBirth: '1954-01-27', sex: 'male', email: 'robert.chen@example.test', phone: '+15555550103', city: 'Springfield', region: 'IL' },
      ...fillerPatients('SUN', 36, 'Springfield', 'IL', '217'),
    ],
    contacts: [{ patient: 'SUN-10002', contact: 'SUN-10001', relationship: 'parent' }, { patient: 'SUN-10004', contact: 'SUN-10001', relationship: 'parent' }],
    portalAccounts: [
      {
        fullName: 'Maria Lopez',
        email: 'maria.lopez@sunrise.test',
        phone: '+15555550101',
        links: [
          { patient: 'SUN-10001', relationship: 'self' },
          { patient: 'SUN-10002', relationship: 'parent' },
          // Full scope (the default) until Ana turns 12, thirty days after seeding.
          { patient: 'SUN-10004', relationship: 'parent' },
        ],
      },
    ],
    printedActivations: [{ patient: 'SUN-10003', portalCode: '482913' }],
    forms: {
      assigned: [{ patient: 'SUN-10002', form: 'general-intake', by: 'dr.patel@sunrise.test', dueInDays: 7, message: 'Please fill this in before Leo’s next check-up.' }],
      completed: [
        {
          patient: 'SUN-10001',
          form: 'phq-9',
          by: 'dr.kim@sunrise.test',
          account: 'maria.lopez@sunrise.test',
          answers: { phq9_1: '1', phq9_2: '1', phq9_3: '2', phq9_4: '1', phq9_5: '0', phq9_6: '0', phq9_7: '1', phq9_8: '0', phq9_9: '0', phq9_difficulty: 'somewhat' },
          signature: { field: 'phq9_signature', name: 'Maria Lopez' },
        },
      ],
      activities: [{ patient: 'SUN-10001', form: 'neck-stretches', by: 'dr.kim@sunrise.test', startedDaysAgo: 6, daysDone: 4 }],
    },
    notes: {
      patient: 'SUN-10001',
      own: [{ account: 'maria.lopez@sunrise.test', title: 'Questions for my next visit', body: 'Ask about the stiffness in my neck in the mornings.\nAsk whether Leo needs a booster this year.' }],
      fromClinic: [{ staff: 'dr.kim@sunrise.test', title: 'After your visit', body: 'Keep up the stretches twice a day and book a follow-up in four weeks if the stiffness stays.' }],
    },
    documentTypeTranslations: [{ name: 'Lab result', translations: { es: { name: 'Resultado de laboratorio' } } }],
    documents: [
      { patient: 'SUN-10001', type: 'Lab result', title: 'Blood test results', daysAgo: 30, visible: true, uploadedBy: 'dr.kim@sunrise.test' },
      { patient: 'SUN-10001', type: 'Report', title: 'Visit summary', daysAgo: 29, visible: true, uploadedBy: 'dr.kim@sunrise.test' },
      { patient: 'SUN-10001', type: 'Invoice', title: 'Invoice for consultation', daysAgo: 28, visible: true, uploadedBy: 'ops@sunrise.test' },
      { patient: 'SUN-10001', type: 'Referral', title: 'Referral draft', daysAgo: 10, visible: false, uploadedBy: 'dr.kim@sunrise.test' },
      { patient: 'SUN-10002', type: 'Report', title: 'Growth and development check', daysAgo: 60, visible: true, uploadedBy: 'dr.patel@sunrise.test' },
      { patient: 'SUN-10002', type: 'Ambulatory sheet', title: 'Vaccination record', daysAgo: 5, visible: true, uploadedBy: 'dr.patel@sunrise.test' },
    ],
    billing: {
      settings: { paymentsEnabled: true, invoiceFooter: 'Sunrise Family Clinic · 100 Main Street, Springfield, IL 62701 · Questions about a bill? Call (555) 555-0100.', taxId: 'EIN 12-3456789' },
      visitInvoices: [
        // Maria's own consultation, paid in the portal (her receipt is there); Leo's last check-up is still open.
        { patient: 'SUN-10001', service: 'Family consultation', by: 'ops@sunrise.test', paidOnlineBy: 'maria.lopez@sunrise.test' },
        { patient: 'SUN-10002', service: 'Pediatric check-up', by: 'ops@sunrise.test' },
      ],
    },
    schedule: {
      services: [
        { name: 'Family consultation', durationMinutes: 30, priceCents: 12000, description: 'A visit with your family doctor for any health concern.', translations: { es: { name: 'Consulta familiar', description: 'Una visita con su médico de familia por cualquier problema de salud.' } } },
        { name: 'Pediatric check-up', durationMinutes: 30, priceCents: 10000, description: 'Growth, development and vaccinations for children.', translations: { es: { name: 'Revisión pediátrica', description: 'Crecimiento, desarrollo y vacunas para niños.' } } },
        { name: 'Vaccination', durationMinutes: 15, priceCents: 4000, description: 'Seasonal and travel vaccines.', translations: { es: { name: 'Vacunación', description: 'Vacunas de temporada y para viajes.' } } },
        { name: 'Video follow-up', durationMinutes: 20, priceCents: 6000, description: 'A short follow-up by video call.', isVideo: true, translations: { es: { name: 'Seguimiento por video', description: 'Un seguimiento breve por videollamada.' } } },
        { name: 'Annual physical', durationMinutes: 60, priceCents: 20000, description: 'Booked by the front desk.', bookableOnline: false, translations: { es: { name: 'Examen físico anual', description: 'Lo reserva la recepción.' } } },
      ],
      providers: [
        {
          email: 'dr.kim@sunrise.test',
          services: ['Family consultation', 'Vaccination', 'Video follow-up', 'Annual physical'],
          hours: [
            { location: 'Downtown', weekdays: [1, 2, 3, 4], start: '09:00', end: '17:00' },
            { location: 'Riverside', weekdays: [5], start: '09:00', end: '13:00' },
          ],
        },
        {
          email: 'dr.patel@sunrise.test',
          services: ['Pediatric check-up', 'Vaccination', 'Family consultation'],
          hours: [{ location: 'Riverside', weekdays: WEEKDAYS, start: '08:00', end: '16:00' }],
        },
      ],
      appointments: [
        { patient: 'SUN-10001', provider: 'dr.kim@sunrise.test', service: 'Family consultation', location: 'Downtown', dayOffset: -30, time: '10:00', status: 'completed' },
        { patient: 'SUN-10001', provider: 'dr.kim@sunrise.test', service: 'Family consultation', location: 'Downtown', dayOffset: 7, time: '10:30', status: 'booked' },
        { patient: 'SUN-10002', provider: 'dr.patel@sunrise.test', service: 'Pediatric check-up', location: 'Riverside', dayOffset: -60, time: '09:00', status: 'completed' },
        { patient: 'SUN-10002', provider: 'dr.patel@sunrise.test', service: 'Vaccination', location: 'Riverside', dayOffset: -20, time: '09:30', status: 'cancelled', cancelReason: 'Leo was unwell.' },
        { patient: 'SUN-10002', provider: 'dr.patel@sunrise.test', service: 'Pediatric check-up', location: 'Riverside', dayOffset: 10, time: '09:30', status: 'booked' },
        { patient: 'SUN-10003', provider: 'dr.kim@sunrise.test', service: 'Family consultation', location: 'Downtown', dayOffset: -14, time: '11:00', status: 'no_show' },
        { patient: 'SUN-20001', provider: 'dr.kim@sunrise.test', service: 'Video follow-up', location: 'Downtown', dayOffset: 2, time: '14:00', status: 'booked' },
        { patient: 'SUN-20002', provider: 'dr.kim@sunrise.test', service: 'Family consultation', location: 'Downtown', dayOffset: 2, time: '09:00', status: 'booked' },
        { patient: 'SUN-20003', provider: 'dr.patel@sunrise.test', service: 'Vaccination', location: 'Riverside', dayOffset: 3, time: '11:00', status: 'booked' },
        { patient: 'SUN-20004', provider: 'dr.kim@sunrise.test', service: 'Annual physical', location: 'Downtown', dayOffset: -7, time: '15:00', status: 'completed' },
      ],
      // Dr. Patel's team meeting falls a week before Leo's check-up, at its hour: Maria's waitlist
      // entry (below) then fits no free time until Leo's check-up is cancelled (tests/e2e/waitlist.spec.ts).
      timeOff: [{ provider: 'dr.patel@sunrise.test', location: 'Riverside', dayOffset: 3, start: '09:00', end: '10:00', reason: 'Team meeting' }],
      // Maria waits for a consultation with Dr. Patel on the weekday of Leo's check-up, 09:30–10:00, until that day.
      waitlist: [{ patient: 'SUN-10001', service: 'Family consultation', location: 'Riverside', provider: 'dr.patel@sunrise.test', dayOffset: 10, from: '09:30', to: '10:00', by: 'ops@sunrise.test' }],
    },
  },
  {
    slug: 'harbor',
    name: 'Harbor Dermatology',
    customDomains: ['portal.harbor-derm.test'],
    // Harbor takes payments through the test gateway for its online shop only (no visit invoices).
    billing: { settings: { paymentsEnabled: true }, visitInvoices: [] },
    // The shop, open to new visitors: a kit, a program with phases and an intake, a staff-only
    // refill, WELCOME10; James has an active program and a shipped kit.
    commerce: {
      by: 'admin@harbor.test',
      shop: { openToNewVisitors: true },
      products: [
        {
          name: 'Gentle cleanser kit', category: 'Skin care', kind: 'one_time', price: 3200, visibility: 'portal', requiresShipping: true, forms: [], uploads: [],
          description: 'A fragrance-free cleanser, moisturiser and SPF 30 for sensitive skin. Shipped to your door.',
        },
        {
          name: 'Clear Skin Program', category: 'Programs', kind: 'subscription', visibility: 'portal', requiresShipping: true,
          phases: [{ unitAmount: 9900, unit: 'month', count: 1, cycles: 1 }, { unitAmount: 14900, unit: 'month', count: 1, cycles: null }],
          forms: ['general-intake'], uploads: ['Photo ID'],
          description: 'A monthly acne plan from our dermatologists: a review of your intake, your treatment shipped every month, and check-ins by message. Cancel any time.',
        },
        {
          name: 'Follow-up prescription refill', category: 'Prescriptions', kind: 'one_time', price: 2500, visibility: 'staff', requiresShipping: false, forms: [], uploads: [],
          description: 'A refill of a current prescription after a follow-up visit. Added by the clinic team.',
        },
      ],
      coupons: [
        { code: 'WELCOME10', description: '10% off your first order', percent: 10, perPatientLimit: 1, firstOrderOnly: true, subscriptionCycles: 1 },
      ],
      orders: [
        { patient: 'HBR-10001', account: 'james.carter@example.test', products: ['Clear Skin Program'] },
        {
          patient: 'HBR-10001', account: 'james.carter@example.test', products: ['Gentle cleanser kit'],
          ship: { by: 'admin@harbor.test', carrier: 'usps', trackingNumber: '9400111899223456789012' },
        },
      ],
    },
    branding: { primaryColor: '#1d4ed8', theme: 'light', logoUrl: '/brand/harbor-logo.svg', faviconUrl: '/brand/harbor-favicon.svg' },
    identificationMode: 'national_id',
    accessMode: 'automatic',
    // New patients may register; staff approve them in the EMR.
    portalAccess: { selfRegistration: 'approval' },
    locations: [
      { name: 'Seaport', addressLine1: '1 Harbor Way, Suite 300', city: 'Boston', region: 'MA', postalCode: '02210', timeZone: 'America/New_York', phone: '+16175550180' },
    ],
    staff: [
      { email: 'admin@harbor.test', fullName: 'Morgan Ellis', title: 'Clinic director', level: 'admin', phone: '+15555550211' },
      { email: 'dr.reyes@harbor.test', fullName: 'Dr. Elena Reyes', title: 'Dermatologist', level: 'physician', isProvider: true },
      { email: 'support@harbor.test', fullName: 'Taylor Quinn', title: 'Patient support', level: 'support' },
    ],
    patients: [
      { recordNumber: 'HBR-10001', firstName: 'James', lastName: 'Carter', dateOfBirth: '1979-11-30', sex: 'male', email: 'james.carter@example.test', phone: '+15555550202', nationalId: '900-12-3456', addressLine1: '77 Beacon Street', city: 'Boston', region: 'MA', postalCode: '02108' },
      { recordNumber: 'HBR-10002', firstName: 'Nora', lastName: 'Carter', dateOfBirth: '1982-06-14', sex: 'female', email: 'nora.carter@example.test', phone: '+15555550203', nationalId: '900-12-3457', city: 'Boston', region: 'MA' },
      ...fillerPatients('HBR', 18, 'Boston', 'MA', '617'),
    ],
    contacts: [{ patient: 'HBR-10001', contact: 'HBR-10002', relationship: 'spouse' }],
    portalAccounts: [
      {
        fullName: 'James Carter',
        nationalId: '900-12-3456',
        email: 'james.carter@example.test',
        phone: '+15555550202',
        links: [{ patient: 'HBR-10001', relationship: 'self' }],
      },
    ],
    printedActivations: [],
    documents: [
      { patient: 'HBR-10001', type: 'Report', title: 'Skin check report', daysAgo: 20, visible: true, uploadedBy: 'dr.reyes@harbor.test' },
      { patient: 'HBR-10001', type: 'Invoice', title: 'Invoice for skin check', daysAgo: 19, visible: true, uploadedBy: 'admin@harbor.test' },
    ],
    schedule: {
      services: [
        { name: 'Skin check', durationMinutes: 20, priceCents: 9000, description: 'A full-body mole and skin check.' },
        { name: 'Dermatology consultation', durationMinutes: 30, priceCents: 15000, description: 'Any skin, hair or nail concern.' },
        { name: 'Acne follow-up', durationMinutes: 15, priceCents: 6000, description: 'Review of an ongoing acne treatment.' },
      ],
      providers: [
        {
          email: 'dr.reyes@harbor.test',
          services: ['Skin check', 'Dermatology consultation', 'Acne follow-up'],
          hours: [{ location: 'Seaport', weekdays: WEEKDAYS, start: '09:00', end: '17:00' }],
        },
      ],
      appointments: [
        { patient: 'HBR-10001', provider: 'dr.reyes@harbor.test', service: 'Skin check', location: 'Seaport', dayOffset: -20, time: '14:00', status: 'completed' },
        { patient: 'HBR-10001', provider: 'dr.reyes@harbor.test', service: 'Dermatology consultation', location: 'Seaport', dayOffset: 5, time: '15:00', status: 'booked' },
        { patient: 'HBR-10002', provider: 'dr.reyes@harbor.test', service: 'Acne follow-up', location: 'Seaport', dayOffset: 5, time: '10:00', status: 'booked' },
      ],
    },
  },
];
