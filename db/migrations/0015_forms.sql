CREATE TABLE "form_assignments" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"patient_id" uuid NOT NULL,
	"template_id" uuid NOT NULL,
	"version_id" uuid NOT NULL,
	"status" text DEFAULT 'assigned' NOT NULL,
	"source" text NOT NULL,
	"message" text,
	"due_on" date,
	"appointment_id" uuid,
	"assigned_by_id" uuid,
	"reminders_sent" integer DEFAULT 0 NOT NULL,
	"next_reminder_at" timestamp with time zone,
	"submitted_at" timestamp with time zone,
	"reviewed_at" timestamp with time zone,
	"reviewed_by_id" uuid,
	"cancelled_at" timestamp with time zone,
	"cancelled_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "form_assignments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "form_record_changes" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"response_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"field" text NOT NULL,
	"proposed_value" text NOT NULL,
	"previous_value" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"decided_by_id" uuid,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "form_record_changes_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "form_responses" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"assignment_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"version_id" uuid NOT NULL,
	"status" text DEFAULT 'in_progress' NOT NULL,
	"items" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"revision" integer DEFAULT 0 NOT NULL,
	"score" integer,
	"amends_response_id" uuid,
	"last_edited_by_account_id" uuid,
	"last_edited_by_staff_id" uuid,
	"submitted_at" timestamp with time zone,
	"submitted_by_account_id" uuid,
	"submitted_by_staff_id" uuid,
	"document_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "form_responses_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "form_responses_submitted_shape" CHECK (("form_responses"."status" = 'submitted') = ("form_responses"."submitted_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "form_signatures" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"response_id" uuid NOT NULL,
	"link_id" text NOT NULL,
	"signer_name" text NOT NULL,
	"signer_role" text NOT NULL,
	"method" text NOT NULL,
	"drawing_png" text,
	"consent_text" text NOT NULL,
	"content_sha256" text NOT NULL,
	"signed_by_account_id" uuid,
	"signed_by_staff_id" uuid,
	"ip_address" text,
	"user_agent" text,
	"signed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "form_signatures_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "form_signatures_name_length" CHECK (char_length("form_signatures"."signer_name") between 1 and 200),
	CONSTRAINT "form_signatures_drawing_size" CHECK ("form_signatures"."drawing_png" is null or octet_length("form_signatures"."drawing_png") <= 300000)
);
--> statement-breakpoint
CREATE TABLE "form_template_versions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"template_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_by_id" uuid,
	CONSTRAINT "form_template_versions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "form_template_versions_positive" CHECK ("form_template_versions"."version" > 0)
);
--> statement-breakpoint
CREATE TABLE "form_templates" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"document_type_id" uuid NOT NULL,
	"draft" jsonb,
	"draft_revision" integer DEFAULT 0 NOT NULL,
	"published_version" integer,
	"archived_at" timestamp with time zone,
	"starter_key" text,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "form_templates_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "form_templates_title_length" CHECK (char_length("form_templates"."title") between 1 and 200)
);
--> statement-breakpoint
CREATE TABLE "home_activity_days" (
	"tenant_id" uuid NOT NULL,
	"assignment_id" uuid NOT NULL,
	"day" date NOT NULL,
	"marked_by_account_id" uuid,
	"marked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "home_activity_days_tenant_id_assignment_id_day_pk" PRIMARY KEY("tenant_id","assignment_id","day")
);
--> statement-breakpoint
CREATE TABLE "patient_notes" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"patient_id" uuid NOT NULL,
	"author_kind" text NOT NULL,
	"author_account_id" uuid,
	"author_staff_id" uuid,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"visibility" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "patient_notes_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "patient_notes_visibility_by_author" CHECK (("patient_notes"."author_kind" = 'patient' and "patient_notes"."visibility" in ('private', 'shared')) or ("patient_notes"."author_kind" = 'staff' and "patient_notes"."visibility" in ('internal', 'shared'))),
	CONSTRAINT "patient_notes_title_length" CHECK (char_length("patient_notes"."title") between 1 and 200),
	CONSTRAINT "patient_notes_body_length" CHECK (char_length("patient_notes"."body") between 1 and 20000)
);
--> statement-breakpoint
CREATE TABLE "service_required_forms" (
	"tenant_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"template_id" uuid NOT NULL,
	CONSTRAINT "service_required_forms_tenant_id_service_id_template_id_pk" PRIMARY KEY("tenant_id","service_id","template_id")
);
--> statement-breakpoint
ALTER TABLE "tenant_settings" ADD COLUMN "form_first_reminder_days" integer DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "tenant_settings" ADD COLUMN "form_last_reminder_days" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "tenant_settings" ADD COLUMN "handout_note" text;--> statement-breakpoint
ALTER TABLE "form_assignments" ADD CONSTRAINT "form_assignments_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_assignments" ADD CONSTRAINT "form_assignments_patient_fk" FOREIGN KEY ("tenant_id","patient_id") REFERENCES "public"."patients"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_assignments" ADD CONSTRAINT "form_assignments_template_fk" FOREIGN KEY ("tenant_id","template_id") REFERENCES "public"."form_templates"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_assignments" ADD CONSTRAINT "form_assignments_version_fk" FOREIGN KEY ("tenant_id","version_id") REFERENCES "public"."form_template_versions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_assignments" ADD CONSTRAINT "form_assignments_appointment_fk" FOREIGN KEY ("tenant_id","appointment_id") REFERENCES "public"."appointments"("tenant_id","id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_assignments" ADD CONSTRAINT "form_assignments_assigned_by_fk" FOREIGN KEY ("tenant_id","assigned_by_id") REFERENCES "public"."staff_users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_record_changes" ADD CONSTRAINT "form_record_changes_response_fk" FOREIGN KEY ("tenant_id","response_id") REFERENCES "public"."form_responses"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_record_changes" ADD CONSTRAINT "form_record_changes_patient_fk" FOREIGN KEY ("tenant_id","patient_id") REFERENCES "public"."patients"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_record_changes" ADD CONSTRAINT "form_record_changes_decided_by_fk" FOREIGN KEY ("tenant_id","decided_by_id") REFERENCES "public"."staff_users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_responses" ADD CONSTRAINT "form_responses_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_responses" ADD CONSTRAINT "form_responses_assignment_fk" FOREIGN KEY ("tenant_id","assignment_id") REFERENCES "public"."form_assignments"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_responses" ADD CONSTRAINT "form_responses_patient_fk" FOREIGN KEY ("tenant_id","patient_id") REFERENCES "public"."patients"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_responses" ADD CONSTRAINT "form_responses_version_fk" FOREIGN KEY ("tenant_id","version_id") REFERENCES "public"."form_template_versions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_responses" ADD CONSTRAINT "form_responses_amends_fk" FOREIGN KEY ("tenant_id","amends_response_id") REFERENCES "public"."form_responses"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_responses" ADD CONSTRAINT "form_responses_document_fk" FOREIGN KEY ("tenant_id","document_id") REFERENCES "public"."documents"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_signatures" ADD CONSTRAINT "form_signatures_response_fk" FOREIGN KEY ("tenant_id","response_id") REFERENCES "public"."form_responses"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_template_versions" ADD CONSTRAINT "form_template_versions_template_fk" FOREIGN KEY ("tenant_id","template_id") REFERENCES "public"."form_templates"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_templates" ADD CONSTRAINT "form_templates_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_templates" ADD CONSTRAINT "form_templates_document_type_fk" FOREIGN KEY ("tenant_id","document_type_id") REFERENCES "public"."document_types"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "home_activity_days" ADD CONSTRAINT "home_activity_days_assignment_fk" FOREIGN KEY ("tenant_id","assignment_id") REFERENCES "public"."form_assignments"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_notes" ADD CONSTRAINT "patient_notes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_notes" ADD CONSTRAINT "patient_notes_patient_fk" FOREIGN KEY ("tenant_id","patient_id") REFERENCES "public"."patients"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_notes" ADD CONSTRAINT "patient_notes_account_fk" FOREIGN KEY ("tenant_id","author_account_id") REFERENCES "public"."portal_accounts"("tenant_id","id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patient_notes" ADD CONSTRAINT "patient_notes_staff_fk" FOREIGN KEY ("tenant_id","author_staff_id") REFERENCES "public"."staff_users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_required_forms" ADD CONSTRAINT "service_required_forms_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_required_forms" ADD CONSTRAINT "service_required_forms_service_fk" FOREIGN KEY ("tenant_id","service_id") REFERENCES "public"."services"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_required_forms" ADD CONSTRAINT "service_required_forms_template_fk" FOREIGN KEY ("tenant_id","template_id") REFERENCES "public"."form_templates"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "form_assignments_one_open_key" ON "form_assignments" USING btree ("tenant_id","patient_id","template_id") WHERE "form_assignments"."status" in ('assigned', 'in_progress');--> statement-breakpoint
CREATE INDEX "form_assignments_patient_idx" ON "form_assignments" USING btree ("tenant_id","patient_id","status");--> statement-breakpoint
CREATE INDEX "form_assignments_reminder_idx" ON "form_assignments" USING btree ("next_reminder_at") WHERE "form_assignments"."next_reminder_at" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "form_record_changes_field_key" ON "form_record_changes" USING btree ("tenant_id","response_id","field");--> statement-breakpoint
CREATE INDEX "form_record_changes_pending_idx" ON "form_record_changes" USING btree ("tenant_id","status","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "form_responses_first_key" ON "form_responses" USING btree ("tenant_id","assignment_id") WHERE "form_responses"."amends_response_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "form_responses_amends_key" ON "form_responses" USING btree ("tenant_id","amends_response_id");--> statement-breakpoint
CREATE INDEX "form_responses_patient_idx" ON "form_responses" USING btree ("tenant_id","patient_id","submitted_at");--> statement-breakpoint
CREATE INDEX "form_responses_unfiled_idx" ON "form_responses" USING btree ("submitted_at") WHERE "form_responses"."status" = 'submitted' and "form_responses"."document_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "form_signatures_item_key" ON "form_signatures" USING btree ("tenant_id","response_id","link_id");--> statement-breakpoint
CREATE UNIQUE INDEX "form_template_versions_number_key" ON "form_template_versions" USING btree ("tenant_id","template_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "form_templates_starter_key" ON "form_templates" USING btree ("tenant_id","starter_key");--> statement-breakpoint
CREATE INDEX "form_templates_list_idx" ON "form_templates" USING btree ("tenant_id","kind","title");--> statement-breakpoint
CREATE INDEX "patient_notes_patient_idx" ON "patient_notes" USING btree ("tenant_id","patient_id","created_at");--> statement-breakpoint
ALTER TABLE "tenant_settings" ADD CONSTRAINT "tenant_settings_form_reminders" CHECK ("tenant_settings"."form_first_reminder_days" between 0 and 30 and "tenant_settings"."form_last_reminder_days" between 0 and 30);--> statement-breakpoint
-- A published version of a form never changes: assignments are pinned to it.
CREATE OR REPLACE FUNCTION form_template_versions_refuse_edit() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'form_template_versions are never edited'
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER form_template_versions_no_edit
  BEFORE UPDATE ON form_template_versions
  FOR EACH ROW EXECUTE FUNCTION form_template_versions_refuse_edit();
--> statement-breakpoint
-- A submitted response is the record of what was answered and signed: the only change allowed is
-- filing its PDF (document_id set once, from null). A correction is a new, amending response.
-- Rows still go when their clinic or patient is removed (cascades are deletes, not updates).
CREATE OR REPLACE FUNCTION form_responses_refuse_edit() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'submitted' AND (
       (to_jsonb(NEW) - 'document_id') IS DISTINCT FROM (to_jsonb(OLD) - 'document_id')
       OR (OLD.document_id IS NOT NULL AND NEW.document_id IS DISTINCT FROM OLD.document_id)) THEN
    RAISE EXCEPTION 'a submitted form response is never edited'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER form_responses_no_edit
  BEFORE UPDATE ON form_responses
  FOR EACH ROW EXECUTE FUNCTION form_responses_refuse_edit();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION form_signatures_refuse_edit() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'form_signatures are never edited'
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER form_signatures_no_edit
  BEFORE UPDATE ON form_signatures
  FOR EACH ROW EXECUTE FUNCTION form_signatures_refuse_edit();
--> statement-breakpoint
-- The built-in levels of existing clinics get the forms permissions new clinics are created with
-- (lib/access/permissions.ts): building forms for admins, assigning and reviewing them for the
-- clinical and operations levels.
UPDATE "access_levels" SET "permissions" = array(SELECT DISTINCT unnest("permissions" || ARRAY['forms.manage', 'forms.assign']))
  WHERE "builtin_key" = 'admin';
--> statement-breakpoint
UPDATE "access_levels" SET "permissions" = array(SELECT DISTINCT unnest("permissions" || ARRAY['forms.assign']))
  WHERE "builtin_key" IN ('physician', 'operations');
