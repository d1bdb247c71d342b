import 'server-only';
import { and, asc, desc, eq, gte, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import {
  appointments, conversations, formAssignments, formTemplates, locations, patients, services, staffUsers, tasks, tenantSettings,
  type AppointmentStatus,
} from '@/db/schema';
import { hasPermission, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { now as clockNow } from '@/lib/clock';
import { countPendingRecordChanges } from '@/lib/clinic-forms/review';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { visibleUnderPolicy } from '@/lib/conversations/staff';
import { sumCounts, unreadByConversation } from '@/lib/conversations/unread';
import { pendingRegistrationCount } from '@/lib/portal-access/registration-review';
import { addDays, zonedDate, zonedInstant } from '@/lib/scheduling/zoned-time';
import { StaffHomeAuditActions } from './audit-actions';
import { nextUpVisit, todayWindow } from './next-up';
import type { HomeScheduleChoice } from './home-location';

/**
 * The EMR's overview (issue 20 point 5): what the signed-in staff member's day holds. Each section
 * is read only when their access level grants the section's page, as a few small indexed queries,
 * and the sections run side by side. A section the person may not open is null, never empty.
 * Patient names are listed, so the read is audited once, by counts (as the patient list's search).
 */

/** How many rows each list shows; its full page has the rest. */
export const HOME_LIST_SIZE = 5;
/** A busy location's day still fits: the schedule page has every visit. */
export const HOME_VISIT_LIMIT = 60;

export interface HomeLocation { id: string; name: string; timeZone: string }

export interface HomeVisit {
  id: string;
  startsAt: Date;
  endsAt: Date;
  status: AppointmentStatus;
  confirmedAt: Date | null;
  patient: { id: string; name: string };
  service: string;
  provider: { id: string; name: string };
  location: HomeLocation;
}

export interface HomeSchedule {
  /** 'mine': a provider's visits at every location; 'location': one location's visits. */
  mode: 'mine' | 'location';
  /** Whether the staff member sees their own visits by default (they are a provider). */
  isProvider: boolean;
  location: HomeLocation | null;
  /** The clinic's active locations, for the chooser. */
  locations: HomeLocation[];
  /** Today's date in the view's zone (the location's; a provider's first location's). */
  today: string;
  timeZone: string;
  visits: HomeVisit[];
  /** The booked visit under way (`underway`) or next: the one to get ready for. */
  nextUp: { id: string; underway: boolean } | null;
}

export interface HomeConversation { id: string; subject: string; patient: { id: string; name: string }; lastMessageAt: Date; unread: number }
export interface HomeMessages { unread: number; conversations: HomeConversation[] }

export interface HomeForm { assignmentId: string; patient: { id: string; name: string }; title: string; submittedAt: Date }
export interface HomeForms { toReview: number; recordChanges: number; latest: HomeForm[] }

export interface HomeTask { id: string; title: string; dueOn: string | null; overdue: boolean; patient: { id: string; name: string } | null }
export interface HomeTasks { open: number; overdue: number; today: string; latest: HomeTask[] }

export interface EmrOverview {
  /** The clinic's zone (its first location's), for times that belong to no one location. */
  timeZone: string;
  schedule: HomeSchedule | null;
  messages: HomeMessages | null;
  forms: HomeForms | null;
  tasks: HomeTasks | null;
  registrations: { waiting: number } | null;
}

/** Everything the overview shows, each section only where the access level allows its page. */
export async function loadEmrOverview(db: Executor, ctx: StaffContext, choice: HomeScheduleChoice | null): Promise<EmrOverview> {
  const can = (p: Parameters<typeof hasPermission>[1]) => hasPermission(ctx, p);
  const zone = clinicTimeZone(db, ctx.tenant.id);
  const [timeZone, schedule, messages, forms, tasksSection, registrations] = await Promise.all([
    zone,
    can('schedule.view') ? loadHomeSchedule(db, ctx, choice) : null,
    can('messages.view') ? loadHomeMessages(db, ctx) : null,
    can('forms.assign') && can('patients.view') ? loadHomeForms(db, ctx) : null,
    can('tasks.manage') ? loadHomeTasks(db, ctx, zone) : null,
    // Deciding on a registration takes patients.edit as well (lib/portal-access/registration-review.ts).
    can('portal_admin.view') && can('patients.edit') ? loadHomeRegistrations(db, ctx) : null,
  ]);
  const listed = {
    visits: schedule?.visits.length ?? 0,
    conversations: messages?.conversations.length ?? 0,
    forms: forms?.latest.length ?? 0,
    tasks: tasksSection?.latest.filter((t) => t.patient).length ?? 0,
  };
  if (Object.values(listed).some((n) => n > 0)) {
    await recordAudit(db, ctx, { action: StaffHomeAuditActions.overviewViewed, details: { area: 'emr', ...listed } });
  }
  return { timeZone, schedule, messages, forms, tasks: tasksSection, registrations };
}

// ---------------------------------------------------------------------------------------------
// Today's schedule

const visitColumns = {
  id: appointments.id, startsAt: appointments.startsAt, endsAt: appointments.endsAt, status: appointments.status, confirmedAt: appointments.confirmedAt,
  patientId: patients.id, firstName: patients.firstName, lastName: patients.lastName, service: services.name,
  providerId: staffUsers.id, providerName: staffUsers.fullName, locationId: locations.id, locationName: locations.name, timeZone: locations.timeZone,
};

function visitQuery(db: Executor) {
  return db
    .select(visitColumns)
    .from(appointments)
    .innerJoin(patients, and(eq(patients.tenantId, appointments.tenantId), eq(patients.id, appointments.patientId)))
    .innerJoin(services, and(eq(services.tenantId, appointments.tenantId), eq(services.id, appointments.serviceId)))
    .innerJoin(staffUsers, and(eq(staffUsers.tenantId, appointments.tenantId), eq(staffUsers.id, appointments.providerId)))
    .innerJoin(locations, and(eq(locations.tenantId, appointments.tenantId), eq(locations.id, appointments.locationId)));
}

type VisitRow = Awaited<ReturnType<ReturnType<typeof visitQuery>['where']>>[number];

function toVisit(r: VisitRow): HomeVisit {
  return {
    id: r.id, startsAt: r.startsAt, endsAt: r.endsAt, status: r.status, confirmedAt: r.confirmedAt,
    patient: { id: r.patientId, name: `${r.firstName} ${r.lastName}` }, service: r.service,
    provider: { id: r.providerId, name: r.providerName },
    location: { id: r.locationId, name: r.locationName, timeZone: r.timeZone },
  };
}

/**
 * A provider's own day unless they chose a location; anyone else's, the chosen location (else the
 * first). "Today" is each visit's location's calendar day, so a visit at 23:30 in Chicago is
 * today's even when UTC has moved on to tomorrow.
 */
export async function loadHomeSchedule(db: Executor, ctx: StaffContext, choice: HomeScheduleChoice | null): Promise<HomeSchedule> {
  const tenantId = ctx.tenant.id;
  const at = clockNow();
  const [locationRows, [me]] = await Promise.all([
    db.select({ id: locations.id, name: locations.name, timeZone: locations.timeZone }).from(locations)
      .where(and(eq(locations.tenantId, tenantId), eq(locations.active, true))).orderBy(asc(locations.name)),
    db.select({ isProvider: staffUsers.isProvider }).from(staffUsers).where(and(eq(staffUsers.tenantId, tenantId), eq(staffUsers.id, ctx.actor.id))),
  ]);
  const isProvider = me?.isProvider ?? false;
  const chosen = choice && choice !== 'mine' ? locationRows.find((l) => l.id === choice) ?? null : null;
  const mode = isProvider && !chosen ? 'mine' : 'location';

  if (mode === 'mine') {
    // The index on (tenant, provider, starts_at) reads from the earliest location's midnight to
    // the latest one's next midnight; each visit is kept if it falls on today in its own
    // location's zone (the clinic's locations may sit in different zones).
    const window = todayWindow(locationRows.map((l) => l.timeZone), at);
    const rows = await visitQuery(db)
      .where(and(
        eq(appointments.tenantId, tenantId), eq(appointments.providerId, ctx.actor.id),
        gte(appointments.startsAt, window.from), lt(appointments.startsAt, window.to),
      ))
      .orderBy(asc(appointments.startsAt), asc(appointments.id))
      .limit(HOME_VISIT_LIMIT * 2);
    const visits = rows.filter((r) => zonedDate(r.startsAt, r.timeZone) === zonedDate(at, r.timeZone)).slice(0, HOME_VISIT_LIMIT).map(toVisit);
    const timeZone = visits[0]?.location.timeZone ?? locationRows[0]?.timeZone ?? 'UTC';
    return { mode, isProvider, location: null, locations: locationRows, today: zonedDate(at, timeZone), timeZone, visits, nextUp: nextUp(visits, at) };
  }

  const location = chosen ?? locationRows[0] ?? null;
  const timeZone = location?.timeZone ?? 'UTC';
  const today = zonedDate(at, timeZone);
  if (!location) return { mode, isProvider, location: null, locations: locationRows, today, timeZone, visits: [], nextUp: null };
  const rows = await visitQuery(db)
    .where(and(
      eq(appointments.tenantId, tenantId), eq(appointments.locationId, location.id),
      gte(appointments.startsAt, zonedInstant(today, '00:00', timeZone)), lt(appointments.startsAt, zonedInstant(addDays(today, 1), '00:00', timeZone)),
    ))
    .orderBy(asc(appointments.startsAt), asc(staffUsers.fullName), asc(appointments.id))
    .limit(HOME_VISIT_LIMIT);
  const visits = rows.map(toVisit);
  return { mode, isProvider, location, locations: locationRows, today, timeZone, visits, nextUp: nextUp(visits, at) };
}

function nextUp(visits: HomeVisit[], at: Date): HomeSchedule['nextUp'] {
  const id = nextUpVisit(visits, at);
  const visit = visits.find((v) => v.id === id);
  return visit ? { id: visit.id, underway: visit.startsAt.getTime() <= at.getTime() } : null;
}

// ---------------------------------------------------------------------------------------------
// Unread messages

/**
 * The EMR badge's count (lib/conversations/staff.ts staffUnreadCount: conversations the clinic's
 * policy lets this person see, assigned to them or to nobody) and the latest of those conversations.
 */
export async function loadHomeMessages(db: Executor, ctx: StaffContext): Promise<HomeMessages> {
  const where = and(visibleUnderPolicy(ctx), or(eq(conversations.assignedStaffId, ctx.actor.id), isNull(conversations.assignedStaffId)));
  const unread = await unreadByConversation(db, ctx, ctx.tenant.id, where);
  if (unread.size === 0) return { unread: 0, conversations: [] };
  const rows = await db
    .select({
      id: conversations.id, subject: conversations.subject, lastMessageAt: conversations.lastMessageAt,
      patientId: patients.id, firstName: patients.firstName, lastName: patients.lastName,
    })
    .from(conversations)
    .innerJoin(patients, and(eq(patients.tenantId, conversations.tenantId), eq(patients.id, conversations.patientId)))
    .where(and(eq(conversations.tenantId, ctx.tenant.id), inArray(conversations.id, [...unread.keys()])))
    .orderBy(desc(conversations.lastMessageAt), desc(conversations.id))
    .limit(HOME_LIST_SIZE);
  return {
    unread: sumCounts(unread),
    conversations: rows.map((r) => ({
      id: r.id, subject: r.subject, lastMessageAt: r.lastMessageAt, patient: { id: r.patientId, name: `${r.firstName} ${r.lastName}` }, unread: unread.get(r.id) ?? 0,
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Forms to review

/** Submitted forms nobody has marked reviewed, the newest few, and the record changes they propose. */
export async function loadHomeForms(db: Executor, ctx: StaffContext): Promise<HomeForms> {
  const tenantId = ctx.tenant.id;
  const submitted = and(eq(formAssignments.tenantId, tenantId), eq(formAssignments.status, 'submitted'));
  const [[counted], latest, recordChanges] = await Promise.all([
    db.select({ n: sql<number>`count(*)::int` }).from(formAssignments).where(submitted),
    db.select({
      assignmentId: formAssignments.id, patientId: patients.id, firstName: patients.firstName, lastName: patients.lastName,
      title: formTemplates.title, submittedAt: formAssignments.submittedAt,
    })
      .from(formAssignments)
      .innerJoin(patients, and(eq(patients.tenantId, formAssignments.tenantId), eq(patients.id, formAssignments.patientId)))
      .innerJoin(formTemplates, and(eq(formTemplates.tenantId, formAssignments.tenantId), eq(formTemplates.id, formAssignments.templateId)))
      .where(and(submitted, sql`${formAssignments.submittedAt} is not null`))
      .orderBy(desc(formAssignments.submittedAt), asc(formAssignments.id))
      .limit(HOME_LIST_SIZE),
    countPendingRecordChanges(db, ctx),
  ]);
  return {
    toReview: counted?.n ?? 0,
    recordChanges,
    latest: latest.map((r) => ({
      assignmentId: r.assignmentId, patient: { id: r.patientId, name: `${r.firstName} ${r.lastName}` }, title: r.title, submittedAt: r.submittedAt!,
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Tasks

/**
 * The person's own open tasks, overdue first (then by due day, undated last, oldest first). A
 * task's patient is named only to those who may see patients, as on the task list.
 */
export async function loadHomeTasks(db: Executor, ctx: StaffContext, clinicZone?: Promise<string>): Promise<HomeTasks> {
  const tenantId = ctx.tenant.id;
  // The clinic's calendar day, as the task list reads it (lib/engagement/task-queries.ts).
  const today = zonedDate(clockNow(), await (clinicZone ?? clinicTimeZone(db, tenantId)));
  const mine = and(eq(tasks.tenantId, tenantId), eq(tasks.assigneeStaffId, ctx.actor.id), eq(tasks.status, 'open'));
  const [[counts], rows] = await Promise.all([
    db.select({
      open: sql<number>`count(*)::int`,
      overdue: sql<number>`(count(*) filter (where ${tasks.dueOn} < ${today}))::int`,
    }).from(tasks).where(mine),
    db.select({ id: tasks.id, title: tasks.title, dueOn: tasks.dueOn, patientId: patients.id, firstName: patients.firstName, lastName: patients.lastName })
      .from(tasks)
      .leftJoin(patients, and(eq(patients.tenantId, tasks.tenantId), eq(patients.id, tasks.patientId)))
      .where(mine)
      .orderBy(sql`${tasks.dueOn} asc nulls last`, asc(tasks.createdAt), asc(tasks.id))
      .limit(HOME_LIST_SIZE),
  ]);
  const seesPatients = hasPermission(ctx, 'patients.view');
  return {
    open: counts?.open ?? 0,
    overdue: counts?.overdue ?? 0,
    today,
    latest: rows.map((r) => ({
      id: r.id, title: r.title, dueOn: r.dueOn, overdue: r.dueOn !== null && r.dueOn < today,
      patient: seesPatients && r.patientId ? { id: r.patientId, name: `${r.firstName} ${r.lastName}` } : null,
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Registrations

/** Shown while the clinic approves registrations, or any still wait from when it did. */
export async function loadHomeRegistrations(db: Executor, ctx: StaffContext): Promise<{ waiting: number } | null> {
  const [[settings], waiting] = await Promise.all([
    db.select({ mode: tenantSettings.selfRegistration }).from(tenantSettings).where(eq(tenantSettings.tenantId, ctx.tenant.id)),
    pendingRegistrationCount(db, ctx),
  ]);
  return settings?.mode === 'approval' || waiting > 0 ? { waiting } : null;
}
