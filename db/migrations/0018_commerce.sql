CREATE TABLE "commerce_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"shop_enabled" boolean DEFAULT false NOT NULL,
	"open_to_new_visitors" boolean DEFAULT false NOT NULL,
	"allow_skip" boolean DEFAULT true NOT NULL,
	"allow_pause" boolean DEFAULT true NOT NULL,
	"max_pause_days" integer DEFAULT 90 NOT NULL,
	"allow_reschedule" boolean DEFAULT true NOT NULL,
	"reschedule_window_days" integer DEFAULT 14 NOT NULL,
	"allow_cancel" boolean DEFAULT true NOT NULL,
	"retry_days" integer[] DEFAULT '{1,3,7}'::integer[] NOT NULL,
	"requirements_due_days" integer DEFAULT 7 NOT NULL,
	"teams" text[] DEFAULT '{"Clinical review","Fulfilment","Support"}'::text[] NOT NULL,
	"next_order_number" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "commerce_settings_pause" CHECK ("commerce_settings"."max_pause_days" between 1 and 365),
	CONSTRAINT "commerce_settings_reschedule" CHECK ("commerce_settings"."reschedule_window_days" between 0 and 90),
	CONSTRAINT "commerce_settings_requirements_due" CHECK ("commerce_settings"."requirements_due_days" between 1 and 90),
	CONSTRAINT "commerce_settings_retry_days" CHECK (cardinality("commerce_settings"."retry_days") <= 6),
	CONSTRAINT "commerce_settings_next_order" CHECK ("commerce_settings"."next_order_number" > 0)
);
--> statement-breakpoint
CREATE TABLE "coupon_products" (
	"tenant_id" uuid NOT NULL,
	"coupon_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	CONSTRAINT "coupon_products_tenant_id_coupon_id_product_id_pk" PRIMARY KEY("tenant_id","coupon_id","product_id")
);
--> statement-breakpoint
CREATE TABLE "coupon_redemptions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"coupon_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"amount" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "coupon_redemptions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "coupon_redemptions_amount" CHECK ("coupon_redemptions"."amount" >= 0)
);
--> statement-breakpoint
CREATE TABLE "coupons" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"code_key" text NOT NULL,
	"description" text,
	"kind" text NOT NULL,
	"percent_bp" integer,
	"amount_off" integer,
	"valid_from" timestamp with time zone,
	"valid_to" timestamp with time zone,
	"applies_to_all" boolean DEFAULT true NOT NULL,
	"max_redemptions" integer,
	"per_patient_limit" integer,
	"first_order_only" boolean DEFAULT false NOT NULL,
	"subscription_cycles" integer,
	"redemption_count" integer DEFAULT 0 NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "coupons_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "coupons_code" CHECK ("coupons"."code" ~ '^[A-Za-z0-9_-]{3,32}$' and "coupons"."code_key" = lower("coupons"."code")),
	CONSTRAINT "coupons_value" CHECK (case "coupons"."kind" when 'percent' then "coupons"."percent_bp" between 1 and 10000 and "coupons"."amount_off" is null else "coupons"."amount_off" > 0 and "coupons"."percent_bp" is null end),
	CONSTRAINT "coupons_validity" CHECK ("coupons"."valid_from" is null or "coupons"."valid_to" is null or "coupons"."valid_from" < "coupons"."valid_to"),
	CONSTRAINT "coupons_limits" CHECK (("coupons"."max_redemptions" is null or "coupons"."max_redemptions" > 0) and ("coupons"."per_patient_limit" is null or "coupons"."per_patient_limit" > 0) and ("coupons"."subscription_cycles" is null or "coupons"."subscription_cycles" > 0)),
	CONSTRAINT "coupons_redemptions" CHECK ("coupons"."redemption_count" >= 0 and ("coupons"."max_redemptions" is null or "coupons"."redemption_count" <= "coupons"."max_redemptions"))
);
--> statement-breakpoint
CREATE TABLE "order_lines" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"product_id" uuid NOT NULL,
	"description" text NOT NULL,
	"quantity" integer NOT NULL,
	"unit_amount" integer NOT NULL,
	"discount_amount" integer DEFAULT 0 NOT NULL,
	"tax_amount" integer DEFAULT 0 NOT NULL,
	"total" integer NOT NULL,
	"phase_position" integer,
	"cycle_number" integer,
	CONSTRAINT "order_lines_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "order_lines_amounts" CHECK ("order_lines"."quantity" between 1 and 100 and "order_lines"."unit_amount" >= 0 and "order_lines"."discount_amount" >= 0 and "order_lines"."tax_amount" >= 0 and "order_lines"."total" = "order_lines"."unit_amount" * "order_lines"."quantity" - "order_lines"."discount_amount" + "order_lines"."tax_amount")
);
--> statement-breakpoint
CREATE TABLE "order_notes" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"staff_id" uuid NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_notes_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "order_notes_body" CHECK (char_length("order_notes"."body") between 1 and 2000)
);
--> statement-breakpoint
CREATE TABLE "order_requirements" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"label" text NOT NULL,
	"template_id" uuid,
	"form_assignment_id" uuid,
	"document_type_id" uuid,
	"document_id" uuid,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_requirements_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "order_requirements_kind" CHECK (("order_requirements"."kind" = 'form') = ("order_requirements"."template_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "order_status_history" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"actor_kind" text NOT NULL,
	"actor_id" uuid,
	"note" text,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_status_history_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"number" integer NOT NULL,
	"patient_id" uuid NOT NULL,
	"account_id" uuid,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"subscription_id" uuid,
	"invoice_id" uuid,
	"coupon_id" uuid,
	"currency" text NOT NULL,
	"subtotal" integer NOT NULL,
	"discount_total" integer DEFAULT 0 NOT NULL,
	"tax_total" integer DEFAULT 0 NOT NULL,
	"total" integer NOT NULL,
	"ship_name" text,
	"ship_line1" text,
	"ship_line2" text,
	"ship_city" text,
	"ship_region" text,
	"ship_postal_code" text,
	"ship_country" text,
	"assigned_staff_id" uuid,
	"assigned_team" text,
	"requirements_due_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"cancel_reason" text,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "orders_currency" CHECK ("orders"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "orders_totals" CHECK ("orders"."subtotal" >= 0 and "orders"."discount_total" >= 0 and "orders"."tax_total" >= 0 and "orders"."total" = "orders"."subtotal" - "orders"."discount_total" + "orders"."tax_total"),
	CONSTRAINT "orders_number" CHECK ("orders"."number" > 0)
);
--> statement-breakpoint
CREATE TABLE "product_phases" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"product_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"unit_amount" integer NOT NULL,
	"interval_unit" text NOT NULL,
	"interval_count" integer NOT NULL,
	"cycles" integer,
	CONSTRAINT "product_phases_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "product_phases_amount" CHECK ("product_phases"."unit_amount" >= 0),
	CONSTRAINT "product_phases_interval" CHECK ("product_phases"."interval_count" between 1 and 365),
	CONSTRAINT "product_phases_cycles" CHECK ("product_phases"."cycles" is null or "product_phases"."cycles" between 1 and 1000)
);
--> statement-breakpoint
CREATE TABLE "product_required_forms" (
	"tenant_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"template_id" uuid NOT NULL,
	CONSTRAINT "product_required_forms_tenant_id_product_id_template_id_pk" PRIMARY KEY("tenant_id","product_id","template_id")
);
--> statement-breakpoint
CREATE TABLE "product_required_uploads" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"product_id" uuid NOT NULL,
	"label" text NOT NULL,
	"document_type_id" uuid,
	CONSTRAINT "product_required_uploads_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "product_required_uploads_label" CHECK (char_length("product_required_uploads"."label") between 1 and 120)
);
--> statement-breakpoint
CREATE TABLE "products" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"category" text,
	"kind" text NOT NULL,
	"unit_amount" integer,
	"visibility" text DEFAULT 'portal' NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"taxable" boolean DEFAULT true NOT NULL,
	"requires_shipping" boolean DEFAULT true NOT NULL,
	"image_key" text,
	"image_alt" text,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "products_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "products_name" CHECK (char_length("products"."name") between 1 and 120),
	CONSTRAINT "products_description" CHECK (char_length("products"."description") <= 4000),
	CONSTRAINT "products_price" CHECK (("products"."kind" = 'one_time') = ("products"."unit_amount" is not null) and ("products"."unit_amount" is null or "products"."unit_amount" >= 0))
);
--> statement-breakpoint
CREATE TABLE "shipments" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"carrier" text NOT NULL,
	"tracking_number" text NOT NULL,
	"status" text DEFAULT 'label_created' NOT NULL,
	"exception_note" text,
	"shipped_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shipments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "shipments_tracking" CHECK ("shipments"."tracking_number" ~ '^[A-Za-z0-9-]{4,40}$')
);
--> statement-breakpoint
CREATE TABLE "subscription_events" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"subscription_id" uuid NOT NULL,
	"action" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"actor_kind" text NOT NULL,
	"actor_id" uuid,
	"details" text,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscription_events_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "subscription_renewals" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"subscription_id" uuid NOT NULL,
	"cycle_number" integer NOT NULL,
	"status" text DEFAULT 'charging' NOT NULL,
	"order_id" uuid,
	"invoice_id" uuid,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_payment_id" uuid,
	"lease_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscription_renewals_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "subscription_renewals_cycle" CHECK ("subscription_renewals"."cycle_number" > 0)
);
--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"patient_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"first_order_id" uuid,
	"status" text NOT NULL,
	"phase_position" integer DEFAULT 0 NOT NULL,
	"cycles_in_phase" integer DEFAULT 0 NOT NULL,
	"cycles_billed" integer DEFAULT 0 NOT NULL,
	"anchor_day" integer NOT NULL,
	"next_cycle_at" timestamp with time zone,
	"paused_until" date,
	"saved_card_id" uuid,
	"coupon_id" uuid,
	"coupon_cycles_left" integer,
	"failed_attempts" integer DEFAULT 0 NOT NULL,
	"next_retry_at" timestamp with time zone,
	"past_due_since" timestamp with time zone,
	"cancel_reason" text,
	"cancelled_by" text,
	"cancelled_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscriptions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "subscriptions_anchor_day" CHECK ("subscriptions"."anchor_day" between 1 and 31),
	CONSTRAINT "subscriptions_counts" CHECK ("subscriptions"."phase_position" >= 0 and "subscriptions"."cycles_in_phase" >= 0 and "subscriptions"."cycles_billed" >= 0 and "subscriptions"."failed_attempts" >= 0),
	CONSTRAINT "subscriptions_cancelled" CHECK (("subscriptions"."status" = 'cancelled') = ("subscriptions"."cancelled_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "commerce_settings" ADD CONSTRAINT "commerce_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupon_products" ADD CONSTRAINT "coupon_products_coupon_fk" FOREIGN KEY ("tenant_id","coupon_id") REFERENCES "public"."coupons"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupon_products" ADD CONSTRAINT "coupon_products_product_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupon_redemptions" ADD CONSTRAINT "coupon_redemptions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupon_redemptions" ADD CONSTRAINT "coupon_redemptions_coupon_fk" FOREIGN KEY ("tenant_id","coupon_id") REFERENCES "public"."coupons"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupon_redemptions" ADD CONSTRAINT "coupon_redemptions_patient_fk" FOREIGN KEY ("tenant_id","patient_id") REFERENCES "public"."patients"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupon_redemptions" ADD CONSTRAINT "coupon_redemptions_order_fk" FOREIGN KEY ("tenant_id","order_id") REFERENCES "public"."orders"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupons" ADD CONSTRAINT "coupons_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_order_fk" FOREIGN KEY ("tenant_id","order_id") REFERENCES "public"."orders"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_product_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_notes" ADD CONSTRAINT "order_notes_order_fk" FOREIGN KEY ("tenant_id","order_id") REFERENCES "public"."orders"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_notes" ADD CONSTRAINT "order_notes_staff_fk" FOREIGN KEY ("tenant_id","staff_id") REFERENCES "public"."staff_users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_requirements" ADD CONSTRAINT "order_requirements_order_fk" FOREIGN KEY ("tenant_id","order_id") REFERENCES "public"."orders"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_requirements" ADD CONSTRAINT "order_requirements_template_fk" FOREIGN KEY ("tenant_id","template_id") REFERENCES "public"."form_templates"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_requirements" ADD CONSTRAINT "order_requirements_assignment_fk" FOREIGN KEY ("tenant_id","form_assignment_id") REFERENCES "public"."form_assignments"("tenant_id","id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_requirements" ADD CONSTRAINT "order_requirements_type_fk" FOREIGN KEY ("tenant_id","document_type_id") REFERENCES "public"."document_types"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_requirements" ADD CONSTRAINT "order_requirements_document_fk" FOREIGN KEY ("tenant_id","document_id") REFERENCES "public"."documents"("tenant_id","id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_status_history" ADD CONSTRAINT "order_status_history_order_fk" FOREIGN KEY ("tenant_id","order_id") REFERENCES "public"."orders"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_patient_fk" FOREIGN KEY ("tenant_id","patient_id") REFERENCES "public"."patients"("tenant_id","id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_account_fk" FOREIGN KEY ("tenant_id","account_id") REFERENCES "public"."portal_accounts"("tenant_id","id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_invoice_fk" FOREIGN KEY ("tenant_id","invoice_id") REFERENCES "public"."invoices"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_coupon_fk" FOREIGN KEY ("tenant_id","coupon_id") REFERENCES "public"."coupons"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_staff_fk" FOREIGN KEY ("tenant_id","assigned_staff_id") REFERENCES "public"."staff_users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_phases" ADD CONSTRAINT "product_phases_product_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_required_forms" ADD CONSTRAINT "product_required_forms_product_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_required_forms" ADD CONSTRAINT "product_required_forms_template_fk" FOREIGN KEY ("tenant_id","template_id") REFERENCES "public"."form_templates"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_required_uploads" ADD CONSTRAINT "product_required_uploads_product_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_required_uploads" ADD CONSTRAINT "product_required_uploads_type_fk" FOREIGN KEY ("tenant_id","document_type_id") REFERENCES "public"."document_types"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_order_fk" FOREIGN KEY ("tenant_id","order_id") REFERENCES "public"."orders"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_staff_fk" FOREIGN KEY ("tenant_id","created_by_id") REFERENCES "public"."staff_users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_events" ADD CONSTRAINT "subscription_events_subscription_fk" FOREIGN KEY ("tenant_id","subscription_id") REFERENCES "public"."subscriptions"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_renewals" ADD CONSTRAINT "subscription_renewals_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_renewals" ADD CONSTRAINT "subscription_renewals_subscription_fk" FOREIGN KEY ("tenant_id","subscription_id") REFERENCES "public"."subscriptions"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_renewals" ADD CONSTRAINT "subscription_renewals_order_fk" FOREIGN KEY ("tenant_id","order_id") REFERENCES "public"."orders"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_renewals" ADD CONSTRAINT "subscription_renewals_invoice_fk" FOREIGN KEY ("tenant_id","invoice_id") REFERENCES "public"."invoices"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_renewals" ADD CONSTRAINT "subscription_renewals_payment_fk" FOREIGN KEY ("tenant_id","last_payment_id") REFERENCES "public"."payments"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_patient_fk" FOREIGN KEY ("tenant_id","patient_id") REFERENCES "public"."patients"("tenant_id","id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_product_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_card_fk" FOREIGN KEY ("tenant_id","saved_card_id") REFERENCES "public"."saved_cards"("tenant_id","id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_coupon_fk" FOREIGN KEY ("tenant_id","coupon_id") REFERENCES "public"."coupons"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_first_order_fk" FOREIGN KEY ("tenant_id","first_order_id") REFERENCES "public"."orders"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "coupon_redemptions_order_key" ON "coupon_redemptions" USING btree ("tenant_id","coupon_id","order_id");--> statement-breakpoint
CREATE INDEX "coupon_redemptions_patient_idx" ON "coupon_redemptions" USING btree ("tenant_id","coupon_id","patient_id");--> statement-breakpoint
CREATE UNIQUE INDEX "coupons_code_key" ON "coupons" USING btree ("tenant_id","code_key");--> statement-breakpoint
CREATE UNIQUE INDEX "order_lines_position_key" ON "order_lines" USING btree ("tenant_id","order_id","position");--> statement-breakpoint
CREATE INDEX "order_notes_order_idx" ON "order_notes" USING btree ("tenant_id","order_id","created_at");--> statement-breakpoint
CREATE INDEX "order_requirements_order_idx" ON "order_requirements" USING btree ("tenant_id","order_id");--> statement-breakpoint
CREATE INDEX "order_requirements_assignment_idx" ON "order_requirements" USING btree ("tenant_id","form_assignment_id");--> statement-breakpoint
CREATE INDEX "order_status_history_order_idx" ON "order_status_history" USING btree ("tenant_id","order_id","occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_number_key" ON "orders" USING btree ("tenant_id","number");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_invoice_key" ON "orders" USING btree ("tenant_id","invoice_id");--> statement-breakpoint
CREATE INDEX "orders_patient_idx" ON "orders" USING btree ("tenant_id","patient_id","created_at");--> statement-breakpoint
CREATE INDEX "orders_status_idx" ON "orders" USING btree ("tenant_id","status","created_at");--> statement-breakpoint
CREATE INDEX "orders_subscription_idx" ON "orders" USING btree ("tenant_id","subscription_id");--> statement-breakpoint
CREATE UNIQUE INDEX "product_phases_position_key" ON "product_phases" USING btree ("tenant_id","product_id","position");--> statement-breakpoint
CREATE INDEX "product_required_uploads_product_idx" ON "product_required_uploads" USING btree ("tenant_id","product_id");--> statement-breakpoint
CREATE INDEX "products_list_idx" ON "products" USING btree ("tenant_id","status","position");--> statement-breakpoint
CREATE UNIQUE INDEX "shipments_tracking_key" ON "shipments" USING btree ("tenant_id","carrier","tracking_number");--> statement-breakpoint
CREATE INDEX "shipments_order_idx" ON "shipments" USING btree ("tenant_id","order_id");--> statement-breakpoint
CREATE INDEX "shipments_status_idx" ON "shipments" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE INDEX "subscription_events_subscription_idx" ON "subscription_events" USING btree ("tenant_id","subscription_id","occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "subscription_renewals_cycle_key" ON "subscription_renewals" USING btree ("tenant_id","subscription_id","cycle_number");--> statement-breakpoint
CREATE INDEX "subscriptions_patient_idx" ON "subscriptions" USING btree ("tenant_id","patient_id");--> statement-breakpoint
CREATE INDEX "subscriptions_due_idx" ON "subscriptions" USING btree ("next_cycle_at") WHERE "subscriptions"."status" = 'active';--> statement-breakpoint
CREATE INDEX "subscriptions_retry_idx" ON "subscriptions" USING btree ("next_retry_at") WHERE "subscriptions"."status" = 'past_due';--> statement-breakpoint
CREATE INDEX "subscriptions_paused_idx" ON "subscriptions" USING btree ("paused_until") WHERE "subscriptions"."status" = 'paused';--> statement-breakpoint
-- An order's status history is a record: a correction is a new row, never an edit.
CREATE TRIGGER order_status_history_append_only
  BEFORE UPDATE OR DELETE ON order_status_history
  FOR EACH ROW WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION billing_refuse_change();
--> statement-breakpoint
-- The built-in levels of existing clinics get the commerce permissions new clinics are created
-- with (lib/access/permissions.ts).
UPDATE "access_levels" SET "permissions" = array(SELECT DISTINCT unnest("permissions" || ARRAY['commerce.catalog', 'orders.view', 'orders.manage']))
  WHERE "builtin_key" = 'admin';
--> statement-breakpoint
UPDATE "access_levels" SET "permissions" = array(SELECT DISTINCT unnest("permissions" || ARRAY['orders.view', 'orders.manage']))
  WHERE "builtin_key" IN ('operations', 'physician');
--> statement-breakpoint
UPDATE "access_levels" SET "permissions" = array(SELECT DISTINCT unnest("permissions" || ARRAY['orders.view']))
  WHERE "builtin_key" = 'support';
--> statement-breakpoint
UPDATE "access_levels" SET "permissions" = array(SELECT DISTINCT unnest("permissions" || ARRAY['commerce.catalog']))
  WHERE "builtin_key" = 'marketing';
