CREATE TABLE "data_exports" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"patient_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"storage_key" text,
	"size_bytes" bigint,
	"attempts" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"ready_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"downloaded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "data_exports_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "operator_passkey_challenges" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ceremony" text NOT NULL,
	"operator_id" uuid NOT NULL,
	"context_id" uuid NOT NULL,
	"challenge" text NOT NULL,
	"rp_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "operator_passkeys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"operator_id" uuid NOT NULL,
	"name" text NOT NULL,
	"credential_id" text NOT NULL,
	"public_key" text NOT NULL,
	"counter" bigint DEFAULT 0 NOT NULL,
	"transports" text[] DEFAULT '{}'::text[] NOT NULL,
	"device_type" text,
	"backed_up" boolean DEFAULT false NOT NULL,
	"rp_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "passkey_challenges" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"ceremony" text NOT NULL,
	"subject_kind" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"context_id" uuid NOT NULL,
	"challenge" text NOT NULL,
	"rp_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "passkey_challenges_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "passkeys" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"subject_kind" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"name" text NOT NULL,
	"credential_id" text NOT NULL,
	"public_key" text NOT NULL,
	"counter" bigint DEFAULT 0 NOT NULL,
	"transports" text[] DEFAULT '{}'::text[] NOT NULL,
	"device_type" text,
	"backed_up" boolean DEFAULT false NOT NULL,
	"rp_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "passkeys_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "portal_registrations" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"status" text NOT NULL,
	"possible_duplicate_of" uuid,
	"decided_by_staff_id" uuid,
	"decided_at" timestamp with time zone,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "portal_registrations_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "recovery_codes" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"subject_kind" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"code_hash" text NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recovery_codes_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "sms_monthly_usage" (
	"tenant_id" uuid NOT NULL,
	"month" date NOT NULL,
	"sent" integer DEFAULT 0 NOT NULL,
	"segments" integer DEFAULT 0 NOT NULL,
	"held" integer DEFAULT 0 NOT NULL,
	"warned_at" timestamp with time zone,
	"exhausted_at" timestamp with time zone,
	CONSTRAINT "sms_monthly_usage_tenant_id_month_pk" PRIMARY KEY("tenant_id","month")
);
--> statement-breakpoint
ALTER TABLE "tenant_settings" ADD COLUMN "portal_passkeys_allowed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "tenant_settings" ADD COLUMN "portal_totp_allowed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "tenant_settings" ADD COLUMN "self_registration" text DEFAULT 'off' NOT NULL;--> statement-breakpoint
ALTER TABLE "tenant_settings" ADD COLUMN "sms_monthly_budget" integer;--> statement-breakpoint
ALTER TABLE "tenant_settings" ADD COLUMN "sms_budget_policy" text DEFAULT 'codes_only' NOT NULL;--> statement-breakpoint
ALTER TABLE "tenant_settings" ADD COLUMN "sms_per_phone_hourly" integer DEFAULT 10 NOT NULL;--> statement-breakpoint
ALTER TABLE "tenant_settings" ADD COLUMN "sms_per_clinic_hourly" integer DEFAULT 1000 NOT NULL;--> statement-breakpoint
ALTER TABLE "tenant_settings" ADD COLUMN "proxy_age_rules" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "tenant_settings" ADD COLUMN "proxy_teen_age" integer DEFAULT 12 NOT NULL;--> statement-breakpoint
ALTER TABLE "tenant_settings" ADD COLUMN "proxy_adult_age" integer DEFAULT 18 NOT NULL;--> statement-breakpoint
ALTER TABLE "portal_account_patients" ADD COLUMN "scope" text DEFAULT 'full' NOT NULL;--> statement-breakpoint
ALTER TABLE "portal_account_patients" ADD COLUMN "areas" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "portal_account_patients" ADD COLUMN "starts_on" date;--> statement-breakpoint
ALTER TABLE "portal_account_patients" ADD COLUMN "ends_on" date;--> statement-breakpoint
ALTER TABLE "portal_account_patients" ADD COLUMN "evidence_document_id" uuid;--> statement-breakpoint
ALTER TABLE "portal_account_patients" ADD COLUMN "teen_consent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "portal_account_patients" ADD COLUMN "adult_grant_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "portal_accounts" ADD COLUMN "totp_secret_enc" text;--> statement-breakpoint
ALTER TABLE "portal_accounts" ADD COLUMN "totp_enrolled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "portal_accounts" ADD COLUMN "totp_last_step" integer;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "hidden_from_proxies" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "hidden_from_proxies" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "data_exports" ADD CONSTRAINT "data_exports_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_exports" ADD CONSTRAINT "data_exports_patient_fk" FOREIGN KEY ("tenant_id","patient_id") REFERENCES "public"."patients"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_exports" ADD CONSTRAINT "data_exports_account_fk" FOREIGN KEY ("tenant_id","account_id") REFERENCES "public"."portal_accounts"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operator_passkey_challenges" ADD CONSTRAINT "operator_passkey_challenges_operator_id_platform_operators_id_fk" FOREIGN KEY ("operator_id") REFERENCES "public"."platform_operators"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operator_passkeys" ADD CONSTRAINT "operator_passkeys_operator_id_platform_operators_id_fk" FOREIGN KEY ("operator_id") REFERENCES "public"."platform_operators"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "passkey_challenges" ADD CONSTRAINT "passkey_challenges_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "passkeys" ADD CONSTRAINT "passkeys_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_registrations" ADD CONSTRAINT "portal_registrations_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_registrations" ADD CONSTRAINT "portal_registrations_account_fk" FOREIGN KEY ("tenant_id","account_id") REFERENCES "public"."portal_accounts"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_registrations" ADD CONSTRAINT "portal_registrations_patient_fk" FOREIGN KEY ("tenant_id","patient_id") REFERENCES "public"."patients"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_registrations" ADD CONSTRAINT "portal_registrations_duplicate_fk" FOREIGN KEY ("tenant_id","possible_duplicate_of") REFERENCES "public"."patients"("tenant_id","id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_registrations" ADD CONSTRAINT "portal_registrations_staff_fk" FOREIGN KEY ("tenant_id","decided_by_staff_id") REFERENCES "public"."staff_users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recovery_codes" ADD CONSTRAINT "recovery_codes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sms_monthly_usage" ADD CONSTRAINT "sms_monthly_usage_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "data_exports_patient_idx" ON "data_exports" USING btree ("tenant_id","patient_id","created_at");--> statement-breakpoint
CREATE INDEX "data_exports_due_idx" ON "data_exports" USING btree ("created_at") WHERE "data_exports"."status" in ('queued', 'building');--> statement-breakpoint
CREATE INDEX "operator_passkey_challenges_context_idx" ON "operator_passkey_challenges" USING btree ("context_id");--> statement-breakpoint
CREATE UNIQUE INDEX "operator_passkeys_credential_key" ON "operator_passkeys" USING btree ("credential_id");--> statement-breakpoint
CREATE INDEX "operator_passkeys_operator_idx" ON "operator_passkeys" USING btree ("operator_id");--> statement-breakpoint
CREATE INDEX "passkey_challenges_context_idx" ON "passkey_challenges" USING btree ("tenant_id","context_id");--> statement-breakpoint
CREATE UNIQUE INDEX "passkeys_credential_key" ON "passkeys" USING btree ("tenant_id","credential_id");--> statement-breakpoint
CREATE INDEX "passkeys_subject_idx" ON "passkeys" USING btree ("tenant_id","subject_id");--> statement-breakpoint
CREATE UNIQUE INDEX "portal_registrations_account_key" ON "portal_registrations" USING btree ("tenant_id","account_id");--> statement-breakpoint
CREATE INDEX "portal_registrations_status_idx" ON "portal_registrations" USING btree ("tenant_id","status","created_at");--> statement-breakpoint
CREATE INDEX "recovery_codes_subject_idx" ON "recovery_codes" USING btree ("tenant_id","subject_id");--> statement-breakpoint
ALTER TABLE "portal_account_patients" ADD CONSTRAINT "portal_account_patients_evidence_fk" FOREIGN KEY ("tenant_id","evidence_document_id") REFERENCES "public"."documents"("tenant_id","id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_settings" ADD CONSTRAINT "tenant_settings_sms_limits" CHECK (("tenant_settings"."sms_monthly_budget" is null or "tenant_settings"."sms_monthly_budget" > 0) and "tenant_settings"."sms_per_phone_hourly" between 1 and 100 and "tenant_settings"."sms_per_clinic_hourly" between 1 and 100000);--> statement-breakpoint
ALTER TABLE "tenant_settings" ADD CONSTRAINT "tenant_settings_proxy_ages" CHECK ("tenant_settings"."proxy_teen_age" between 1 and 21 and "tenant_settings"."proxy_adult_age" between "tenant_settings"."proxy_teen_age" and 25);--> statement-breakpoint
ALTER TABLE "portal_account_patients" ADD CONSTRAINT "portal_account_patients_dates" CHECK ("portal_account_patients"."ends_on" is null or "portal_account_patients"."starts_on" is null or "portal_account_patients"."ends_on" >= "portal_account_patients"."starts_on");