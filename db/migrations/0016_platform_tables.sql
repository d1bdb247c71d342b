-- Issue 14 point 10: the operators' console gets tables of its own (operator_challenges,
-- operator_sessions, platform_audit_log), so auth_challenges, auth_sessions, audit_log and
-- outbox_messages hold only clinic rows: tenant_id NOT NULL and in every key.
CREATE TABLE "operator_challenges" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"operator_id" uuid NOT NULL,
	"lock_key" text NOT NULL,
	"code_attempts" integer DEFAULT 0 NOT NULL,
	"verified_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	"ip" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "operator_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"operator_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"idle_timeout_seconds" integer NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoke_reason" text,
	"ip" text,
	"user_agent" text
);
--> statement-breakpoint
CREATE TABLE "platform_audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_kind" text NOT NULL,
	"actor_id" uuid,
	"actor_label" text,
	"action" text NOT NULL,
	"outcome" text DEFAULT 'success' NOT NULL,
	"target_type" text,
	"target_id" text,
	"ip" text,
	"user_agent" text,
	"details" jsonb
);
--> statement-breakpoint
ALTER TABLE "operator_challenges" ADD CONSTRAINT "operator_challenges_operator_id_platform_operators_id_fk" FOREIGN KEY ("operator_id") REFERENCES "public"."platform_operators"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operator_sessions" ADD CONSTRAINT "operator_sessions_operator_id_platform_operators_id_fk" FOREIGN KEY ("operator_id") REFERENCES "public"."platform_operators"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "operator_challenges_operator_idx" ON "operator_challenges" USING btree ("operator_id","created_at");--> statement-breakpoint
CREATE INDEX "operator_sessions_operator_idx" ON "operator_sessions" USING btree ("operator_id");--> statement-breakpoint
CREATE INDEX "platform_audit_log_time_idx" ON "platform_audit_log" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "platform_audit_log_actor_idx" ON "platform_audit_log" USING btree ("actor_id","occurred_at");--> statement-breakpoint
-- Append-only, as audit_log (0003); the refusal names the table it comes from.
CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER platform_audit_log_no_update_delete
  BEFORE UPDATE OR DELETE ON platform_audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
--> statement-breakpoint
CREATE TRIGGER platform_audit_log_no_truncate
  BEFORE TRUNCATE ON platform_audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
--> statement-breakpoint
-- The platform rows move out. Operators stay signed in (their sessions keep their ids); an
-- operator sign-in in progress starts again (challenges live 10 minutes). No code ever wrote a
-- platform outbox message; any left from tests or an earlier build have no clinic to go to.
INSERT INTO "operator_sessions" ("id", "operator_id", "created_at", "last_seen_at", "idle_timeout_seconds", "expires_at", "revoked_at", "revoke_reason", "ip", "user_agent")
  SELECT s."id", s."subject_id", s."created_at", s."last_seen_at", s."idle_timeout_seconds", s."expires_at", s."revoked_at", s."revoke_reason", s."ip", s."user_agent"
    FROM "auth_sessions" s JOIN "platform_operators" o ON o."id" = s."subject_id"
   WHERE s."tenant_id" IS NULL AND s."kind" = 'operator';
--> statement-breakpoint
DELETE FROM "auth_sessions" WHERE "tenant_id" IS NULL;--> statement-breakpoint
DELETE FROM "auth_challenges" WHERE "tenant_id" IS NULL;--> statement-breakpoint
DELETE FROM "outbox_messages" WHERE "tenant_id" IS NULL;--> statement-breakpoint
INSERT INTO "platform_audit_log" ("occurred_at", "actor_kind", "actor_id", "actor_label", "action", "outcome", "target_type", "target_id", "ip", "user_agent", "details")
  SELECT "occurred_at", "actor_kind", "actor_id", "actor_label", "action", "outcome", "target_type", "target_id", "ip", "user_agent", "details"
    FROM "audit_log" WHERE "tenant_id" IS NULL ORDER BY "occurred_at", "id";
--> statement-breakpoint
-- The one time entries leave audit_log: moved, not lost (copied just above).
ALTER TABLE "audit_log" DISABLE TRIGGER "audit_log_no_update_delete";--> statement-breakpoint
DELETE FROM "audit_log" WHERE "tenant_id" IS NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ENABLE TRIGGER "audit_log_no_update_delete";--> statement-breakpoint
-- sms_code_sends takes the clinic of its challenge (platform challenges and their sends are gone).
ALTER TABLE "sms_code_sends" DROP CONSTRAINT "sms_code_sends_challenge_id_auth_challenges_id_fk";--> statement-breakpoint
ALTER TABLE "sms_code_sends" ADD COLUMN "tenant_id" uuid;--> statement-breakpoint
UPDATE "sms_code_sends" s SET "tenant_id" = c."tenant_id" FROM "auth_challenges" c WHERE c."id" = s."challenge_id";--> statement-breakpoint
DELETE FROM "sms_code_sends" WHERE "tenant_id" IS NULL;--> statement-breakpoint
ALTER TABLE "sms_code_sends" ALTER COLUMN "tenant_id" SET NOT NULL;--> statement-breakpoint
DROP INDEX "auth_challenges_subject_idx";--> statement-breakpoint
DROP INDEX "auth_sessions_subject_idx";--> statement-breakpoint
DROP INDEX "sms_code_sends_subject_idx";--> statement-breakpoint
DROP INDEX "outbox_messages_idempotency_key";--> statement-breakpoint
ALTER TABLE "auth_challenges" DROP CONSTRAINT "auth_challenges_pkey";--> statement-breakpoint
ALTER TABLE "auth_challenges" ALTER COLUMN "tenant_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "auth_sessions" DROP CONSTRAINT "auth_sessions_pkey";--> statement-breakpoint
ALTER TABLE "auth_sessions" ALTER COLUMN "tenant_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "sms_code_sends" DROP CONSTRAINT "sms_code_sends_pkey";--> statement-breakpoint
ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_pkey";--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "tenant_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox_messages" DROP CONSTRAINT "outbox_messages_pkey";--> statement-breakpoint
ALTER TABLE "outbox_messages" ALTER COLUMN "tenant_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "auth_challenges" ADD CONSTRAINT "auth_challenges_tenant_id_id_pk" PRIMARY KEY("tenant_id","id");--> statement-breakpoint
ALTER TABLE "auth_sessions" ADD CONSTRAINT "auth_sessions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id");--> statement-breakpoint
ALTER TABLE "sms_code_sends" ADD CONSTRAINT "sms_code_sends_tenant_id_id_pk" PRIMARY KEY("tenant_id","id");--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_tenant_id_id_pk" PRIMARY KEY("tenant_id","id");--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD CONSTRAINT "outbox_messages_tenant_id_id_pk" PRIMARY KEY("tenant_id","id");--> statement-breakpoint
ALTER TABLE "sms_code_sends" ADD CONSTRAINT "sms_code_sends_challenge_fk" FOREIGN KEY ("tenant_id","challenge_id") REFERENCES "public"."auth_challenges"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "auth_challenges_subject_idx" ON "auth_challenges" USING btree ("tenant_id","subject_id","created_at");--> statement-breakpoint
CREATE INDEX "auth_sessions_subject_idx" ON "auth_sessions" USING btree ("tenant_id","subject_id");--> statement-breakpoint
CREATE INDEX "sms_code_sends_subject_idx" ON "sms_code_sends" USING btree ("tenant_id","subject_id","sent_at");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_messages_idempotency_key" ON "outbox_messages" USING btree ("tenant_id","idempotency_key");
