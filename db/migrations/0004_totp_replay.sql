ALTER TABLE "staff_users" ADD COLUMN "totp_last_step" integer;--> statement-breakpoint
ALTER TABLE "platform_operators" ADD COLUMN "totp_last_step" integer;